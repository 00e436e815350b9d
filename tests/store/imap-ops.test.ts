// The store operations IMAP is built on, on SQLite and PostgreSQL: mailbox management,
// flags with MODSEQ, expunge with VANISHED memory, copy and move with UID pairs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyzeMessage } from "@/lib/mime/analyze";
import type { MailboxChange } from "@/lib/mail-server/store";
import { openTestStore, PROVIDERS, type TestStore } from "../helpers/store";

const raw = (n: number, size = 0) => Buffer.from(`Subject: message ${n}\r\nMessage-ID: <${n}@t>\r\n\r\nbody ${n} ${"x".repeat(size)}\r\n`);

describe.each(PROVIDERS)("IMAP store operations on %s", (provider) => {
  let t: TestStore;
  let accountId: number;
  const changes: MailboxChange[] = [];
  const append = async (mailboxId: number, n: number, size = 0) => {
    const bytes = raw(n, size);
    return (await t.store.append([{ accountId, mailboxId, raw: bytes, analysis: await analyzeMessage(bytes) }]))[0];
  };

  beforeAll(async () => {
    t = await openTestStore(provider);
    accountId = (await t.store.accounts.addAccount({ address: "ann@example.test", password: "correct horse battery" })).id;
    t.store.events.on("change", (c) => changes.push(c));
  });
  afterAll(async () => t?.cleanup());

  it("creates nested mailboxes with their parents, refuses duplicates and bad names", async () => {
    const created = await t.store.folders.create(accountId, "Projects/2026/台北");
    expect(created.name).toBe("Projects/2026/台北");
    const names = (await t.store.folders.list(accountId)).map((m) => m.name);
    expect(names).toEqual(expect.arrayContaining(["Projects", "Projects/2026", "Projects/2026/台北", "INBOX"]));
    await expect(t.store.folders.create(accountId, "projects/2026/台北".replace("projects", "Projects"))).rejects.toThrow(/already exists/);
    await expect(t.store.folders.create(accountId, "inbox")).rejects.toThrow(/already exists/);
    for (const bad of ["", "/lead", "trail/", "a//b", "a*b", "a%b", "tab\tname"]) await expect(t.store.folders.create(accountId, bad)).rejects.toThrow(/not a valid/);
    expect((await t.store.folders.get(accountId, "inbox"))?.name).toBe("INBOX");
  });

  it("renames a mailbox with its children and keeps UIDVALIDITY; refuses INBOX deletion and parents with children", async () => {
    const before = await t.store.folders.get(accountId, "Projects/2026");
    await t.store.folders.rename(accountId, "Projects", "Work/Projects");
    const after = await t.store.folders.get(accountId, "Work/Projects/2026");
    expect(after?.id).toBe(before?.id);
    expect(after?.uidValidity).toBe(before?.uidValidity);
    expect(await t.store.folders.get(accountId, "Work/Projects/2026/台北")).not.toBeNull();
    expect(await t.store.folders.get(accountId, "Projects")).toBeNull();
    await expect(t.store.folders.delete(accountId, "INBOX")).rejects.toThrow(/can't be deleted/);
    await expect(t.store.folders.delete(accountId, "Work/Projects")).rejects.toThrow(/inside it/);
    await expect(t.store.folders.rename(accountId, "Work", "Work/Inside")).rejects.toThrow(/into itself/);
  });

  it("gives a re-created mailbox a new UIDVALIDITY and deletes its messages with their quota", async () => {
    const first = await t.store.folders.create(accountId, "Temp");
    await append(first.id, 1, 1000);
    const used = (await t.store.accounts.listAccounts())[0].usedBytes;
    await t.store.folders.delete(accountId, "Temp");
    expect((await t.store.accounts.listAccounts())[0].usedBytes).toBeLessThan(used);
    const second = await t.store.folders.create(accountId, "Temp");
    expect(second.uidValidity).not.toBe(first.uidValidity);
    expect(second.uidNext).toBe(1);
  });

  it("changes flags with one new MODSEQ, honours UNCHANGEDSINCE, keeps the unseen count", async () => {
    const inbox = (await t.store.folders.get(accountId, "INBOX"))!;
    for (const n of [1, 2, 3, 4]) await append(inbox.id, n);
    const start = (await t.store.folders.get(accountId, "INBOX"))!;
    expect(start.unseenCount).toBe(4);
    const { changed } = await t.store.messages.setFlags(inbox.id, [1, 2, 99], "add", ["\\Seen", "$Important", "\\Recent"]);
    expect(changed.map((c) => c.uid)).toEqual([1, 2]);
    expect(new Set(changed.map((c) => c.modSeq)).size).toBe(1);
    expect(changed[0].modSeq).toBeGreaterThan(start.highestModSeq);
    expect(changed[0].flags).toEqual(["\\Seen", "$Important"]);
    const mid = (await t.store.folders.get(accountId, "INBOX"))!;
    expect(mid.unseenCount).toBe(2);
    expect(mid.highestModSeq).toBe(changed[0].modSeq);
    // A no-op STORE changes nothing, not even MODSEQ.
    expect((await t.store.messages.setFlags(inbox.id, [1], "add", ["\\seen"])).changed).toEqual([]);
    const conditional = await t.store.messages.setFlags(inbox.id, [1, 3], "add", ["\\Flagged"], start.highestModSeq);
    expect(conditional.modified).toEqual([1]);
    expect(conditional.changed.map((c) => c.uid)).toEqual([3]);
    const removed = await t.store.messages.setFlags(inbox.id, [1], "remove", ["$important", "\\SEEN"]);
    expect(removed.changed[0].flags).toEqual([]);
    expect((await t.store.messages.changedSince(inbox.id, start.highestModSeq)).map((m) => m.uid)).toEqual([1, 2, 3]);
    await expect(t.store.messages.setFlags(inbox.id, [1], "add", ["bad keyword"])).rejects.toThrow(/keyword/);
    expect(changes.some((c) => c.kind === "flags" && c.mailboxId === inbox.id)).toBe(true);
  });

  it("expunges only \\Deleted messages, remembers them for VANISHED and frees their quota", async () => {
    const inbox = (await t.store.folders.get(accountId, "INBOX"))!;
    const used = (await t.store.accounts.listAccounts())[0].usedBytes;
    await t.store.messages.setFlags(inbox.id, [2, 3], "add", ["\\Deleted"]);
    expect(await t.store.messages.expunge(inbox.id, [3, 4])).toEqual([3]);
    expect(await t.store.messages.expunge(inbox.id)).toEqual([2]);
    const after = (await t.store.folders.get(accountId, "INBOX"))!;
    expect((await t.store.messages.list(inbox.id)).map((m) => m.uid)).toEqual([1, 4]);
    expect(after.messageCount).toBe(2);
    expect(await t.store.messages.expungedSince(inbox.id, inbox.highestModSeq)).toEqual([2, 3]);
    expect((await t.store.accounts.listAccounts())[0].usedBytes).toBeLessThan(used);
    const expunges = changes.filter((c) => c.kind === "expunge" && c.mailboxId === inbox.id);
    expect(expunges.map((c) => (c.kind === "expunge" ? c.uids : []))).toEqual([[3], [2]]);
  });

  it("copies and moves with UID pairs, shared content, kept flags and dates", async () => {
    const inbox = (await t.store.folders.get(accountId, "INBOX"))!;
    const archive = (await t.store.folders.get(accountId, "Archive"))!;
    await t.store.messages.setFlags(inbox.id, [4], "add", ["\\Flagged"]);
    const copied = await t.store.messages.copy(inbox.id, [4, 1, 77], archive.id);
    expect(copied.pairs).toEqual([
      [1, 1],
      [4, 2],
    ]);
    expect(copied.uidValidity).toBe(archive.uidValidity);
    const inArchive = await t.store.messages.list(archive.id);
    const original = await t.store.messages.list(inbox.id);
    expect(inArchive.map((m) => m.contentId)).toEqual(original.map((m) => m.contentId));
    expect(inArchive[1].flags).toContain("\\Flagged");
    expect(inArchive[0].internalDate.getTime()).toBe(original[0].internalDate.getTime());

    const moved = await t.store.messages.move(inbox.id, [1], archive.id);
    expect(moved.pairs).toEqual([[1, 3]]);
    expect((await t.store.messages.list(inbox.id)).map((m) => m.uid)).toEqual([4]);
    expect((await t.store.folders.get(accountId, "Archive"))!.messageCount).toBe(3);
    // The content is still referenced by the copies: readable.
    const [row] = await t.store.listMessages(archive.id);
    expect((await t.store.readMessage(row.content.blobHash)).toString()).toContain("message 1");
  });

  it("removes content nobody references once the last copy is expunged, large messages' files too", async () => {
    const trash = (await t.store.folders.get(accountId, "Trash"))!;
    const big = await append(trash.id, 500, 200_000);
    const [row] = (await t.store.listMessages(trash.id)).filter((m) => m.uid === big.uid);
    expect((await t.store.readMessage(row.content.blobHash)).length).toBeGreaterThan(200_000);
    await t.store.messages.setFlags(trash.id, [big.uid], "add", ["\\Deleted"]);
    await t.store.messages.expunge(trash.id);
    await new Promise((r) => setTimeout(r, 50));
    await expect(t.store.readMessage(row.content.blobHash)).rejects.toThrow();
    expect(await (await t.store.db.prisma()).messageContent.findUnique({ where: { id: row.contentId } })).toBeNull();
  });

  it("renaming INBOX moves its messages and leaves it empty", async () => {
    const inbox = (await t.store.folders.get(accountId, "INBOX"))!;
    await t.store.folders.rename(accountId, "INBOX", "Old Inbox");
    const old = (await t.store.folders.get(accountId, "Old Inbox"))!;
    expect(old.messageCount).toBe(inbox.messageCount);
    const after = (await t.store.folders.get(accountId, "INBOX"))!;
    expect(after.messageCount).toBe(0);
    expect(after.uidValidity).toBe(inbox.uidValidity);
  });
});
