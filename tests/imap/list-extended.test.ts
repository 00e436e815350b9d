// LIST-EXTENDED (RFC 5258), LIST-STATUS (RFC 5819), the SPECIAL-USE selection option and
// CREATE-SPECIAL-USE (RFC 6154) over a raw socket on SQLite and PostgreSQL, with exact
// responses; then imapflow (RETURN (STATUS … SPECIAL-USE CHILDREN SUBSCRIBED)), Python
// imaplib, and the tagged answers of a private Dovecot for the same commands when this
// machine can run one.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listEntries, type ListableMailbox } from "@/lib/mail-server/imap/commands/list-entries";
import { startImapServer, textMessage, type ImapClient, type ImapTestServer, type TestAccount } from "../helpers/imap";
import { runImaplib } from "../helpers/imaplib";
import { PROVIDERS } from "../helpers/store";
import { dovecotAvailable, RawImap, startDovecot } from "../unit/imap-fetch/dovecot";

describe.each(PROVIDERS)("LIST-EXTENDED, LIST-STATUS and CREATE-SPECIAL-USE on %s", (provider) => {
  let t: ImapTestServer;
  beforeAll(async () => {
    t = await startImapServer({ provider });
  });
  afterAll(async () => t?.cleanup());

  /** The default mailboxes plus Foo and Foo/Bar; Foo and Junk unsubscribed. */
  async function fixture(): Promise<{ account: TestAccount; client: ImapClient }> {
    const account = await t.account();
    const client = await t.connect({ account });
    await client.ok("CREATE Foo/Bar");
    await client.ok("UNSUBSCRIBE Foo");
    await client.ok("UNSUBSCRIBE Junk");
    return { account, client };
  }

  it("advertises LIST-EXTENDED, LIST-STATUS and CREATE-SPECIAL-USE", async () => {
    const client = await t.connect();
    const capabilities = (await client.ok("CAPABILITY")).untagged[0].split(" ");
    expect(capabilities).toEqual(expect.arrayContaining(["LIST-EXTENDED", "LIST-STATUS", "SPECIAL-USE", "CREATE-SPECIAL-USE"]));
    await client.logout();
  });

  it("selects subscribed mailboxes, with \\Subscribed, and with RECURSIVEMATCH the parents of subscribed ones with CHILDINFO", async () => {
    const { client } = await fixture();
    expect((await client.ok('LIST (SUBSCRIBED) "" "*"')).untagged).toEqual([
      '* LIST (\\HasNoChildren \\Archive \\Subscribed) "/" Archive',
      '* LIST (\\HasNoChildren \\Drafts \\Subscribed) "/" Drafts',
      '* LIST (\\HasNoChildren \\Subscribed) "/" Foo/Bar',
      '* LIST (\\HasNoChildren \\Subscribed) "/" INBOX',
      '* LIST (\\HasNoChildren \\Sent \\Subscribed) "/" Sent',
      '* LIST (\\HasNoChildren \\Trash \\Subscribed) "/" Trash',
    ]);
    const top = ['* LIST (\\HasNoChildren \\Archive \\Subscribed) "/" Archive', '* LIST (\\HasNoChildren \\Drafts \\Subscribed) "/" Drafts'];
    const rest = ['* LIST (\\HasNoChildren \\Subscribed) "/" INBOX', '* LIST (\\HasNoChildren \\Sent \\Subscribed) "/" Sent', '* LIST (\\HasNoChildren \\Trash \\Subscribed) "/" Trash'];
    // "%" stops at Foo, which is not subscribed: only RECURSIVEMATCH brings it back, for its child.
    expect((await client.ok('LIST (SUBSCRIBED) "" "%"')).untagged).toEqual([...top, ...rest]);
    expect((await client.ok('LIST (SUBSCRIBED RECURSIVEMATCH) "" "%"')).untagged).toEqual([...top, '* LIST (\\HasChildren) "/" Foo ("CHILDINFO" ("SUBSCRIBED"))', ...rest]);
    // A subscribed parent of a subscribed child is listed with both.
    await client.ok("SUBSCRIBE Foo");
    expect((await client.ok('LIST (RECURSIVEMATCH SUBSCRIBED REMOTE) "" "F%"')).untagged).toEqual(['* LIST (\\HasChildren \\Subscribed) "/" Foo ("CHILDINFO" ("SUBSCRIBED"))']);
    await client.logout();
  });

  it("matches several patterns, each name once, and returns \\Subscribed when asked", async () => {
    const { client } = await fixture();
    expect((await client.ok('LIST "" ("INBOX" "Sent*" "inbox" Foo/%)')).untagged).toEqual([
      '* LIST (\\HasNoChildren) "/" Foo/Bar',
      '* LIST (\\HasNoChildren) "/" INBOX',
      '* LIST (\\HasNoChildren \\Sent) "/" Sent',
    ]);
    expect((await client.ok('LIST () "" ("Junk" "Foo") RETURN (SUBSCRIBED CHILDREN)')).untagged).toEqual([
      '* LIST (\\HasChildren) "/" Foo',
      '* LIST (\\HasNoChildren \\Junk) "/" Junk',
    ]);
    expect((await client.ok('LIST "" "Foo*" RETURN (SUBSCRIBED)')).untagged).toEqual(['* LIST (\\HasChildren) "/" Foo', '* LIST (\\HasNoChildren \\Subscribed) "/" Foo/Bar']);
    // Base LIST keeps RFC 3501's delimiter answer; extended LIST treats "" as a name (as Dovecot does).
    expect((await client.ok('LIST "" ""')).untagged).toEqual(['* LIST (\\Noselect) "/" ""']);
    expect((await client.ok('LIST () "" ""')).untagged).toEqual([]);
    await client.logout();
  });

  it("LIST (SPECIAL-USE) returns only the special-use mailboxes", async () => {
    const { client } = await fixture();
    const specialUse = [
      '* LIST (\\HasNoChildren \\Archive) "/" Archive',
      '* LIST (\\HasNoChildren \\Drafts) "/" Drafts',
      '* LIST (\\HasNoChildren \\Junk) "/" Junk',
      '* LIST (\\HasNoChildren \\Sent) "/" Sent',
      '* LIST (\\HasNoChildren \\Trash) "/" Trash',
    ];
    expect((await client.ok('LIST (SPECIAL-USE) "" "*"')).untagged).toEqual(specialUse);
    expect((await client.ok('LIST (SPECIAL-USE) "" "*" RETURN (SPECIAL-USE)')).untagged).toEqual(specialUse);
    expect((await client.ok('LIST (SPECIAL-USE SUBSCRIBED) "" "*"')).untagged).toEqual(
      specialUse.filter((line) => !line.endsWith("Junk")).map((line) => line.replace(") ", " \\Subscribed) ")),
    );
    await client.logout();
  });

  it("returns STATUS after each LIST with RETURN (STATUS …), the same as the STATUS command, the selected mailbox included", async () => {
    const { account, client } = await fixture();
    await t.put(account, textMessage("one"));
    await t.put(account, textMessage("two"), { flags: ["\\Seen"] });
    await t.put(account, textMessage("archived"), { mailbox: "Archive", flags: ["\\Deleted"] });
    const listed = await client.ok('LIST "" ("INBOX" "Archive" "Foo*") RETURN (STATUS (MESSAGES UNSEEN DELETED))');
    expect(listed.untagged).toEqual([
      '* LIST (\\HasNoChildren \\Archive) "/" Archive',
      "* STATUS Archive (MESSAGES 1 UNSEEN 1 DELETED 1)",
      '* LIST (\\HasChildren) "/" Foo',
      "* STATUS Foo (MESSAGES 0 UNSEEN 0 DELETED 0)",
      '* LIST (\\HasNoChildren) "/" Foo/Bar',
      "* STATUS Foo/Bar (MESSAGES 0 UNSEEN 0 DELETED 0)",
      '* LIST (\\HasNoChildren) "/" INBOX',
      "* STATUS INBOX (MESSAGES 2 UNSEEN 1 DELETED 0)",
    ]);
    for (const name of ["Archive", "Foo", "INBOX"]) {
      const alone = (await client.ok(`STATUS ${name} (MESSAGES UNSEEN DELETED)`)).untagged;
      expect(listed.untagged).toContain(alone[0]);
    }
    // The selected mailbox: its recent messages are this session's, as STATUS says them.
    await client.ok("SELECT INBOX");
    const items = "(MESSAGES RECENT UIDNEXT UIDVALIDITY HIGHESTMODSEQ SIZE)";
    const inList = (await client.ok(`LIST "" "INBOX" RETURN (STATUS ${items})`)).untagged;
    const byStatus = (await client.ok(`STATUS INBOX ${items}`)).untagged;
    expect(inList).toEqual(['* LIST (\\HasNoChildren) "/" INBOX', byStatus[0]]);
    expect(byStatus[0]).toMatch(/^\* STATUS INBOX \(MESSAGES 2 RECENT 2 UIDNEXT 3 UIDVALIDITY \d+ HIGHESTMODSEQ \d+ SIZE \d+\)$/);
    await client.logout();
  });

  it("answers BAD to options it doesn't know, RECURSIVEMATCH alone and malformed option lists, and stays usable", async () => {
    const { client } = await fixture();
    const bad = [
      'LIST (RECURSIVEMATCH) "" "*"',
      'LIST (REMOTE RECURSIVEMATCH) "" "*"',
      'LIST (BOGUS) "" "*"',
      'LIST (SUBSCRIBED (X)) "" "*"',
      'LIST ((SUBSCRIBED)) "" "*"',
      'LIST "" "*" RETURN (BOGUS)',
      'LIST "" "*" RETURN (STATUS)',
      'LIST "" "*" RETURN (STATUS ())',
      'LIST "" "*" RETURN (STATUS (BOGUS))',
      'LIST "" "*" RETURN (STATUS MESSAGES)',
      'LIST "" "*" RETURN SUBSCRIBED',
      'LIST "" "*" RETURN',
      'LIST "" "*" FOO (SUBSCRIBED)',
      'LIST "" "*" RETURN (SUBSCRIBED) extra',
      'LIST "" ()',
      'LIST "" ("INBOX" ("Sent"))',
      'LIST (SUBSCRIBED) ""',
      "LIST ()",
      `LIST "" "*" RETURN (${"CHILDREN ".repeat(40).trim()})`,
      `LIST (${"((((((((((".repeat(4)}${"))))))))))".repeat(4)}) "" "*"`,
    ];
    for (const command of bad) {
      const result = await client.command(command);
      expect(result.status, command).toBe("BAD");
      expect(result.untagged, command).toEqual([]);
      // Ten BADs in a row end the connection (session.ts): keep it in step between them.
      await client.ok("NOOP");
    }
    expect((await client.ok('LIST "" "INBOX"')).untagged).toEqual(['* LIST (\\HasNoChildren) "/" INBOX']);
    await client.logout();
  });

  it("bounds pattern lists: too many or too long is BAD, quickly, and the server stays up", async () => {
    const { client } = await fixture();
    const many = Array.from({ length: 65 }, (_, i) => `"p${i}*"`).join(" ");
    expect((await client.command(`LIST "" (${many})`)).tagged).toMatch(/^T\d+ BAD \[LIMIT\]/);
    const long = Array.from({ length: 8 }, (_, i) => `"${"*a".repeat(300)}${i}"`).join(" ");
    expect((await client.command(`LIST "" (${long})`)).tagged).toMatch(/^T\d+ BAD \[LIMIT\]/);
    // 64 backtracking-prone patterns over every name: still a prompt, empty answer.
    const started = Date.now();
    const heavy = Array.from({ length: 64 }, (_, i) => `"${"*%".repeat(30)}${i}"`).join(" ");
    expect((await client.ok(`LIST "" (${heavy}) RETURN (STATUS (MESSAGES))`)).untagged).toEqual([]);
    expect(Date.now() - started).toBeLessThan(3000);
    expect((await client.ok('LIST "" "Sent"')).untagged).toEqual(['* LIST (\\HasNoChildren \\Sent) "/" Sent']);
    await client.logout();
  });

  it("CREATE … (USE (\\Archive)) creates a special-use mailbox; what it can't keep is NO [USEATTR] and creates nothing", async () => {
    const { client } = await fixture();
    await client.ok("CREATE Old/Archive2026 (USE (\\archive))");
    // Several mailboxes may share a use (RFC 6154 allows it); only the last level gets it.
    expect((await client.ok('LIST "" "Old*"')).untagged).toEqual(['* LIST (\\HasChildren) "/" Old', '* LIST (\\HasNoChildren \\Archive) "/" Old/Archive2026']);
    await client.ok("CREATE Plain (USE ())");
    expect((await client.ok('LIST "" "Plain"')).untagged).toEqual(['* LIST (\\HasNoChildren) "/" Plain']);
    for (const use of ["\\Bogus", "\\All", "\\Flagged", "\\Sent \\Trash"]) {
      const result = await client.command(`CREATE Refused (USE (${use}))`);
      expect(result.status, use).toBe("NO");
      expect(result.code, use).toBe("USEATTR");
    }
    for (const parameters of ["(USE)", "(USE \\Sent)", "(USE (Sent))", "(FOO (\\Sent))", "(USE (\\Sent) USE (\\Trash))", "USE (\\Sent)", "(USE (\\Sent)) extra"]) {
      expect((await client.command(`CREATE Refused ${parameters}`)).status, parameters).toBe("BAD");
    }
    expect((await client.ok('LIST "" "Refused"')).untagged).toEqual([]);
    await client.logout();
  });

  it("imapflow lists with inline STATUS, special-use and subscription, and creates mailboxes", async () => {
    const { account, client: raw } = await fixture();
    await raw.logout();
    await t.put(account, textMessage("for imapflow"));
    const flow = await t.imapflow(account);
    const created = await flow.mailboxCreate("Projekte/Übersicht");
    expect(created).toMatchObject({ path: "Projekte/Übersicht", created: true });
    const mailboxes = await flow.list({ statusQuery: { messages: true, unseen: true, uidNext: true }, specialUseHints: { archive: "Foo" } });
    const byPath = new Map(mailboxes.map((mailbox) => [mailbox.path, mailbox]));
    expect(byPath.get("INBOX")?.status).toMatchObject({ path: "INBOX", messages: 1, unseen: 1, uidNext: 2 });
    expect(byPath.get("Sent")).toMatchObject({ specialUse: "\\Sent", subscribed: true, status: { messages: 0 } });
    expect(byPath.get("Junk")?.subscribed).toBeFalsy();
    expect(byPath.get("Projekte/Übersicht")).toMatchObject({ subscribed: true, status: { messages: 0, unseen: 0 } });
    expect(byPath.get("Foo")?.flags.has("\\HasChildren")).toBe(true);
    await flow.logout();
  });

  it("Python imaplib lists with selection and return options", async () => {
    const { account, client } = await fixture();
    await client.logout();
    const out = await runImaplib(
      t.imapPort,
      account,
      String.raw`
typ, data = M.list('""', "Foo*")
out["plain"] = [typ, dec(data)]
typ, data = M._simple_command("LIST", "(SPECIAL-USE)", '""', '"*"', "RETURN", "(SUBSCRIBED)")
out["special"] = [typ, dec(M._untagged_response(typ, data, "LIST")[1])]
try:
    M._simple_command("LIST", "(RECURSIVEMATCH)", '""', '"*"')
    out["bad"] = "accepted"
except M.error as error:
    out["bad"] = "BAD" if "BAD" in str(error) else str(error)
`,
    ).catch((error: Error) => ({ error: error.message }));
    expect(out).toEqual({
      plain: ["OK", ['(\\HasChildren) "/" Foo', '(\\HasNoChildren) "/" Foo/Bar']],
      special: [
        "OK",
        [
          '(\\HasNoChildren \\Archive \\Subscribed) "/" Archive',
          '(\\HasNoChildren \\Drafts \\Subscribed) "/" Drafts',
          '(\\HasNoChildren \\Junk) "/" Junk',
          '(\\HasNoChildren \\Sent \\Subscribed) "/" Sent',
          '(\\HasNoChildren \\Trash \\Subscribed) "/" Trash',
        ],
      ],
      bad: "BAD",
    });
  });
});

describe("listEntries", () => {
  const mailbox = (name: string, subscribed: boolean, specialUse = ""): ListableMailbox => ({ name, subscribed, specialUse });
  const all = () => true;

  it("lists a selected mailbox's missing parent as \\NonExistent with RECURSIVEMATCH, and never without it", () => {
    // The store always has the parents; a subscription list that outlives its mailboxes would not.
    const mailboxes = [mailbox("A/B/C", true), mailbox("Z", false)];
    const options = { subscribed: true, specialUse: false, recursiveMatch: true, returnSubscribed: true };
    const level = (name: string) => !name.includes("/");
    expect(listEntries(mailboxes, level, options).map(({ name, attributes, childInfo }) => ({ name, attributes, childInfo }))).toEqual([
      { name: "A", attributes: ["\\NonExistent", "\\HasChildren"], childInfo: ["SUBSCRIBED"] },
    ]);
    expect(listEntries(mailboxes, level, { ...options, recursiveMatch: false })).toEqual([]);
    expect(listEntries(mailboxes, all, options).map((entry) => entry.name)).toEqual(["A", "A/B", "A/B/C"]);
  });

  it("combines SUBSCRIBED and SPECIAL-USE criteria, and CHILDINFO names both", () => {
    const mailboxes = [mailbox("P", false), mailbox("P/Sent", true, "\\Sent"), mailbox("P/Other", true), mailbox("Q", true, "\\Trash")];
    const options = { subscribed: true, specialUse: true, recursiveMatch: true, returnSubscribed: true };
    expect(listEntries(mailboxes, all, options).map(({ name, attributes, childInfo }) => [name, attributes.join(" "), childInfo.join(" ")])).toEqual([
      ["P", "\\HasChildren", "SUBSCRIBED SPECIAL-USE"],
      ["P/Sent", "\\HasNoChildren \\Sent \\Subscribed", ""],
      ["Q", "\\HasNoChildren \\Trash \\Subscribed", ""],
    ]);
  });
});

describe.skipIf(!dovecotAvailable())("LIST-EXTENDED answers compared with Dovecot", () => {
  it("gives the same tagged status as Dovecot to the same LIST commands", async () => {
    const commands = [
      'LIST (SUBSCRIBED) "" "*"',
      'LIST (SUBSCRIBED RECURSIVEMATCH) "" "%"',
      'LIST (RECURSIVEMATCH) "" "%"',
      'LIST (REMOTE RECURSIVEMATCH) "" "%"',
      'LIST (BOGUS) "" "%"',
      'LIST "" "%" RETURN (BOGUS)',
      'LIST "" ("INBOX" "S*")',
      'LIST "" "%" RETURN (CHILDREN)',
      'LIST "" "%" RETURN ()',
      'LIST () "" "%" RETURN (SUBSCRIBED)',
      'LIST "" "*" RETURN (STATUS (MESSAGES UNSEEN))',
      'LIST "" "%" RETURN (STATUS ())',
      'LIST "" "%" RETURN (STATUS (BOGUS))',
      'LIST "" "%" RETURN (STATUS)',
      'LIST (SUBSCRIBED SUBSCRIBED) "" "%"',
    ];
    const statusOf = (response: string) => /(?:^|\r\n)\S+ (OK|NO|BAD)/.exec(response.split("\r\n").filter(Boolean).pop() ?? "")?.[1];
    const dovecot = await startDovecot();
    const t = await startImapServer();
    try {
      const reference = await RawImap.connect(dovecot.port);
      await reference.command("LOGIN test pass");
      const account = await t.account();
      const ours = await t.connect({ account });
      for (const command of commands) {
        const expected = statusOf((await reference.command(command)).toString("utf8"));
        expect(expected, command).toBeDefined();
        expect((await ours.command(command)).status, command).toBe(expected);
      }
      reference.close();
    } finally {
      dovecot.stop();
      await t.cleanup();
    }
  });
});
