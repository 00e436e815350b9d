// SMTP smuggling (end-of-data sequences other than <CRLF>.<CRLF>, CVE-2023-51764 and
// relatives) and STARTTLS command injection (CVE-2011-0411): what a client puts in one place
// must never be read as something else.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { headersOf, SmtpClient, startSmtpServer, type SmtpTestServer } from "../helpers/smtp";

const SEQUENCES: [string, string][] = [
  ["<LF>.<LF>", "\n.\n"],
  ["<CR>.<LF>", "\r.\n"],
  ["<LF>.<CR><LF>", "\n.\r\n"],
  ["<CR><LF>.<LF>", "\r\n.\n"],
  ["<LF>.<CR>", "\n.\r"],
  ["<CR>.<CR>", "\r.\r"],
  ["<CR><LF>.<CR>", "\r\n.\r"],
];

function smuggling(tag: string, sequence: string): Buffer {
  return Buffer.from(
    `From: alice@remote.test\r\nTo: bob@example.test\r\nSubject: carrier ${tag}\r\n\r\nInnocent text` +
      sequence +
      "MAIL FROM:<evil@remote.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n" +
      `From: ceo@example.test\r\nTo: bob@example.test\r\nSubject: smuggled ${tag}\r\n\r\nPlease wire the money.\r\n` +
      "\r\n.\r\n",
    "latin1",
  );
}

/** The Subject of each stored message of bob's (a smuggled message would have its own). */
async function bobSubjects(t: SmtpTestServer): Promise<string[]> {
  return (await t.inbox("bob@example.test")).flatMap((m) => headersOf(m, "Subject"));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("SMTP smuggling", () => {
  let t: SmtpTestServer;
  beforeAll(async () => {
    t = await startSmtpServer();
  });
  afterAll(async () => t?.cleanup());

  it.each(SEQUENCES)("a body with %s never ends the data: one reply, no second message", async (name, sequence) => {
    const tag = name.replace(/[<>]/g, "");
    const before = await t.totalMessages();
    const client = await SmtpClient.open(t.port);
    await client.ehlo();
    expect((await client.command("MAIL FROM:<alice@remote.test>")).code).toBe(250);
    expect((await client.command("RCPT TO:<bob@example.test>")).code).toBe(250);
    expect((await client.command("DATA")).code).toBe(354);
    await client.write(smuggling(tag, sequence));
    const reply = await client.reply();
    // Bare CR or LF is refused outright (RFC 5321 §2.3.8), as Postfix's smtpd_forbid_bare_newline does.
    expect([reply.code, reply.enhanced]).toEqual([550, "5.6.11"]);
    // Exactly one reply: the smuggled MAIL/RCPT/DATA were content, never commands.
    expect(await client.unsolicited(150)).toBe("");
    expect((await client.command("NOOP")).code).toBe(250);
    await client.quit();

    const after = await t.totalMessages();
    expect(after - before).toBeLessThanOrEqual(1);
    expect(await bobSubjects(t)).not.toContain(`smuggled ${tag}`);
  });

  it("does not end the data on a smuggling sequence split across TCP segments", async () => {
    const before = await t.totalMessages();
    const client = await SmtpClient.open(t.port);
    await client.ehlo();
    expect((await client.command("MAIL FROM:<alice@remote.test>")).code).toBe(250);
    expect((await client.command("RCPT TO:<bob@example.test>")).code).toBe(250);
    expect((await client.command("DATA")).code).toBe(354);
    const bytes = smuggling("split", "\n.\n");
    const at = bytes.indexOf("\n.\n");
    await client.write(bytes.subarray(0, at + 1));
    await sleep(20);
    await client.write(bytes.subarray(at + 1, at + 2));
    await sleep(20);
    await client.write(bytes.subarray(at + 2));
    const reply = await client.reply();
    expect(reply.code).toBe(550);
    expect(await client.unsolicited(150)).toBe("");
    await client.quit();
    expect((await t.totalMessages()) - before).toBe(0);
    expect(await bobSubjects(t)).not.toContain("smuggled split");
  });

  it("does end the data on <CR><LF>.<CR><LF> split byte by byte, and pipelined commands after it run", async () => {
    const client = await SmtpClient.open(t.port);
    await client.ehlo();
    expect((await client.command("MAIL FROM:<alice@remote.test>")).code).toBe(250);
    expect((await client.command("RCPT TO:<bob@example.test>")).code).toBe(250);
    expect((await client.command("DATA")).code).toBe(354);
    await client.write("From: alice@remote.test\r\nSubject: byte by byte\r\n\r\nbody");
    for (const byte of ["\r", "\n", ".", "\r", "\n"]) {
      await sleep(10);
      await client.write(byte);
    }
    expect((await client.reply()).code).toBe(250);
    // The end of data with the next command in the same segment.
    expect((await client.command("MAIL FROM:<alice@remote.test>")).code).toBe(250);
    expect((await client.command("RCPT TO:<bob@example.test>")).code).toBe(250);
    expect((await client.command("DATA")).code).toBe(354);
    await client.write("Subject: pipelined end\r\n\r\nx\r\n.\r\nNOOP\r\n");
    expect((await client.reply()).code).toBe(250);
    expect((await client.reply()).code).toBe(250);
    await client.quit();
    expect(await bobSubjects(t)).toEqual(expect.arrayContaining(["byte by byte", "pipelined end"]));
  });
});

describe("STARTTLS command injection", () => {
  let t: SmtpTestServer;
  beforeAll(async () => {
    t = await startSmtpServer();
  });
  afterAll(async () => t?.cleanup());

  async function injected(payload: string): Promise<SmtpClient> {
    const client = await SmtpClient.open(t.port);
    expect(await client.ehlo()).toContain("STARTTLS");
    await client.write(payload);
    const ready = await client.reply();
    expect([ready.code, ready.enhanced]).toEqual([220, "2.0.0"]);
    // Nothing answered in plain text after the 220 (it would also break the handshake).
    expect(client.pending.length).toBe(0);
    await client.startTls();
    return client;
  }

  it("never answers a command sent in the same write as STARTTLS (RSET)", async () => {
    const client = await injected("STARTTLS\r\nRSET\r\n");
    const ehlo = await client.command("EHLO client.example.net");
    // The first reply after the handshake is the EHLO's, not the RSET's "250 2.0.0 Flushed".
    expect(ehlo.code).toBe(250);
    expect(ehlo.lines[0]).toMatch(/^mx\.example\.test Hello client\.example\.net/);
    expect(ehlo.lines.map((l) => l.toUpperCase())).not.toContain("STARTTLS");
    expect(await client.unsolicited(100)).toBe("");
    await client.quit();
  });

  it("forgets an injected MAIL FROM and the EHLO from before TLS", async () => {
    const client = await injected("STARTTLS\r\nMAIL FROM:<evil@remote.test>\r\n");
    // State was reset by TLS: no EHLO yet, so MAIL is refused …
    const mail = await client.command("MAIL FROM:<alice@remote.test>");
    expect([mail.code, mail.enhanced]).toEqual([503, "5.5.1"]);
    await client.ehlo();
    // … and the injected MAIL opened no transaction (no "nested MAIL"), and the sender is ours.
    expect((await client.command("MAIL FROM:<alice@remote.test>")).code).toBe(250);
    expect((await client.command("RCPT TO:<bob@example.test>")).code).toBe(250);
    expect((await client.command("DATA")).code).toBe(354);
    await client.write("Subject: after tls\r\n\r\nsecure\r\n.\r\n");
    expect((await client.reply()).code).toBe(250);
    await client.quit();
    const stored = (await t.messages("bob@example.test")).find((m) => headersOf(m.raw, "Subject").includes("after tls"));
    expect(stored?.envelope).toMatchObject({ from: "alice@remote.test", tls: true });
  });

  it("never runs a whole injected transaction", async () => {
    const before = await t.totalMessages();
    const client = await injected("STARTTLS\r\nEHLO evil\r\nMAIL FROM:<evil@remote.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\nSubject: injected\r\n\r\nx\r\n.\r\n");
    expect((await client.command("NOOP")).code).toBe(250);
    expect(await client.unsolicited(100)).toBe("");
    await client.quit();
    expect(await t.totalMessages()).toBe(before);
  });

  it("drops the connection when plain text follows the 220 instead of a TLS handshake", async () => {
    const client = await SmtpClient.open(t.port);
    await client.ehlo();
    expect((await client.command("STARTTLS")).code).toBe(220);
    await client.write("NOOP\r\n");
    const rest = await client.waitClosed(3000);
    expect(rest).not.toMatch(/^250/m);
  });

  it("answers EHLO and STARTTLS pipelined together (STARTTLS last in the group) and upgrades", async () => {
    const client = await SmtpClient.open(t.port);
    await client.write("EHLO client.example.net\r\nSTARTTLS\r\n");
    expect((await client.reply()).code).toBe(250);
    expect((await client.reply()).code).toBe(220);
    await client.startTls();
    expect(await client.ehlo()).not.toContain("STARTTLS");
    await client.quit();
  });

  it("refuses STARTTLS once TLS is active", async () => {
    const client = await injected("STARTTLS\r\n");
    await client.ehlo();
    const again = await client.command("STARTTLS");
    expect([again.code, again.enhanced]).toEqual([503, "5.5.1"]);
    await client.quit();
  });
});
