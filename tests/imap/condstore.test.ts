// CONDSTORE (RFC 7162 §3.1) over a raw socket, on SQLite and PostgreSQL: HIGHESTMODSEQ in
// SELECT and STATUS, MODSEQ in FETCH, CHANGEDSINCE, STORE UNCHANGEDSINCE with [MODIFIED],
// SEARCH MODSEQ, and MODSEQ in the FETCH responses other sessions' changes cause.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startImapServer, textMessage, type ImapTestServer, type TestAccount } from "../helpers/imap";
import { PROVIDERS } from "../helpers/store";

const modSeqOf = (line: string) => BigInt(/MODSEQ \((\d+)\)/.exec(line)?.[1] ?? "-1");

describe.each(PROVIDERS)("IMAP CONDSTORE on %s", (provider) => {
  let t: ImapTestServer;
  let account: TestAccount;
  beforeAll(async () => {
    t = await startImapServer({ provider });
    account = await t.account();
    for (const n of [1, 2, 3]) await t.put(account, textMessage(`condstore ${n}`));
  });
  afterAll(async () => t?.cleanup());

  it("advertises CONDSTORE and reports HIGHESTMODSEQ in SELECT and STATUS", async () => {
    const client = await t.connect({ account });
    expect((await client.ok("CAPABILITY")).untagged[0]).toContain(" CONDSTORE");
    const inbox = (await t.store.folders.get(account.id, "INBOX"))!;
    const status = await client.ok("STATUS INBOX (HIGHESTMODSEQ MESSAGES)");
    expect(status.untagged).toEqual([`* STATUS INBOX (HIGHESTMODSEQ ${inbox.highestModSeq} MESSAGES 3)`]);
    const select = await client.ok("SELECT INBOX (CONDSTORE)");
    expect(select.untagged).toContain(`* OK [HIGHESTMODSEQ ${inbox.highestModSeq}] Highest`);
    await client.logout();
  });

  it("fetches MODSEQ, and only what changed with CHANGEDSINCE", async () => {
    const client = await t.connect({ account });
    await client.ok("SELECT INBOX");
    const all = (await client.ok("FETCH 1:* (UID MODSEQ)")).untagged;
    expect(all).toHaveLength(3);
    const before = all.map(modSeqOf).reduce((a, b) => (a > b ? a : b));
    const store = await client.ok("STORE 2 +FLAGS (\\Flagged)");
    // CONDSTORE is on (the client fetched MODSEQ): STORE's FETCH carries the new MODSEQ.
    expect(modSeqOf(store.untagged[0])).toBeGreaterThan(before);
    const changed = (await client.ok(`UID FETCH 1:* (FLAGS) (CHANGEDSINCE ${before})`)).untagged;
    expect(changed).toHaveLength(1);
    expect(changed[0]).toMatch(/^\* 2 FETCH \(UID \d+ FLAGS \(\\Flagged\) MODSEQ \(\d+\)\)$/);
    expect((await client.command("FETCH 1 (FLAGS) (CHANGEDSOON 1)")).status).toBe("BAD");
    await client.logout();
  });

  it("refuses a STORE on messages changed since UNCHANGEDSINCE with [MODIFIED] and changes the others", async () => {
    const client = await t.connect({ account });
    await client.ok("SELECT INBOX");
    const modSeqs = (await client.ok("FETCH 1:3 (MODSEQ)")).untagged.map(modSeqOf);
    const oldest = modSeqs.reduce((a, b) => (a < b ? a : b));
    await client.ok("STORE 3 +FLAGS.SILENT (\\Answered)");
    const result = await client.command(`STORE 1,3 (UNCHANGEDSINCE ${modSeqs[2]}) +FLAGS ($Checked)`);
    expect(result.status).toBe("OK");
    expect(result.code).toBe("MODIFIED 3");
    expect(result.untagged.some((line) => line.startsWith("* 1 FETCH") && line.includes("$Checked"))).toBe(true);
    expect(result.untagged.some((line) => line.startsWith("* 3 FETCH"))).toBe(false);
    const flags3 = (await client.ok("FETCH 3 (FLAGS)")).untagged[0];
    expect(flags3).not.toContain("$Checked");
    // UNCHANGEDSINCE 0 fails for every message (RFC 7162 §3.1.3).
    const none = await client.command("UID STORE 1:* (UNCHANGEDSINCE 0) +FLAGS (\\Seen)");
    expect(none.code).toMatch(/^MODIFIED /);
    expect(oldest).toBeGreaterThan(0n);
    await client.logout();
  });

  it("searches by MODSEQ and returns the highest MODSEQ of the matches", async () => {
    const client = await t.connect({ account });
    await client.ok("SELECT INBOX");
    const modSeqs = (await client.ok("FETCH 1:3 (MODSEQ)")).untagged.map(modSeqOf);
    const newest = modSeqs.reduce((a, b) => (a > b ? a : b));
    const search = await client.ok(`SEARCH MODSEQ ${newest}`);
    expect(search.untagged).toEqual([`* SEARCH ${modSeqs.indexOf(newest) + 1} (MODSEQ ${newest})`]);
    expect((await client.ok(`SEARCH MODSEQ "/flags/\\\\draft" all ${newest + 1n}`)).untagged).toEqual(["* SEARCH"]);
    await client.logout();
  });

  it("tells another CONDSTORE session of a flag change with its MODSEQ", async () => {
    const watcher = await t.connect({ account });
    await watcher.ok("ENABLE CONDSTORE");
    await watcher.ok("SELECT INBOX");
    const actor = await t.connect({ account });
    await actor.ok("SELECT INBOX");
    const store = await actor.ok("STORE 1 +FLAGS (\\Draft)");
    expect(store.untagged[0]).not.toContain("MODSEQ");
    const noop = await watcher.ok("NOOP");
    const update = noop.untagged.find((line) => line.startsWith("* 1 FETCH"));
    expect(update).toMatch(/FLAGS \([^)]*\\Draft[^)]*\) MODSEQ \(\d+\)/);
    await watcher.logout();
    await actor.logout();
  });
});
