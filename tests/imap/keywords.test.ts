// Keywords new to a mailbox are announced with FLAGS and PERMANENTFLAGS before any FETCH
// shows them, in every session that has the mailbox selected (RFC 3501 §7.2.6).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startImapServer, textMessage, type ImapTestServer, type TestAccount } from "../helpers/imap";

describe("IMAP unsolicited FLAGS for a new keyword", () => {
  let t: ImapTestServer;
  let account: TestAccount;
  beforeAll(async () => {
    t = await startImapServer();
    account = await t.account();
    await t.put(account, textMessage("keywords"));
  });
  afterAll(async () => t?.cleanup());

  it("tells another session the new FLAGS before the FETCH that carries the keyword (RFC 3501 §7.2.6)", async () => {
    const watcher = await t.connect({ account });
    await watcher.ok("SELECT INBOX");
    const actor = await t.connect({ account });
    await actor.ok("SELECT INBOX");
    await actor.ok("STORE 1 +FLAGS ($Project)");
    const noop = (await watcher.ok("NOOP")).untagged;
    const flagsAt = noop.findIndex((line) => line.startsWith("* FLAGS ("));
    const fetchAt = noop.findIndex((line) => line.startsWith("* 1 FETCH"));
    expect(noop[flagsAt]).toBe("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Project)");
    expect(fetchAt).toBeGreaterThan(flagsAt);
    // Told once: the same keyword on another change brings no new FLAGS.
    await actor.ok("STORE 1 -FLAGS ($Project)");
    await actor.ok("STORE 1 +FLAGS ($Project)");
    expect((await watcher.ok("NOOP")).untagged.some((line) => line.startsWith("* FLAGS"))).toBe(false);
    await watcher.logout();
    await actor.logout();
  });
});
