// Python's imaplib against our IMAP server: the flows a script or a simple client runs —
// LOGIN, SELECT, SEARCH, FETCH BODY[] and BODY.PEEK[HEADER.FIELDS (SUBJECT)], STORE, COPY,
// MOVE, EXPUNGE, APPEND with a date (synchronising literals), mailbox management with
// modified UTF-7 names, STARTTLS and IMAP4_SSL. Each test runs one script as a child process
// (asynchronously: the server lives in this process) that prints its observations as JSON.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { multipartMessage, runPython, startImapServer, textMessage, type ImapTestServer, type TestAccount } from "../helpers/imap";

/** Common prelude: connection parameters from the environment, results as JSON on stdout. */
const PRELUDE = String.raw`
import imaplib, json, os, ssl, sys, time
P = json.loads(os.environ["PARAMS"])
out = {}
def dec(x):
    if isinstance(x, bytes):
        return x.decode("utf-8", "replace")
    if isinstance(x, tuple):
        return [dec(i) for i in x]
    if isinstance(x, list):
        return [dec(i) for i in x]
    return x
def connect(kind="plain"):
    if kind == "ssl":
        return imaplib.IMAP4_SSL("127.0.0.1", P["imaps"], ssl_context=ssl._create_unverified_context(), timeout=10)
    M = imaplib.IMAP4("127.0.0.1", P["imap"], timeout=10)
    if kind == "starttls":
        M.starttls(ssl_context=ssl._create_unverified_context())
    return M
`;

interface PythonOutcome {
  [key: string]: unknown;
}

describe("Python imaplib against our IMAP server", () => {
  let t: ImapTestServer;
  beforeAll(async () => {
    t = await startImapServer();
  });
  afterAll(async () => t?.cleanup());

  async function python(account: TestAccount, body: string, extra: Record<string, unknown> = {}): Promise<PythonOutcome> {
    const params = { imap: t.imapPort, imaps: t.imapsPort, user: account.address, password: account.password, ...extra };
    const result = await runPython(`${PRELUDE}\n${body}\nprint(json.dumps(out))`, { env: { PARAMS: JSON.stringify(params) }, timeoutMs: 20_000 });
    const last = result.stdout.trim().split("\n").pop() ?? "";
    try {
      return JSON.parse(last) as PythonOutcome;
    } catch {
      throw new Error(`python failed (exit ${result.code}):\n${result.stderr || result.stdout}`);
    }
  }

  it("logs in, selects, searches, fetches BODY[] and BODY.PEEK[HEADER.FIELDS (SUBJECT)], stores flags and expunges", async () => {
    const account = await t.account();
    const first = textMessage("Hello from Python", { to: account.address, body: "Numbers: 1 2 3\n" });
    await t.put(account, first);
    await t.put(account, textMessage("Second", { to: account.address }));
    await t.put(account, textMessage("Third", { to: account.address }), { flags: ["\\Seen"] });
    const out = await python(
      account,
      String.raw`
M = connect()
out["caps"] = sorted(M.capabilities)
out["login"] = dec(M.login(P["user"], P["password"]))[0]
typ, data = M.select("INBOX")
out["select"] = [typ, dec(data)]
out["unseen"] = dec(M.search(None, "UNSEEN")[1])
out["subject"] = dec(M.search(None, "SUBJECT", '"from python"')[1])
typ, data = M.fetch("1", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
out["peek"] = dec(data[0][1])
out["flags_after_peek"] = dec(M.fetch("1", "(FLAGS)")[1])
typ, data = M.fetch("1", "(BODY[])")
out["body"] = dec(data[0][1])
out["flags_after_body"] = dec(M.fetch("1", "(FLAGS)")[1])
out["store"] = dec(M.store("2", "+FLAGS", "(\\Deleted \\Flagged)")[1])
out["uid_search"] = dec(M.uid("SEARCH", None, "DELETED")[1])
out["expunge"] = dec(M.expunge()[1])
out["after"] = dec(M.search(None, "ALL")[1])
out["uids"] = dec(M.fetch("1:*", "(UID)")[1])
M.close()
out["logout"] = M.logout()[0]
`,
    );
    expect(out.caps).toEqual(expect.arrayContaining(["IMAP4REV1", "IDLE", "UIDPLUS", "MOVE", "STARTTLS", "AUTH=PLAIN"]));
    expect(out.login).toBe("OK");
    expect(out.select).toEqual(["OK", ["3"]]);
    expect(out.unseen).toEqual(["1 2"]);
    expect(out.subject).toEqual(["1"]);
    expect(out.peek).toBe("Subject: Hello from Python\r\n\r\n");
    // imaplib's select() is a read-write SELECT, the first: every message is \Recent for it.
    expect(out.flags_after_peek).toEqual(["1 (FLAGS (\\Recent))"]);
    expect(out.body).toBe(first.toString("utf8"));
    expect(out.flags_after_body).toEqual(["1 (FLAGS (\\Seen \\Recent))"]);
    expect(out.store).toEqual(["2 (FLAGS (\\Flagged \\Deleted \\Recent))"]);
    expect(out.uid_search).toEqual(["2"]);
    expect(out.expunge).toEqual(["2"]);
    expect(out.after).toEqual(["1 2"]);
    expect(out.uids).toEqual(["1 (UID 1)", "2 (UID 3)"]);
    expect(out.logout).toBe("BYE");
  });

  it("copies and moves (UID COPY, UID MOVE) and reads the results back", async () => {
    const account = await t.account();
    for (const n of [1, 2, 3]) await t.put(account, textMessage(`transfer ${n}`, { to: account.address }));
    const out = await python(
      account,
      String.raw`
M = connect()
M.login(P["user"], P["password"])
M.select("INBOX")
typ, data = M.copy("1:2", "Archive")
out["copy"] = [typ, dec(data)]
out["copyuid"] = dec(M.response("COPYUID")[1])
typ, data = M.uid("MOVE", "3", "Trash")
out["move"] = typ
out["exists"] = dec(M.select("INBOX")[1])
out["archive"] = dec(M.status("Archive", "(MESSAGES UIDNEXT)")[1])
out["trash"] = dec(M.status("Trash", "(MESSAGES)")[1])
M.select("Archive", readonly=True)
typ, data = M.fetch("1:*", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
out["archived"] = [dec(item[1]) for item in data if isinstance(item, tuple)]
M.logout()
`,
    );
    expect(out.copy).toEqual(["OK", [expect.stringMatching(/^\[COPYUID \d+ 1:2 1:2\] COPY completed$/)]]);
    expect(out.move).toBe("OK");
    expect(out.exists).toEqual(["2"]);
    expect(out.archive).toEqual(["Archive (MESSAGES 2 UIDNEXT 3)"]);
    expect(out.trash).toEqual(["Trash (MESSAGES 1)"]);
    expect(out.archived).toEqual(["Subject: transfer 1\r\n\r\n", "Subject: transfer 2\r\n\r\n"]);
  });

  it("appends with flags and a date through a synchronising literal, and reads INTERNALDATE back", async () => {
    const account = await t.account();
    const raw = multipartMessage("Appended by imaplib", { to: account.address });
    const out = await python(
      account,
      String.raw`
M = connect()
M.login(P["user"], P["password"])
msg = bytes.fromhex(P["message"])
date = imaplib.Time2Internaldate(1782273600)
typ, data = M.append("Sent", "(\\Seen $Sent)", date, msg)
out["append"] = [typ, dec(data)]
M.select("Sent")
typ, data = M.fetch("1", "(FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[])")
out["meta"] = dec(data[0][0])
out["source"] = data[0][1].hex()
out["internal"] = time.mktime(imaplib.Internaldate2tuple(data[0][0])) if imaplib.Internaldate2tuple(data[0][0]) else None
typ, data = M.append("Nowhere", None, None, msg)
out["missing"] = [typ, dec(data)]
M.logout()
`,
      { message: raw.toString("hex") },
    );
    const sent = (await t.store.folders.get(account.id, "Sent"))!;
    expect(out.append).toEqual(["OK", [`[APPENDUID ${sent.uidValidity} 1] APPEND completed`]]);
    expect(out.meta).toMatch(new RegExp(`^1 \\(FLAGS \\(\\\\Seen \\$Sent \\\\Recent\\) INTERNALDATE "24-Jun-2026 04:00:00 \\+0000" RFC822\\.SIZE ${raw.length} BODY\\[\\] \\{${raw.length}\\}$`));
    expect(Buffer.from(out.source as string, "hex").equals(raw)).toBe(true);
    expect(out.missing).toEqual(["NO", ["[TRYCREATE] No such mailbox"]]);
  });

  it("creates, lists, renames and deletes mailboxes, modified UTF-7 names included", async () => {
    const account = await t.account();
    const out = await python(
      account,
      String.raw`
M = connect()
M.login(P["user"], P["password"])
out["create"] = M.create('"Projects/&U,BTFw-"')[0]
out["list"] = dec(M.list('""', '"Projects*"')[1])
out["sub"] = dec(M.lsub('""', '"Projects/%"')[1])
out["rename"] = M.rename('"Projects/&U,BTFw-"', '"Projects/&mtiWxA-"')[0]
out["after_rename"] = dec(M.list('""', '"Projects/*"')[1])
out["delete_parent"] = M.delete("Projects")[0]
out["delete_inbox"] = M.delete("INBOX")[0]
out["delete"] = [M.delete('"Projects/&mtiWxA-"')[0], M.delete("Projects")[0]]
out["final"] = dec(M.list()[1])
M.logout()
`,
    );
    expect(out.create).toBe("OK");
    expect(out.list).toEqual(['(\\HasChildren) "/" Projects', '(\\HasNoChildren) "/" Projects/&U,BTFw-']);
    expect(out.sub).toEqual(['(\\HasNoChildren) "/" Projects/&U,BTFw-']);
    expect(await t.store.folders.get(account.id, "Projects/高雄")).toBeNull();
    expect(out.rename).toBe("OK");
    // &mtiWxA- is 高雄.
    expect(out.after_rename).toEqual(['(\\HasNoChildren) "/" Projects/&mtiWxA-']);
    expect(out.delete_parent).toBe("NO");
    expect(out.delete_inbox).toBe("NO");
    expect(out.delete).toEqual(["OK", "OK"]);
    expect((out.final as string[]).sort()).toEqual([
      '(\\HasNoChildren \\Archive) "/" Archive',
      '(\\HasNoChildren \\Drafts) "/" Drafts',
      '(\\HasNoChildren \\Junk) "/" Junk',
      '(\\HasNoChildren \\Sent) "/" Sent',
      '(\\HasNoChildren \\Trash) "/" Trash',
      '(\\HasNoChildren) "/" INBOX',
    ]);
  });

  it("upgrades with STARTTLS and works the same", async () => {
    const account = await t.account();
    await t.put(account, textMessage("over tls", { to: account.address }));
    const out = await python(
      account,
      String.raw`
M = connect("starttls")
out["caps"] = sorted(M.capabilities)
M.login(P["user"], P["password"])
out["select"] = dec(M.select("INBOX")[1])
out["subject"] = dec(M.fetch("1", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")[1][0][1])
M.logout()
`,
    );
    expect(out.caps).not.toContain("STARTTLS");
    expect(out.select).toEqual(["1"]);
    expect(out.subject).toBe("Subject: over tls\r\n\r\n");
  });

  it("connects with IMAP4_SSL on IMAPS_PORT", async () => {
    const account = await t.account();
    await t.put(account, textMessage("over imaps", { to: account.address }));
    const out = await python(
      account,
      String.raw`
try:
    M = connect("ssl")
    M.login(P["user"], P["password"])
    out["select"] = dec(M.select("INBOX")[1])
    M.logout()
except Exception as e:
    out["error"] = repr(e)
`,
    );
    expect(out).toEqual({ select: ["1"] });
  });

  it("fails a wrong password with imaplib's error and the AUTHENTICATIONFAILED code", async () => {
    const account = await t.account();
    const out = await python(
      account,
      String.raw`
M = connect()
try:
    M.login(P["user"], "wrong password entirely")
    out["result"] = "logged in"
except imaplib.IMAP4.error as e:
    out["result"] = str(e)
M.logout()
`,
    );
    expect(out.result).toMatch(/AUTHENTICATIONFAILED/);
  });
});
