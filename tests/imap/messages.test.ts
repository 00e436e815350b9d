// Message commands over a raw socket: SELECT, FETCH (every data item and macro, \Seen as a
// side effect), STORE, EXPUNGE / UID EXPUNGE / CLOSE / UNSELECT, COPY and MOVE with COPYUID,
// APPEND with APPENDUID — on SQLite and PostgreSQL — and SEARCH with every key of the slice
// (on SQLite; BODY and TEXT go through its trigram index).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROVIDERS } from "../helpers/store";
import { crlf, startImapServer, textMessage, untaggedOf, type ImapClient, type ImapTestServer, type TestAccount } from "../helpers/imap";

const lit = (text: string | Buffer) => `{${Buffer.byteLength(text)}}\r\n${text.toString()}`;

/** Applies EXPUNGE responses to a list of UIDs in sequence order, as a client would. */
function applyExpunges(uids: number[], lines: string[]): number[] {
  const out = [...uids];
  for (const line of lines) {
    const match = /^\* (\d+) EXPUNGE$/.exec(line);
    if (!match) continue;
    const seq = Number(match[1]);
    if (seq < 1 || seq > out.length) throw new Error(`EXPUNGE ${seq} outside 1..${out.length}`);
    out.splice(seq - 1, 1);
  }
  return out;
}

const FIRST = textMessage("First message", { messageId: "<first@remote.test>", body: "Hello there.\nSecond line.\n" });
const INTERNAL = new Date("2026-11-26T10:00:00Z");

describe.each(PROVIDERS)("IMAP message commands on %s", (provider) => {
  let t: ImapTestServer;
  beforeAll(async () => {
    t = await startImapServer({ provider });
  });
  afterAll(async () => t?.cleanup());

  async function withMessages(count: number, options: { flags?: (n: number) => string[] } = {}): Promise<{ account: TestAccount; client: ImapClient; uids: number[] }> {
    const account = await t.account();
    const uids: number[] = [];
    for (let n = 1; n <= count; n++) {
      const raw = n === 1 ? FIRST : textMessage(`message ${n}`, { messageId: `<m${n}@remote.test>` });
      uids.push(await t.put(account, raw, { internalDate: INTERNAL, flags: options.flags?.(n) }));
    }
    return { account, client: await t.connect({ account }), uids };
  }

  describe("FETCH", () => {
    const ENVELOPE =
      '("Thu, 26 Nov 2026 10:00:00 +0000" "First message" (("Alice" NIL "alice" "remote.test")) (("Alice" NIL "alice" "remote.test")) ' +
      '(("Alice" NIL "alice" "remote.test")) ((NIL NIL "bob" "example.test")) NIL NIL NIL "<first@remote.test>")';
    // EXAMINE shows \Recent (nobody has selected the mailbox yet) without claiming it.
    const FAST = `FLAGS (\\Flagged $Work \\Recent) INTERNALDATE "26-Nov-2026 10:00:00 +0000" RFC822.SIZE ${FIRST.length}`;
    const BODY = '("TEXT" "PLAIN" ("CHARSET" "utf-8") NIL NIL "7BIT" 28 2)';

    it("fetches FLAGS, INTERNALDATE, RFC822.SIZE, ENVELOPE, BODY and UID", async () => {
      const { client } = await withMessages(1, { flags: () => ["\\Flagged", "$Work"] });
      await client.ok("EXAMINE INBOX");
      expect((await client.ok("FETCH 1 (FLAGS INTERNALDATE RFC822.SIZE ENVELOPE UID)")).untagged).toEqual([`* 1 FETCH (${FAST} ENVELOPE ${ENVELOPE} UID 1)`]);
      expect((await client.ok("FETCH 1 (FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODY)")).untagged).toEqual([`* 1 FETCH (${FAST} ENVELOPE ${ENVELOPE} BODY ${BODY})`]);
      expect((await client.ok("FETCH 1 ENVELOPE")).untagged).toEqual([`* 1 FETCH (ENVELOPE ${ENVELOPE})`]);
      await client.logout();
    });

    it("accepts the macros ALL, FAST and FULL on their own (RFC 3501 §6.4.5 fetch grammar)", async () => {
      const { client } = await withMessages(1, { flags: () => ["\\Flagged", "$Work"] });
      await client.ok("EXAMINE INBOX");
      expect((await client.command("FETCH 1 FAST")).untagged).toEqual([`* 1 FETCH (${FAST})`]);
      expect((await client.command("FETCH 1 ALL")).untagged).toEqual([`* 1 FETCH (${FAST} ENVELOPE ${ENVELOPE})`]);
      expect((await client.command("UID FETCH 1 full")).untagged).toEqual([`* 1 FETCH (UID 1 ${FAST} ENVELOPE ${ENVELOPE} BODY ${BODY})`]);
      // Inside a list a macro is not a data item.
      expect((await client.command("FETCH 1 (FAST)")).status).toBe("BAD");
      await client.logout();
    });

    it("fetches RFC822, RFC822.HEADER, RFC822.TEXT and BODY[] byte-exact; reading the body sets \\Seen and says so, the header alone does not", async () => {
      const { client } = await withMessages(2);
      await client.ok("SELECT INBOX");
      const split = FIRST.indexOf("\r\n\r\n") + 4;
      const header = FIRST.subarray(0, split).toString();
      const text = FIRST.subarray(split).toString();
      expect((await client.ok("FETCH 1 (RFC822.HEADER)")).untagged).toEqual([`* 1 FETCH (RFC822.HEADER ${lit(header)})`]);
      expect((await client.ok("FETCH 1 (FLAGS)")).untagged).toEqual(["* 1 FETCH (FLAGS (\\Recent))"]);
      expect((await client.ok("FETCH 1 (BODY.PEEK[])")).untagged).toEqual([`* 1 FETCH (BODY[] ${lit(FIRST)})`]);
      expect((await client.ok("FETCH 1 (FLAGS)")).untagged).toEqual(["* 1 FETCH (FLAGS (\\Recent))"]);
      expect((await client.ok("FETCH 1 (RFC822.TEXT)")).untagged).toEqual([`* 1 FETCH (RFC822.TEXT ${lit(text)} FLAGS (\\Seen \\Recent))`]);
      expect((await client.ok("FETCH 1 (RFC822)")).untagged).toEqual([`* 1 FETCH (RFC822 ${lit(FIRST)})`]);
      const second = await client.ok("UID FETCH 2 (BODY[HEADER.FIELDS (Subject)])");
      expect(second.untagged).toEqual([`* 2 FETCH (UID 2 BODY[HEADER.FIELDS (SUBJECT)] ${lit("Subject: message 2\r\n\r\n")} FLAGS (\\Seen \\Recent))`]);
      await client.logout();
    });

    it("fetches many messages by sequence set and UID set, in order, UID always included in UID FETCH", async () => {
      const { client } = await withMessages(5);
      await client.ok("EXAMINE INBOX");
      expect((await client.ok("FETCH 2:3,5 (UID)")).untagged).toEqual(["* 2 FETCH (UID 2)", "* 3 FETCH (UID 3)", "* 5 FETCH (UID 5)"]);
      expect((await client.ok("FETCH * (UID)")).untagged).toEqual(["* 5 FETCH (UID 5)"]);
      expect((await client.ok("UID FETCH 4:* (FLAGS)")).untagged).toEqual(["* 4 FETCH (UID 4 FLAGS (\\Recent))", "* 5 FETCH (UID 5 FLAGS (\\Recent))"]);
      // "n:*" with n past the last UID still names the last message (RFC 3501 §6.4.8).
      expect((await client.ok("UID FETCH 9:* (FLAGS)")).untagged).toEqual(["* 5 FETCH (UID 5 FLAGS (\\Recent))"]);
      await client.logout();
    });

    it("keeps each message's items in order when small sections are copied into the response and large ones are sent as they are", async () => {
      const account = await t.account();
      const sizes = [1, 40_000, 2, 100_000, 3];
      const messages = sizes.map((lines, i) => textMessage(`mixed ${i + 1}`, { messageId: `<mixed${i + 1}@remote.test>`, body: `line ${i + 1} of the body\n`.repeat(lines) }));
      for (const raw of messages) await t.put(account, raw, { internalDate: INTERNAL });
      const client = await t.connect({ account });
      await client.ok("EXAMINE INBOX");
      const { untagged } = await client.ok("FETCH 1:5 (UID BODY.PEEK[] RFC822.SIZE BODY.PEEK[HEADER.FIELDS (SUBJECT)])", 20_000);
      expect(untagged.length).toBe(5);
      untagged.forEach((line, i) => {
        const expected = `* ${i + 1} FETCH (UID ${i + 1} BODY[] ${lit(messages[i])} RFC822.SIZE ${messages[i].length} BODY[HEADER.FIELDS (SUBJECT)] ${lit(`Subject: mixed ${i + 1}\r\n\r\n`)})`;
        expect(line === expected, `message ${i + 1}`).toBe(true);
      });
      await client.logout();
    });
  });

  describe("STORE", () => {
    it("sets, adds and removes flags and keywords, answers with FETCH FLAGS unless .SILENT, with UID in UID STORE", async () => {
      const { client } = await withMessages(3);
      await client.ok("SELECT INBOX");
      expect((await client.ok("STORE 1 FLAGS (\\Seen \\Flagged)")).untagged).toEqual(["* 1 FETCH (FLAGS (\\Seen \\Flagged \\Recent))"]);
      // A keyword new to the mailbox: FLAGS and PERMANENTFLAGS first (RFC 3501 §7.2.6), then the FETCHes.
      expect((await client.ok("STORE 1:2 +FLAGS (\\Answered $Label1)")).untagged).toEqual([
        "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Label1)",
        "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Label1 \\*)] Flags permitted",
        "* 1 FETCH (FLAGS (\\Seen \\Answered \\Flagged $Label1 \\Recent))",
        "* 2 FETCH (FLAGS (\\Answered $Label1 \\Recent))",
      ]);
      expect((await client.ok("STORE 1 -FLAGS (\\Flagged $label1)")).untagged).toEqual(["* 1 FETCH (FLAGS (\\Seen \\Answered \\Recent))"]);
      expect((await client.ok("STORE 2 +FLAGS.SILENT (\\Draft)")).untagged).toEqual([]);
      expect((await client.ok("UID STORE 2:3 -FLAGS (\\Answered)")).untagged).toEqual(["* 2 FETCH (FLAGS (\\Draft $Label1 \\Recent) UID 2)", "* 3 FETCH (FLAGS (\\Recent) UID 3)"]);
      expect((await client.ok("UID STORE 3 FLAGS.SILENT (\\Deleted)")).untagged).toEqual([]);
      // Without parentheses, a single flag.
      expect((await client.ok("STORE 3 +FLAGS \\Seen")).untagged).toEqual(["* 3 FETCH (FLAGS (\\Seen \\Deleted \\Recent))"]);
      expect((await client.ok("FETCH 1:3 (FLAGS)")).untagged).toEqual([
        "* 1 FETCH (FLAGS (\\Seen \\Answered \\Recent))",
        "* 2 FETCH (FLAGS (\\Draft $Label1 \\Recent))",
        "* 3 FETCH (FLAGS (\\Seen \\Deleted \\Recent))",
      ]);
      expect((await client.ok("STATUS INBOX (UNSEEN)")).untagged).toEqual(["* STATUS INBOX (UNSEEN 1)"]);
      // A new keyword is permanent: a new SELECT lists it (after [CLOSED] for the mailbox it replaces, RFC 7162 §3.2.11).
      expect((await client.ok("SELECT INBOX")).untagged.slice(0, 2)).toEqual(["* OK [CLOSED] Previous mailbox closed", "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Label1)"]);
      await client.logout();
    });

    it("refuses STORE in a mailbox opened with EXAMINE with NO [READ-ONLY]", async () => {
      const { client } = await withMessages(1);
      await client.ok("EXAMINE INBOX");
      const result = await client.command("STORE 1 +FLAGS (\\Seen)");
      expect([result.status, result.code]).toEqual(["NO", "READ-ONLY"]);
      await client.logout();
    });
  });

  describe("EXPUNGE, CLOSE, UNSELECT", () => {
    it("expunges \\Deleted messages with EXPUNGE responses a client can apply in order", async () => {
      const { client, uids } = await withMessages(6);
      await client.ok("SELECT INBOX");
      await client.ok("STORE 2,3,5 +FLAGS.SILENT (\\Deleted)");
      const expunge = await client.ok("EXPUNGE");
      expect(untaggedOf(expunge, "EXPUNGE")).toHaveLength(3);
      expect(applyExpunges(uids, expunge.untagged)).toEqual([1, 4, 6]);
      expect((await client.ok("FETCH 1:* (UID)")).untagged).toEqual(["* 1 FETCH (UID 1)", "* 2 FETCH (UID 4)", "* 3 FETCH (UID 6)"]);
      expect((await client.ok("EXPUNGE")).untagged).toEqual([]);
      await client.logout();
    });

    it("UID EXPUNGE removes only the named \\Deleted messages", async () => {
      const { client } = await withMessages(4);
      await client.ok("SELECT INBOX");
      await client.ok("STORE 1:3 +FLAGS.SILENT (\\Deleted)");
      const result = await client.ok("UID EXPUNGE 2:4");
      expect(applyExpunges([1, 2, 3, 4], result.untagged)).toEqual([1, 4]);
      expect((await client.ok("FETCH 1:* (UID FLAGS)")).untagged).toEqual(["* 1 FETCH (UID 1 FLAGS (\\Deleted \\Recent))", "* 2 FETCH (UID 4 FLAGS (\\Recent))"]);
      await client.logout();
    });

    it("CLOSE expunges silently and leaves the selected state; in EXAMINE it expunges nothing; UNSELECT never does; CHECK is OK", async () => {
      const { client } = await withMessages(3);
      await client.ok("SELECT INBOX");
      expect((await client.ok("CHECK")).untagged).toEqual([]);
      await client.ok("STORE 1 +FLAGS.SILENT (\\Deleted)");
      expect((await client.ok("UNSELECT")).untagged).toEqual([]);
      expect((await client.command("FETCH 1 FLAGS")).status).toBe("BAD");
      expect((await client.ok("EXAMINE INBOX")).untagged).toContain("* 3 EXISTS");
      expect((await client.ok("CLOSE")).untagged).toEqual([]);
      expect((await client.ok("SELECT INBOX")).untagged).toContain("* 3 EXISTS");
      expect((await client.ok("CLOSE")).untagged).toEqual([]);
      expect((await client.command("NOOP")).untagged).toEqual([]);
      expect((await client.ok("SELECT INBOX")).untagged).toContain("* 2 EXISTS");
      expect((await client.ok("FETCH 1 (UID)")).untagged).toEqual(["* 1 FETCH (UID 2)"]);
      await client.logout();
    });

    it("refuses EXPUNGE in EXAMINE with NO [READ-ONLY]", async () => {
      const { client } = await withMessages(1, { flags: () => ["\\Deleted"] });
      await client.ok("EXAMINE INBOX");
      const result = await client.command("EXPUNGE");
      expect([result.status, result.code]).toEqual(["NO", "READ-ONLY"]);
      await client.logout();
    });
  });

  describe("COPY and MOVE", () => {
    it("copies with flags kept and answers [COPYUID validity source-set target-set]; copying into the selected mailbox announces EXISTS", async () => {
      const { account, client } = await withMessages(3, { flags: (n) => (n === 2 ? ["\\Seen", "$Work"] : []) });
      const archive = (await t.store.folders.get(account.id, "Archive"))!;
      await client.ok("SELECT INBOX");
      const copy = await client.ok("COPY 2:3 Archive");
      expect(copy.code).toBe(`COPYUID ${archive.uidValidity} 2:3 1:2`);
      expect(copy.untagged).toEqual([]);
      const uidCopy = await client.ok("UID COPY 1,3 Archive");
      expect(uidCopy.code).toBe(`COPYUID ${archive.uidValidity} 1,3 3:4`);
      expect((await client.ok("STATUS Archive (MESSAGES UNSEEN UIDNEXT)")).untagged).toEqual(["* STATUS Archive (MESSAGES 4 UNSEEN 3 UIDNEXT 5)"]);

      const inbox = (await t.store.folders.get(account.id, "INBOX"))!;
      const self = await client.ok("COPY 2 INBOX");
      expect(self.code).toBe(`COPYUID ${inbox.uidValidity} 2 4`);
      // The copy is recent for this session, like the three it claimed at SELECT (RFC 3501 §6.4.7).
      expect(self.untagged).toEqual(["* 4 EXISTS", "* 4 RECENT"]);
      expect((await client.ok("FETCH 4 (UID FLAGS)")).untagged).toEqual(["* 4 FETCH (UID 4 FLAGS (\\Seen $Work \\Recent))"]);

      const missing = await client.command("COPY 1 Nowhere");
      expect([missing.status, missing.code]).toEqual(["NO", "TRYCREATE"]);
      await client.ok("EXAMINE Archive");
      expect((await client.ok("FETCH 1:* (UID FLAGS)")).untagged).toEqual([
        "* 1 FETCH (UID 1 FLAGS (\\Seen $Work \\Recent))",
        "* 2 FETCH (UID 2 FLAGS (\\Recent))",
        "* 3 FETCH (UID 3 FLAGS (\\Recent))",
        "* 4 FETCH (UID 4 FLAGS (\\Recent))",
      ]);
      await client.logout();
    });

    it("moves with an untagged OK [COPYUID] first, then the EXPUNGEs, then the tagged OK (RFC 6851 §4.3)", async () => {
      const { account, client } = await withMessages(4);
      const trash = (await t.store.folders.get(account.id, "Trash"))!;
      await client.ok("SELECT INBOX");
      const move = await client.ok("MOVE 2:3 Trash");
      expect(move.untagged[0]).toMatch(new RegExp(`^\\* OK \\[COPYUID ${trash.uidValidity} 2:3 1:2\\]`));
      expect(move.untagged.slice(1).every((l) => /^\* \d+ EXPUNGE$/.test(l))).toBe(true);
      expect(applyExpunges([1, 2, 3, 4], move.untagged)).toEqual([1, 4]);

      const uidMove = await client.ok("UID MOVE 4 Trash");
      expect(uidMove.untagged).toEqual([`* OK [COPYUID ${trash.uidValidity} 4 3] Moved`, "* 2 EXPUNGE"]);
      expect((await client.ok("FETCH 1:* (UID)")).untagged).toEqual(["* 1 FETCH (UID 1)"]);
      expect((await client.ok("STATUS Trash (MESSAGES UNSEEN)")).untagged).toEqual(["* STATUS Trash (MESSAGES 3 UNSEEN 3)"]);
      expect((await client.ok("STATUS INBOX (MESSAGES UNSEEN)")).untagged).toEqual(["* STATUS INBOX (MESSAGES 1 UNSEEN 1)"]);
      const missing = await client.command("MOVE 1 Nowhere");
      expect([missing.status, missing.code]).toEqual(["NO", "TRYCREATE"]);
      await client.logout();
    });
  });

  describe("APPEND", () => {
    it("appends with flags and a date-time (synchronising literal) and answers [APPENDUID validity uid]", async () => {
      const { account, client } = await withMessages(0);
      const sent = (await t.store.folders.get(account.id, "Sent"))!;
      const message = textMessage("appended", { messageId: "<appended@remote.test>" });
      const result = await client.append("Sent", message, { flags: "(\\Seen \\Draft $Sent)", date: "17-Jul-1996 02:44:25 -0700" });
      expect([result.status, result.code]).toEqual(["OK", `APPENDUID ${sent.uidValidity} 1`]);
      await client.ok("EXAMINE Sent");
      expect((await client.ok("FETCH 1 (FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[])")).untagged).toEqual([
        `* 1 FETCH (FLAGS (\\Seen \\Draft $Sent \\Recent) INTERNALDATE "17-Jul-1996 09:44:25 +0000" RFC822.SIZE ${message.length} BODY[] ${lit(message)})`,
      ]);
      await client.logout();
    });

    it("appends with a LITERAL+ literal and without flags or date; the selected mailbox hears EXISTS", async () => {
      const { client } = await withMessages(1);
      await client.ok("SELECT INBOX");
      const before = Date.now();
      const result = await client.append("INBOX", textMessage("fast"), { nonSync: true });
      expect(result.status).toBe("OK");
      expect(result.code).toMatch(/^APPENDUID \d+ 2$/);
      expect(result.untagged).toEqual(["* 2 EXISTS", "* 2 RECENT"]);
      const fetched = (await client.ok("FETCH 2 (FLAGS INTERNALDATE)")).untagged[0];
      expect(fetched).toMatch(/^\* 2 FETCH \(FLAGS \(\\Recent\) INTERNALDATE "\d\d-\w{3}-\d{4} \d\d:\d\d:\d\d \+0000"\)$/);
      const date = /INTERNALDATE "([^"]+)"/.exec(fetched)![1];
      const parsed = Date.parse(date.replace(/^(\d+)-(\w+)-(\d+) /, "$2 $1 $3 ").replace(" +0000", " GMT"));
      expect(Math.abs(parsed - before)).toBeLessThan(60_000);
      await client.logout();
    });

    it("refuses an impossible date-time (31-Feb, 24:61) with BAD instead of rolling it over (RFC 3501 §9 date-time)", async () => {
      const { client } = await withMessages(0);
      for (const date of ["31-Feb-2026 10:00:00 +0000", "26-Nov-2026 24:61:00 +0000"]) {
        const result = await client.append("INBOX", textMessage("dated"), { date, nonSync: true });
        expect(result.status, date).toBe("BAD");
      }
      expect((await client.ok("STATUS INBOX (MESSAGES)")).untagged).toEqual(["* STATUS INBOX (MESSAGES 0)"]);
      await client.logout();
    });

    it("round-trips a 900 KB message: APPEND with LITERAL+, FETCH BODY[] byte-identical", async () => {
      const { client } = await withMessages(0);
      const line = "0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz\r\n";
      const big = Buffer.concat([crlf("Subject: big one\nMessage-ID: <big@remote.test>\n\n"), Buffer.from(line.repeat(Math.floor((900 * 1024) / line.length)))]);
      const appended = await client.append("INBOX", big, { nonSync: true });
      expect(appended.status).toBe("OK");
      await client.ok("EXAMINE INBOX");
      const [fetched] = (await client.ok("FETCH 1 (RFC822.SIZE BODY.PEEK[])", 20_000)).untagged;
      expect(fetched.length).toBe(`* 1 FETCH (RFC822.SIZE ${big.length} BODY[] {${big.length}}\r\n`.length + big.length + 1);
      expect(fetched === `* 1 FETCH (RFC822.SIZE ${big.length} BODY[] ${lit(big)})`).toBe(true);
      await client.logout();
    });

    it("refuses a missing mailbox with NO [TRYCREATE] and a message over MAX_MESSAGE_SIZE with [TOOBIG]", async () => {
      const { client } = await withMessages(0);
      const missing = await client.append("Nowhere", textMessage("lost"));
      expect([missing.status, missing.code]).toEqual(["NO", "TRYCREATE"]);
      const big = crlf(`Subject: big\n\n${"x".repeat(1024 * 1024 + 10)}\n`);
      const tooBig = await client.append("INBOX", big);
      expect(tooBig.status).toMatch(/^(NO|BAD)$/);
      expect(tooBig.code).toBe("TOOBIG");
      expect((await client.ok("STATUS INBOX (MESSAGES)")).untagged).toEqual(["* STATUS INBOX (MESSAGES 0)"]);
      await client.logout();
    });
  });

  it("keeps STATUS counters right through STORE, COPY, MOVE, EXPUNGE and APPEND", async () => {
    const { client } = await withMessages(5, { flags: (n) => (n % 2 ? ["\\Seen"] : []) });
    await client.ok("SELECT INBOX");
    await client.ok("STORE 1 -FLAGS.SILENT (\\Seen)");
    await client.ok("STORE 2 +FLAGS.SILENT (\\Seen \\Deleted)");
    await client.ok("COPY 1:3 Archive");
    await client.ok("MOVE 4 Archive");
    await client.ok("EXPUNGE");
    await client.append("INBOX", textMessage("late"), { flags: "(\\Seen)" });
    for (const mailbox of ["INBOX", "Archive"]) {
      const status = (await client.ok(`STATUS ${mailbox} (MESSAGES UNSEEN SIZE)`)).untagged[0];
      await client.ok(`EXAMINE ${mailbox}`);
      const all = untaggedOf(await client.ok("FETCH 1:* (FLAGS RFC822.SIZE)"), "FETCH");
      const unseen = all.filter((l) => !l.includes("\\Seen")).length;
      const size = all.reduce((sum, l) => sum + Number(/RFC822\.SIZE (\d+)/.exec(l)![1]), 0);
      expect(status, mailbox).toBe(`* STATUS ${mailbox} (MESSAGES ${all.length} UNSEEN ${unseen} SIZE ${size})`);
    }
    await client.logout();
  });
});

describe("SEARCH (SQLite)", () => {
  let t: ImapTestServer;
  let account: TestAccount;
  let client: ImapClient;

  const QUARTERLY = crlf(
    "From: Alice <alice@remote.test>\nTo: Bob <bob@example.test>\nCc: carol@example.test\nSubject: Quarterly report\n" +
      "Date: Sun, 1 Nov 2026 09:00:00 +0000\nMessage-ID: <q@remote.test>\n\nThe numbers are attached. Kiwi season.\n",
  );
  const LUNCH = crlf(
    'From: "Dave Dobbs" <dave@other.test>\nTo: bob@example.test\nBcc: boss@boss.test\nSubject: Lunch?\n' +
      `Date: Thu, 26 Nov 2026 12:00:00 +0000\nMessage-ID: <l@other.test>\nX-Priority: 1\n\nPizza or sushi?\n${"filler line\n".repeat(400)}`,
  );
  const TAIPEI = crlf(
    "From: Alice <alice@remote.test>\nTo: bob@example.test\nSubject: =?UTF-8?B?5Y+w5YyX5aSp5rCj?=\nDate: Tue, 1 Dec 2026 10:00:00 +0000\n" +
      "Message-ID: <t@remote.test>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n今天台北下雨。\n",
  );

  beforeAll(async () => {
    t = await startImapServer();
    account = await t.account();
    // UIDs 2, 3, 4 at sequence numbers 1, 2, 3: UID SEARCH and SEARCH must differ.
    await t.put(account, textMessage("gone"), { flags: ["\\Deleted"] });
    await t.put(account, QUARTERLY, { internalDate: new Date("2026-11-02T10:00:00Z"), flags: ["\\Seen", "\\Flagged", "$Work"] });
    await t.put(account, LUNCH, { internalDate: new Date("2026-11-27T10:00:00Z") });
    await t.put(account, TAIPEI, { internalDate: new Date("2026-12-01T10:00:00Z"), flags: ["\\Answered", "\\Deleted"] });
    client = await t.connect({ account });
    await client.ok("SELECT INBOX");
    await client.ok("UID EXPUNGE 1");
  });
  afterAll(async () => t?.cleanup());

  const search = async (criteria: string) => {
    const result = await client.command(`SEARCH ${criteria}`);
    if (result.status !== "OK") throw new Error(`SEARCH ${criteria}: ${result.tagged}`);
    const [line] = untaggedOf(result, "SEARCH");
    return line.slice("* SEARCH".length).trim();
  };

  it.each([
    ["ALL", "1 2 3"],
    ["SEEN", "1"],
    ["UNSEEN", "2 3"],
    ["FLAGGED", "1"],
    ["UNFLAGGED", "2 3"],
    ["ANSWERED", "3"],
    ["UNANSWERED", "1 2"],
    ["DELETED", "3"],
    ["UNDELETED", "1 2"],
    ["DRAFT", ""],
    ["UNDRAFT", "1 2 3"],
    ["KEYWORD $Work", "1"],
    ["KEYWORD $work", "1"],
    ["UNKEYWORD $Work", "2 3"],
    // This session selected INBOX first: every message is recent for it.
    ["RECENT", "1 2 3"],
    ["NEW", "2 3"],
    ["OLD", ""],
  ])("matches flags: SEARCH %s → %s", async (criteria, expected) => {
    expect(await search(criteria)).toBe(expected);
  });

  it.each([
    ["FROM alice", "1 3"],
    ['FROM "Dave Dobbs"', "2"],
    ["FROM OTHER.TEST", "2"],
    ["TO bob", "1 2 3"],
    ["CC carol", "1"],
    ["BCC boss", "2"],
    ["SUBJECT report", "1"],
    ["SUBJECT LUNCH", "2"],
    ["SUBJECT nothing-like-this", ""],
    ["HEADER X-Priority 1", "2"],
    ['HEADER Message-ID ""', "1 2 3"],
    ['HEADER Cc "CAROL@"', "1"],
  ])("matches header fields: SEARCH %s → %s", async (criteria, expected) => {
    expect(await search(criteria)).toBe(expected);
  });

  it.each([
    ["BODY pizza", "2"],
    ["BODY KIWI", "1"],
    ["BODY numbers", "1"],
    ["BODY Quarterly", ""],
    ["TEXT quarterly", "1"],
    ["TEXT dave@other", "2"],
    ["BODY qq", ""],
  ])("matches text through the full-text index: SEARCH %s → %s", async (criteria, expected) => {
    expect(await search(criteria)).toBe(expected);
  });

  it.each([
    ["LARGER 3000", "2"],
    ["SMALLER 3000", "1 3"],
    ["BEFORE 2-Nov-2026", ""],
    ["ON 2-Nov-2026", "1"],
    ["SINCE 27-Nov-2026", "2 3"],
    ["BEFORE 27-Nov-2026", "1"],
    ["SENTBEFORE 2-Nov-2026", "1"],
    ["SENTON 26-Nov-2026", "2"],
    ["SENTSINCE 1-Dec-2026", "3"],
  ])("matches sizes and dates: SEARCH %s → %s", async (criteria, expected) => {
    expect(await search(criteria)).toBe(expected);
  });

  it.each([
    ["2:3", "2 3"],
    ["*", "3"],
    ["1,3", "1 3"],
    ["UID 2", "1"],
    ["UID 3:*", "2 3"],
    ["NOT SEEN", "2 3"],
    ["NOT NOT SEEN", "1"],
    ["OR FROM dave SUBJECT report", "1 2"],
    ["OR NOT SEEN DELETED", "2 3"],
    ["(FROM alice SUBJECT report)", "1"],
    ["NOT (FROM alice)", "2"],
    ["OR (SEEN FLAGGED) (DELETED ANSWERED)", "1 3"],
    ["FROM alice UNSEEN", "3"],
    ["CHARSET UTF-8 FROM alice", "1 3"],
    ["CHARSET US-ASCII ALL", "1 2 3"],
  ])("combines keys and sets: SEARCH %s → %s", async (criteria, expected) => {
    expect(await search(criteria)).toBe(expected);
  });

  it("searches UTF-8 with CHARSET UTF-8 in literals: decoded subjects and body text", async () => {
    for (const [key, needle] of [
      ["SUBJECT", "台北"],
      ["SUBJECT", "台北天氣"],
      ["BODY", "台北"],
      ["TEXT", "下雨"],
      ["BODY", "今天台北"],
    ]) {
      const result = await client.command(`SEARCH CHARSET UTF-8 ${key} {${Buffer.byteLength(needle)}+}\r\n${needle}`);
      expect(result.untagged, `${key} ${needle}`).toEqual(["* SEARCH 3"]);
    }
  });

  it("answers UID SEARCH with UIDs", async () => {
    expect((await client.ok("UID SEARCH ALL")).untagged).toEqual(["* SEARCH 2 3 4"]);
    expect((await client.ok("UID SEARCH FROM alice")).untagged).toEqual(["* SEARCH 2 4"]);
    expect((await client.ok("UID SEARCH 2")).untagged).toEqual(["* SEARCH 3"]);
  });

  it("matches SENTON by the Date field's own day, disregarding its timezone (RFC 3501 §6.4.4)", async () => {
    const other = await t.account();
    // 23:30 in New York is already the 27th in UTC; the Date field says the 26th.
    await t.put(other, textMessage("late evening", { date: "Thu, 26 Nov 2026 23:30:00 -0500" }));
    const session = await t.connect({ account: other });
    await session.ok("EXAMINE INBOX");
    expect((await session.ok("SEARCH SENTON 26-Nov-2026")).untagged).toEqual(["* SEARCH 1"]);
    expect((await session.ok("SEARCH SENTON 27-Nov-2026")).untagged).toEqual(["* SEARCH"]);
    expect((await session.ok("SEARCH SENTBEFORE 27-Nov-2026")).untagged).toEqual(["* SEARCH 1"]);
    await session.logout();
  });
});
