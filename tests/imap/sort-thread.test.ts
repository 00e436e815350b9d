// SORT (RFC 5256, SORT=DISPLAY from RFC 5957, ESORT from RFC 5267) and THREAD (RFC 5256) over a
// real server on SQLite and PostgreSQL: exact responses to a raw client for every sort key,
// ties, criteria, UID forms, both threading algorithms, the errors a client can provoke, and
// Python imaplib's sort() and thread().
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { crlf, runPython, startImapServer, type ImapTestServer, type TestAccount } from "../helpers/imap";
import { PROVIDERS } from "../helpers/store";

interface Fixture {
  from: string;
  to: string;
  cc?: string;
  subject: string;
  date?: string;
  messageId: string;
  inReplyTo?: string;
  references?: string;
  internalDate: string;
  body: string;
  flags?: string[];
}

// Sequence numbers 1..6 once the placeholder before them is expunged (so UID = seq + 1).
const FIXTURES: Fixture[] = [
  { from: '"Aaron Zed" <zed@b.test>', to: "carol@x.test", subject: "Re: Lunch", date: "Wed, 03 Jan 2024 10:00:00 +0000", messageId: "<l2@x>", inReplyTo: "<l1@x>", internalDate: "2024-02-01T00:00:00Z", body: "short" },
  { from: "Amy <amy@c.test>", to: '"Bob" <bob@x.test>', cc: "dan@x.test", subject: "Lunch", date: "Tue, 02 Jan 2024 10:00:00 +0000", messageId: "<l1@x>", internalDate: "2024-02-03T00:00:00Z", body: "a bit longer body", flags: ["\\Seen"] },
  { from: "bob@a.test", to: '"Ann" <zz@x.test>', subject: "[list] Budget", messageId: "<b1@x>", internalDate: "2024-01-01T00:00:00Z", body: "x".repeat(300) },
  { from: '"Mike" <mike@d.test>', to: "alice@x.test", cc: '"Carl" <aaron@x.test>', subject: "Fwd: Budget (fwd)", date: "Fri, 05 Jan 2024 09:00:00 -0500", messageId: "<b2@x>", internalDate: "2024-02-02T00:00:00Z", body: "y".repeat(40) },
  { from: '"amy" <Amy@e.test>', to: "dave@x.test", subject: "lunch", date: "Thu, 04 Jan 2024 10:00:00 +0000", messageId: "<l3@x>", references: "<l1@x> <l2@x>", internalDate: "2024-02-05T00:00:00Z", body: "z".repeat(2000), flags: ["\\Seen"] },
  { from: "carl@f.test", to: "ellen@x.test", subject: "=?UTF-8?Q?Re=3A_Other?=", date: "Tue, 02 Jan 2024 10:00:00 +0000", messageId: "<o1@x>", internalDate: "2024-02-04T00:00:00Z", body: "tiny" },
];

function raw(f: Fixture): Buffer {
  const headers = [`From: ${f.from}`, `To: ${f.to}`, ...(f.cc ? [`Cc: ${f.cc}`] : []), `Subject: ${f.subject}`, ...(f.date ? [`Date: ${f.date}`] : []), `Message-ID: ${f.messageId}`];
  if (f.inReplyTo) headers.push(`In-Reply-To: ${f.inReplyTo}`);
  if (f.references) headers.push(`References: ${f.references}`);
  return crlf(`${headers.join("\n")}\nMIME-Version: 1.0\nContent-Type: text/plain\n\n${f.body}\n`);
}

describe.each(PROVIDERS)("IMAP SORT and THREAD on %s", (provider) => {
  let t: ImapTestServer;
  let account: TestAccount;
  beforeAll(async () => {
    t = await startImapServer({ provider });
    account = await t.account();
    await t.put(account, raw(FIXTURES[0]), { flags: ["\\Deleted"] });
    for (const f of FIXTURES) await t.put(account, raw(f), { internalDate: new Date(f.internalDate), flags: f.flags });
    await t.expunge(account);
  });
  afterAll(async () => t?.cleanup());

  const selected = () => t.selected(account);

  it("advertises SORT, SORT=DISPLAY, ESORT, ESEARCH and both THREAD algorithms", async () => {
    const client = await t.connect({ account });
    const caps = (await client.ok("CAPABILITY")).untagged[0].split(" ");
    for (const cap of ["SORT", "SORT=DISPLAY", "ESORT", "ESEARCH", "THREAD=ORDEREDSUBJECT", "THREAD=REFERENCES"]) expect(caps).toContain(cap);
    await client.logout();
  });

  it("sorts by every key, ties by sequence number even in REVERSE", async () => {
    const client = await selected();
    const sizes = FIXTURES.map((f, i) => ({ seq: i + 1, size: raw(f).length }));
    const bySize = [...sizes].sort((a, b) => a.size - b.size || a.seq - b.seq).map((s) => s.seq);
    const expected: Record<string, string> = {
      "(DATE)": "3 2 6 1 5 4",
      "(REVERSE DATE)": "4 5 1 2 6 3",
      "(ARRIVAL)": "3 1 4 2 6 5",
      "(REVERSE ARRIVAL)": "5 6 2 4 1 3",
      "(FROM)": "2 5 3 6 4 1",
      "(TO)": "4 2 1 5 6 3",
      "(CC)": "1 3 5 6 4 2",
      "(SUBJECT)": "3 4 1 2 5 6",
      "(SUBJECT DATE)": "3 4 2 1 5 6",
      "(SUBJECT REVERSE DATE)": "4 3 5 1 2 6",
      "(DISPLAYFROM)": "1 2 5 3 6 4",
      "(DISPLAYTO)": "4 3 2 1 5 6",
      "(SIZE)": bySize.join(" "),
      "(REVERSE SIZE)": [...bySize].reverse().join(" "),
    };
    for (const [program, order] of Object.entries(expected)) {
      expect((await client.ok(`SORT ${program} UTF-8 ALL`)).untagged, program).toEqual([`* SORT ${order}`]);
    }
    await client.logout();
  });

  it("sorts what the search criteria match, by UID with UID SORT", async () => {
    const client = await selected();
    expect((await client.ok("SORT (DATE) UTF-8 FROM amy")).untagged).toEqual(["* SORT 2 5"]);
    expect((await client.ok("SORT (REVERSE DATE) US-ASCII UNSEEN")).untagged).toEqual(["* SORT 4 1 6 3"]);
    expect((await client.ok("SORT (DATE) UTF-8 OR SEEN SUBJECT budget 2:4")).untagged).toEqual(["* SORT 3 2 4"]);
    expect((await client.ok("UID SORT (REVERSE DATE) UTF-8 ALL")).untagged).toEqual(["* SORT 5 6 2 3 7 4"]);
    expect((await client.ok("UID SORT (DATE) UTF-8 UID 5:6")).untagged).toEqual(["* SORT 6 5"]);
    expect((await client.ok("SORT (DATE) UTF-8 KEYWORD nothing")).untagged).toEqual(["* SORT"]);
    await client.logout();
  });

  it("answers SORT RETURN with ESEARCH in sort order (ESORT)", async () => {
    const client = await selected();
    const result = await client.ok("SORT RETURN (MIN MAX COUNT ALL) (DATE) UTF-8 ALL");
    expect(result.untagged).toEqual([`* ESEARCH (TAG "${result.tag}") MIN 3 MAX 4 COUNT 6 ALL 3,2,6,1,5:4`.replace("5:4", "5,4")]);
    const uid = await client.ok("UID SORT RETURN (COUNT) (DATE) UTF-8 SEEN");
    expect(uid.untagged).toEqual([`* ESEARCH (TAG "${uid.tag}") UID COUNT 2`]);
    await client.logout();
  });

  it("threads by REFERENCES and ORDEREDSUBJECT, by sequence number and UID", async () => {
    const client = await selected();
    expect((await client.ok("THREAD REFERENCES UTF-8 ALL")).untagged).toEqual(["* THREAD (3 4)(2 1 5)(6)"]);
    expect((await client.ok("UID THREAD REFERENCES UTF-8 ALL")).untagged).toEqual(["* THREAD (4 5)(3 2 6)(7)"]);
    expect((await client.ok("THREAD ORDEREDSUBJECT UTF-8 ALL")).untagged).toEqual(["* THREAD (3 4)(2 (1)(5))(6)"]);
    // Without message 1, 5 still hangs under 2 through its References.
    expect((await client.ok("THREAD REFERENCES UTF-8 NOT 1")).untagged).toEqual(["* THREAD (3 4)(2 5)(6)"]);
    expect((await client.ok("THREAD references utf-8 KEYWORD nothing")).untagged).toEqual(["* THREAD"]);
    await client.logout();
  });

  it("refuses bad sort programs, threading algorithms and charsets", async () => {
    const client = await selected();
    for (const line of ["SORT (SENDER) UTF-8 ALL", "SORT () UTF-8 ALL", "SORT DATE UTF-8 ALL", "SORT (DATE) UTF-8", "SORT (REVERSE) UTF-8 ALL", "SORT RETURN (SAVE) (DATE) UTF-8 ALL", "SORT (DATE) UTF-8 NOSUCHKEY", "THREAD FOO UTF-8 ALL", "THREAD REFERENCES UTF-8", "THREAD", "UID SORT"]) {
      expect((await client.command(line)).status, line).toBe("BAD");
      // Ten BADs in a row end the session; a good command between keeps it.
      await client.ok("NOOP");
    }
    for (const line of ["SORT (DATE) KOI8-R ALL", "THREAD REFERENCES ISO-8859-1 ALL"]) {
      const result = await client.command(line);
      expect(result.status, line).toBe("NO");
      expect(result.code).toBe("BADCHARSET (UTF-8 US-ASCII)");
    }
    await client.logout();
    const unselected = await t.connect({ account });
    expect((await unselected.command("SORT (DATE) UTF-8 ALL")).status).toBe("BAD");
    await unselected.logout();
  });

  it("tells of another session's expunge after UID SORT and UID THREAD, never after SORT or THREAD", async () => {
    const extra = await t.put(account, raw({ ...FIXTURES[0], messageId: "<gone@x>" }), { flags: ["\\Deleted"] });
    const reader = await selected();
    const other = await selected();
    await other.ok(`UID EXPUNGE ${extra}`);
    for (const line of ["SORT (DATE) UTF-8 ALL", "THREAD REFERENCES UTF-8 ALL", "SEARCH RETURN (COUNT) ALL"]) {
      expect((await reader.ok(line)).untagged.some((l) => l.endsWith(" EXPUNGE")), line).toBe(false);
    }
    expect((await reader.ok("UID SORT (DATE) UTF-8 ALL")).untagged).toContain("* 7 EXPUNGE");
    await reader.logout();
    await other.logout();
  });

  it("tops up the keys it keeps when messages arrive, and reports MODSEQ when the criteria name it", async () => {
    const client = await selected();
    expect((await client.ok("SORT (DATE) UTF-8 ALL")).untagged).toEqual(["* SORT 3 2 6 1 5 4"]);
    expect((await client.ok("THREAD REFERENCES UTF-8 ALL")).untagged).toEqual(["* THREAD (3 4)(2 1 5)(6)"]);
    await t.put(account, raw({ ...FIXTURES[4], messageId: "<l4@x>", references: "<l3@x>", date: "Mon, 01 Jan 2018 00:00:00 +0000" }), { internalDate: new Date("2024-03-01T00:00:00Z") });
    expect((await client.ok("NOOP")).untagged).toContain("* 7 EXISTS");
    expect((await client.ok("SORT (DATE) UTF-8 ALL")).untagged).toEqual(["* SORT 7 3 2 6 1 5 4"]);
    expect((await client.ok("THREAD REFERENCES UTF-8 ALL")).untagged).toEqual(["* THREAD (3 4)(2 1 5 7)(6)"]);
    const modSeqs = (await client.ok("FETCH 1:* (MODSEQ)")).untagged.map((line) => BigInt(/MODSEQ \((\d+)\)/.exec(line)![1]));
    const highest = modSeqs.reduce((a, b) => (a > b ? a : b));
    expect((await client.ok("SORT (REVERSE ARRIVAL) UTF-8 MODSEQ 1")).untagged).toEqual([`* SORT 7 5 6 2 4 1 3 (MODSEQ ${highest})`]);
    await client.logout();
  });

  it("serves Python imaplib's sort() and thread()", async () => {
    const script = String.raw`
import imaplib, json, os
P = json.loads(os.environ["PARAMS"])
M = imaplib.IMAP4("127.0.0.1", P["port"], timeout=10)
M.login(P["user"], P["password"])
M.select("INBOX")
out = {
  "sort": M.sort("(REVERSE DATE)", "UTF-8", "ALL")[1][0].decode(),
  "uidsort": M.uid("SORT", "(SUBJECT)", "UTF-8", "ALL")[1][0].decode(),
  "thread": M.thread("REFERENCES", "UTF-8", "ALL")[1][0].decode(),
  "ordered": M.thread("ORDEREDSUBJECT", "UTF-8", "SUBJECT", "lunch")[1][0].decode(),
}
M.logout()
print(json.dumps(out))
`;
    const result = await runPython(script, { env: { PARAMS: JSON.stringify({ port: t.imapPort, user: account.address, password: account.password }) }, timeoutMs: 20_000 });
    expect(JSON.parse(result.stdout.trim().split("\n").pop() ?? "{}"), result.stderr).toEqual({
      // The test before added message 7 (UID 9), dated 2018, a reply to 5.
      sort: "4 5 1 2 6 3 7",
      uidsort: "4 5 2 3 6 9 7",
      thread: "(3 4)(2 1 5 7)(6)",
      ordered: "(7 (2)(1)(5))",
    });
  });
});
