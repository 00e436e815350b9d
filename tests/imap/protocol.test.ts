// IMAP on the wire, byte for byte, with a raw socket: the greeting and capabilities, the lines
// of SELECT, FETCH of structure and sections, syntax and state errors that leave the session
// usable, limits (huge lines, literals over the limit), STARTTLS and its injection hazard,
// LOGINDISABLED, pipelining (also right after IDLE's DONE), and how two sessions on one
// mailbox learn of each other's changes (EXISTS, FETCH FLAGS, EXPUNGE only where RFC 3501
// §7.4.1 allows it).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { crlf, ImapClient, startImapServer, textMessage, untaggedOf, type ImapTestServer, type TestAccount } from "../helpers/imap";

const BASE_CAPABILITIES = [
  "IMAP4rev1", "LITERAL+", "SASL-IR", "ID", "ENABLE", "IDLE", "NAMESPACE", "UNSELECT", "UIDPLUS", "MOVE",
  "SPECIAL-USE", "CREATE-SPECIAL-USE", "CHILDREN", "LIST-EXTENDED", "LIST-STATUS", "QUOTA", "QUOTA=RES-STORAGE",
  "UTF8=ACCEPT", "CONDSTORE", "QRESYNC", "ESEARCH", "SORT", "SORT=DISPLAY", "ESORT", "THREAD=ORDEREDSUBJECT",
  "THREAD=REFERENCES", "STATUS=SIZE", "APPENDLIMIT=1048576",
];

const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");

/** A literal as the server writes it: "{n}\r\n" and the bytes. */
const lit = (text: string | Buffer) => `{${Buffer.byteLength(text)}}\r\n${text.toString()}`;

/** multipart/mixed with a text, a quoted-printable HTML part and a base64 PDF; every part body ends in CRLF before the boundary's CRLF. */
const STRUCTURED = crlf(
  [
    "From: Alice <alice@remote.test>",
    "To: Bob <bob@example.test>",
    "Subject: structure",
    "Date: Thu, 26 Nov 2026 10:00:00 +0000",
    "Message-ID: <structure@remote.test>",
    "MIME-Version: 1.0",
    'Content-Type: multipart/mixed; boundary="b1"',
    "",
    "--b1",
    "Content-Type: text/plain; charset=us-ascii",
    "",
    "Line one.",
    "Line two.",
    "",
    "--b1",
    "Content-Type: text/html; charset=utf-8",
    "Content-Transfer-Encoding: quoted-printable",
    "",
    "<p>caf=C3=A9</p>",
    "",
    "--b1",
    'Content-Type: application/pdf; name="a.pdf"',
    'Content-Disposition: attachment; filename="a.pdf"',
    "Content-Transfer-Encoding: base64",
    "",
    "JVBERi0xLjQK",
    "",
    "--b1--",
    "",
  ].join("\n"),
);
const STRUCTURED_HEADER = STRUCTURED.subarray(0, STRUCTURED.indexOf("\r\n\r\n") + 4).toString();
const STRUCTURED_TEXT = STRUCTURED.subarray(STRUCTURED.indexOf("\r\n\r\n") + 4).toString();

describe("IMAP protocol (raw socket)", () => {
  let t: ImapTestServer;
  let bob: TestAccount;
  beforeAll(async () => {
    t = await startImapServer();
    bob = await t.account("bob");
    await t.put(bob, textMessage("first"), { flags: ["\\Seen"] });
    await t.put(bob, STRUCTURED);
    await t.put(bob, textMessage("third"), { flags: ["$Important"] });
  });
  afterAll(async () => t?.cleanup());

  describe("greeting, capabilities, any-state commands", () => {
    it("greets with * OK [CAPABILITY …] naming STARTTLS and AUTH= on the plain port, and CAPABILITY says the same", async () => {
      const client = await t.connect();
      expect(client.greeting).toBe(`* OK [CAPABILITY ${[...BASE_CAPABILITIES, "STARTTLS", "AUTH=PLAIN", "AUTH=LOGIN"].join(" ")}] mx.example.test IMAP4rev1 ready`);
      const result = await client.command("CAPABILITY");
      expect(result.untagged).toEqual([`* CAPABILITY ${[...BASE_CAPABILITIES, "STARTTLS", "AUTH=PLAIN", "AUTH=LOGIN"].join(" ")}`]);
      expect(result.status).toBe("OK");
      await client.logout();
    });

    it("completes the TLS handshake on IMAPS_PORT, offers no STARTTLS there, and LOGIN's OK carries the capabilities after login", async () => {
      const client = await t.connect({ tls: true });
      expect(client.greeting).toBe(`* OK [CAPABILITY ${[...BASE_CAPABILITIES, "AUTH=PLAIN", "AUTH=LOGIN"].join(" ")}] mx.example.test IMAP4rev1 ready`);
      const login = await client.command(`LOGIN ${bob.address} "${bob.password}"`);
      expect(login.status).toBe("OK");
      // Once logged in, COMPRESS (RFC 4978) is on offer too.
      expect(login.code).toBe(`CAPABILITY ${[...BASE_CAPABILITIES, "COMPRESS=DEFLATE"].join(" ")}`);
      expect((await client.command("STARTTLS")).status).toBe("BAD");
      await client.logout();
    });

    it("answers NOOP, ID and LOGOUT (BYE, then the tagged OK, then the server closes)", async () => {
      const client = await t.connect();
      expect((await client.command("NOOP")).tagged).toMatch(/^T1 OK /);
      const id = await client.command('ID ("name" "raw-test" "version" "1")');
      expect(id.untagged).toEqual(['* ID ("name" "webmail-mail-server" "vendor" "webmail")']);
      expect((await client.command("ID NIL")).status).toBe("OK");
      const logout = await client.command("LOGOUT");
      expect(logout.untagged).toHaveLength(1);
      expect(logout.untagged[0]).toMatch(/^\* BYE /);
      expect(logout.status).toBe("OK");
      expect(await client.waitClosed()).toBe("");
    });

    it("ENABLEs UTF8=ACCEPT only once logged in, ignores what it doesn't know, and then speaks UTF-8 mailbox names", async () => {
      const client = await t.connect();
      expect((await client.command("ENABLE UTF8=ACCEPT")).status).toBe("BAD");
      await client.login(bob.address, bob.password);
      expect((await client.command("ENABLE X-UNKNOWN")).untagged).toEqual(["* ENABLED"]);
      expect((await client.command("ENABLE UTF8=ACCEPT")).untagged).toEqual(["* ENABLED UTF8=ACCEPT"]);
      await client.ok('CREATE "Résumé/台北"');
      const list = await client.ok('LIST "" "Résumé/*"');
      expect(list.untagged).toEqual(['* LIST (\\HasNoChildren) "/" "Résumé/台北"']);
      await client.ok('DELETE "Résumé/台北"');
      await client.ok('DELETE "Résumé"');
      await client.logout();
    });
  });

  describe("authentication", () => {
    it("takes AUTHENTICATE PLAIN with an initial response (SASL-IR)", async () => {
      const client = await t.connect();
      const result = await client.command(`AUTHENTICATE PLAIN ${b64(`\0${bob.address}\0${bob.password}`)}`);
      expect(result.status).toBe("OK");
      expect(result.code).toMatch(/^CAPABILITY IMAP4rev1 /);
      expect(result.untagged).toEqual([]);
      await client.logout();
    });

    it("takes AUTHENTICATE PLAIN after an empty continuation, and AUTHENTICATE LOGIN with its two prompts", async () => {
      const plain = await t.connect();
      await plain.write("A1 AUTHENTICATE PLAIN\r\n");
      expect(await plain.response()).toBe("+ ");
      await plain.write(`${b64(`\0${bob.address}\0${bob.password}`)}\r\n`);
      expect((await plain.until("A1")).status).toBe("OK");
      await plain.logout();

      const login = await t.connect();
      await login.write("A1 AUTHENTICATE LOGIN\r\n");
      expect(await login.response()).toBe(`+ ${b64("Username:")}`);
      await login.write(`${b64(bob.address)}\r\n`);
      expect(await login.response()).toBe(`+ ${b64("Password:")}`);
      await login.write(`${b64(bob.password)}\r\n`);
      expect((await login.until("A1")).status).toBe("OK");
      expect((await login.command("SELECT INBOX")).status).toBe("OK");
      await login.logout();

      // AUTHENTICATE LOGIN with the user name as initial response.
      const ir = await t.connect();
      await ir.write(`A1 AUTHENTICATE LOGIN ${b64(bob.address)}\r\n`);
      expect(await ir.response()).toBe(`+ ${b64("Password:")}`);
      await ir.write(`${b64(bob.password)}\r\n`);
      expect((await ir.until("A1")).status).toBe("OK");
      await ir.logout();
    });

    it("refuses AUTHENTICATE PLAIN acting as another user (authorization identity not the authentication identity)", async () => {
      const other = await t.account();
      const client = await t.connect();
      const result = await client.command(`AUTHENTICATE PLAIN ${b64(`${other.address}\0${bob.address}\0${bob.password}`)}`);
      expect([result.status, result.code]).toEqual(["NO", "AUTHENTICATIONFAILED"]);
      const same = await client.command(`AUTHENTICATE PLAIN ${b64(`${bob.address}\0${bob.address}\0${bob.password}`)}`);
      expect(same.status).toBe("OK");
      await client.logout();
    });

    it('cancels AUTHENTICATE on "*" with BAD, refuses a wrong password with NO [AUTHENTICATIONFAILED], and the session goes on', async () => {
      const client = await t.connect();
      await client.write("A1 AUTHENTICATE PLAIN\r\n");
      expect(await client.response()).toBe("+ ");
      await client.write("*\r\n");
      expect((await client.until("A1")).status).toBe("BAD");
      const wrong = await client.command(`LOGIN ${bob.address} "not the password"`);
      expect([wrong.status, wrong.code]).toEqual(["NO", "AUTHENTICATIONFAILED"]);
      const unknown = await client.command("AUTHENTICATE CRAM-MD5");
      expect(unknown.status).toBe("NO");
      await client.login(bob.address, bob.password);
      await client.logout();
    });
  });

  describe("SELECT, EXAMINE and FETCH, exactly", () => {
    it("answers SELECT with FLAGS, PERMANENTFLAGS, EXISTS, RECENT 0, UNSEEN, UIDVALIDITY, UIDNEXT, HIGHESTMODSEQ and [READ-WRITE]", async () => {
      const inbox = (await t.store.folders.get(bob.id, "INBOX"))!;
      const client = await t.connect({ account: bob });
      const select = await client.command("SELECT INBOX");
      expect(select.untagged).toEqual([
        "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Important)",
        "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Important \\*)] Flags permitted",
        "* 3 EXISTS",
        "* 0 RECENT",
        "* OK [UNSEEN 2] First unseen",
        `* OK [UIDVALIDITY ${inbox.uidValidity}] UIDs valid`,
        "* OK [UIDNEXT 4] Predicted next UID",
        `* OK [HIGHESTMODSEQ ${inbox.highestModSeq}] Highest`,
      ]);
      expect([select.status, select.code]).toEqual(["OK", "READ-WRITE"]);

      const examine = await client.command("EXAMINE inbox");
      // [CLOSED] first: the EXAMINE replaces the selected INBOX (RFC 7162 §3.2.11).
      expect(examine.untagged[0]).toBe("* OK [CLOSED] Previous mailbox closed");
      expect(examine.untagged[2]).toBe("* OK [PERMANENTFLAGS ()] Flags permitted");
      expect([examine.status, examine.code]).toEqual(["OK", "READ-ONLY"]);
      await client.logout();
    });

    it("leaves no mailbox selected after a failed SELECT", async () => {
      const client = await t.connect({ account: bob });
      await client.ok("SELECT INBOX");
      const missing = await client.command("SELECT Nowhere");
      expect([missing.status, missing.code]).toEqual(["NO", "NONEXISTENT"]);
      expect((await client.command("FETCH 1 FLAGS")).status).toBe("BAD");
      await client.logout();
    });

    it("sends BODYSTRUCTURE and BODY of a multipart message as RFC 3501 §7.4.2 writes them", async () => {
      const client = await t.connect({ account: bob });
      await client.ok("EXAMINE INBOX");
      const parts =
        '("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 22 2%)' +
        '("TEXT" "HTML" ("CHARSET" "utf-8") NIL NIL "QUOTED-PRINTABLE" 18 1%)' +
        '("APPLICATION" "PDF" ("NAME" "a.pdf") NIL NIL "BASE64" 14%%) "MIXED"';
      const extended = parts.replace("22 2%", "22 2 NIL NIL NIL NIL").replace("18 1%", "18 1 NIL NIL NIL NIL").replace("14%%", '14 NIL ("ATTACHMENT" ("FILENAME" "a.pdf")) NIL NIL');
      const fetched = await client.ok("FETCH 2 (BODYSTRUCTURE)");
      expect(fetched.untagged).toEqual([`* 2 FETCH (BODYSTRUCTURE (${extended} ("BOUNDARY" "b1") NIL NIL NIL))`]);
      const body = await client.ok("UID FETCH 2 (BODY)");
      expect(body.untagged).toEqual([`* 2 FETCH (UID 2 BODY (${parts.replace(/%/g, "")}))`]);
      await client.logout();
    });

    it("sends BODY[1.MIME], partial ranges and HEADER.FIELDS(.NOT) byte-exact", async () => {
      const client = await t.connect({ account: bob });
      await client.ok("EXAMINE INBOX");
      const mime = await client.ok("FETCH 2 (BODY.PEEK[1.MIME])");
      expect(mime.untagged).toEqual([`* 2 FETCH (BODY[1.MIME] ${lit("Content-Type: text/plain; charset=us-ascii\r\n\r\n")})`]);

      const partial = await client.ok("FETCH 2 (BODY.PEEK[]<0.10> BODY.PEEK[TEXT]<2.5>)");
      expect(partial.untagged).toEqual([`* 2 FETCH (BODY[]<0> ${lit("From: Alic")} BODY[TEXT]<2> ${lit(STRUCTURED_TEXT.slice(2, 7))})`]);

      const beyond = await client.ok("FETCH 2 (BODY.PEEK[1]<100.10>)");
      expect(beyond.untagged[0]).toMatch(/^\* 2 FETCH \(BODY\[1\]<100> (""|\{0\}\r\n)\)$/);

      const not = await client.ok("FETCH 2 (BODY.PEEK[HEADER.FIELDS.NOT (Subject Date Message-ID)])");
      const kept = "From: Alice <alice@remote.test>\r\nTo: Bob <bob@example.test>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n";
      expect(not.untagged).toEqual([`* 2 FETCH (BODY[HEADER.FIELDS.NOT (SUBJECT DATE MESSAGE-ID)] ${lit(kept)})`]);

      const fields = await client.ok("FETCH 2 (BODY.PEEK[HEADER.FIELDS (Subject)] BODY.PEEK[HEADER] RFC822.SIZE)");
      expect(fields.untagged).toEqual([
        `* 2 FETCH (BODY[HEADER.FIELDS (SUBJECT)] ${lit("Subject: structure\r\n\r\n")} BODY[HEADER] ${lit(STRUCTURED_HEADER)} RFC822.SIZE ${STRUCTURED.length})`,
      ]);
      // Reading in EXAMINE never sets \Seen.
      await client.ok("FETCH 2 (BODY[TEXT])");
      expect((await client.ok("FETCH 2 (FLAGS)")).untagged).toEqual(["* 2 FETCH (FLAGS ())"]);
      await client.logout();
    });
  });

  describe("errors leave the session usable", () => {
    it("answers malformed commands with BAD and goes on", async () => {
      const client = await t.connect({ account: bob });
      await client.ok("SELECT INBOX");
      for (const bad of [
        "FETCH 1 (FLAGS",
        "FETCH 1 BODY[4.BOGUS]",
        "FETCH 1",
        "FETCH x FLAGS",
        "FETCH 0 FLAGS",
        "SELECT",
        "STORE 1 FLAGS.FOO (\\Seen)",
        "STORE 1 +FLAGS (\\Bogus)",
        'STATUS INBOX (BOGUS)',
        "STATUS INBOX",
        "LIST \"\"",
        "SEARCH NOSUCHKEY",
        "SEARCH",
        "UID",
        "UID BOGUS 1",
        'APPEND INBOX "not a date" {3+}\r\nabc',
        "SEARCH BEFORE 32-Foo-2026",
      ]) {
        const result = await client.command(bad);
        expect(result.status, bad).toBe("BAD");
        expect(result.untagged.filter((l) => !/^\* \d+ (EXISTS|FETCH)/.test(l)), bad).toEqual([]);
      }
      expect((await client.command("FETCH 1 (UID)")).untagged).toEqual(["* 1 FETCH (UID 1)"]);
      await client.logout();
    });

    it("answers a command in the wrong state with BAD, and an unknown command with BAD", async () => {
      const client = await t.connect();
      for (const early of ["SELECT INBOX", "LIST \"\" *", "FETCH 1 FLAGS", "APPEND INBOX {1+}\r\nx", "IDLE", "CREATE Foo"]) {
        expect((await client.command(early)).status, early).toBe("BAD");
      }
      expect((await client.command("XYZZY")).tagged).toMatch(/^T\d+ BAD /);
      await client.login(bob.address, bob.password);
      for (const unselected of ["FETCH 1 FLAGS", "STORE 1 +FLAGS (\\Seen)", "SEARCH ALL", "EXPUNGE", "CLOSE", "UNSELECT", "COPY 1 Trash", "UID FETCH 1 FLAGS", "CHECK"]) {
        expect((await client.command(unselected)).status, unselected).toBe("BAD");
      }
      for (const again of [`LOGIN ${bob.address} "${bob.password}"`, "AUTHENTICATE PLAIN", "STARTTLS"]) {
        expect((await client.command(again)).status, again).toBe("BAD");
      }
      expect((await client.command("XYZZY")).status).toBe("BAD");
      expect((await client.command("SELECT INBOX")).status).toBe("OK");
      await client.logout();
    });

    it("answers UID COPY, MOVE, STORE, FETCH and EXPUNGE on UIDs that no longer exist with OK (RFC 3501 §6.4.8)", async () => {
      const account = await t.account();
      await t.put(account, textMessage("only"));
      const client = await t.connect({ account });
      await client.ok("SELECT INBOX");
      for (const command of ["UID COPY 50:60 Trash", "UID MOVE 77 Trash", "UID STORE 99 +FLAGS (\\Seen)", "UID FETCH 42 (FLAGS)", "UID EXPUNGE 1000", "UID SEARCH UID 500"]) {
        const result = await client.command(command);
        expect(result.status, command).toBe("OK");
        expect(result.untagged.filter((l) => !l.startsWith("* SEARCH")), command).toEqual([]);
      }
      expect((await client.command("STATUS Trash (MESSAGES)")).untagged).toEqual(["* STATUS Trash (MESSAGES 0)"]);
      await client.logout();
    });

    it("answers a message sequence number beyond EXISTS with BAD", async () => {
      const client = await t.connect({ account: bob });
      await client.ok("EXAMINE INBOX");
      for (const command of ["FETCH 4 FLAGS", "FETCH 1:4 FLAGS", "FETCH 2,9 FLAGS", "COPY 7 Trash"]) {
        expect((await client.command(command)).status, command).toBe("BAD");
      }
      await client.ok("SELECT INBOX");
      for (const command of ["STORE 4 +FLAGS (\\Flagged)", "MOVE 1:5 Trash"]) {
        expect((await client.command(command)).status, command).toBe("BAD");
      }
      // "*" is the last message, never out of range.
      expect((await client.command("FETCH 3:* (UID)")).untagged).toEqual(["* 3 FETCH (UID 3)"]);
      await client.logout();
    });
  });

  describe("pipelining", () => {
    it("answers pipelined commands in order, literals (LITERAL+) included", async () => {
      const client = await t.connect();
      await client.write(
        `P1 NOOP\r\nP2 LOGIN {${bob.address.length}+}\r\n${bob.address} {${bob.password.length}+}\r\n${bob.password}\r\n` +
          "P3 SELECT INBOX\r\nP4 FETCH 1:2 (UID)\r\nP5 BOGUS\r\nP6 UID FETCH 3 (UID)\r\nP7 NOOP\r\n",
      );
      const lines: string[] = [];
      for (;;) {
        const line = await client.response();
        lines.push(line);
        if (line.startsWith("P7 ")) break;
      }
      const tagged = lines.filter((l) => /^P\d /.test(l)).map((l) => l.slice(0, 6));
      expect(tagged).toEqual(["P1 OK ", "P2 OK ", "P3 OK ", "P4 OK ", "P5 BAD", "P6 OK ", "P7 OK "]);
      const between = (from: string, to: string) => lines.slice(lines.findIndex((l) => l.startsWith(from)) + 1, lines.findIndex((l) => l.startsWith(to)));
      expect(between("P3", "P4")).toEqual(["* 1 FETCH (UID 1)", "* 2 FETCH (UID 2)"]);
      expect(between("P5", "P6")).toEqual(["* 3 FETCH (UID 3)"]);
      await client.logout();
    });

    it("reads a command pipelined right behind IDLE's DONE", async () => {
      const client = await t.connect({ account: bob });
      await client.ok("EXAMINE INBOX");
      await client.write("I1 IDLE\r\n");
      expect(await client.response()).toMatch(/^\+ /);
      await client.write("DONE\r\nI2 FETCH 1 (UID)\r\nI3 NOOP\r\n");
      expect((await client.until("I1")).status).toBe("OK");
      const fetch = await client.until("I2");
      expect([fetch.status, fetch.untagged]).toEqual(["OK", ["* 1 FETCH (UID 1)"]]);
      expect((await client.until("I3")).status).toBe("OK");
      await client.logout();
    });

    it("ends IDLE with BAD when the client sends something else than DONE", async () => {
      const client = await t.connect({ account: bob });
      await client.write("I1 IDLE\r\n");
      expect(await client.response()).toMatch(/^\+ /);
      await client.write("I2 NOOP\r\n");
      expect((await client.until("I1")).status).toBe("BAD");
      expect((await client.command("NOOP")).status).toBe("OK");
      await client.logout();
    });
  });

  describe("limits", () => {
    it("answers a 100 KB line with * BYE and closes, and keeps serving others", async () => {
      const client = await t.connect({ account: bob });
      await client.write(`L1 SELECT ${"x".repeat(100 * 1024)}\r\nL2 NOOP\r\n`).catch(() => undefined);
      const rest = await client.waitClosed();
      expect(rest).toMatch(/^\* BYE /);
      expect(rest).not.toContain("L2 ");
      const other = await t.connect({ account: bob });
      expect((await other.command("SELECT INBOX")).status).toBe("OK");
      await other.logout();
    });

    it("refuses a synchronising literal over the limit with BAD [TOOBIG] without asking for it, and the session goes on", async () => {
      // Before login the limit is 64 KiB.
      const early = await t.connect();
      await early.write("L1 LOGIN {70000}\r\n");
      const refused = await early.until("L1");
      expect([refused.status, refused.code, refused.untagged]).toEqual(["BAD", "TOOBIG", []]);
      await early.login(bob.address, bob.password);
      // After login, MAX_MESSAGE_SIZE (1 MiB here).
      await early.write("L2 APPEND INBOX {2000000}\r\n");
      const tooBig = await early.until("L2");
      expect([tooBig.status, tooBig.code, tooBig.untagged]).toEqual(["BAD", "TOOBIG", []]);
      expect((await early.command("NOOP")).status).toBe("OK");
      await early.logout();
    });

    it("closes with * BYE on a non-synchronising literal too big to skip, without crashing", async () => {
      const client = await t.connect({ account: bob });
      await client.write("L1 APPEND INBOX {5000000+}\r\n");
      await client.write(Buffer.alloc(64 * 1024, "a")).catch(() => undefined);
      const rest = await client.waitClosed();
      expect(rest).toMatch(/^\* BYE \[TOOBIG\]/);
      const other = await t.connect({ account: bob });
      expect((await other.command("NOOP")).status).toBe("OK");
      await other.logout();
    });
  });

  describe("STARTTLS", () => {
    it("upgrades, drops what was pipelined behind STARTTLS (injection), and stops offering STARTTLS", async () => {
      const client = await t.connect();
      await client.write("S1 STARTTLS\r\nS2 LOGIN injected nonsense\r\nS3 CAPABILITY\r\n");
      const ok = await client.until("S1");
      expect([ok.status, ok.untagged]).toEqual(["OK", []]);
      await client.startTls();
      const caps = await client.command("CAPABILITY");
      expect(caps.untagged).toEqual([`* CAPABILITY ${[...BASE_CAPABILITIES, "AUTH=PLAIN", "AUTH=LOGIN"].join(" ")}`]);
      expect(caps.tag).toBe("T1");
      // Nothing answered S2 or S3: the plaintext after STARTTLS was discarded.
      expect(await client.unsolicited(200)).toBe("");
      expect((await client.command("STARTTLS")).status).toBe("BAD");
      await client.login(bob.address, bob.password);
      expect((await client.command("SELECT INBOX")).status).toBe("OK");
      await client.logout();
    });
  });

  describe("two sessions on one mailbox", () => {
    it("holds an EXPUNGE back during FETCH, STORE and SEARCH by sequence number and sends it at the next NOOP (RFC 3501 §7.4.1)", async () => {
      const account = await t.account();
      for (const n of [1, 2, 3]) await t.put(account, textMessage(`m${n}`));
      const a = await t.connect({ account });
      const b = await t.connect({ account });
      await a.ok("SELECT INBOX");
      await b.ok("SELECT INBOX");
      await a.ok("STORE 2 +FLAGS.SILENT (\\Deleted)");
      expect((await a.ok("EXPUNGE")).untagged).toEqual(["* 2 EXPUNGE"]);

      const fetch = await b.ok("FETCH 1:3 (UID)");
      expect(untaggedOf(fetch, "EXPUNGE")).toEqual([]);
      expect(fetch.untagged).toContain("* 1 FETCH (UID 1)");
      expect(fetch.untagged).toContain("* 3 FETCH (UID 3)");
      const store = await b.ok("STORE 3 +FLAGS (\\Flagged)");
      expect(store.untagged).toEqual(["* 3 FETCH (FLAGS (\\Flagged))"]);
      const search = await b.ok("SEARCH ALL");
      expect(untaggedOf(search, "EXPUNGE")).toEqual([]);
      expect((await b.ok("COPY 1 Archive")).untagged).toEqual([]);

      expect((await b.ok("NOOP")).untagged).toEqual(["* 2 EXPUNGE"]);
      expect((await b.ok("FETCH 2 (UID)")).untagged).toEqual(["* 2 FETCH (UID 3)"]);
      expect((await b.ok("NOOP")).untagged).toEqual([]);
      // A saw B's flag change as FETCH FLAGS at its next command; A, which selected first, also sees \Recent.
      expect((await a.ok("NOOP")).untagged).toEqual(["* 2 FETCH (FLAGS (\\Flagged \\Recent))"]);
      await a.logout();
      await b.logout();
    });

    it("sends EXISTS for deliveries and appends by others, counting held-back expunged messages, and never a spurious * 0 EXISTS", async () => {
      const account = await t.account();
      await t.put(account, textMessage("m1"));
      const a = await t.connect({ account });
      const b = await t.connect({ account });
      await a.ok("SELECT INBOX");
      await b.ok("SELECT INBOX");
      await a.ok("STORE 1 +FLAGS.SILENT (\\Deleted)");
      await a.ok("EXPUNGE");
      await t.deliver(account.address, textMessage("by smtp", { to: account.address }));
      // A selected first and hears of the delivery first: it is recent for A (m1, expunged, no longer counts).
      expect((await a.ok("NOOP")).untagged).toEqual(["* 1 EXISTS", "* 1 RECENT"]);

      // B still numbers the expunged message: the new one is its second.
      const fetch = await b.ok("FETCH 1 (FLAGS)");
      expect(fetch.untagged).toEqual(["* 2 EXISTS"]);
      expect((await b.ok("NOOP")).untagged).toEqual(["* 1 EXPUNGE"]);
      expect((await b.ok("FETCH 1 (UID)")).untagged).toEqual(["* 1 FETCH (UID 2)"]);

      // A message appended and expunged before B looks: B hears nothing at all.
      await a.ok("SELECT Archive");
      await b.ok("SELECT Archive");
      expect((await a.append("Archive", textMessage("ephemeral"), { flags: "(\\Deleted)" })).untagged).toEqual(["* 1 EXISTS", "* 1 RECENT"]);
      expect((await a.ok("EXPUNGE")).untagged).toEqual(["* 1 EXPUNGE"]);
      const quiet = await b.ok("NOOP");
      expect(quiet.untagged).toEqual([]);
      expect((await b.ok("NOOP")).untagged).toEqual([]);
      await a.logout();
      await b.logout();
    });

    it("sends EXISTS at the next command for a message another session APPENDs or COPYs in", async () => {
      const account = await t.account();
      await t.put(account, textMessage("m1"));
      const a = await t.connect({ account });
      const b = await t.connect({ account });
      await a.ok("SELECT INBOX");
      await b.ok("EXAMINE INBOX");
      // A (read-write) claims the new messages as \Recent; B (EXAMINE) claims nothing, so gets no RECENT.
      expect((await a.append("INBOX", textMessage("appended by a"))).untagged).toEqual(["* 2 EXISTS", "* 2 RECENT"]);
      expect((await b.ok("NOOP")).untagged).toEqual(["* 2 EXISTS"]);
      expect((await a.ok("COPY 1:2 INBOX")).untagged).toEqual(["* 4 EXISTS", "* 4 RECENT"]);
      expect((await b.ok("NOOP")).untagged).toEqual(["* 4 EXISTS"]);
      expect((await b.ok("UID FETCH 3:* (UID)")).untagged).toEqual(["* 3 FETCH (UID 3)", "* 4 FETCH (UID 4)"]);
      await a.logout();
      await b.logout();
    });

    it("answers COPY and MOVE out of a mailbox another session deleted with NO, not NO [SERVERBUG], and still announces the EXPUNGEs", async () => {
      const account = await t.account();
      const a = await t.connect({ account });
      const b = await t.connect({ account });
      await a.ok("CREATE Temp");
      await t.put(account, textMessage("t1"), { mailbox: "Temp" });
      await t.put(account, textMessage("t2"), { mailbox: "Temp" });
      await a.ok("SELECT Temp");
      await b.ok("DELETE Temp");
      for (const command of ["COPY 1 INBOX", "MOVE 2 INBOX"]) {
        const result = await a.command(command);
        expect(result.status, command).toBe("NO");
        expect(result.code, command).not.toBe("SERVERBUG");
      }
      expect(t.logs.filter((l) => /imap: (COPY|MOVE) failed/.test(l))).toEqual([]);
      const noop = await a.command("NOOP");
      expect(untaggedOf(noop, "EXPUNGE")).toHaveLength(2);
      expect((await b.ok("STATUS INBOX (MESSAGES)")).untagged).toEqual(["* STATUS INBOX (MESSAGES 0)"]);
      await a.logout();
      await b.logout();
    });

    it("pushes EXISTS to an IDLE-ing client within 1 s of an SMTP delivery, then EXPUNGE and FETCH FLAGS as they happen", async () => {
      const account = await t.account();
      await t.put(account, textMessage("m1"));
      await t.put(account, textMessage("m2"));
      const idler = await t.connect({ account });
      const other = await t.connect({ account });
      await idler.ok("SELECT INBOX");
      await other.ok("SELECT INBOX");
      await idler.write("I1 IDLE\r\n");
      expect(await idler.response()).toMatch(/^\+ /);

      const delivered = t.deliver(account.address, textMessage("pushed", { to: account.address }));
      await delivered;
      const start = Date.now();
      expect(await idler.response(1000)).toBe("* 3 EXISTS");
      expect(Date.now() - start).toBeLessThan(1000);
      // The idler selected first: m1, m2 and the delivery are all recent for it.
      expect(await idler.response(1000)).toBe("* 3 RECENT");

      await other.ok("STORE 1 +FLAGS.SILENT (\\Flagged)");
      expect(await idler.response(1000)).toBe("* 1 FETCH (FLAGS (\\Flagged \\Recent))");
      await other.ok("STORE 2 +FLAGS.SILENT (\\Deleted)");
      expect(await idler.response(1000)).toBe("* 2 FETCH (FLAGS (\\Deleted \\Recent))");
      await other.ok("EXPUNGE");
      expect(await idler.response(1000)).toBe("* 2 EXPUNGE");

      await idler.write("DONE\r\n");
      const done = await idler.until("I1");
      expect([done.status, done.untagged]).toEqual(["OK", []]);
      expect((await idler.ok("FETCH 2 (UID)")).untagged).toEqual(["* 2 FETCH (UID 3)"]);
      await idler.logout();
      await other.logout();
    });

    it("SEARCH * and n:* mean the client's last message while an EXPUNGE is held back (RFC 3501 §6.4.4, §7.4.1)", async () => {
      const account = await t.account();
      for (const n of [1, 2, 3]) await t.put(account, textMessage(`m${n}`));
      const a = await t.connect({ account });
      const b = await t.connect({ account });
      await a.ok("SELECT INBOX");
      await b.ok("SELECT INBOX");
      await a.ok("STORE 1 +FLAGS.SILENT (\\Deleted)");
      await a.ok("EXPUNGE");
      // B still sees three messages: * is its third.
      expect((await b.ok("SEARCH *")).untagged).toEqual(["* SEARCH 3"]);
      expect((await b.ok("SEARCH 2:*")).untagged).toEqual(["* SEARCH 2 3"]);
      await a.logout();
      await b.logout();
    });

    it("sends no held-back EXPUNGE with a NO to SEARCH or STORE by sequence number (RFC 3501 §7.4.1)", async () => {
      const account = await t.account();
      for (const n of [1, 2]) await t.put(account, textMessage(`m${n}`));
      const a = await t.connect({ account });
      const b = await t.connect({ account });
      await a.ok("SELECT INBOX");
      await b.ok("EXAMINE INBOX");
      await a.ok("STORE 1 +FLAGS.SILENT (\\Deleted)");
      await a.ok("EXPUNGE");
      const charset = await b.command("SEARCH CHARSET KOI8-R ALL");
      expect([charset.status, charset.code]).toEqual(["NO", "BADCHARSET (UTF-8 US-ASCII)"]);
      expect(untaggedOf(charset, "EXPUNGE")).toEqual([]);
      const readOnly = await b.command("STORE 2 +FLAGS (\\Seen)");
      expect([readOnly.status, readOnly.code]).toEqual(["NO", "READ-ONLY"]);
      expect(untaggedOf(readOnly, "EXPUNGE")).toEqual([]);
      expect((await b.ok("NOOP")).untagged).toEqual(["* 1 EXPUNGE"]);
      await a.logout();
      await b.logout();
    });
  });

  describe("flag keywords", () => {
    it("refuses a keyword that is not an atom (']') with BAD in STORE and APPEND, never NO [SERVERBUG] (RFC 3501 §9 flag-keyword)", async () => {
      const account = await t.account();
      await t.put(account, textMessage("m1"));
      const client = await t.connect({ account });
      await client.ok("SELECT INBOX");
      const store = await client.command("STORE 1 +FLAGS (foo])");
      expect(store.status).toBe("BAD");
      const append = await client.append("INBOX", textMessage("flagged"), { flags: "(bar])" });
      expect(append.status).toBe("BAD");
      const flags = await client.ok("FETCH 1:* (FLAGS)");
      expect(flags.untagged.join("\n")).not.toContain("]");
      await client.logout();
    });

    it("refuses a keyword the store can't keep (over 100 characters) with NO or BAD, not NO [SERVERBUG]", async () => {
      const account = await t.account();
      await t.put(account, textMessage("m1"));
      const client = await t.connect({ account });
      await client.ok("SELECT INBOX");
      const result = await client.command(`STORE 1 +FLAGS (${"k".repeat(120)})`);
      expect(result.status).not.toBe("OK");
      expect(result.code).not.toBe("SERVERBUG");
      await client.logout();
    });
  });
});

describe("PLAINTEXT_AUTH=never", () => {
  let t: ImapTestServer;
  let account: TestAccount;
  beforeAll(async () => {
    t = await startImapServer({ env: { PLAINTEXT_AUTH: "never" } });
    account = await t.account();
  });
  afterAll(async () => t?.cleanup());

  it("says LOGINDISABLED before TLS and refuses LOGIN and AUTHENTICATE with [PRIVACYREQUIRED]; after STARTTLS both work", async () => {
    const client = await t.connect();
    expect(client.greeting).toBe(`* OK [CAPABILITY ${[...BASE_CAPABILITIES, "STARTTLS", "LOGINDISABLED"].join(" ")}] mx.example.test IMAP4rev1 ready`);
    const login = await client.command(`LOGIN ${account.address} "${account.password}"`);
    expect([login.status, login.code]).toEqual(["NO", "PRIVACYREQUIRED"]);
    const auth = await client.command(`AUTHENTICATE PLAIN ${b64(`\0${account.address}\0${account.password}`)}`);
    expect([auth.status, auth.code]).toEqual(["NO", "PRIVACYREQUIRED"]);
    expect((await client.command("SELECT INBOX")).status).toBe("BAD");

    expect((await client.command("STARTTLS")).status).toBe("OK");
    await client.startTls();
    const caps = await client.command("CAPABILITY");
    expect(caps.untagged).toEqual([`* CAPABILITY ${[...BASE_CAPABILITIES, "AUTH=PLAIN", "AUTH=LOGIN"].join(" ")}`]);
    await client.login(account.address, account.password);
    expect((await client.command("SELECT INBOX")).status).toBe("OK");
    await client.logout();
  });

  it("allows passwords at once over implicit TLS (IMAPS_PORT handshake)", async () => {
    const client = await ImapClient.open(t.imapsPort, { tls: true });
    expect(client.greeting).toContain("AUTH=PLAIN");
    expect(client.greeting).not.toContain("LOGINDISABLED");
    const auth = await client.command(`AUTHENTICATE PLAIN ${b64(`\0${account.address}\0${account.password}`)}`);
    expect(auth.status).toBe("OK");
    await client.logout();
  });
});
