// UTF8=ACCEPT (RFC 6855) over a raw socket on SQLite and PostgreSQL: the capability and ENABLE,
// mailbox names in UTF-8 both ways once enabled (modified UTF-7 before, and for other
// sessions), LIST/STATUS/GETQUOTAROOT answering in UTF-8, APPEND's "UTF8 (~{n})" form as
// Thunderbird sends it (refused before ENABLE), messages with raw UTF-8 headers stored and
// fetched byte for byte, SEARCH without CHARSET; then imapflow, which enables UTF8=ACCEPT itself.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { crlf, startImapServer, type ImapClient, type ImapTestServer, type TestAccount } from "../helpers/imap";
import { PROVIDERS } from "../helpers/store";

/** Headers in raw UTF-8 (RFC 6532), as a UTF8=ACCEPT client may APPEND them. */
const UTF8_MESSAGE = crlf(
  "From: Jürgen Müller <jürgen@bücher.example>\n" +
    "To: Zoë <zoë@example.test>\n" +
    "Subject: Grüße aus Köln ☕\n" +
    "Date: Thu, 26 Nov 2026 10:00:00 +0000\n" +
    "Message-ID: <grüße.1@bücher.example>\n" +
    "MIME-Version: 1.0\n" +
    "Content-Type: text/plain; charset=utf-8\n" +
    "Content-Transfer-Encoding: 8bit\n\n" +
    "Schöne Grüße, und bis bald.\n",
);

describe.each(PROVIDERS)("IMAP UTF8=ACCEPT on %s", (provider) => {
  let t: ImapTestServer;
  beforeAll(async () => {
    t = await startImapServer({ provider });
  });
  afterAll(async () => t?.cleanup());

  async function utf8Session(account?: TestAccount): Promise<{ account: TestAccount; client: ImapClient }> {
    const user = account ?? (await t.account());
    const client = await t.connect({ account: user });
    expect((await client.ok("ENABLE UTF8=ACCEPT")).untagged).toEqual(["* ENABLED UTF8=ACCEPT"]);
    return { account: user, client };
  }

  /** APPEND with the UTF8 data extension, synchronising like Thunderbird: waits for "+" before the literal8. */
  async function appendUtf8(client: ImapClient, mailbox: string, message: Buffer, flags = "") {
    const tag = client.nextTag();
    await client.write(`${tag} APPEND ${mailbox}${flags ? ` ${flags}` : ""} UTF8 (~{${message.length}}\r\n`);
    const next = await client.response();
    if (!next.startsWith("+")) return client.until(tag).catch(() => ({ tagged: next, status: next.split(" ")[1] }));
    await client.write(Buffer.concat([message, Buffer.from(")\r\n")]));
    return client.until(tag);
  }

  it("advertises UTF8=ACCEPT and enables it once", async () => {
    const { client } = await utf8Session();
    expect((await client.ok("CAPABILITY")).untagged[0].split(" ")).toContain("UTF8=ACCEPT");
    expect((await client.ok("ENABLE UTF8=ACCEPT")).untagged).toEqual(["* ENABLED"]);
    await client.logout();
  });

  it("takes and gives mailbox names in UTF-8 once enabled, in modified UTF-7 before and elsewhere", async () => {
    const { account, client } = await utf8Session();
    await client.ok('CREATE "Entwürfe/Grüße ☕"');
    expect((await client.ok('LIST "" "Entw*"')).untagged).toEqual(['* LIST (\\HasChildren) "/" "Entwürfe"', '* LIST (\\HasNoChildren) "/" "Entwürfe/Grüße ☕"']);
    expect((await client.ok('LIST "" "Entwürfe/%" RETURN (STATUS (MESSAGES))')).untagged).toEqual([
      '* LIST (\\HasNoChildren) "/" "Entwürfe/Grüße ☕"',
      '* STATUS "Entwürfe/Grüße ☕" (MESSAGES 0)',
    ]);
    expect((await client.ok('STATUS "Entwürfe" (MESSAGES)')).untagged).toEqual(['* STATUS "Entwürfe" (MESSAGES 0)']);
    expect((await client.ok('GETQUOTAROOT "Entwürfe"')).untagged[0]).toBe('* QUOTAROOT "Entwürfe" ""');
    // "&" is just a character in a UTF-8 name.
    await client.ok('CREATE "Tom & Jerry"');
    expect((await client.ok('LIST "" "Tom*"')).untagged).toEqual(['* LIST (\\HasNoChildren) "/" "Tom & Jerry"']);

    const plain = await t.connect({ account });
    expect((await plain.ok('LIST "" "Entw*"')).untagged).toEqual(['* LIST (\\HasChildren) "/" Entw&APw-rfe', '* LIST (\\HasNoChildren) "/" "Entw&APw-rfe/Gr&APwA3w-e &JhU-"']);
    expect((await plain.ok('LIST "" "Tom*"')).untagged).toEqual(['* LIST (\\HasNoChildren) "/" "Tom &- Jerry"']);
    // Before ENABLE, 8-bit in a quoted string is not IMAP.
    expect((await plain.command('STATUS "Entwürfe" (MESSAGES)')).status).toBe("BAD");
    await plain.logout();
    await client.logout();
  });

  it("stores APPEND UTF8 (~{n}) byte for byte and fetches and searches it", async () => {
    const { account, client } = await utf8Session();
    await client.ok('CREATE "Köln"');
    const appended = await appendUtf8(client, '"Köln"', UTF8_MESSAGE, "(\\Seen)");
    expect(appended.status).toBe("OK");
    expect(appended.tagged).toMatch(/^T\d+ OK \[APPENDUID \d+ 1\] APPEND completed$/);
    await client.ok('SELECT "Köln"');
    expect((await client.ok("FETCH 1 (FLAGS)")).untagged).toEqual(["* 1 FETCH (FLAGS (\\Seen \\Recent))"]);
    const body = (await client.ok("FETCH 1 (BODY.PEEK[])")).untagged[0];
    expect(body).toBe(`* 1 FETCH (BODY[] {${UTF8_MESSAGE.length}}\r\n${UTF8_MESSAGE.toString("utf8")})`);
    const envelope = (await client.ok("FETCH 1 (ENVELOPE)")).untagged[0];
    expect(envelope).toContain("Grüße aus Köln ☕");
    expect(envelope).toContain("jürgen");
    expect(envelope).toContain("bücher.example");
    // No CHARSET needed once UTF8=ACCEPT is on: the search key is UTF-8.
    expect((await client.ok('SEARCH SUBJECT "Grüße aus"')).untagged).toEqual(["* SEARCH 1"]);
    expect((await client.ok('SEARCH FROM "Müller" BODY "Schöne"')).untagged).toEqual(["* SEARCH 1"]);
    expect((await client.ok('SEARCH SUBJECT "Gruesse"')).untagged).toEqual(["* SEARCH"]);

    // Another session without UTF8=ACCEPT sees the same bytes.
    const plain = await t.connect({ account });
    await plain.ok("SELECT K&APY-ln");
    expect((await plain.ok("FETCH 1 (BODY.PEEK[])")).untagged[0]).toBe(body);
    await plain.logout();
    await client.logout();
  });

  it("refuses APPEND UTF8 before ENABLE, and malformed UTF8 forms, with BAD and nothing stored", async () => {
    const account = await t.account();
    const plain = await t.connect({ account });
    const refused = await appendUtf8(plain, "INBOX", UTF8_MESSAGE);
    expect(refused.status).toBe("BAD");
    await plain.logout();

    const { client } = await utf8Session(account);
    const message = UTF8_MESSAGE;
    const malformed = [
      Buffer.concat([Buffer.from(`APPEND INBOX UTF8 ({${message.length}+}\r\n`), message, Buffer.from(")")]),
      Buffer.concat([Buffer.from(`APPEND INBOX UTF8 ~{${message.length}+}\r\n`), message]),
      Buffer.concat([Buffer.from(`APPEND INBOX UTF8 (~{${message.length}+}\r\n`), message, Buffer.from(` ~{1+}\r\nx)`)]),
      Buffer.concat([Buffer.from(`APPEND INBOX UTF8 (~{${message.length}+}\r\n`), message, Buffer.from(") extra")]),
      Buffer.from("APPEND INBOX UTF8 ()"),
      Buffer.from("APPEND INBOX UTF8"),
    ];
    for (const command of malformed) {
      const tag = client.nextTag();
      await client.write(Buffer.concat([Buffer.from(`${tag} `), command, Buffer.from("\r\n")]));
      expect((await client.until(tag)).status, command.toString("utf8", 0, 30)).toBe("BAD");
      await client.ok("NOOP");
    }
    expect((await client.ok("STATUS INBOX (MESSAGES)")).untagged).toEqual(["* STATUS INBOX (MESSAGES 0)"]);
    await client.logout();
  });

  it("imapflow, which enables UTF8=ACCEPT, creates UTF-8 names and appends and reads UTF-8 headers", async () => {
    const account = await t.account();
    const flow = await t.imapflow(account);
    expect(flow.enabled.has("UTF8=ACCEPT")).toBe(true);
    await flow.mailboxCreate("Reisen/Zürich");
    const appended = await flow.append("Reisen/Zürich", UTF8_MESSAGE);
    expect(appended).toMatchObject({ destination: "Reisen/Zürich", uid: 1 });
    const lock = await flow.getMailboxLock("Reisen/Zürich");
    try {
      const message = await flow.fetchOne("1", { envelope: true, source: true }, { uid: true });
      expect(message && message.envelope?.subject).toBe("Grüße aus Köln ☕");
      expect(message && message.envelope?.from?.[0]).toMatchObject({ name: "Jürgen Müller", address: "jürgen@bücher.example" });
      expect(message && message.source?.equals(UTF8_MESSAGE)).toBe(true);
    } finally {
      lock.release();
    }
    const listed = await flow.list({ statusQuery: { messages: true } });
    expect(listed.find((mailbox) => mailbox.path === "Reisen/Zürich")?.status?.messages).toBe(1);
    await flow.logout();
  });
});
