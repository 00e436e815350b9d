// CHUNKING and BINARYMIME (RFC 3030) over a raw socket: messages in several BDAT chunks,
// BDAT 0 LAST, binary content kept byte for byte, and the refusals that must still read the
// chunk so the connection stays in step with the client.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROVIDERS } from "../helpers/store";
import { headerOf, SmtpClient, splitTrace, startSmtpServer, waitFor, type SmtpTestServer } from "../helpers/smtp";

const headers = (subject: string, extra = "") =>
  Buffer.from(`From: alice@remote.test\r\nTo: bob@example.test\r\nSubject: ${subject}\r\nMIME-Version: 1.0\r\n${extra}\r\n`, "latin1");

/** Every byte value, NULs, bare CR and LF, and would-be end-of-data sequences. */
function binaryPayload(): Buffer {
  const all = Buffer.alloc(256 * 4);
  for (let i = 0; i < all.length; i++) all[i] = i % 256;
  return Buffer.concat([
    all,
    Buffer.from("\0\0\0\r\r\n\n\r\n.\r\n.\n\r.\r\n\r\n.\r\nQUIT\r\n", "latin1"),
    Buffer.from([0xff, 0xfe, 0x00, 0x0d]),
  ]);
}

async function startMail(client: SmtpClient, params = "", to = ["bob@example.test"]) {
  const mail = await client.command(`MAIL FROM:<alice@remote.test>${params ? ` ${params}` : ""}`);
  expect(mail.code).toBe(250);
  for (const rcpt of to) expect((await client.command(`RCPT TO:<${rcpt}>`)).code).toBe(250);
}

function bdat(chunk: Buffer, last = false): Buffer {
  return Buffer.concat([Buffer.from(`BDAT ${chunk.length}${last ? " LAST" : ""}\r\n`), chunk]);
}

async function storedWithSubject(t: SmtpTestServer, subject: string, address = "bob@example.test") {
  return (await t.messages(address)).filter((m) => headerOf(m.raw, "Subject") === subject);
}

describe.each(PROVIDERS)("BDAT on %s", (provider) => {
  let t: SmtpTestServer;
  beforeAll(async () => {
    t = await startSmtpServer({ provider });
  });
  afterAll(async () => t?.cleanup());

  it("advertises CHUNKING and BINARYMIME and takes a message in several chunks", async () => {
    const client = await SmtpClient.open(t.port);
    const extensions = await client.ehlo();
    expect(extensions).toEqual(expect.arrayContaining(["CHUNKING", "BINARYMIME", "8BITMIME"]));
    await startMail(client);
    const message = Buffer.concat([headers("three chunks"), Buffer.from("first line\r\nsecond line\r\n.\r\nthird line after a lone dot\r\n")]);
    const parts = [message.subarray(0, 10), message.subarray(10, message.length - 7), message.subarray(message.length - 7)];
    await client.write(bdat(parts[0]));
    expect(await client.reply()).toMatchObject({ code: 250, enhanced: "2.0.0" });
    await client.write(bdat(parts[1]));
    expect((await client.reply()).code).toBe(250);
    await client.write(bdat(parts[2], true));
    expect((await client.reply()).code).toBe(250);
    await client.quit();

    const [stored, ...more] = await storedWithSubject(t, "three chunks");
    expect(more).toHaveLength(0);
    // A lone "." line is content under BDAT, not an end: nothing is unstuffed or cut.
    expect(splitTrace(stored.raw).message.equals(message)).toBe(true);
    expect(splitTrace(stored.raw).received).toMatch(/ with ESMTP id \S+ for <bob@example\.test>;/);
  });

  it("ends a message with BDAT 0 LAST", async () => {
    const client = await SmtpClient.open(t.port);
    await client.ehlo();
    await startMail(client);
    const message = Buffer.concat([headers("zero last"), Buffer.from("body\r\n")]);
    await client.write(bdat(message));
    expect((await client.reply()).code).toBe(250);
    await client.write("BDAT 0 LAST\r\n");
    const final = await client.reply();
    expect([final.code, final.enhanced]).toEqual([250, "2.0.0"]);
    await client.quit();
    const [stored] = await storedWithSubject(t, "zero last");
    expect(splitTrace(stored.raw).message.equals(message)).toBe(true);
  });

  it("keeps binary content (all 256 byte values, NULs, bare CR/LF) byte for byte with BODY=BINARYMIME", async () => {
    const client = await SmtpClient.open(t.port);
    await client.ehlo();
    await startMail(client, "BODY=BINARYMIME", ["bob@example.test", "carol@example.test"]);
    const message = Buffer.concat([
      headers("binary", "Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n"),
      binaryPayload(),
    ]);
    // Chunk boundaries inside CRLF pairs and inside the "\r\n.\r\n" sequences; all pipelined in one write.
    const cuts = [0, 1, 77, 333, 334, 1024 + 5, 1024 + 8, message.length - 3, message.length];
    const writes = cuts.slice(1).map((end, i) => bdat(message.subarray(cuts[i], end), i === cuts.length - 2));
    await client.write(Buffer.concat(writes));
    const replies = await client.replies(writes.length);
    expect(replies.map((r) => r.code)).toEqual(writes.map(() => 250));
    expect(await client.unsolicited(50)).toBe("");
    await client.quit();

    for (const address of ["bob@example.test", "carol@example.test"]) {
      const stored = await storedWithSubject(t, "binary", address);
      expect(stored).toHaveLength(1);
      expect(splitTrace(stored[0].raw).message.equals(message)).toBe(true);
      expect(stored[0].envelope).toMatchObject({ body: "BINARYMIME" });
    }
  });
});

describe("BDAT refusals (SQLite)", () => {
  let t: SmtpTestServer;
  beforeAll(async () => {
    t = await startSmtpServer();
  });
  afterAll(async () => t?.cleanup());

  it("answers 503 to DATA after BODY=BINARYMIME, and BDAT still works in that transaction", async () => {
    const client = await SmtpClient.open(t.port);
    await client.ehlo();
    await startMail(client, "BODY=BINARYMIME");
    const data = await client.command("DATA");
    expect([data.code, data.enhanced]).toEqual([503, "5.5.1"]);
    const message = Buffer.concat([headers("binary after refused DATA"), Buffer.from([0, 1, 2, 13, 10])]);
    await client.write(bdat(message, true));
    expect((await client.reply()).code).toBe(250);
    await client.quit();
    expect(await storedWithSubject(t, "binary after refused DATA")).toHaveLength(1);
  });

  it("answers 503 to BDAT before MAIL, consuming the chunk: commands inside it never run", async () => {
    const before = await t.totalMessages();
    const client = await SmtpClient.open(t.port);
    await client.ehlo();
    const chunk = Buffer.from("MAIL FROM:<evil@remote.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n");
    await client.write(Buffer.concat([bdat(chunk, true), Buffer.from("NOOP\r\n")]));
    const refusal = await client.reply();
    expect([refusal.code, refusal.enhanced]).toEqual([503, "5.5.1"]);
    const noop = await client.reply();
    expect([noop.code, noop.enhanced]).toEqual([250, "2.0.0"]);
    expect(await client.unsolicited(100)).toBe("");
    // No transaction was opened by the chunk's contents: MAIL is not "nested".
    expect((await client.command("MAIL FROM:<alice@remote.test>")).code).toBe(250);
    await client.quit();
    expect(await t.totalMessages()).toBe(before);
  });

  it("answers 503 to DATA and RCPT once BDAT has begun", async () => {
    const client = await SmtpClient.open(t.port);
    await client.ehlo();
    await startMail(client);
    await client.write(bdat(headers("mixed")));
    expect((await client.reply()).code).toBe(250);
    expect((await client.command("RCPT TO:<carol@example.test>")).code).toBe(503);
    expect((await client.command("DATA")).code).toBe(503);
    expect((await client.command("RSET")).code).toBe(250);
    // RSET threw the chunk away: the next BDAT has no transaction.
    await client.write(bdat(Buffer.from("x\r\n"), true));
    expect((await client.reply()).code).toBe(503);
    await client.quit();
    expect(await storedWithSubject(t, "mixed")).toHaveLength(0);
  });

  it("refuses a BDAT chunk over the size limit with 552 5.3.4, stores nothing and stays in sync", async () => {
    const before = await t.totalMessages();
    const client = await SmtpClient.open(t.port);
    await client.ehlo();
    await startMail(client);
    // 600 KB + 600 KB: the second chunk takes the message past 1 MB.
    const piece = Buffer.alloc(600 * 1024, "abcdefghij\r\n");
    await client.write(bdat(Buffer.concat([headers("too big in chunks"), piece])));
    expect((await client.reply()).code).toBe(250);
    await client.write(Buffer.concat([bdat(piece), Buffer.from("NOOP\r\n")]));
    const refusal = await client.reply(15_000);
    expect([refusal.code, refusal.enhanced]).toEqual([552, "5.3.4"]);
    expect((await client.reply()).code).toBe(250); // the NOOP after the refused chunk
    // The refused chunk ended the transaction.
    await client.write(bdat(Buffer.from("tail\r\n"), true));
    expect((await client.reply()).code).toBe(503);

    // One chunk over the limit on its own, LAST: the same.
    await startMail(client);
    await client.write(bdat(Buffer.alloc(1024 * 1024 + 1, "y"), true));
    const single = await client.reply(15_000);
    expect([single.code, single.enhanced]).toEqual([552, "5.3.4"]);
    expect((await client.command("NOOP")).code).toBe(250);
    await client.quit();
    expect(await t.totalMessages()).toBe(before);
  });

  it("stores nothing when the client vanishes inside a chunk, and keeps serving", async () => {
    const before = await t.totalMessages();
    const client = await SmtpClient.open(t.port);
    await client.ehlo();
    await startMail(client);
    await client.write(Buffer.concat([Buffer.from("BDAT 1000 LAST\r\n"), headers("vanished in bdat"), Buffer.from("only part of it")]));
    client.destroy();

    const next = await SmtpClient.open(t.port);
    await next.ehlo();
    await startMail(next);
    await next.write(bdat(Buffer.concat([headers("after the vanished one"), Buffer.from("ok\r\n")]), true));
    expect((await next.reply()).code).toBe(250);
    await next.quit();
    await waitFor(async () => (await t.totalMessages()) === before + 1, 2000, "the one complete message");
    expect(await storedWithSubject(t, "vanished in bdat")).toHaveLength(0);
  });

  it("answers 501 to a malformed BDAT and 554 when no recipient was accepted", async () => {
    const client = await SmtpClient.open(t.port);
    await client.ehlo();
    expect((await client.command("BDAT ten")).code).toBe(501);
    expect((await client.command("BDAT -1 LAST")).code).toBe(501);
    expect((await client.command("MAIL FROM:<alice@remote.test>")).code).toBe(250);
    expect((await client.command("RCPT TO:<nobody@example.test>")).code).toBe(550);
    await client.write(bdat(Buffer.from("hello\r\n"), true));
    const reply = await client.reply();
    expect(reply.code).toBe(554);
    expect((await client.command("NOOP")).code).toBe(250);
    await client.quit();
  });
});
