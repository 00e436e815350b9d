// No open relay: address tricks that old MTAs turned into relaying are refused without AUTH
// and nothing is stored. AUTH PLAIN and LOGIN, and the PLAINTEXT_AUTH policy.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { headerOf, nodemailerTransport, PASSWORDS, runProgram, smtplibSend, SmtpClient, splitTrace, startSmtpServer, type SmtpTestServer } from "../helpers/smtp";

const BOB = "bob@example.test";
const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");
const plainToken = (user: string, password: string) => b64(`\0${user}\0${password}`);

describe("relay tricks without AUTH", () => {
  let t: SmtpTestServer;
  beforeAll(async () => {
    t = await startSmtpServer();
  });
  afterAll(async () => t?.cleanup());

  // [address, expected code, expected enhanced code or null for "any 5.x.x"]
  const TRICKS: [string, number, string | null][] = [
    ["user%remote.test@example.test", 550, "5.1.1"],
    ['"user@remote.test"@example.test', 550, "5.1.1"],
    ["@example.test:user@remote.test", 554, "5.7.1"],
    ["@example.test,@other.test:user@remote.test", 554, "5.7.1"],
    ["user@remote.test@example.test", 501, "5.1.3"],
    ["remote.test!user@example.test", 550, "5.1.1"],
    ["user@remote.test", 554, "5.7.1"],
    ["user@[127.0.0.1]", 554, "5.7.1"],
    ["user@[IPv6:::1]", 554, "5.7.1"],
    ["bob@[127.0.0.1]", 554, "5.7.1"],
    ["user@example.test.remote.test", 554, "5.7.1"],
    ["user@localhost", 554, "5.7.1"],
    ['"user%remote.test"@example.test', 550, "5.1.1"],
  ];

  it.each(TRICKS)("refuses RCPT TO:<%s> with %i, and DATA has no recipient", async (address, code, enhanced) => {
    const before = await t.totalMessages();
    const client = await SmtpClient.open(t.port);
    await client.ehlo();
    expect((await client.command("MAIL FROM:<alice@remote.test>")).code).toBe(250);
    const rcpt = await client.command(`RCPT TO:<${address}>`);
    expect([rcpt.code, rcpt.enhanced]).toEqual([code, enhanced]);
    const data = await client.command("DATA");
    expect(data.code).toBe(554);
    await client.quit();
    expect(await t.totalMessages()).toBe(before);
  });

  it("refuses an unknown local user with 550 5.1.1", async () => {
    const client = await SmtpClient.open(t.port);
    await client.ehlo();
    expect((await client.command("MAIL FROM:<alice@remote.test>")).code).toBe(250);
    const rcpt = await client.command("RCPT TO:<nobody@example.test>");
    expect([rcpt.code, rcpt.enhanced]).toEqual([550, "5.1.1"]);
    await client.quit();
  });

  it("delivers a source-routed local address to the local user (the route is ignored, RFC 5321 appendix C)", async () => {
    const client = await SmtpClient.open(t.port);
    await client.ehlo();
    const reply = await client.send("alice@remote.test", ["@remote.test:bob@example.test"], "Subject: routed\r\n\r\nx\r\n");
    expect(reply.code).toBe(250);
    await client.quit();
    expect((await t.inbox(BOB)).map((m) => headerOf(m, "Subject"))).toContain("routed");
  });

  it("refuses relaying through nodemailer and smtplib too", async () => {
    const before = await t.totalMessages();
    const transport = nodemailerTransport(t.port);
    await expect(transport.sendMail({ from: "alice@remote.test", to: "user@remote.test", text: "relay me" })).rejects.toMatchObject({ responseCode: 554 });
    transport.close();
    const result = await smtplibSend({ port: t.port, from: "alice@remote.test", to: ["user@remote.test", "user%remote.test@example.test"], message: "Subject: x\r\n\r\nx\r\n" });
    expect(result).toMatchObject({ error: "recipients" });
    const refused = JSON.parse((result as { message: string }).message) as Record<string, [number, string]>;
    expect(refused["user@remote.test"][0]).toBe(554);
    expect(refused["user%remote.test@example.test"][0]).toBe(550);
    expect(await t.totalMessages()).toBe(before);
  });
});

describe("AUTH with PLAINTEXT_AUTH=loopback (the default)", () => {
  let t: SmtpTestServer;
  beforeAll(async () => {
    t = await startSmtpServer();
  });
  afterAll(async () => t?.cleanup());

  it("offers AUTH PLAIN LOGIN on loopback without TLS", async () => {
    const client = await SmtpClient.open(t.port);
    expect(await client.ehlo()).toContain("AUTH PLAIN LOGIN");
    await client.quit();
  });

  it("AUTH PLAIN with an initial response, and with a 334 continuation", async () => {
    const client = await SmtpClient.open(t.port);
    await client.ehlo();
    const ok = await client.command(`AUTH PLAIN ${plainToken(BOB, PASSWORDS[BOB])}`);
    expect([ok.code, ok.enhanced]).toEqual([235, "2.7.0"]);
    const again = await client.command(`AUTH PLAIN ${plainToken(BOB, PASSWORDS[BOB])}`);
    expect(again.code).toBe(503);
    await client.quit();

    const second = await SmtpClient.open(t.port);
    await second.ehlo();
    const challenge = await second.command("AUTH PLAIN");
    expect(challenge.code).toBe(334);
    expect((await second.command(plainToken("carol@example.test", PASSWORDS["carol@example.test"]))).code).toBe(235);
    await second.quit();
  });

  it("AUTH LOGIN asks for Username: and Password: in base64", async () => {
    const client = await SmtpClient.open(t.port);
    await client.ehlo();
    const user = await client.command("AUTH LOGIN");
    expect([user.code, Buffer.from(user.lines[0], "base64").toString()]).toEqual([334, "Username:"]);
    const pass = await client.command(b64(BOB));
    expect([pass.code, Buffer.from(pass.lines[0], "base64").toString()]).toEqual([334, "Password:"]);
    const ok = await client.command(b64(PASSWORDS[BOB]));
    expect([ok.code, ok.enhanced]).toEqual([235, "2.7.0"]);
    await client.quit();
  });

  it("answers 535 5.7.8 to a wrong password (PLAIN and LOGIN) and 501 to a cancelled exchange", async () => {
    const client = await SmtpClient.open(t.port);
    await client.ehlo();
    const plain = await client.command(`AUTH PLAIN ${plainToken(BOB, "not the password")}`, 10_000);
    expect([plain.code, plain.enhanced]).toEqual([535, "5.7.8"]);
    const cancelled = await client.command("AUTH LOGIN");
    expect(cancelled.code).toBe(334);
    expect((await client.command("*")).code).toBe(501);
    await client.quit();

    const login = await SmtpClient.open(t.port);
    await login.ehlo();
    expect((await login.command("AUTH LOGIN")).code).toBe(334);
    expect((await login.command(b64(BOB))).code).toBe(334);
    const wrong = await login.command(b64("wrong password here"), 10_000);
    expect([wrong.code, wrong.enhanced]).toEqual([535, "5.7.8"]);
    // Still usable, and still not authenticated: a right password works now.
    expect((await login.command(`AUTH PLAIN ${plainToken(BOB, PASSWORDS[BOB])}`)).code).toBe(235);
    await login.quit();
  });

  it("nodemailer with auth (PLAIN and LOGIN) delivers, and Received says ESMTPSA", async () => {
    for (const method of ["PLAIN", "LOGIN"]) {
      const transport = nodemailerTransport(t.port, { auth: { user: BOB, pass: PASSWORDS[BOB] }, authMethod: method });
      const info = await transport.sendMail({ from: BOB, to: "carol@example.test", subject: `auth ${method}`, text: "authenticated" });
      transport.close();
      expect(info.accepted).toEqual(["carol@example.test"]);
    }
    const stored = (await t.messages("carol@example.test")).filter((m) => /^auth /.test(headerOf(m.raw, "Subject") ?? ""));
    expect(stored).toHaveLength(2);
    for (const m of stored) {
      expect(splitTrace(m.raw).received).toMatch(/ with ESMTPSA id /);
      expect(m.envelope).toMatchObject({ authenticatedAs: BOB });
    }
  });

  it("swaks with STARTTLS, AUTH LOGIN and PIPELINING delivers", async () => {
    const result = await runProgram("swaks", [
      "--server", `127.0.0.1:${t.port}`,
      "--from", BOB,
      "--to", "carol@example.test",
      "--tls", "--auth", "LOGIN", "--auth-user", BOB, "--auth-password", PASSWORDS[BOB],
      "--pipeline",
      "--header", "Subject: via swaks",
      "--body", "sent by swaks",
    ]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/<~ {2}235 2\.7\.0 /);
    const stored = (await t.messages("carol@example.test")).find((m) => headerOf(m.raw, "Subject") === "via swaks");
    expect(stored).toBeDefined();
    expect(splitTrace(stored!.raw).received).toMatch(/ with ESMTPSA id /);
  });

  it("smtplib.login with a wrong password gets 535", async () => {
    const result = await smtplibSend({ port: t.port, from: BOB, to: [BOB], message: "Subject: x\r\n\r\nx\r\n", login: [BOB, "definitely wrong"] });
    expect(result).toMatchObject({ error: "SMTPAuthenticationError", code: 535 });
  });
});

describe("AUTH with PLAINTEXT_AUTH=never", () => {
  let t: SmtpTestServer;
  beforeAll(async () => {
    t = await startSmtpServer({ env: { PLAINTEXT_AUTH: "never" } });
  });
  afterAll(async () => t?.cleanup());

  it("refuses AUTH before STARTTLS with 538 5.7.11 and accepts it after", async () => {
    const client = await SmtpClient.open(t.port);
    const before = await client.ehlo();
    expect(before.some((e) => e.startsWith("AUTH"))).toBe(false);
    const refused = await client.command(`AUTH PLAIN ${plainToken(BOB, PASSWORDS[BOB])}`);
    expect([refused.code, refused.enhanced]).toEqual([538, "5.7.11"]);
    const login = await client.command("AUTH LOGIN");
    expect([login.code, login.enhanced]).toEqual([538, "5.7.11"]);

    expect((await client.command("STARTTLS")).code).toBe(220);
    await client.startTls();
    expect(await client.ehlo()).toContain("AUTH PLAIN LOGIN");
    const ok = await client.command(`AUTH PLAIN ${plainToken(BOB, PASSWORDS[BOB])}`);
    expect([ok.code, ok.enhanced]).toEqual([235, "2.7.0"]);
    await client.quit();
  });

  it("smtplib: login after starttls works and the message is stored", async () => {
    const result = await smtplibSend({ port: t.port, from: BOB, to: ["carol@example.test"], message: "Subject: tls login\r\n\r\nx\r\n", starttls: true, login: [BOB, PASSWORDS[BOB]] });
    expect(result).toEqual({ refused: {} });
    const [stored] = await t.messages("carol@example.test");
    expect(stored.envelope).toMatchObject({ authenticatedAs: BOB, tls: true });
  });
});
