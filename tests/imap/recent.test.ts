// \Recent (RFC 3501 §2.3.2, §6.3.1, §6.3.2, §7.3.2): the first read-write session to see a
// message claims it; EXAMINE shows recent messages without claiming them; STATUS RECENT counts
// messages nobody has claimed; SEARCH RECENT / NEW / OLD; \Recent can't be set with STORE.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startImapServer, textMessage, type ImapTestServer } from "../helpers/imap";

describe("IMAP \\Recent", () => {
  let t: ImapTestServer;
  beforeAll(async () => {
    t = await startImapServer();
  });
  afterAll(async () => t?.cleanup());

  async function withMessages(count: number) {
    const account = await t.account();
    for (let n = 1; n <= count; n++) await t.put(account, textMessage(`recent ${n}`), { flags: n === 1 ? ["\\Seen"] : [] });
    return account;
  }

  it("gives the first SELECT * N RECENT and \\Recent flags, a later session * 0 RECENT and none", async () => {
    const account = await withMessages(3);
    const a = await t.connect({ account });
    const b = await t.connect({ account });
    const first = (await a.ok("SELECT INBOX")).untagged;
    expect(first).toContain("* 3 EXISTS");
    expect(first).toContain("* 3 RECENT");
    expect((await a.ok("FETCH 1:3 (FLAGS)")).untagged).toEqual(["* 1 FETCH (FLAGS (\\Seen \\Recent))", "* 2 FETCH (FLAGS (\\Recent))", "* 3 FETCH (FLAGS (\\Recent))"]);
    const second = (await b.ok("SELECT INBOX")).untagged;
    expect(second).toContain("* 3 EXISTS");
    expect(second).toContain("* 0 RECENT");
    expect((await b.ok("FETCH 1:3 (FLAGS)")).untagged).toEqual(["* 1 FETCH (FLAGS (\\Seen))", "* 2 FETCH (FLAGS ())", "* 3 FETCH (FLAGS ())"]);
    // Selecting again in A does not claim them a second time.
    expect((await a.ok("SELECT INBOX")).untagged).toContain("* 0 RECENT");
    expect((await a.ok("FETCH 2 (FLAGS)")).untagged).toEqual(["* 2 FETCH (FLAGS ())"]);
    await a.logout();
    await b.logout();
  });

  it("shows recent messages to EXAMINE without claiming them: a later SELECT still gets them", async () => {
    const account = await withMessages(2);
    const a = await t.connect({ account });
    const b = await t.connect({ account });
    expect((await a.ok("EXAMINE INBOX")).untagged).toContain("* 2 RECENT");
    expect((await a.ok("FETCH 2 (FLAGS)")).untagged).toEqual(["* 2 FETCH (FLAGS (\\Recent))"]);
    expect((await a.ok("EXAMINE INBOX")).untagged).toContain("* 2 RECENT");
    expect((await b.ok("SELECT INBOX")).untagged).toContain("* 2 RECENT");
    expect((await b.ok("FETCH 2 (FLAGS)")).untagged).toEqual(["* 2 FETCH (FLAGS (\\Recent))"]);
    expect((await a.ok("EXAMINE INBOX")).untagged).toContain("* 0 RECENT");
    await a.logout();
    await b.logout();
  });

  it("announces an SMTP delivery to the selected session as * N EXISTS then * M RECENT, with \\Recent in its FLAGS", async () => {
    const account = await withMessages(2);
    const a = await t.connect({ account });
    const b = await t.connect({ account });
    expect((await a.ok("SELECT INBOX")).untagged).toContain("* 2 RECENT");
    expect((await b.ok("SELECT INBOX")).untagged).toContain("* 0 RECENT");
    await t.deliver(account.address, textMessage("by smtp", { to: account.address }));
    expect((await a.ok("NOOP")).untagged).toEqual(["* 3 EXISTS", "* 3 RECENT"]);
    expect((await a.ok("FETCH 3 (FLAGS)")).untagged).toEqual(["* 3 FETCH (FLAGS (\\Recent))"]);
    // A claimed it first: B hears of it but it is not recent for B.
    expect((await b.ok("NOOP")).untagged).toEqual(["* 3 EXISTS"]);
    expect((await b.ok("FETCH 3 (FLAGS)")).untagged).toEqual(["* 3 FETCH (FLAGS ())"]);
    await a.logout();
    await b.logout();
  });

  it("counts unclaimed messages in STATUS RECENT", async () => {
    const account = await withMessages(2);
    const a = await t.connect({ account });
    const b = await t.connect({ account });
    expect((await a.ok("STATUS INBOX (MESSAGES RECENT)")).untagged).toEqual(["* STATUS INBOX (MESSAGES 2 RECENT 2)"]);
    // EXAMINE and STATUS claim nothing.
    await b.ok("EXAMINE INBOX");
    expect((await a.ok("STATUS INBOX (RECENT)")).untagged).toEqual(["* STATUS INBOX (RECENT 2)"]);
    await b.ok("SELECT INBOX");
    expect((await a.ok("STATUS INBOX (RECENT)")).untagged).toEqual(["* STATUS INBOX (RECENT 0)"]);
    await t.put(account, textMessage("later"));
    expect((await a.ok("STATUS INBOX (MESSAGES RECENT)")).untagged).toEqual(["* STATUS INBOX (MESSAGES 3 RECENT 1)"]);
    expect((await a.ok("STATUS Archive (MESSAGES RECENT)")).untagged).toEqual(["* STATUS Archive (MESSAGES 0 RECENT 0)"]);
    await a.logout();
    await b.logout();
  });

  it("answers SEARCH RECENT, NEW (recent and unseen) and OLD (not recent)", async () => {
    const account = await withMessages(2);
    const a = await t.connect({ account });
    await a.ok("SELECT INBOX");
    await t.put(account, textMessage("third"));
    const b = await t.connect({ account });
    await b.ok("SELECT INBOX");
    // B claimed the third: A hears of it without a RECENT.
    expect((await a.ok("NOOP")).untagged).toEqual(["* 3 EXISTS"]);
    // A holds 1 (seen) and 2 as recent; B, selecting after the third arrived, holds only 3.
    expect((await a.ok("SEARCH RECENT")).untagged).toEqual(["* SEARCH 1 2"]);
    expect((await a.ok("SEARCH NEW")).untagged).toEqual(["* SEARCH 2"]);
    expect((await b.ok("SEARCH RECENT")).untagged).toEqual(["* SEARCH 3"]);
    expect((await b.ok("SEARCH NEW")).untagged).toEqual(["* SEARCH 3"]);
    expect((await b.ok("SEARCH OLD")).untagged).toEqual(["* SEARCH 1 2"]);
    expect((await b.ok("UID SEARCH NOT OLD")).untagged).toEqual(["* SEARCH 3"]);
    await b.ok("STORE 3 +FLAGS.SILENT (\\Seen)");
    expect((await b.ok("SEARCH NEW")).untagged).toEqual(["* SEARCH"]);
    expect((await b.ok("SEARCH RECENT")).untagged).toEqual(["* SEARCH 3"]);
    await a.logout();
    await b.logout();
  });

  it("does not let STORE set or clear \\Recent", async () => {
    const account = await withMessages(1);
    const a = await t.connect({ account });
    const b = await t.connect({ account });
    await a.ok("SELECT INBOX");
    await b.ok("SELECT INBOX");
    const add = await b.command("STORE 1 +FLAGS (\\Recent)");
    if (add.status === "OK") expect(add.untagged).toEqual(["* 1 FETCH (FLAGS (\\Seen))"]);
    expect((await b.ok("FETCH 1 (FLAGS)")).untagged).toEqual(["* 1 FETCH (FLAGS (\\Seen))"]);
    const remove = await a.command("STORE 1 -FLAGS (\\Recent)");
    if (remove.status === "OK") expect(remove.untagged).toEqual(["* 1 FETCH (FLAGS (\\Seen \\Recent))"]);
    expect((await a.ok("FETCH 1 (FLAGS)")).untagged).toEqual(["* 1 FETCH (FLAGS (\\Seen \\Recent))"]);
    // \Recent is not a permanent flag.
    expect((await a.ok("SELECT INBOX")).untagged.find((l) => l.includes("PERMANENTFLAGS"))).not.toContain("\\Recent");
    await a.logout();
    await b.logout();
  });
});
