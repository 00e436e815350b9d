// Bulk actions, folder editing and conversations against the bundled server over the wire.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startImapServer, textMessage, type ImapTestServer, type TestAccount } from "../helpers/imap";

vi.mock("server-only", () => ({}));
const { ImapSession } = await import("@/lib/user-agent/imap/session");
const { applyBulkAction, deleteForGood } = await import("@/lib/user-agent/mail/actions");
const { createFolder, deleteFolder, renameFolder } = await import("@/lib/user-agent/mail/folder-edit");
const { listFolders } = await import("@/lib/user-agent/mail/folders");
const { listThreads, openThread } = await import("@/lib/user-agent/mail/threads");

let t: ImapTestServer;
let account: TestAccount;
let session: InstanceType<typeof ImapSession>;

beforeAll(async () => {
  t = await startImapServer();
  account = await t.account("bulk");
  session = new ImapSession("bulk", account.address, { user: account.address, pass: account.password }, {
    host: "127.0.0.1",
    port: t.imapPort,
    secure: false,
    requireStartTls: false,
    loopback: true,
    acceptSelfSigned: false,
  });
}, 60_000);

afterAll(async () => {
  await session?.close();
  await t?.cleanup();
});

async function seen(folder: string): Promise<number[]> {
  return session.withMailbox(folder, async (client) => {
    const found = await client.search({ seen: true }, { uid: true });
    return Array.isArray(found) ? found : [];
  });
}

async function uidsOf(folder: string): Promise<number[]> {
  return session.withMailbox(folder, async (client) => {
    const found = await client.search({ all: true }, { uid: true });
    return Array.isArray(found) ? found : [];
  });
}

describe("bulk actions", () => {
  it("marks read in one go and undo clears only what it set", async () => {
    const a = await t.put(account, textMessage("a"));
    const b = await t.put(account, textMessage("b"), { flags: ["\\Seen"] });
    const c = await t.put(account, textMessage("c"));
    const result = await applyBulkAction(session, { folder: "INBOX", uids: `${a}:${c}`, flags: [{ flag: "\\Seen", add: true, uids: `${a}:${c}` }] });
    expect(result.count).toBe(2);
    expect(await seen("INBOX")).toEqual([a, b, c]);
    expect(result.undo).not.toBeNull();
    await applyBulkAction(session, result.undo!);
    expect(await seen("INBOX")).toEqual([b]);
  });

  it("moves to Junk with $Junk set, and undo moves back with the keyword cleared", async () => {
    const uid = await t.put(account, textMessage("spammy"));
    const result = await applyBulkAction(session, { folder: "INBOX", uids: String(uid), to: "Junk", flags: [{ flag: "$Junk", add: true, uids: String(uid) }] });
    expect(await uidsOf("INBOX")).not.toContain(uid);
    const junk = await uidsOf("Junk");
    expect(junk).toHaveLength(1);
    expect(result.undo).toMatchObject({ folder: "Junk", uids: String(junk[0]), to: "INBOX" });
    await applyBulkAction(session, result.undo!);
    expect(await uidsOf("Junk")).toEqual([]);
    const back = (await uidsOf("INBOX")).at(-1)!;
    const keywords = await session.withMailbox("INBOX", async (client) => (await client.fetchOne(String(back), { flags: true }, { uid: true })) || null);
    expect(keywords).not.toBeNull();
    expect([...(keywords ? keywords.flags ?? [] : [])]).not.toContain("$Junk");
  });

  it("'select all' acts only on the messages below the UIDNEXT the list was read at", async () => {
    const shown = await t.put(account, textMessage("was in the list"));
    const uidNext = shown + 1;
    const arrived = await t.put(account, textMessage("arrived after select-all"));
    await applyBulkAction(session, { folder: "INBOX", uids: "all", below: uidNext, flags: [{ flag: "\\Flagged", add: true, uids: "all" }], to: "Archive" });
    expect(await uidsOf("INBOX")).toEqual([arrived]);
    const flagged = await session.withMailbox("INBOX", async (client) => (await client.fetchOne(String(arrived), { flags: true }, { uid: true })) || null);
    expect([...(flagged ? flagged.flags ?? [] : [])]).not.toContain("\\Flagged");
    await deleteForGood(session, "INBOX", "all", arrived);
    expect(await uidsOf("INBOX")).toEqual([arrived]);
  });

  it("deletes for good and empties a folder", async () => {
    await applyBulkAction(session, { folder: "INBOX", uids: "all", flags: [], to: "Trash" });
    expect(await uidsOf("INBOX")).toEqual([]);
    const trash = await uidsOf("Trash");
    await deleteForGood(session, "Trash", String(trash[0]));
    expect(await uidsOf("Trash")).toEqual(trash.slice(1));
    await deleteForGood(session, "Trash", "all");
    expect(await uidsOf("Trash")).toEqual([]);
  });
});

describe("folders", () => {
  it("creates, renames into another folder and deletes; refuses system folders", async () => {
    expect(await createFolder(session, "", "Projects")).toBe("Projects");
    expect(await createFolder(session, "", "Clients")).toBe("Clients");
    await expect(createFolder(session, "", "a/b")).rejects.toThrow(/cannot contain/);
    const moved = await renameFolder(session, "Projects", "Old projects", "Clients");
    expect(moved).toMatch(/^Clients.Old projects$/);
    await expect(deleteFolder(session, "Clients")).rejects.toThrow(/subfolders/);
    await expect(deleteFolder(session, "Trash")).rejects.toThrow(/system folder/);
    await expect(renameFolder(session, "INBOX", "Mine", "")).rejects.toThrow(/system folder/);
    await deleteFolder(session, moved);
    await deleteFolder(session, "Clients");
    expect((await listFolders(session)).map((folder) => folder.path)).not.toContain("Clients");
  });
});

describe("conversations", () => {
  it("threads by References, and an opened thread brings the reply from Sent", async () => {
    const root = "<root.thread@remote.test>";
    await t.put(account, textMessage("Lunch?", { messageId: root, date: "Mon, 23 Nov 2026 10:00:00 +0000" }));
    await t.put(account, textMessage("Unrelated", { date: "Mon, 23 Nov 2026 11:00:00 +0000" }));
    const reply = textMessage("Re: Lunch?", { from: account.address, messageId: "<reply.thread@example.test>", date: "Mon, 23 Nov 2026 12:00:00 +0000" })
      .toString()
      .replace("MIME-Version", `In-Reply-To: ${root}\r\nReferences: ${root}\r\nMIME-Version`);
    await t.put(account, Buffer.from(reply), { mailbox: "Sent" });
    const third = textMessage("Re: Lunch?", { messageId: "<third.thread@remote.test>", date: "Mon, 23 Nov 2026 13:00:00 +0000" })
      .toString()
      .replace("MIME-Version", `In-Reply-To: <reply.thread@example.test>\r\nReferences: ${root} <reply.thread@example.test>\r\nMIME-Version`);
    await t.put(account, Buffer.from(third));

    const page = await listThreads(session, "INBOX", 0, 50);
    expect(page.serverThreaded).toBe(true);
    const lunch = page.threads.find((thread) => thread.count === 2);
    expect(lunch).toBeDefined();
    expect(page.threads[0]).toBe(lunch);
    expect(lunch!.latest.subject).toBe("Re: Lunch?");
    expect(page.total).toBe(2);

    const messages = await openThread(session, "INBOX", lunch!.uids);
    expect(messages.map((message) => [message.folder, message.subject])).toEqual([
      ["INBOX", "Lunch?"],
      ["Sent", "Re: Lunch?"],
      ["INBOX", "Re: Lunch?"],
    ]);
  });
});
