// Mailbox commands over a raw socket: LIST and LSUB with "*" and "%", special-use and
// children attributes, CREATE with parents and modified UTF-7 names, DELETE (never INBOX,
// never a parent), RENAME (children move, INBOX moves its messages), SUBSCRIBE, STATUS and
// NAMESPACE.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startImapServer, textMessage, type ImapClient, type ImapTestServer, type TestAccount } from "../helpers/imap";

const DEFAULT_LIST = [
  '* LIST (\\HasNoChildren \\Archive) "/" Archive',
  '* LIST (\\HasNoChildren \\Drafts) "/" Drafts',
  '* LIST (\\HasNoChildren) "/" INBOX',
  '* LIST (\\HasNoChildren \\Junk) "/" Junk',
  '* LIST (\\HasNoChildren \\Sent) "/" Sent',
  '* LIST (\\HasNoChildren \\Trash) "/" Trash',
].sort();

const sorted = (lines: string[]) => [...lines].sort();

describe("IMAP mailbox commands", () => {
  let t: ImapTestServer;
  beforeAll(async () => {
    t = await startImapServer();
  });
  afterAll(async () => t?.cleanup());

  async function fresh(): Promise<{ account: TestAccount; client: ImapClient }> {
    const account = await t.account();
    return { account, client: await t.connect({ account }) };
  }

  it('lists the default mailboxes with their special-use attributes, and the delimiter for LIST "" ""', async () => {
    const { client } = await fresh();
    expect(sorted((await client.ok('LIST "" "*"')).untagged)).toEqual(DEFAULT_LIST);
    expect(sorted((await client.ok('LIST "" "%"')).untagged)).toEqual(DEFAULT_LIST);
    expect((await client.ok('LIST "" ""')).untagged).toEqual(['* LIST (\\Noselect) "/" ""']);
    expect((await client.ok('LIST "" "inbox"')).untagged).toEqual(['* LIST (\\HasNoChildren) "/" INBOX']);
    expect((await client.ok('LIST "" "Nothing*"')).untagged).toEqual([]);
    await client.logout();
  });

  it("creates parents, encodes Chinese names in modified UTF-7 both ways, and keeps children apart from \"%\"", async () => {
    const { account, client } = await fresh();
    // "&U,BTFw-" is 台北 in modified UTF-7 (RFC 3501 §5.1.3).
    await client.ok('CREATE "Projects/2026/&U,BTFw-"');
    expect((await t.store.folders.get(account.id, "Projects/2026/台北"))?.name).toBe("Projects/2026/台北");

    expect(sorted((await client.ok('LIST "" "Projects*"')).untagged)).toEqual([
      '* LIST (\\HasChildren) "/" Projects',
      '* LIST (\\HasChildren) "/" Projects/2026',
      '* LIST (\\HasNoChildren) "/" Projects/2026/&U,BTFw-',
    ]);
    expect((await client.ok('LIST "" "Projects/%"')).untagged).toEqual(['* LIST (\\HasChildren) "/" Projects/2026']);
    expect((await client.ok('LIST "Projects/" "%"')).untagged).toEqual(['* LIST (\\HasChildren) "/" Projects/2026']);
    expect((await client.ok('LIST "" "%/%/%"')).untagged).toEqual(['* LIST (\\HasNoChildren) "/" Projects/2026/&U,BTFw-']);
    const top = (await client.ok('LIST "" "%"')).untagged;
    expect(top).toContain('* LIST (\\HasChildren) "/" Projects');
    expect(top.some((l) => l.includes("2026"))).toBe(false);

    // A trailing delimiter only announces children; "&-" is "&".
    await client.ok('CREATE "Tom &- Jerry/"');
    expect((await client.ok('LIST "" "Tom*"')).untagged).toEqual(['* LIST (\\HasNoChildren) "/" "Tom &- Jerry"']);
    expect(await t.store.folders.get(account.id, "Tom & Jerry")).not.toBeNull();

    // A child of a special-use mailbox gives it \HasChildren and keeps its role.
    await client.ok("CREATE Archive/2025");
    expect(sorted((await client.ok('LIST "" "Archive*"')).untagged)).toEqual(['* LIST (\\HasChildren \\Archive) "/" Archive', '* LIST (\\HasNoChildren) "/" Archive/2025']);

    // Selecting by the encoded name works, and STATUS echoes it encoded.
    expect((await client.command('SELECT "Projects/2026/&U,BTFw-"')).status).toBe("OK");
    expect((await client.ok('STATUS "Projects/2026/&U,BTFw-" (MESSAGES)')).untagged).toEqual(['* STATUS Projects/2026/&U,BTFw- (MESSAGES 0)']);
    await client.logout();
  });

  it("refuses duplicates, INBOX in any case, wildcards and broken modified UTF-7 with NO", async () => {
    const { client } = await fresh();
    await client.ok("CREATE Dup");
    const dup = await client.command("CREATE Dup");
    expect([dup.status, dup.code]).toEqual(["NO", "ALREADYEXISTS"]);
    expect((await client.command("CREATE inbox")).status).toBe("NO");
    for (const bad of ['"a*b"', '"a%b"', '"&Jjo"', '"&U,BTFw"', '"/lead"', '"a//b"']) {
      const result = await client.command(`CREATE ${bad}`);
      expect(result.status, bad).toMatch(/^(NO|BAD)$/);
    }
    expect(sorted((await client.ok('LIST "" "*"')).untagged)).toEqual(sorted([...DEFAULT_LIST, '* LIST (\\HasNoChildren) "/" Dup']));
    await client.logout();
  });

  it("deletes a leaf and its messages, never INBOX nor a mailbox with children; a re-created name gets a new UIDVALIDITY", async () => {
    const { account, client } = await fresh();
    await client.ok("CREATE Parent/Child");
    const inbox = await client.command("DELETE INBOX");
    expect(inbox.status).toBe("NO");
    const parent = await client.command("DELETE Parent");
    expect(parent.status).toBe("NO");
    const missing = await client.command("DELETE Nowhere");
    expect([missing.status, missing.code]).toEqual(["NO", "NONEXISTENT"]);

    await t.put(account, textMessage("in child"), { mailbox: "Parent/Child" });
    const before = (await client.ok("STATUS Parent/Child (UIDVALIDITY MESSAGES)")).untagged[0];
    const validity = Number(/UIDVALIDITY (\d+)/.exec(before)![1]);
    await client.ok("DELETE Parent/Child");
    expect((await client.ok('LIST "" "Parent*"')).untagged).toEqual(['* LIST (\\HasNoChildren) "/" Parent']);
    await client.ok("DELETE Parent");
    await client.ok("CREATE Parent/Child");
    const after = (await client.ok("STATUS Parent/Child (UIDVALIDITY MESSAGES UIDNEXT)")).untagged[0];
    expect(Number(/UIDVALIDITY (\d+)/.exec(after)![1])).not.toBe(validity);
    expect(after).toMatch(/MESSAGES 0 UIDNEXT 1\)$/);
    await client.logout();
  });

  it("renames a mailbox with its children, keeping UIDVALIDITY and messages; refuses existing targets, missing sources and moves into itself", async () => {
    const { account, client } = await fresh();
    await client.ok('CREATE "Projects/2026/&U,BTFw-"');
    await t.put(account, textMessage("kept"), { mailbox: "Projects/2026" });
    const before = (await client.ok("STATUS Projects/2026 (UIDVALIDITY MESSAGES)")).untagged[0];

    await client.ok("RENAME Projects Work/Old");
    expect(sorted((await client.ok('LIST "" "*"')).untagged.filter((l) => !DEFAULT_LIST.includes(l)))).toEqual([
      '* LIST (\\HasChildren) "/" Work',
      '* LIST (\\HasChildren) "/" Work/Old',
      '* LIST (\\HasChildren) "/" Work/Old/2026',
      '* LIST (\\HasNoChildren) "/" Work/Old/2026/&U,BTFw-',
    ]);
    expect((await client.ok("STATUS Work/Old/2026 (UIDVALIDITY MESSAGES)")).untagged[0]).toBe(before.replace("Projects/2026", "Work/Old/2026"));

    const exists = await client.command("RENAME Work/Old Archive");
    expect([exists.status, exists.code]).toEqual(["NO", "ALREADYEXISTS"]);
    const missing = await client.command("RENAME Nowhere Elsewhere");
    expect([missing.status, missing.code]).toEqual(["NO", "NONEXISTENT"]);
    expect((await client.command("RENAME Work Work/Inside")).status).toBe("NO");
    await client.logout();
  });

  it("renames INBOX by moving its messages to the new mailbox: INBOX stays, empty, with its children (RFC 3501 §6.3.5)", async () => {
    const { account, client } = await fresh();
    await t.put(account, textMessage("one"));
    await t.put(account, textMessage("two"), { flags: ["\\Seen"] });
    await client.ok("CREATE INBOX/Sub");
    await client.ok('RENAME INBOX "Old Inbox"');
    expect((await client.ok('STATUS "Old Inbox" (MESSAGES UNSEEN)')).untagged).toEqual(['* STATUS "Old Inbox" (MESSAGES 2 UNSEEN 1)']);
    expect((await client.ok("STATUS INBOX (MESSAGES UNSEEN)")).untagged).toEqual(["* STATUS INBOX (MESSAGES 0 UNSEEN 0)"]);
    const list = (await client.ok('LIST "" "*"')).untagged;
    expect(list).toContain('* LIST (\\HasChildren) "/" INBOX');
    expect(list).toContain('* LIST (\\HasNoChildren) "/" INBOX/Sub');
    expect(list).toContain('* LIST (\\HasNoChildren) "/" "Old Inbox"');
    const select = await client.ok('SELECT "Old Inbox"');
    expect(select.untagged).toContain("* 2 EXISTS");
    await client.logout();
  });

  it("subscribes and unsubscribes: LSUB lists subscribed names with * and %, LIST lists all", async () => {
    const { client } = await fresh();
    await client.ok("CREATE News/Daily");
    const lsub = sorted((await client.ok('LSUB "" "*"')).untagged);
    expect(lsub).toContain('* LSUB (\\HasChildren) "/" News');
    expect(lsub).toContain('* LSUB (\\HasNoChildren) "/" News/Daily');
    expect(lsub).toContain('* LSUB (\\HasNoChildren) "/" INBOX');

    await client.ok("UNSUBSCRIBE News/Daily");
    expect((await client.ok('LSUB "" "News*"')).untagged).toEqual(['* LSUB (\\HasChildren) "/" News']);
    expect((await client.ok('LIST "" "News/*"')).untagged).toEqual(['* LIST (\\HasNoChildren) "/" News/Daily']);
    expect((await client.ok('LSUB "" "%"')).untagged.some((l) => l.endsWith(" News"))).toBe(true);

    await client.ok("SUBSCRIBE News/Daily");
    expect((await client.ok('LSUB "News/" "%"')).untagged).toEqual(['* LSUB (\\HasNoChildren) "/" News/Daily']);
    // Unsubscribing a name that does not exist is fine; subscribing one is not.
    expect((await client.command("UNSUBSCRIBE Gone")).status).toBe("OK");
    expect((await client.command("SUBSCRIBE Gone")).status).toBe("NO");
    await client.logout();
  });

  it("answers STATUS with every item, for the selected mailbox too, and NO for a missing one", async () => {
    const { account, client } = await fresh();
    const sizes = [textMessage("s1"), textMessage("s2", { body: "x".repeat(500) }), textMessage("s3")];
    await t.put(account, sizes[0], { flags: ["\\Seen"] });
    await t.put(account, sizes[1]);
    await t.put(account, sizes[2]);
    const inbox = (await t.store.folders.get(account.id, "INBOX"))!;
    const total = sizes.reduce((sum, m) => sum + m.length, 0);
    // Nobody has selected INBOX: all three are recent. After this session's SELECT they carry \Recent
    // in this session, so STATUS RECENT, "the number of messages with the \Recent flag set" (RFC 3501 §7.2.4), stays 3.
    const expected = `* STATUS INBOX (MESSAGES 3 RECENT 3 UIDNEXT 4 UIDVALIDITY ${inbox.uidValidity} UNSEEN 2 SIZE ${total})`;
    expect((await client.ok("STATUS INBOX (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN SIZE)")).untagged).toEqual([expected]);
    await client.ok("SELECT INBOX");
    expect((await client.ok("STATUS inbox (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN SIZE)")).untagged).toEqual([expected]);
    const missing = await client.command("STATUS Nowhere (MESSAGES)");
    expect([missing.status, missing.code]).toEqual(["NO", "NONEXISTENT"]);
    await client.logout();
  });

  it("answers NAMESPACE with one personal namespace and the delimiter", async () => {
    const { client } = await fresh();
    expect((await client.ok("NAMESPACE")).untagged).toEqual(['* NAMESPACE (("" "/")) NIL NIL']);
    await client.logout();
  });
});
