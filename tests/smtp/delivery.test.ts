// Inbound delivery with real clients (nodemailer, Python's smtplib) and a raw socket where
// the exact bytes matter: users, aliases, several recipients, 8BITMIME, SMTPUTF8, SIZE,
// STARTTLS, PIPELINING, HELO-only clients, and the trace headers of what gets stored.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROVIDERS } from "../helpers/store";
import {
  headerOf,
  nodemailerTransport,
  PASSWORDS,
  smtplibSend,
  SmtpClient,
  splitTrace,
  startSmtpServer,
  type SmtpTestServer,
} from "../helpers/smtp";

const RECEIVED_DATE = String.raw`(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d [+-]\d{4}`;

function crlf(text: string): Buffer {
  return Buffer.from(text.replace(/\r?\n/g, "\r\n"), "utf8");
}

function simpleMessage(subject: string, to = "bob@example.test", body = "Hello.\n"): Buffer {
  return crlf(`From: Alice <alice@remote.test>\nTo: ${to}\nSubject: ${subject}\nDate: Thu, 26 Nov 2026 10:00:00 +0000\nMessage-ID: <${subject.replace(/\W/g, "")}@remote.test>\n\n${body}`);
}

function subjects(messages: Buffer[]): string[] {
  return messages.map((m) => headerOf(m, "Subject") ?? "");
}

// The core paths on both databases.
describe.each(PROVIDERS)("delivery on %s", (provider) => {
  let t: SmtpTestServer;
  beforeAll(async () => {
    t = await startSmtpServer({ provider });
  });
  afterAll(async () => t?.cleanup());

  it("delivers a message sent with nodemailer to a user, with correct trace headers", async () => {
    const transport = nodemailerTransport(t.port);
    const info = await transport.sendMail({
      envelope: { from: "alice@remote.test", to: ["bob@example.test"] },
      from: "Alice <alice@remote.test>",
      to: "bob@example.test",
      subject: "nodemailer to bob",
      text: "Hello Bob,\nthis came through nodemailer.\n",
    });
    transport.close();
    expect(info.accepted).toEqual(["bob@example.test"]);
    expect(info.response).toMatch(/^250 2\.0\.0 /);

    const inbox = await t.inbox("bob@example.test");
    expect(subjects(inbox)).toEqual(["nodemailer to bob"]);
    const trace = splitTrace(inbox[0]);
    expect(trace.returnPath).toBe("<alice@remote.test>");
    expect(trace.deliveredTo).toBe("bob@example.test");
    // nodemailer upgrades with STARTTLS when offered: ESMTPS (RFC 3848), with the TLS details as a comment.
    expect(trace.received).toMatch(
      new RegExp(
        String.raw`^from nodemailer\.example\.net \(\[127\.0\.0\.1\]\) \(using TLSv1\.[23] with cipher [A-Z0-9_-]+\) by mx\.example\.test with ESMTPS id [A-Za-z0-9_-]+ for <bob@example\.test>; ${RECEIVED_DATE}$`,
      ),
    );
    expect(trace.message.toString("utf8")).toContain("this came through nodemailer.");
    expect(headerOf(trace.message, "Message-ID")).toBe(info.messageId);
    const [stored] = await t.messages("bob@example.test");
    expect(stored.envelope).toMatchObject({ from: "alice@remote.test", rcpt: "bob@example.test", tls: true, helo: "nodemailer.example.net", remoteAddress: "127.0.0.1" });
  });

  it("delivers one copy to each target of an alias, none duplicated when the user is named too (smtplib)", async () => {
    const before = { bob: (await t.inbox("bob@example.test")).length, carol: (await t.inbox("carol@example.test")).length };
    const result = await smtplibSend({
      port: t.port,
      from: "alice@remote.test",
      to: ["team@example.test", "bob@example.test", "BOB@Example.TEST"],
      message: simpleMessage("to the team and bob"),
    });
    expect(result).toEqual({ refused: {} });

    const bob = (await t.inbox("bob@example.test")).slice(before.bob);
    const carol = (await t.inbox("carol@example.test")).slice(before.carol);
    expect(subjects(bob)).toEqual(["to the team and bob"]);
    expect(subjects(carol)).toEqual(["to the team and bob"]);
    // Several recipients: the Received field names none of them (RFC 5321 §7.2: no leak of Bcc recipients).
    for (const [raw, mailbox] of [...bob.map((m) => [m, "bob@example.test"] as const), ...carol.map((m) => [m, "carol@example.test"] as const)]) {
      const trace = splitTrace(raw);
      expect(trace.received).not.toMatch(/ for </);
      expect(trace.returnPath).toBe("<alice@remote.test>");
      // Delivered-To names the mailbox the copy landed in, as Postfix and Dovecot write it.
      expect(trace.deliveredTo).toBe(mailbox);
      expect(trace.message.equals(simpleMessage("to the team and bob"))).toBe(true);
    }
  });

  it("delivers to several recipients in one transaction (nodemailer, pipelined envelope)", async () => {
    const before = { bob: (await t.inbox("bob@example.test")).length, carol: (await t.inbox("carol@example.test")).length };
    const transport = nodemailerTransport(t.port, { ignoreTLS: true });
    const info = await transport.sendMail({
      from: "alice@remote.test",
      to: "bob@example.test",
      cc: "carol@example.test",
      subject: "to bob and carol",
      text: "two recipients",
    });
    transport.close();
    expect(info.accepted.sort()).toEqual(["bob@example.test", "carol@example.test"]);
    const bob = (await t.inbox("bob@example.test")).slice(before.bob);
    const carol = (await t.inbox("carol@example.test")).slice(before.carol);
    expect(subjects(bob)).toEqual(["to bob and carol"]);
    expect(subjects(carol)).toEqual(["to bob and carol"]);
    expect(splitTrace(bob[0]).deliveredTo).toBe("bob@example.test");
    expect(splitTrace(carol[0]).deliveredTo).toBe("carol@example.test");
    // No TLS: plain ESMTP.
    expect(splitTrace(bob[0]).received).toMatch(/ by mx\.example\.test with ESMTP id /);
  });
});

describe("delivery details (SQLite)", () => {
  let t: SmtpTestServer;
  beforeAll(async () => {
    t = await startSmtpServer();
    await t.store.accounts.addAccount({ address: "用户@example.test", password: "a good long passphrase" });
  });
  afterAll(async () => t?.cleanup());

  it("keeps an 8-bit body byte for byte with BODY=8BITMIME (smtplib)", async () => {
    const body = Buffer.concat([
      crlf("From: alice@remote.test\nTo: bob@example.test\nSubject: 8bit\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"),
      Buffer.from("Grüße aus Köln — ½ € ✓\r\n", "utf8"),
      Buffer.from([0x4c, 0x61, 0x74, 0x69, 0x6e, 0x31, 0x3a, 0x20, 0xe9, 0xe8, 0xff, 0x80, 0x0d, 0x0a]),
      crlf(".leading dot\n..two dots\n.\n \n\ttab\ntrailing space   \n"),
    ]);
    const result = await smtplibSend({ port: t.port, from: "alice@remote.test", to: ["bob@example.test"], message: body, mail_options: ["BODY=8BITMIME"] });
    expect(result).toEqual({ refused: {} });
    const stored = (await t.messages("bob@example.test")).find((m) => headerOf(m.raw, "Subject") === "8bit");
    expect(stored).toBeDefined();
    expect(splitTrace(stored!.raw).message.equals(body)).toBe(true);
    expect(stored!.envelope).toMatchObject({ body: "8BITMIME", size: body.length });
  });

  it("stores the body byte for byte after dot-unstuffing (raw DATA)", async () => {
    const message = Buffer.concat([
      crlf("From: alice@remote.test\nTo: bob@example.test\nSubject: dots\n\n"),
      crlf(".\n..\n...\n.x\nline. with . dots .\n.\r.\n"),
      Buffer.from("x".repeat(998) + "\r\n"),
      crlf("last line\n"),
    ]);
    const client = await SmtpClient.open(t.port);
    await client.ehlo();
    const reply = await client.send("alice@remote.test", ["bob@example.test"], message);
    // ".\r.\r\n" contains a bare CR; that is refused on purpose (see smuggling tests), so keep it out here.
    expect(reply.code).toBe(550);
    const clean = Buffer.from(message.toString("latin1").replace(".\r.\r\n", ""), "latin1");
    const second = await client.send("alice@remote.test", ["bob@example.test"], clean);
    expect(second.code).toBe(250);
    await client.quit();
    const stored = (await t.inbox("bob@example.test")).filter((m) => headerOf(m, "Subject") === "dots");
    expect(stored).toHaveLength(1);
    expect(splitTrace(stored[0]).message.equals(clean)).toBe(true);
  });

  it("accepts UTF-8 addresses with SMTPUTF8 (smtplib): UTF-8 sender and recipient, UTF8SMTP in Received", async () => {
    const message = Buffer.from("From: 发件人@例子.测试\r\nTo: 用户@example.test\r\nSubject: 你好\r\n\r\n正文\r\n", "utf8");
    const result = await smtplibSend({
      port: t.port,
      from: "发件人@例子.测试",
      to: ["用户@example.test"],
      message,
      mail_options: ["SMTPUTF8", "BODY=8BITMIME"],
    });
    expect(result).toEqual({ refused: {} });
    const [stored] = await t.messages("用户@example.test");
    expect(stored).toBeDefined();
    const trace = splitTrace(stored.raw);
    expect(trace.returnPath).toBe("<发件人@例子.测试>");
    expect(trace.deliveredTo).toBe("用户@example.test");
    expect(trace.received).toMatch(/ with UTF8SMTP id \S+ for <用户@example\.test>;/);
    expect(trace.message.equals(message)).toBe(true);
    expect(stored.envelope).toMatchObject({ smtputf8: true, from: "发件人@例子.测试" });
  });

  it("accepts UTF-8 addresses from nodemailer, which adds SMTPUTF8 itself", async () => {
    const transport = nodemailerTransport(t.port);
    const info = await transport.sendMail({ from: "发件人@例子.测试", to: "用户@example.test", subject: "via nodemailer", text: "ünïcödé" });
    transport.close();
    expect(info.accepted).toEqual(["用户@example.test"]);
    const inbox = await t.inbox("用户@example.test");
    const stored = inbox.find((m) => headerOf(m, "Subject") === "via nodemailer");
    expect(stored).toBeDefined();
    expect(splitTrace(stored!).received).toMatch(/ with UTF8SMTPS id /);
  });

  it("refuses UTF-8 addresses without SMTPUTF8 with 553 5.6.7", async () => {
    const client = await SmtpClient.open(t.port);
    await client.ehlo();
    const mail = await client.command("MAIL FROM:<发件人@例子.测试>");
    expect([mail.code, mail.enhanced]).toEqual([553, "5.6.7"]);
    expect((await client.command("MAIL FROM:<alice@remote.test>")).code).toBe(250);
    const rcpt = await client.command("RCPT TO:<用户@example.test>");
    expect([rcpt.code, rcpt.enhanced]).toEqual([553, "5.6.7"]);
    // The transaction survives the refused recipient.
    expect((await client.command("RCPT TO:<bob@example.test>")).code).toBe(250);
    expect((await client.command("RSET")).code).toBe(250);
    await client.quit();
  });

  it("refuses MAIL FROM with a SIZE over the limit with 552 5.3.4 (raw and smtplib)", async () => {
    const client = await SmtpClient.open(t.port);
    const extensions = await client.ehlo();
    expect(extensions).toContain(`SIZE ${1024 * 1024}`);
    const mail = await client.command(`MAIL FROM:<alice@remote.test> SIZE=${1024 * 1024 + 1}`);
    expect([mail.code, mail.enhanced]).toEqual([552, "5.3.4"]);
    expect((await client.command(`MAIL FROM:<alice@remote.test> SIZE=${1024 * 1024}`)).code).toBe(250);
    await client.quit();

    // smtplib declares the size of what it sends.
    const before = await t.totalMessages();
    const big = Buffer.concat([simpleMessage("too big for SIZE"), Buffer.alloc(1100 * 1024, "a\r\n")]);
    const result = await smtplibSend({ port: t.port, from: "alice@remote.test", to: ["bob@example.test"], message: big });
    expect(result).toMatchObject({ error: "SMTPSenderRefused", code: 552 });
    expect((result as { message: string }).message).toMatch(/^5\.3\.4 /);
    expect(await t.totalMessages()).toBe(before);
  });

  it("refuses DATA over the size limit with 552 5.3.4, stores nothing, and the connection goes on", async () => {
    const before = await t.totalMessages();
    const client = await SmtpClient.open(t.port);
    await client.ehlo();
    const big = Buffer.concat([simpleMessage("too big for DATA"), Buffer.alloc(1100 * 1024, "0123456789abcdef\r\n")]);
    const reply = await client.send("alice@remote.test", ["bob@example.test"], big);
    expect([reply.code, reply.enhanced]).toEqual([552, "5.3.4"]);
    expect(await t.totalMessages()).toBe(before);
    // In sync: the next transaction on the same connection works.
    const next = await client.send("alice@remote.test", ["bob@example.test"], simpleMessage("after the big one"));
    expect(next.code).toBe(250);
    await client.quit();
    expect(await t.totalMessages()).toBe(before + 1);
  });

  it("takes a message of exactly MAX_MESSAGE_SIZE bytes and refuses one byte more (DATA and BDAT)", async () => {
    const limit = 1024 * 1024;
    const sized = (n: number, subject: string) => {
      const head = Buffer.from(`Subject: ${subject}\r\n\r\n`);
      const body = Buffer.alloc(n - head.length - 2, "b");
      return Buffer.concat([head, body, Buffer.from("\r\n")]);
    };
    const client = await SmtpClient.open(t.port);
    await client.ehlo();
    expect((await client.send("alice@remote.test", ["bob@example.test"], sized(limit, "exactly the limit"))).code).toBe(250);
    const over = await client.send("alice@remote.test", ["bob@example.test"], sized(limit + 1, "one byte over"));
    expect([over.code, over.enhanced]).toEqual([552, "5.3.4"]);
    for (const [n, code] of [
      [limit, 250],
      [limit + 1, 552],
    ] as const) {
      expect((await client.command("MAIL FROM:<alice@remote.test> BODY=BINARYMIME")).code).toBe(250);
      expect((await client.command("RCPT TO:<bob@example.test>")).code).toBe(250);
      await client.write(Buffer.concat([Buffer.from(`BDAT ${n} LAST\r\n`), sized(n, `bdat ${n}`)]));
      expect((await client.reply(10_000)).code).toBe(code);
    }
    await client.quit();
    const stored = (await t.inbox("bob@example.test")).map((m) => headerOf(m, "Subject"));
    expect(stored).toEqual(expect.arrayContaining(["exactly the limit", `bdat ${limit}`]));
    expect(stored).not.toContain("one byte over");
    expect(stored).not.toContain(`bdat ${limit + 1}`);
  });

  it("delivers over STARTTLS (smtplib.starttls) and says ESMTPS in Received", async () => {
    const result = await smtplibSend({ port: t.port, from: "alice@remote.test", to: ["carol@example.test"], message: simpleMessage("over tls"), starttls: true });
    expect(result).toEqual({ refused: {} });
    const stored = (await t.messages("carol@example.test")).find((m) => headerOf(m.raw, "Subject") === "over tls");
    expect(stored).toBeDefined();
    const trace = splitTrace(stored!.raw);
    expect(trace.received).toMatch(/^from python\.example\.net \(\[127\.0\.0\.1\]\) \(using TLSv1\.[23] with cipher \S+\) by mx\.example\.test with ESMTPS id /);
    expect(stored!.envelope).toMatchObject({ tls: true });
  });

  it("answers a pipelined MAIL/RCPT/RCPT/RCPT/DATA group in order, then takes the message", async () => {
    const client = await SmtpClient.open(t.port);
    expect(await client.ehlo()).toContain("PIPELINING");
    await client.write("MAIL FROM:<alice@remote.test>\r\nRCPT TO:<bob@example.test>\r\nRCPT TO:<nobody@example.test>\r\nRCPT TO:<carol@example.test>\r\nDATA\r\n");
    const replies = await client.replies(5);
    expect(replies.map((r) => [r.code, r.enhanced])).toEqual([
      [250, "2.1.0"],
      [250, "2.1.5"],
      [550, "5.1.1"],
      [250, "2.1.5"],
      [354, null],
    ]);
    // The message, its end, and the next commands in one write too.
    await client.write(Buffer.concat([simpleMessage("pipelined"), Buffer.from(".\r\nRSET\r\nNOOP\r\nQUIT\r\n")]));
    const after = await client.replies(4);
    expect(after.map((r) => r.code)).toEqual([250, 250, 250, 221]);
    await client.waitClosed();
    expect(subjects(await t.inbox("bob@example.test"))).toContain("pipelined");
    expect(subjects(await t.inbox("carol@example.test"))).toContain("pipelined");
  });

  it("serves a HELO-only client (smtplib.helo + sendmail): with SMTP in Received", async () => {
    const result = await smtplibSend({ port: t.port, from: "alice@remote.test", to: ["bob@example.test"], message: simpleMessage("helo only"), helo: true });
    expect(result).toEqual({ refused: {} });
    const stored = (await t.inbox("bob@example.test")).find((m) => headerOf(m, "Subject") === "helo only");
    expect(stored).toBeDefined();
    expect(splitTrace(stored!).received).toMatch(/^from python\.example\.net \(\[127\.0\.0\.1\]\) by mx\.example\.test with SMTP id \S+ for <bob@example\.test>;/);
  });

  it("refuses ESMTP parameters and extensions after HELO", async () => {
    const client = await SmtpClient.open(t.port);
    const helo = await client.command("HELO raw.example.net");
    expect(helo.code).toBe(250);
    expect(helo.lines).toHaveLength(1);
    const mail = await client.command("MAIL FROM:<alice@remote.test> BODY=8BITMIME");
    expect(mail.code).toBe(555);
    expect((await client.command("MAIL FROM:<alice@remote.test>")).code).toBe(250);
    expect((await client.command("RCPT TO:<bob@example.test>")).code).toBe(250);
    // STARTTLS and AUTH were never offered to a HELO client.
    expect((await client.command("STARTTLS")).code).toBe(503);
    await client.quit();
  });

  it("answers 503 to MAIL, RCPT and DATA before HELO/EHLO, and stores nothing", async () => {
    const before = await t.totalMessages();
    const client = await SmtpClient.open(t.port);
    for (const command of ["MAIL FROM:<alice@remote.test>", "RCPT TO:<bob@example.test>", "DATA"]) {
      const reply = await client.command(command);
      expect([command, reply.code, reply.enhanced]).toEqual([command, 503, "5.5.1"]);
    }
    // A BDAT chunk is read (and dropped) before the 503: its bytes must not run as commands.
    await client.write("BDAT 6 LAST\r\nNOOP\r\n");
    const bdat = await client.reply();
    expect([bdat.code, bdat.enhanced]).toEqual([503, "5.5.1"]);
    expect(await client.unsolicited(100)).toBe("");
    expect((await client.command("HELO raw.example.net")).code).toBe(250);
    expect((await client.command("MAIL FROM:<alice@remote.test>")).code).toBe(250);
    await client.quit();
    expect(await t.totalMessages()).toBe(before);
  });

  it("records the null reverse-path of a bounce as Return-Path: <>", async () => {
    const client = await SmtpClient.open(t.port);
    await client.ehlo();
    const reply = await client.send("", ["carol@example.test"], simpleMessage("a bounce"));
    expect(reply.code).toBe(250);
    await client.quit();
    const stored = (await t.inbox("carol@example.test")).find((m) => headerOf(m, "Subject") === "a bounce");
    expect(splitTrace(stored!).returnPath).toBe("<>");
  });

  it("keeps the DSN parameters (RET, ENVID, NOTIFY, ORCPT) with the message and refuses malformed ones", async () => {
    const client = await SmtpClient.open(t.port);
    expect(await client.ehlo()).toContain("DSN");
    expect((await client.command("MAIL FROM:<alice@remote.test> RET=HDRS ENVID=QQ+2B314")).code).toBe(250);
    expect((await client.command("RCPT TO:<carol@example.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;carol+40example.test")).code).toBe(250);
    expect((await client.command("RCPT TO:<bob@example.test> NOTIFY=NEVER,SUCCESS")).code).toBe(501);
    expect((await client.command("RCPT TO:<bob@example.test> ORCPT=carol@example.test")).code).toBe(501);
    expect((await client.command("RCPT TO:<bob@example.test> FOO=BAR")).code).toBe(555);
    expect((await client.command("DATA")).code).toBe(354);
    await client.write("Subject: with dsn\r\n\r\nx\r\n.\r\n");
    expect((await client.reply()).code).toBe(250);
    await client.quit();
    const stored = (await t.messages("carol@example.test")).find((m) => headerOf(m.raw, "Subject") === "with dsn");
    expect(stored!.envelope).toMatchObject({ ret: "HDRS", envid: "QQ+314", notify: ["SUCCESS", "FAILURE"], orcpt: "rfc822;carol@example.test" });
  });

  it("refuses a message that has looped (100 Received fields) with 554 5.4.6 and stores nothing", async () => {
    const before = await t.totalMessages();
    const hops = Array.from({ length: 100 }, (_, i) => `Received: from hop${i}.remote.test by hop${i + 1}.remote.test; Thu, 26 Nov 2026 10:00:00 +0000\r\n`).join("");
    const client = await SmtpClient.open(t.port);
    await client.ehlo();
    const reply = await client.send("alice@remote.test", ["bob@example.test"], `${hops}Subject: looping\r\n\r\nround and round\r\n`);
    expect([reply.code, reply.enhanced]).toEqual([554, "5.4.6"]);
    // A few hops are normal mail.
    const fine = await client.send("alice@remote.test", ["bob@example.test"], `${hops.split("\r\n").slice(0, 10).join("\r\n")}\r\nSubject: ten hops\r\n\r\nx\r\n`);
    expect(fine.code).toBe(250);
    await client.quit();
    expect(await t.totalMessages()).toBe(before + 1);
  });

  it("accepts RCPT TO:<Postmaster> without a domain (RFC 5321 §4.5.1 MUST)", async () => {
    await t.store.accounts.addAlias("postmaster@example.test", "carol@example.test");
    const client = await SmtpClient.open(t.port);
    await client.ehlo();
    expect((await client.command("MAIL FROM:<alice@remote.test>")).code).toBe(250);
    const rcpt = await client.command("RCPT TO:<Postmaster>");
    expect(rcpt.code).toBe(250);
    expect((await client.command("RSET")).code).toBe(250);
    await client.quit();
  });

  it("relays for an authenticated sender (into the outbound queue) only from the user's own address", async () => {
    const client = await SmtpClient.open(t.port);
    await client.ehlo();
    const token = Buffer.from(`\0bob@example.test\0${PASSWORDS["bob@example.test"]}`).toString("base64");
    expect((await client.command(`AUTH PLAIN ${token}`)).code).toBe(235);
    expect((await client.command("MAIL FROM:<carol@example.test>")).code).toBe(250);
    // Local delivery from any sender is what the MX port does; relaying in carol's name is not.
    expect((await client.command("RCPT TO:<bob@example.test>")).code).toBe(250);
    const forged = await client.command("RCPT TO:<someone@remote.test>");
    expect(forged.code).toBe(553);
    expect((await client.command("RSET")).code).toBe(250);
    expect((await client.command("MAIL FROM:<bob@example.test>")).code).toBe(250);
    expect((await client.command("RCPT TO:<someone@remote.test>")).code).toBe(250);
    expect((await client.command("RCPT TO:<carol@example.test>")).code).toBe(250);
    expect((await client.command("RSET")).code).toBe(250);
    await client.quit();
  });
});
