// ESEARCH (RFC 4731) over a real server on SQLite and PostgreSQL: SEARCH RETURN (MIN MAX
// COUNT ALL) and UID SEARCH with exact responses to a raw client, ALL as a compressed set,
// RETURN () as ALL, nothing found, MODSEQ (RFC 7162 §3.1.5), refused options, plain SEARCH
// unchanged, and imapflow's search() with returnOptions.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startImapServer, textMessage, type ImapTestServer, type TestAccount } from "../helpers/imap";
import { PROVIDERS } from "../helpers/store";

describe.each(PROVIDERS)("IMAP ESEARCH on %s", (provider) => {
  let t: ImapTestServer;
  let account: TestAccount;
  beforeAll(async () => {
    t = await startImapServer({ provider });
    account = await t.account();
    // UIDs 1..6, UID 3 expunged: sequence numbers 1..5 are UIDs 1, 2, 4, 5, 6; UIDs 1 and 5 are \Seen.
    for (const n of [1, 2, 3, 4, 5, 6]) await t.put(account, textMessage(`esearch ${n}`), { flags: n === 3 ? ["\\Deleted"] : n % 2 ? ["\\Seen"] : [] });
    await t.expunge(account);
  });
  afterAll(async () => t?.cleanup());

  const selected = () => t.selected(account);

  it("returns MIN, MAX, COUNT and ALL by sequence number and by UID", async () => {
    const client = await selected();
    const all = await client.ok("SEARCH RETURN (MIN MAX COUNT ALL) ALL");
    expect(all.untagged).toEqual([`* ESEARCH (TAG "${all.tag}") MIN 1 MAX 5 COUNT 5 ALL 1:5`]);
    const uid = await client.ok("UID SEARCH RETURN (MIN MAX COUNT ALL) ALL");
    expect(uid.untagged).toEqual([`* ESEARCH (TAG "${uid.tag}") UID MIN 1 MAX 6 COUNT 5 ALL 1:2,4:6`]);
    const unseen = await client.ok("UID SEARCH RETURN (MAX min) UNSEEN");
    expect(unseen.untagged).toEqual([`* ESEARCH (TAG "${unseen.tag}") UID MIN 2 MAX 6`]);
    const charset = await client.ok("SEARCH RETURN (COUNT) CHARSET UTF-8 SUBJECT esearch");
    expect(charset.untagged).toEqual([`* ESEARCH (TAG "${charset.tag}") COUNT 5`]);
    await client.logout();
  });

  it("takes RETURN () as ALL and leaves MIN, MAX and ALL out when nothing matches", async () => {
    const client = await selected();
    const empty = await client.ok("SEARCH RETURN () SEEN");
    expect(empty.untagged).toEqual([`* ESEARCH (TAG "${empty.tag}") ALL 1,4`]);
    const none = await client.ok("UID SEARCH RETURN (MIN MAX COUNT ALL) KEYWORD nothing");
    expect(none.untagged).toEqual([`* ESEARCH (TAG "${none.tag}") UID COUNT 0`]);
    const nothing = await client.ok("SEARCH RETURN (ALL) KEYWORD nothing");
    expect(nothing.untagged).toEqual([`* ESEARCH (TAG "${nothing.tag}")`]);
    await client.logout();
  });

  it("adds MODSEQ when the criteria name it: of all matches, or of MIN and MAX alone", async () => {
    const client = await selected();
    const modSeqs = (await client.ok("FETCH 1:* (MODSEQ)")).untagged.map((line) => BigInt(/MODSEQ \((\d+)\)/.exec(line)![1]));
    const highest = modSeqs.reduce((a, b) => (a > b ? a : b));
    const all = await client.ok("SEARCH RETURN (ALL) MODSEQ 1");
    expect(all.untagged).toEqual([`* ESEARCH (TAG "${all.tag}") ALL 1:5 MODSEQ ${highest}`]);
    const min = await client.ok("SEARCH RETURN (MIN) MODSEQ 1");
    expect(min.untagged).toEqual([`* ESEARCH (TAG "${min.tag}") MIN 1 MODSEQ ${modSeqs[0]}`]);
    const none = await client.ok(`SEARCH RETURN (COUNT) MODSEQ ${highest + 1n}`);
    expect(none.untagged).toEqual([`* ESEARCH (TAG "${none.tag}") COUNT 0`]);
    await client.logout();
  });

  it("keeps plain SEARCH, and refuses unknown RETURN options", async () => {
    const client = await selected();
    expect((await client.ok("SEARCH UNSEEN")).untagged).toEqual(["* SEARCH 2 3 5"]);
    expect((await client.ok("UID SEARCH UNSEEN")).untagged).toEqual(["* SEARCH 2 4 6"]);
    expect((await client.ok("SEARCH KEYWORD nothing")).untagged).toEqual(["* SEARCH"]);
    for (const line of ["SEARCH RETURN (SAVE) ALL", "SEARCH RETURN (FOO) ALL", "SEARCH RETURN ALL", "SEARCH RETURN (MIN)", "SEARCH RETURN ((MIN)) ALL"]) {
      expect((await client.command(line)).status, line).toBe("BAD");
      await client.ok("NOOP");
    }
    const charset = await client.command("SEARCH RETURN (MIN) CHARSET KOI8-R ALL");
    expect([charset.status, charset.code]).toEqual(["NO", "BADCHARSET (UTF-8 US-ASCII)"]);
    await client.logout();
  });

  it("answers imapflow's search() with returnOptions", async () => {
    const client = await t.imapflow(account);
    await client.mailboxOpen("INBOX");
    const result = await client.search({ seen: false }, { uid: true, returnOptions: ["min", "max", "count", "all"] });
    expect(result).toMatchObject({ min: 2, max: 6, count: 3, all: "2,4,6" });
    expect(await client.search({ seen: true })).toEqual([1, 4]);
    await client.logout();
  });
});
