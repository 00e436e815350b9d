// Limits and hostile input: huge lines, NUL bytes, error storms, too many recipients, clients
// that vanish, HTTP on the mail port, broken MIME, full mailboxes and idle connections. The
// server answers with the protocol's error and keeps serving everyone else.
import v8 from "node:v8";
import vm from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { headerOf, SmtpClient, splitTrace, startSmtpServer, waitFor, type SmtpTestServer } from "../helpers/smtp";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

async function openTransaction(client: SmtpClient, to: string[]) {
  expect((await client.command("MAIL FROM:<alice@remote.test>")).code).toBe(250);
  for (const rcpt of to) expect((await client.command(`RCPT TO:<${rcpt}>`)).code).toBe(250);
}

describe("limits and hostile input", () => {
  let t: SmtpTestServer;
  beforeAll(async () => {
    t = await startSmtpServer({ env: { SMTP_MAX_RECIPIENTS: "3" } });
  });
  afterAll(async () => t?.cleanup());

  it("answers a 10 MB line without LF with 500 5.5.2 once it ends, and the next command works", async () => {
    const client = await SmtpClient.open(t.port);
    await client.ehlo();
    await client.write(Buffer.alloc(10 * 1024 * 1024, "A"));
    await client.write("\r\nNOOP\r\n");
    const tooLong = await client.reply(20_000);
    expect([tooLong.code, tooLong.enhanced]).toEqual([500, "5.5.2"]);
    expect(tooLong.lines[0]).toMatch(/too long/i);
    expect((await client.reply()).code).toBe(250);
    // The session is intact: a whole transaction still works.
    const reply = await client.send("alice@remote.test", ["bob@example.test"], "Subject: after the long line\r\n\r\nx\r\n");
    expect(reply.code).toBe(250);
    await client.quit();
  });

  it("answers 500 5.5.2 to NUL bytes in a command and goes on", async () => {
    const client = await SmtpClient.open(t.port);
    await client.ehlo();
    const nul = await client.command("NOOP\0");
    expect([nul.code, nul.enhanced]).toEqual([500, "5.5.2"]);
    const mail = await client.command("MAIL FROM:<alice\0@remote.test>");
    expect([mail.code, mail.enhanced]).toEqual([500, "5.5.2"]);
    const rcpt = await client.command("\0\0\0");
    expect(rcpt.code).toBe(500);
    // The refused MAIL opened no transaction.
    expect((await client.command("MAIL FROM:<alice@remote.test>")).code).toBe(250);
    await client.quit();
  });

  it("closes the connection with 421 after too many bad commands", async () => {
    const client = await SmtpClient.open(t.port);
    await client.ehlo();
    let errors = 0;
    let closing: { code: number; enhanced: string | null } | null = null;
    for (let i = 0; i < 12 && !closing; i++) {
      await client.write(`XYZZY${i}\r\n`);
      const reply = await client.reply();
      if (reply.code === 421) closing = reply;
      else {
        expect(reply.code).toBe(500);
        errors++;
        // The 421 may come in the same segment as the last 500.
        if (client.pending.length) {
          const next = await client.reply();
          expect(next.code).toBe(421);
          closing = next;
        }
      }
    }
    expect(closing).toMatchObject({ code: 421, enhanced: "4.7.0" });
    expect(errors).toBeGreaterThanOrEqual(3);
    expect(errors).toBeLessThanOrEqual(10);
    await client.waitClosed(3000);
  });

  it("does not buffer unbounded replies for a client that pipelines commands and never reads (backpressure)", async () => {
    const client = await SmtpClient.open(t.port);
    client.pauseReading();
    gc();
    const before = process.memoryUsage().heapUsed;
    // 2 MB of EHLO: about 65 MB of replies. The server lives in this process, so what it holds shows here.
    await client.write(Buffer.from("EHLO x\r\n".repeat(256 * 1024)));
    let last = 0;
    for (let waited = 0; waited < 3000; waited += 200) {
      await sleep(200);
      const now = process.memoryUsage().heapUsed;
      if (waited >= 600 && Math.abs(now - last) < 1e6) break;
      last = now;
    }
    gc();
    const grown = process.memoryUsage().heapUsed - before;
    client.destroy();
    expect(grown / 1e6, "MB of heap held for one client that does not read").toBeLessThan(16);
  });

  it("refuses recipients past SMTP_MAX_RECIPIENTS with 452 4.5.3 and delivers to the others", async () => {
    const client = await SmtpClient.open(t.port);
    await client.ehlo();
    expect((await client.command("MAIL FROM:<alice@remote.test>")).code).toBe(250);
    for (const rcpt of ["bob@example.test", "carol@example.test", "team@example.test"]) expect((await client.command(`RCPT TO:<${rcpt}>`)).code).toBe(250);
    const fourth = await client.command("RCPT TO:<bob+more@example.test>");
    expect([fourth.code, fourth.enhanced]).toEqual([452, "4.5.3"]);
    expect((await client.command("DATA")).code).toBe(354);
    await client.write("Subject: four recipients\r\n\r\nx\r\n.\r\n");
    expect((await client.reply()).code).toBe(250);
    await client.quit();
    for (const address of ["bob@example.test", "carol@example.test"]) {
      const copies = (await t.inbox(address)).filter((m) => headerOf(m, "Subject") === "four recipients");
      expect(copies).toHaveLength(1);
    }
  });

  it("stores nothing when the client vanishes mid-DATA, and keeps serving", async () => {
    const before = await t.totalMessages();
    const client = await SmtpClient.open(t.port);
    await client.ehlo();
    await openTransaction(client, ["bob@example.test"]);
    expect((await client.command("DATA")).code).toBe(354);
    await client.write("Subject: vanished\r\n\r\nhalf a message\r\n.");
    client.destroy();
    await sleep(50);

    const next = await SmtpClient.open(t.port);
    await next.ehlo();
    expect((await next.send("alice@remote.test", ["bob@example.test"], "Subject: next client\r\n\r\nx\r\n")).code).toBe(250);
    await next.quit();
    expect(await t.totalMessages()).toBe(before + 1);
    expect((await t.inbox("bob@example.test")).map((m) => headerOf(m, "Subject"))).not.toContain("vanished");
  });

  it.each([
    ["GET / HTTP/1.1\r\nHost: mx.example.test\r\n\r\n"],
    ["POST /submit HTTP/1.0\r\nContent-Length: 20\r\n\r\nMAIL FROM:<a@b.test>\r\n"],
    ["CONNECT mx.example.test:25 HTTP/1.1\r\n\r\n"],
  ])("closes the connection on an HTTP request line: %j", async (request) => {
    const client = await SmtpClient.open(t.port);
    await client.write(request);
    const rest = await client.waitClosed(3000);
    // No SMTP reply to any line of it (a cross-protocol attack gets nothing to work with).
    expect(rest).not.toMatch(/^\d{3}[ -]/m);
  });

  const BROKEN: [string, string][] = [
    [
      "multipart without its closing boundary",
      'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b1"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\npart one\r\n--b1\r\nContent-Type: text/html\r\n\r\n<p>unterminated\r\n',
    ],
    ["multipart without a boundary parameter", "MIME-Version: 1.0\r\nContent-Type: multipart/alternative\r\n\r\n--x\r\nhello\r\n--x--\r\n"],
    ["unknown charset", "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=x-no-such-charset\r\nContent-Transfer-Encoding: 8bit\r\n\r\nGr\xfc\xdfe \xe9\xe8\r\n"],
    ["invalid UTF-8 in a utf-8 part", "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n\xc3\x28 \xe2\x82 \xff\xfe\r\n"],
    ["bogus encoded words", "Subject2: =?x-bogus?Q?=ZZ?= =?utf-8?B?!!!?= =?utf-8?Q?unterminated\r\nFrom: =?utf-8?B?////?= <x@remote.test>\r\n\r\nx\r\n"],
    ["invalid base64 and quoted-printable", 'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="q"\r\n\r\n--q\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!not*base64***\r\n--q\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n=ZZ=\r\n=4\r\n--q--\r\n'],
    ["header lines without a colon and no body", "This is not a header\r\nNor: \xff\xfe\r\n"],
    ["nested message/rfc822 with garbage", "MIME-Version: 1.0\r\nContent-Type: message/rfc822\r\n\r\n\x00\x01garbage without headers\r\n"],
    [
      "multipart nested 300 levels deep",
      Array.from({ length: 300 }, (_, i) => `Content-Type: multipart/mixed; boundary="n${i}"\r\n\r\n--n${i}\r\n`).join("") + "Content-Type: text/plain\r\n\r\ndeep\r\n",
    ],
    ["a 20 KB folded header", `X-Long: ${Array.from({ length: 2000 }, (_, i) => `word${i}`).join("\r\n ")}\r\n\r\nbody\r\n`],
  ];

  it.each(BROKEN)("delivers a message with %s, byte for byte", async (name, text) => {
    const message = Buffer.from(`From: alice@remote.test\r\nTo: bob@example.test\r\nSubject: broken ${name}\r\n${text}`, "latin1");
    const client = await SmtpClient.open(t.port);
    await client.ehlo();
    const reply = await client.send("alice@remote.test", ["bob@example.test"], message, "BODY=8BITMIME");
    expect(reply.code).toBe(250);
    await client.quit();
    const stored = (await t.inbox("bob@example.test")).filter((m) => headerOf(m, "Subject") === `broken ${name}`);
    expect(stored).toHaveLength(1);
    const expected = message.toString("latin1").endsWith("\r\n") ? message : Buffer.concat([message, Buffer.from("\r\n")]);
    expect(splitTrace(stored[0]).message.equals(expected)).toBe(true);
  });

  it("answers a message whose header is folded into 60,000 lines within 3 s, without stalling the process", async () => {
    // 240 KB of header, well under MAX_MESSAGE_SIZE: a cheap message any client may send.
    const message = Buffer.from(`From: alice@remote.test\r\nSubject: folded flood\r\nX-Folded: a${"\r\n a".repeat(60_000)}\r\n\r\nbody\r\n`);
    const client = await SmtpClient.open(t.port);
    await client.ehlo();
    await openTransaction(client, ["bob@example.test"]);
    expect((await client.command("DATA")).code).toBe(354);
    // The server runs in this process: a stalled event loop shows as a gap between these ticks,
    // and while it lasts no other SMTP (or IMAP, POP3) client of the process is served.
    let stalled = 0;
    let last = Date.now();
    const ticker = setInterval(() => {
      const now = Date.now();
      stalled = Math.max(stalled, now - last);
      last = now;
    }, 10);
    const started = Date.now();
    try {
      await client.write(Buffer.concat([message, Buffer.from(".\r\n")]));
      expect((await client.reply(60_000)).code).toBe(250);
    } finally {
      clearInterval(ticker);
    }
    const elapsed = Date.now() - started;
    await client.quit();
    expect(stalled, `event loop stalled for ${stalled} ms (delivery took ${elapsed} ms)`).toBeLessThan(500);
    expect(elapsed, "delivery time (ms)").toBeLessThan(3000);
  });

  it("refuses RCPT with 452 4.2.2 for a full mailbox, and an alias delivers only to targets with room", async () => {
    await t.store.accounts.addAccount({ address: "tiny@example.test", password: "small mailbox passphrase", quotaBytes: 1000 });
    await t.store.accounts.addAlias("both@example.test", "tiny@example.test");
    await t.store.accounts.addAlias("both@example.test", "carol@example.test");
    const client = await SmtpClient.open(t.port);
    await client.ehlo();

    // A declared size that does not fit is refused before any byte is sent.
    expect((await client.command("MAIL FROM:<alice@remote.test> SIZE=5000")).code).toBe(250);
    const declared = await client.command("RCPT TO:<tiny@example.test>");
    expect([declared.code, declared.enhanced]).toEqual([452, "4.2.2"]);
    expect((await client.command("RSET")).code).toBe(250);

    // Not full yet: accepted, and this message uses the quota up.
    expect((await client.send("alice@remote.test", ["tiny@example.test"], `Subject: fills the quota\r\n\r\n${"z".repeat(3000)}\r\n`)).code).toBe(250);

    expect((await client.command("MAIL FROM:<alice@remote.test>")).code).toBe(250);
    const full = await client.command("RCPT TO:<tiny@example.test>");
    expect([full.code, full.enhanced]).toEqual([452, "4.2.2"]);
    expect((await client.command("RCPT TO:<both@example.test>")).code).toBe(250);
    expect((await client.command("DATA")).code).toBe(354);
    await client.write("Subject: to both\r\n\r\nx\r\n.\r\n");
    expect((await client.reply()).code).toBe(250);
    await client.quit();

    expect((await t.inbox("tiny@example.test")).map((m) => headerOf(m, "Subject"))).toEqual(["fills the quota"]);
    expect((await t.inbox("carol@example.test")).map((m) => headerOf(m, "Subject"))).toContain("to both");
  });
});

describe("idle timeout (SMTP_IDLE_TIMEOUT=1s)", () => {
  let t: SmtpTestServer;
  beforeAll(async () => {
    t = await startSmtpServer({ env: { SMTP_IDLE_TIMEOUT: "1s" } });
  });
  afterAll(async () => t?.cleanup());

  it("answers 421 4.4.2 and closes an idle connection", async () => {
    const client = await SmtpClient.open(t.port);
    const started = Date.now();
    const reply = await client.reply(4000);
    const waited = Date.now() - started;
    expect([reply.code, reply.enhanced]).toEqual([421, "4.4.2"]);
    expect(waited).toBeGreaterThanOrEqual(800);
    expect(waited).toBeLessThan(3000);
    await client.waitClosed(3000);
  });

  it("keeps a connection that talks more often than the timeout", async () => {
    const client = await SmtpClient.open(t.port);
    await client.ehlo();
    for (let i = 0; i < 3; i++) {
      await sleep(600);
      expect((await client.command("NOOP")).code).toBe(250);
    }
    await client.quit();
  });

  it("times out a client that stalls mid-DATA and stores nothing", async () => {
    const before = await t.totalMessages();
    const client = await SmtpClient.open(t.port);
    await client.ehlo();
    await openTransaction(client, ["bob@example.test"]);
    expect((await client.command("DATA")).code).toBe(354);
    await client.write("Subject: stalled\r\n\r\nand then nothing");
    const reply = await client.reply(4000);
    expect([reply.code, reply.enhanced]).toEqual([421, "4.4.2"]);
    await client.waitClosed(3000);
    await sleep(50);
    expect(await t.totalMessages()).toBe(before);
  });
});

describe("the server survives all of it", () => {
  it("a fresh server delivers after a burst of hostile connections", async () => {
    const t = await startSmtpServer();
    try {
      const hostile = await Promise.all(
        Array.from({ length: 20 }, async (_, i) => {
          const client = await SmtpClient.connect(t.port);
          await client.write(i % 2 ? Buffer.alloc(64 * 1024, i) : `EHLO x\r\nMAIL FROM:<a@b.test>\r\nDATA\r\n${"\0".repeat(100)}\r\n`);
          client.destroy();
        }),
      );
      expect(hostile).toHaveLength(20);
      const client = await SmtpClient.open(t.port);
      await client.ehlo();
      expect((await client.send("alice@remote.test", ["bob@example.test"], "Subject: survived\r\n\r\nx\r\n")).code).toBe(250);
      await client.quit();
      await waitFor(async () => (await t.inbox("bob@example.test")).length === 1, 2000, "the message");
    } finally {
      await t.cleanup();
    }
  });
});
