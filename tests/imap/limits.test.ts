// The abuse limits of an IMAP connection, one by one: literals refused before they are read,
// failed logins per connection and per address (shared with SMTP AUTH), BAD commands in a row,
// the autologout timer (also during IDLE), and output for a client that stops reading. Line and
// literal limits in their other forms are in protocol.test.ts; hostile.test.ts has the costly
// commands. Timers and delays are shortened through the in-process hooks the server documents
// (IMAP_LIMITS, loginLimiter.options, connectionTimings).
import net from "node:net";
import v8 from "node:v8";
import vm from "node:vm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { IMAP_LIMITS } from "@/lib/mail-server/imap/limits";
import { connectionTimings } from "@/lib/mail-server/net/connection";
import { DEFAULT_LOGIN_LIMITS, loginLimiter } from "@/lib/mail-server/net/login-limiter";
import { crlf, sleep, startImapServer, type ImapTestServer, type TestAccount } from "../helpers/imap";
import { SmtpClient } from "../helpers/smtp";

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

const savedImapLimits = { ...IMAP_LIMITS };
const savedTimings = { ...connectionTimings };

describe("IMAP abuse limits", () => {
  let t: ImapTestServer;
  let account: TestAccount;
  beforeAll(async () => {
    t = await startImapServer({ env: { MAX_MESSAGE_SIZE: "4M" } });
    account = await t.account();
  });
  afterEach(() => {
    Object.assign(IMAP_LIMITS, savedImapLimits);
    Object.assign(connectionTimings, savedTimings);
    loginLimiter.options = { ...DEFAULT_LOGIN_LIMITS };
    loginLimiter.reset();
  });
  afterAll(async () => t?.cleanup());

  it("refuses {999999999} with BAD [TOOBIG] without a continuation, and closes on {999999999+} at once", async () => {
    const client = await t.connect({ account });
    await client.write("L1 APPEND INBOX {999999999}\r\n");
    const refused = await client.until("L1");
    expect([refused.status, refused.code, refused.untagged]).toEqual(["BAD", "TOOBIG", []]);
    expect((await client.command("NOOP")).status).toBe("OK");
    // The client sends the bytes without waiting: nothing to do but say so and hang up.
    await client.write("L2 APPEND INBOX {999999999+}\r\n");
    expect(await client.waitClosed(2000)).toMatch(/^\* BYE \[TOOBIG\]/);
  });

  it("closes with BYE after 3 wrong passwords on one connection, each answered NO [AUTHENTICATIONFAILED]", async () => {
    loginLimiter.options = { ...DEFAULT_LOGIN_LIMITS, baseDelayMs: 20 };
    const client = await t.connect();
    for (const tag of ["P1", "P2"]) {
      await client.write(`${tag} LOGIN ${account.address} wrong\r\n`);
      expect((await client.until(tag)).code).toBe("AUTHENTICATIONFAILED");
    }
    await client.write("P3 AUTHENTICATE PLAIN " + Buffer.from(`\0${account.address}\0wrong`).toString("base64") + "\r\n");
    const third = await client.until("P3");
    expect([third.status, third.code]).toEqual(["NO", "AUTHENTICATIONFAILED"]);
    expect(await client.waitClosed(2000)).toMatch(/^\* BYE Too many failed logins/);
  });

  it("slows down an address's failures across connections, counts SMTP AUTH failures with IMAP's, and refuses unchecked once its turn is too far off", async () => {
    // Loopback is exempt in production (the webmail logs in from there); here it is the guesser.
    loginLimiter.options = { ...DEFAULT_LOGIN_LIMITS, baseDelayMs: 100, maxDelayMs: 800, maxWaitMs: 1000, exempt: () => false };
    const elapsed: number[] = [];
    for (let i = 0; i < 3; i++) {
      const client = await t.connect();
      const start = Date.now();
      const result = await client.command(`LOGIN ${account.address} wrong${i}`);
      elapsed.push(Date.now() - start);
      expect(result.code).toBe("AUTHENTICATIONFAILED");
      client.destroy();
    }
    // 100, 200, 400 ms: each connection's first failure, yet the address's third.
    expect(elapsed[0]).toBeGreaterThanOrEqual(90);
    expect(elapsed[1]).toBeGreaterThanOrEqual(190);
    expect(elapsed[2]).toBeGreaterThanOrEqual(390);

    const smtp = await SmtpClient.open(t.smtpPort);
    await smtp.command("EHLO guesser.test");
    const auth = await smtp.command(`AUTH PLAIN ${Buffer.from(`\0${account.address}\0wrong`).toString("base64")}`);
    expect(auth.code).toBe(535);
    smtp.destroy();
    expect(loginLimiter.failuresOf("127.0.0.1")).toBe(4);

    // Four at once, even with the right password: spaced 800 ms apart, so the third and fourth
    // would wait past 1 s and are refused at once, without the password being looked at.
    const clients = await Promise.all(Array.from({ length: 4 }, () => t.connect()));
    const start = Date.now();
    const results = await Promise.all(clients.map(async (client) => ({ result: await client.command(`LOGIN ${account.address} "${account.password}"`, 5000), at: Date.now() - start })));
    const admitted = results.filter((r) => r.result.status === "OK");
    const refused = results.filter((r) => r.result.status !== "OK");
    expect(admitted).toHaveLength(2);
    expect(refused.map((r) => [r.result.status, r.result.code])).toEqual([
      ["NO", "UNAVAILABLE"],
      ["NO", "UNAVAILABLE"],
    ]);
    for (const r of refused) expect(r.at).toBeLessThan(300);
    expect(Math.max(...admitted.map((r) => r.at))).toBeGreaterThanOrEqual(750);
    for (const client of clients) client.destroy();
  });

  it("closes with BYE after 20 BAD answers in a row, but a good command in between starts the count again", async () => {
    const patient = await t.connect({ account });
    for (let i = 0; i < 19; i++) expect((await patient.command(`FROB${i}`)).status).toBe("BAD");
    expect((await patient.command("NOOP")).status).toBe("OK");
    for (let i = 0; i < 19; i++) expect((await patient.command("FETCH 1 FLAGS")).status).toBe("BAD");
    expect((await patient.command("NOOP")).status).toBe("OK");
    await patient.logout();

    // Before login too, with syntax errors counted like unknown commands.
    const junk = await t.connect();
    await junk.write(Array.from({ length: 24 }, (_, i) => (i % 2 ? `J${i} GET / HTTP/1.1\r\n` : `J${i} LOGIN "unterminated\r\n`)).join(""));
    const rest = await junk.waitClosed(3000);
    expect(rest.match(/ BAD /g)).toHaveLength(20);
    expect(rest).toMatch(/\* BYE Too many invalid commands\r\n$/);
  });

  it("logs out a client idle past the autologout timer, in IDLE too (RFC 2177 lets it; clients re-IDLE every 29 minutes)", async () => {
    IMAP_LIMITS.authIdleMs = 400;
    const quiet = await t.connect({ account });
    await quiet.ok("SELECT INBOX");
    const idling = await t.connect({ account });
    await idling.ok("SELECT INBOX");
    await idling.write("I1 IDLE\r\n");
    expect(await idling.response()).toMatch(/^\+ /);
    // A client that keeps talking is not logged out.
    const chatty = await t.connect({ account });
    for (let i = 0; i < 6; i++) {
      await sleep(150);
      expect((await chatty.command("NOOP")).status).toBe("OK");
    }
    expect(await quiet.waitClosed(2000)).toMatch(/^\* BYE Autologout/);
    expect(await idling.waitClosed(2000)).toMatch(/^\* BYE Autologout/);
    expect(chatty.closed).toBe(false);
    await chatty.logout();

    IMAP_LIMITS.preAuthIdleMs = 300;
    const silent = await t.connect();
    expect(await silent.waitClosed(2000)).toMatch(/^\* BYE Autologout/);
  });

  it("stops producing for a client that doesn't read a big FETCH, and drops it once it has read nothing for sendStallMs", async () => {
    const reader = await t.account();
    const line = "y".repeat(78) + "\r\n";
    const body = line.repeat(Math.floor((2 * 1024 * 1024) / line.length));
    const messages = 16;
    for (let i = 0; i < messages; i++) await t.put(reader, crlf(`Subject: big ${i}\n\n${body}`));
    connectionTimings.sendStallMs = 800;

    const socket = net.connect({ port: t.imapPort, host: "127.0.0.1" });
    socket.on("error", () => undefined);
    const chunks: Buffer[] = [];
    let received = 0;
    let closed = false;
    socket.on("data", (chunk: Buffer) => {
      received += chunk.length;
      if (chunks.length < 8) chunks.push(chunk);
    });
    socket.on("close", () => (closed = true));
    socket.write(`S1 LOGIN ${reader.address} "${reader.password}"\r\nS2 EXAMINE INBOX\r\n`);
    const deadline = Date.now() + 5000;
    while (!Buffer.concat(chunks).includes("S2 OK") && Date.now() < deadline) await sleep(10);
    expect(Buffer.concat(chunks).toString("latin1")).toContain("S2 OK");

    socket.pause();
    const before = received;
    gc();
    const baseline = process.memoryUsage().arrayBuffers;
    let peak = baseline;
    const sampler = setInterval(() => {
      gc();
      peak = Math.max(peak, process.memoryUsage().arrayBuffers);
    }, 200);
    socket.write("S3 FETCH 1:* (BODY.PEEK[])\r\n");
    // Long enough for the server to fill every buffer, stall, and give up on the client.
    await sleep(3000);
    clearInterval(sampler);
    // 32 MB asked for; the server holds one message and its bounded output, not the lot.
    expect(peak - baseline).toBeLessThan(12 * 1024 * 1024);

    socket.resume();
    let tail = "";
    socket.on("data", (chunk: Buffer) => (tail = (tail + chunk.toString("latin1")).slice(-200)));
    const closeDeadline = Date.now() + 10_000;
    while (!closed && Date.now() < closeDeadline) await sleep(20);
    expect(closed).toBe(true);
    expect(tail).not.toContain("S3 OK");
    expect(received - before).toBeLessThan(messages * body.length);

    // The server goes on serving others.
    const other = await t.connect({ account });
    expect((await other.command("NOOP")).status).toBe("OK");
    await other.logout();
  }, 60_000);
});
