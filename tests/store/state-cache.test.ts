// The in-memory message states FETCH and SEARCH read (store/state-cache.ts) against the
// database they mirror, on SQLite and PostgreSQL. A second store on the same database plays
// another process (mailctl): its changes reach the first store by HIGHESTMODSEQ, not events.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyzeMessage } from "@/lib/mime/analyze";
import { MailStore } from "@/lib/mail-server/store";
import { openTestStore, PROVIDERS, type TestStore } from "../helpers/store";

const raw = (n: number) => Buffer.from(`Subject: message ${n}\r\nMessage-ID: <${n}@state-cache>\r\n\r\nbody ${n} ${"x".repeat(n * 7)}\r\n`);

/** A small deterministic generator: the same operations on every run. */
function random(seed: number) {
  return (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
}

describe.each(PROVIDERS)("message state cache on %s", (provider) => {
  let t: TestStore;
  let other: MailStore;
  let accountId: number;
  let inbox: number;
  let archive: number;
  let counter = 0;

  const append = async (store: MailStore, mailboxId: number) => {
    const bytes = raw(++counter);
    return (await store.append([{ accountId, mailboxId, raw: bytes, analysis: await analyzeMessage(bytes) }]))[0].uid;
  };

  /** What the cache holds, as the database's own listing shapes it. */
  const cached = async (mailboxId: number) => {
    const states = (await t.store.states.get(mailboxId))!;
    return Array.from({ length: states.size }, (_, i) => states.state(i)).map((s) => ({ ...s, flags: [...s.flags].sort() }));
  };
  const truth = async (mailboxId: number) => (await t.store.messages.list(mailboxId)).map((s) => ({ ...s, flags: [...s.flags].sort() }));

  beforeAll(async () => {
    t = await openTestStore(provider);
    other = await MailStore.open(t.config);
    accountId = (await t.store.accounts.addAccount({ address: "cache@example.test", password: "correct horse battery" })).id;
    inbox = (await t.store.folders.get(accountId, "INBOX"))!.id;
    archive = (await t.store.folders.create(accountId, "Kept")).id;
  });
  afterAll(async () => {
    await other?.close();
    await t?.cleanup();
  });

  it("follows appends, flag changes, expunges, copies and moves made by another store on the same database", async () => {
    for (let i = 0; i < 6; i++) await append(t.store, inbox);
    expect(await cached(inbox)).toEqual(await truth(inbox));
    const next = random(20261126);
    for (let step = 0; step < 40; step++) {
      const store = next(2) ? other : t.store;
      const uids = (await truth(inbox)).map((s) => s.uid);
      const some = uids.filter(() => next(3) === 0);
      switch (next(6)) {
        case 0:
          await append(store, inbox);
          break;
        case 1:
          if (some.length) await store.messages.setFlags(inbox, some, "add", ["\\Seen", "$Label1"]);
          break;
        case 2:
          if (some.length) await store.messages.setFlags(inbox, some, "remove", ["\\Seen", "$label1"]);
          break;
        case 3:
          if (some.length) {
            await store.messages.setFlags(inbox, some, "add", ["\\Deleted"]);
            await store.messages.expunge(inbox, some);
          }
          break;
        case 4:
          if (some.length) await store.messages.copy(inbox, some, archive);
          break;
        case 5:
          if (some.length) await store.messages.move(inbox, some, archive);
          break;
      }
      expect(await cached(inbox), `step ${step}`).toEqual(await truth(inbox));
      expect(await cached(archive), `step ${step}`).toEqual(await truth(archive));
    }
  });

  it("answers flag questions as the flags read: system flags by bit, keywords case-insensitively", async () => {
    const uid = await append(t.store, inbox);
    await other.messages.setFlags(inbox, [uid], "set", ["\\Flagged", "\\Answered", "$Work"]);
    const states = (await t.store.states.get(inbox))!;
    const i = states.indexOf(uid);
    expect(states.flagsText(i)).toBe("\\Answered \\Flagged $Work");
    expect(states.hasFlag(i, "\\flagged")).toBe(true);
    expect(states.hasFlag(i, "$work")).toBe(true);
    expect(states.hasFlag(i, "\\seen")).toBe(false);
    expect(states.isSeen(i)).toBe(false);
  });

  it("is null for a mailbox that no longer exists, and starts over for a re-created one", async () => {
    const temp = await t.store.folders.create(accountId, "Temp");
    await append(t.store, temp.id);
    expect((await t.store.states.get(temp.id))!.size).toBe(1);
    await other.folders.delete(accountId, "Temp");
    expect(await t.store.states.get(temp.id)).toBeNull();
  });
});
