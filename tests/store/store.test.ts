import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyzeMessage } from "@/lib/mime/analyze";
import { StoreError } from "@/lib/mail-server/store";
import { openTestStore, PROVIDERS, type TestStore } from "../helpers/store";

const message = (subject: string, body: string) =>
  Buffer.from(`From: Alice <alice@remote.test>\r\nTo: bob@example.test\r\nSubject: ${subject}\r\nDate: Thu, 26 Nov 2026 10:00:00 +0000\r\nMessage-ID: <${subject.length}.${body.length}@remote.test>\r\n\r\n${body}\r\n`);

describe.each(PROVIDERS)("store on %s", (provider) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore(provider);
  });
  afterAll(async () => t?.cleanup());

  it("creates the configured domains and accounts with their special-use mailboxes", async () => {
    const domains = await t.store.accounts.listDomains();
    expect(domains.map((d) => d.name)).toEqual(["example.test"]);
    const account = await t.store.accounts.addAccount({ address: "Bob@Example.TEST", password: "correct horse battery" });
    expect(account.address).toBe("Bob@example.test");
    const mailboxes = await t.store.mailboxes(account.id);
    expect(mailboxes.map((m) => [m.name, m.specialUse]).sort()).toEqual([
      ["Archive", "\\Archive"],
      ["Drafts", "\\Drafts"],
      ["INBOX", ""],
      ["Junk", "\\Junk"],
      ["Sent", "\\Sent"],
      ["Trash", "\\Trash"],
    ]);
    expect(new Set(mailboxes.map((m) => m.uidValidity)).size).toBe(mailboxes.length);
    expect(account.quotaBytes).toBe(BigInt(t.config.defaultQuota));
  });

  it("refuses duplicates, weak passwords and unknown domains in words", async () => {
    await expect(t.store.accounts.addAccount({ address: "bob@example.test", password: "another good password" })).rejects.toThrow(/already exists/);
    await expect(t.store.accounts.addAccount({ address: "carol@example.test", password: "short" })).rejects.toThrow(/too short/);
    await expect(t.store.accounts.addAccount({ address: "carol@example.test", password: "password123" })).rejects.toThrow(/too easy/);
    await expect(t.store.accounts.addAccount({ address: "carol@nowhere.test", password: "correct horse battery" })).rejects.toThrow(/unknown domain/);
    await expect(t.store.accounts.addAccount({ address: "not-an-address", password: "correct horse battery" })).rejects.toBeInstanceOf(StoreError);
  });

  it("authenticates with the argon2id hash and never a disabled account", async () => {
    expect(await t.store.accounts.authenticate("bob@example.test", "correct horse battery")).not.toBeNull();
    expect(await t.store.accounts.authenticate("bob@example.test", "wrong password here")).toBeNull();
    const row = await (await t.store.db.prisma()).account.findUniqueOrThrow({ where: { addressKey: "bob@example.test" } });
    expect(row.passwordHash).toMatch(/^\$argon2id\$/);
  });

  it("resolves accounts, subaddresses, aliases and catch-alls", async () => {
    await t.store.accounts.addAccount({ address: "carol@example.test", password: "correct horse battery" });
    await t.store.accounts.addAlias("team@example.test", "bob@example.test");
    await t.store.accounts.addAlias("team@example.test", "carol@example.test");
    const addresses = async (local: string) => (await t.store.accounts.resolve(local, "EXAMPLE.test")).map((r) => r.address).sort();
    expect(await addresses("bob")).toEqual(["Bob@example.test"]);
    expect(await addresses("BOB+lists")).toEqual(["Bob@example.test"]);
    expect(await addresses("team")).toEqual(["Bob@example.test", "carol@example.test"]);
    expect(await addresses("nobody")).toEqual([]);
    await t.store.accounts.addAlias("@example.test", "carol@example.test");
    expect(await addresses("nobody")).toEqual(["carol@example.test"]);
    await t.store.accounts.deleteAlias("@example.test");
    expect(await addresses("nobody")).toEqual([]);
  });

  it("appends with growing UIDs and MODSEQs, counts quota and indexes the text", async () => {
    const bob = (await t.store.accounts.resolve("bob", "example.test"))[0];
    const changes: number[] = [];
    t.store.events.on("change", (c) => c.kind === "append" && changes.push(...c.uids));
    const raws = [message("Quarterly report", "Die Zahlen für Köln sehen gut aus"), message("你好世界", "我们明天见面吧"), message("Lunch", "Pizza?")];
    const results = await Promise.all(raws.map(async (raw) => (await t.store.append([{ accountId: bob.accountId, raw, analysis: await analyzeMessage(raw) }]))[0]));
    const uids = results.map((r) => r.uid).sort((a, b) => a - b);
    expect(uids).toEqual([1, 2, 3]);
    expect(new Set(results.map((r) => r.modSeq)).size).toBe(3);
    expect(changes.sort()).toEqual([1, 2, 3]);
    const inbox = (await t.store.mailboxes(bob.accountId)).find((m) => m.name === "INBOX")!;
    expect(inbox.messageCount).toBe(3);
    expect(inbox.unseenCount).toBe(3);
    expect(inbox.uidNext).toBe(4);
    const used = raws.reduce((sum, r) => sum + r.length, 0);
    const listed = (await t.store.accounts.listAccounts()).find((a) => a.address === "Bob@example.test")!;
    expect(listed.usedBytes).toBe(BigInt(used));
    expect(listed.messageCount).toBe(3);
    const stored = await t.store.listMessages(inbox.id);
    expect((await t.store.readMessage(stored[0].content.blobHash)).equals(raws.find((r) => r.length === stored[0].content.size)!)).toBe(true);

    const subjects = async (text: string) => {
      const ids = new Set(await t.store.search(text, "all", inbox.id));
      return stored.filter((m) => ids.has(m.contentId)).map((m) => m.content.subject).sort();
    };
    expect(await subjects("Köln")).toEqual(["Quarterly report"]);
    expect(await subjects("quarterly")).toEqual(["Quarterly report"]);
    expect(await subjects("你好世界")).toEqual(["你好世界"]);
    expect(await subjects("alice@remote.test")).toHaveLength(3);
    expect(await subjects("nothing like this")).toEqual([]);
  });

  it("keeps NUL bytes and broken MIME out of harm's way", async () => {
    const bob = (await t.store.accounts.resolve("bob", "example.test"))[0];
    const raw = Buffer.from("Subject: nul\u0000here\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: text/plain; charset=bogus-charset\r\n\r\nbody\u0000text\r\n");
    const [result] = await t.store.append([{ accountId: bob.accountId, raw, analysis: await analyzeMessage(raw) }]);
    expect(result.uid).toBe(4);
  });
});
