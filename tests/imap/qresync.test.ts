// QRESYNC (RFC 7162 §3.2) over a raw socket, on SQLite and PostgreSQL: ENABLE, SELECT with
// the QRESYNC parameter (VANISHED (EARLIER) and FETCH for what changed, narrowed by known UIDs
// and sequence match data, nothing with another UIDVALIDITY), UID FETCH … VANISHED, VANISHED
// in place of EXPUNGE, [CLOSED], HIGHESTMODSEQ after EXPUNGE and CLOSE, and the refusals; then
// imapflow with qresync: true resynchronising after a reconnect.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ImapFlow } from "imapflow";
import { startImapServer, textMessage, waitFor, type ImapClient, type ImapTestServer, type TestAccount } from "../helpers/imap";
import { PROVIDERS } from "../helpers/store";

describe.each(PROVIDERS)("IMAP QRESYNC on %s", (provider) => {
  let t: ImapTestServer;
  beforeAll(async () => {
    t = await startImapServer({ provider });
  });
  afterAll(async () => t?.cleanup());

  /** An account with five messages (UIDs 1 to 5), and the UIDVALIDITY and HIGHESTMODSEQ of its INBOX then. */
  async function mailbox(): Promise<{ account: TestAccount; uidValidity: number; modSeq: bigint }> {
    const account = await t.account("qresync");
    for (const n of [1, 2, 3, 4, 5]) await t.put(account, textMessage(`qresync ${n}`));
    const inbox = (await t.store.folders.get(account.id, "INBOX"))!;
    return { account, uidValidity: inbox.uidValidity, modSeq: inbox.highestModSeq };
  }

  /** Another session flags UID 2 and expunges UIDs 3 and 4; returns UID 2's new MODSEQ. */
  async function changeElsewhere(account: TestAccount): Promise<bigint> {
    const other = await t.connect({ account });
    await other.ok("SELECT INBOX");
    await other.ok("UID STORE 3:4 +FLAGS.SILENT (\\Deleted)");
    await other.ok("EXPUNGE");
    await other.ok("UID STORE 2 +FLAGS.SILENT (\\Flagged)");
    await other.logout();
    const [state] = await t.store.messages.byUids((await t.store.folders.get(account.id, "INBOX"))!.id, [2]);
    return state.modSeq;
  }

  async function qresyncClient(account: TestAccount): Promise<ImapClient> {
    const client = await t.connect({ account });
    expect((await client.ok("ENABLE QRESYNC")).untagged).toEqual(["* ENABLED QRESYNC"]);
    return client;
  }

  it("advertises QRESYNC and refuses its parameters until it is enabled", async () => {
    const { account, uidValidity } = await mailbox();
    const client = await t.connect({ account });
    expect((await client.ok("CAPABILITY")).untagged[0]).toMatch(/ CONDSTORE QRESYNC /);
    expect((await client.command(`SELECT INBOX (QRESYNC (${uidValidity} 1))`)).status).toBe("BAD");
    expect((await client.command("UID FETCH 1:* (FLAGS) (CHANGEDSINCE 1 VANISHED)")).status).toBe("BAD");
    await client.ok("SELECT INBOX");
    expect((await client.command("UID FETCH 1:* (FLAGS) (CHANGEDSINCE 1 VANISHED)")).status).toBe("BAD");
    // ENABLE QRESYNC turns CONDSTORE on with it: FETCH carries MODSEQ from then on.
    expect((await client.ok("ENABLE QRESYNC CONDSTORE")).untagged).toEqual(["* ENABLED QRESYNC CONDSTORE"]);
    expect((await client.ok("ENABLE QRESYNC")).untagged).toEqual(["* ENABLED"]);
    expect((await client.ok("STORE 1 +FLAGS (\\Seen)")).untagged[0]).toMatch(/^\* 1 FETCH \(FLAGS \(.*\) UID 1 MODSEQ \(\d+\)\)$/);
    await client.logout();
  });

  it("answers malformed QRESYNC parameters with BAD", async () => {
    const { account, uidValidity } = await mailbox();
    const client = await qresyncClient(account);
    for (const parameters of [
      "(QRESYNC)",
      "(QRESYNC ())",
      `(QRESYNC (${uidValidity}))`,
      "(QRESYNC (0 1))",
      "(QRESYNC (x 1))",
      `(QRESYNC (${uidValidity} -1))`,
      `(QRESYNC (${uidValidity} 99999999999999999999))`,
      `(QRESYNC (${uidValidity} 1 1:*))`,
      `(QRESYNC (${uidValidity} 1 1:5 (1:3 1:2)))`,
      `(QRESYNC (${uidValidity} 1 1:5 (1:3)))`,
      `(QRESYNC (${uidValidity} 1 1:5 (1:* 1:3)))`,
      `(QRESYNC (${uidValidity} 1 1:5 (1:3 1:3) 7))`,
      `(QRESYNC (${uidValidity} 1) QRESYNC (${uidValidity} 1))`,
    ]) {
      const result = await client.command(`SELECT INBOX ${parameters}`);
      expect(result.status, parameters).toBe("BAD");
      // The server hangs up on too many BADs in a row.
      await client.ok("NOOP");
    }
    await client.ok(`SELECT INBOX (QRESYNC (${uidValidity} 1 1:5 (1:3 1:3)))`);
    await client.logout();
  });

  it("reports what another session expunged and changed since the client's MODSEQ", async () => {
    const { account, uidValidity, modSeq } = await mailbox();
    const flagged = await changeElsewhere(account);
    const client = await qresyncClient(account);
    const select = await client.ok(`SELECT INBOX (QRESYNC (${uidValidity} ${modSeq}))`);
    const inbox = (await t.store.folders.get(account.id, "INBOX"))!;
    // The usual SELECT responses, then VANISHED (EARLIER) before the FETCHes.
    expect(select.untagged.slice(-3)).toEqual([
      `* OK [HIGHESTMODSEQ ${inbox.highestModSeq}] Highest`,
      "* VANISHED (EARLIER) 3:4",
      `* 2 FETCH (UID 2 FLAGS (\\Flagged) MODSEQ (${flagged}))`,
    ]);
    expect(select.untagged).toContain("* 3 EXISTS");
    expect(select.code).toBe("READ-WRITE");
    await client.logout();
  });

  it("limits the answer to the known UIDs, and narrows VANISHED with sequence match data", async () => {
    const { account, uidValidity, modSeq } = await mailbox();
    const flagged = await changeElsewhere(account);
    const client = await qresyncClient(account);
    let select = await client.ok(`EXAMINE INBOX (QRESYNC (${uidValidity} ${modSeq} 1:3))`);
    expect(select.untagged.slice(-2)).toEqual(["* VANISHED (EARLIER) 3", `* 2 FETCH (UID 2 FLAGS (\\Flagged) MODSEQ (${flagged}))`]);
    select = await client.ok(`EXAMINE INBOX (QRESYNC (${uidValidity} ${modSeq} 4:5))`);
    expect(select.untagged[0]).toBe("* OK [CLOSED] Previous mailbox closed");
    expect(select.untagged.at(-1)).toBe("* VANISHED (EARLIER) 4");
    // Message 2 was UID 2 for the client and still is: the answer is the same as without.
    select = await client.ok(`EXAMINE INBOX (QRESYNC (${uidValidity} ${modSeq} 1:5 (1:5 1:5)))`);
    expect(select.untagged.slice(-2)).toEqual(["* VANISHED (EARLIER) 3:4", `* 2 FETCH (UID 2 FLAGS (\\Flagged) MODSEQ (${flagged}))`]);
    // The client says message 3 was UID 5: nothing below UID 5 went since its view, so no VANISHED.
    select = await client.ok(`EXAMINE INBOX (QRESYNC (${uidValidity} ${modSeq} 1:5 (3 5)))`);
    expect(select.untagged.some((line) => line.startsWith("* VANISHED"))).toBe(false);
    expect(select.untagged.at(-1)).toBe(`* 2 FETCH (UID 2 FLAGS (\\Flagged) MODSEQ (${flagged}))`);
    await client.logout();
  });

  it("gives a client with another UIDVALIDITY a plain SELECT", async () => {
    const { account, uidValidity, modSeq } = await mailbox();
    await changeElsewhere(account);
    const client = await qresyncClient(account);
    const select = await client.ok(`SELECT INBOX (QRESYNC (${uidValidity + 1} ${modSeq}))`);
    expect(select.untagged.some((line) => line.startsWith("* VANISHED") || line.includes(" FETCH "))).toBe(false);
    expect(select.untagged.at(-1)).toMatch(/^\* OK \[HIGHESTMODSEQ \d+\] Highest$/);
    await client.logout();
  });

  it("answers UID FETCH … (CHANGEDSINCE n VANISHED) with VANISHED (EARLIER) before the FETCHes", async () => {
    const { account, modSeq } = await mailbox();
    const flagged = await changeElsewhere(account);
    const client = await qresyncClient(account);
    await client.ok("SELECT INBOX");
    const result = await client.ok(`UID FETCH 1:* (FLAGS) (CHANGEDSINCE ${modSeq} VANISHED)`);
    expect(result.untagged).toEqual(["* VANISHED (EARLIER) 3:4", `* 2 FETCH (UID 2 FLAGS (\\Flagged) MODSEQ (${flagged}))`]);
    expect((await client.ok(`UID FETCH 4:5 (FLAGS) (CHANGEDSINCE ${modSeq} VANISHED)`)).untagged).toEqual(["* VANISHED (EARLIER) 4"]);
    expect((await client.ok(`UID FETCH 1 (FLAGS) (CHANGEDSINCE ${modSeq} VANISHED)`)).untagged).toEqual([]);
    expect((await client.command(`FETCH 1:* (FLAGS) (CHANGEDSINCE ${modSeq} VANISHED)`)).status).toBe("BAD");
    expect((await client.command("UID FETCH 1:* (FLAGS) (VANISHED)")).status).toBe("BAD");
    await client.logout();
  });

  it("reports its own EXPUNGE, UID EXPUNGE and MOVE as VANISHED, with HIGHESTMODSEQ in EXPUNGE's OK", async () => {
    const { account } = await mailbox();
    const client = await qresyncClient(account);
    await client.ok("SELECT INBOX");
    await client.ok("STORE 1,3 +FLAGS.SILENT (\\Deleted)");
    const expunge = await client.ok("EXPUNGE");
    expect(expunge.untagged).toEqual(["* VANISHED 1,3"]);
    const inbox = async () => (await t.store.folders.get(account.id, "INBOX"))!;
    expect(expunge.code).toBe(`HIGHESTMODSEQ ${(await inbox()).highestModSeq}`);
    await client.ok("UID STORE 2 +FLAGS.SILENT (\\Deleted)");
    const uidExpunge = await client.ok("UID EXPUNGE 2:4");
    expect(uidExpunge.untagged).toEqual(["* VANISHED 2"]);
    expect(uidExpunge.code).toBe(`HIGHESTMODSEQ ${(await inbox()).highestModSeq}`);
    const move = await client.ok("UID MOVE 4 Trash");
    expect(move.untagged).toEqual([expect.stringMatching(/^\* OK \[COPYUID \d+ 4 1\] /), "* VANISHED 4"]);
    expect((await client.ok("FETCH 1:* (UID)")).untagged).toEqual(["* 1 FETCH (UID 5)"]);
    await client.logout();
  });

  it("tells another session's expunges as VANISHED, not during FETCH by number, and in IDLE", async () => {
    const { account } = await mailbox();
    const client = await qresyncClient(account);
    await client.ok("SELECT INBOX");
    const other = await t.connect({ account });
    await other.ok("SELECT INBOX");
    await other.ok("UID STORE 2,4 +FLAGS.SILENT (\\Deleted)");
    await other.ok("EXPUNGE");
    const expungeModSeq = (await t.store.folders.get(account.id, "INBOX"))!.highestModSeq;
    // RFC 7162 §3.2.10: VANISHED waits like EXPUNGE, and HIGHESTMODSEQ stays below it meanwhile.
    // Messages 2 and 4 keep their numbers but have nothing left to show.
    expect((await client.ok("FETCH 1:5 (UID)")).untagged).toEqual([
      "* 1 FETCH (UID 1)",
      "* 3 FETCH (UID 3)",
      "* 5 FETCH (UID 5)",
      `* OK [HIGHESTMODSEQ ${expungeModSeq - 1n}] Expunges pending`,
    ]);
    expect((await client.ok("NOOP")).untagged).toEqual(["* VANISHED 2,4"]);
    expect((await client.ok("FETCH 1:* (UID)")).untagged.map((line) => /UID (\d+)/.exec(line)?.[1])).toEqual(["1", "3", "5"]);

    const tag = client.nextTag();
    await client.write(`${tag} IDLE\r\n`);
    expect(await client.response()).toMatch(/^\+ /);
    await other.ok("UID STORE 3 +FLAGS.SILENT (\\Deleted)");
    // With QRESYNC an unsolicited FETCH names its UID (RFC 7162 §3.2.4).
    expect(await client.response()).toMatch(/^\* 2 FETCH \(UID 3 FLAGS \(\\Deleted \\Recent\) MODSEQ \(\d+\)\)$/);
    await other.ok("EXPUNGE");
    expect(await client.response()).toBe("* VANISHED 3");
    await client.write("DONE\r\n");
    expect((await client.until(tag)).status).toBe("OK");
    await other.logout();
    await client.logout();
  });

  it("marks the end of the previous mailbox with [CLOSED], and gives CLOSE's OK a HIGHESTMODSEQ", async () => {
    const { account, uidValidity } = await mailbox();
    const client = await qresyncClient(account);
    await client.ok("SELECT INBOX");
    const drafts = await client.ok("SELECT Drafts");
    expect(drafts.untagged[0]).toBe("* OK [CLOSED] Previous mailbox closed");
    expect(drafts.untagged.filter((line) => line.includes("[CLOSED]"))).toHaveLength(1);
    // A failed SELECT closes the old mailbox too, and says so.
    const failed = await client.command("SELECT Nowhere");
    expect(failed.status).toBe("NO");
    expect(failed.untagged).toEqual(["* OK [CLOSED] Previous mailbox closed"]);
    expect((await client.ok("SELECT INBOX")).untagged.some((line) => line.includes("[CLOSED]"))).toBe(false);
    const before = (await t.store.folders.get(account.id, "INBOX"))!.highestModSeq;
    await client.ok("STORE 1 +FLAGS.SILENT (\\Deleted)");
    const close = await client.ok("CLOSE");
    expect(close.untagged).toEqual([]);
    const after = (await t.store.folders.get(account.id, "INBOX"))!.highestModSeq;
    expect(after).toBeGreaterThan(before);
    expect(close.code).toBe(`HIGHESTMODSEQ ${after}`);
    // What CLOSE expunged silently comes back to a resync from before it.
    const select = await client.ok(`SELECT INBOX (QRESYNC (${uidValidity} ${before}))`);
    expect(select.untagged).toContain("* VANISHED (EARLIER) 1");
    await client.logout();
  });

  it("lets imapflow with qresync resynchronise after a reconnect and see VANISHED", async () => {
    const { account } = await mailbox();
    const open = () =>
      new ImapFlow({
        host: "127.0.0.1",
        port: t.imapPort,
        secure: false,
        doSTARTTLS: false,
        logger: false,
        qresync: true,
        auth: { user: account.address, pass: account.password },
      });
    let flow = open();
    await flow.connect();
    const first = await flow.mailboxOpen("INBOX");
    expect(flow.enabled.has("QRESYNC")).toBe(true);
    const { uidValidity, highestModseq } = first;
    await flow.logout();

    await changeElsewhere(account);
    flow = open();
    const expunged: { uid?: number; vanished: boolean; earlier?: boolean }[] = [];
    const flagged: { uid?: number; flags: Set<string> }[] = [];
    flow.on("expunge", (event: { uid?: number; vanished: boolean; earlier?: boolean }) => expunged.push(event));
    flow.on("flags", (event: { uid?: number; flags: Set<string> }) => flagged.push(event));
    await flow.connect();
    const reopened = await flow.mailboxOpen("INBOX", { uidValidity, changedSince: highestModseq });
    expect(reopened.exists).toBe(3);
    expect(expunged.map((e) => [e.uid, e.vanished, e.earlier])).toEqual([
      [3, true, true],
      [4, true, true],
    ]);
    expect(flagged.map((e) => [e.uid, [...e.flags]])).toEqual([[2, ["\\Flagged"]]]);

    // A live expunge elsewhere arrives as a plain VANISHED and lowers the count.
    const other = await t.connect({ account });
    await other.ok("SELECT INBOX");
    await other.ok("UID STORE 5 +FLAGS.SILENT (\\Deleted)");
    await other.ok("EXPUNGE");
    await other.logout();
    await flow.noop();
    await waitFor(() => expunged.length === 3);
    expect(expunged[2]).toMatchObject({ uid: 5, vanished: true, earlier: false });
    expect(flow.mailbox && flow.mailbox.exists).toBe(2);
    await flow.logout();
  });
});
