// Creating, renaming, re-parenting and deleting folders. INBOX and the special-use folders (Sent,
// Trash, …) are refused: other clients find them by their role, and losing one breaks them.
import "server-only";
import type { ImapFlow, ListResponse } from "imapflow";
import type { ImapSession } from "@/lib/user-agent/imap/session";

/** What was wrong, for the reader in their language (messages/ Errors.folder.<problem>); the message is for logs. */
export type FolderProblem = "noName" | "tooLong" | "control" | "delimiter" | "inboxName" | "gone" | "exists" | "systemRename" | "systemDelete" | "insideItself" | "subfolders";

export class FolderEditError extends Error {
  constructor(
    readonly problem: FolderProblem,
    message: string,
    readonly values: Record<string, string | number> = {},
  ) {
    super(message);
  }
}

const MAX_NAME = 200;

/** A folder name people type; the hierarchy delimiter and control characters cannot be part of it. */
export function checkFolderName(name: string, delimiter: string): string {
  const trimmed = name.trim();
  if (trimmed.length === 0) throw new FolderEditError("noName", "Give the folder a name.");
  if (trimmed.length > MAX_NAME) throw new FolderEditError("tooLong", `A folder name has at most ${MAX_NAME} characters.`, { max: MAX_NAME });
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) throw new FolderEditError("control", "A folder name cannot hold control characters.");
  if (delimiter && trimmed.includes(delimiter)) throw new FolderEditError("delimiter", `A folder name cannot contain "${delimiter}".`, { delimiter });
  if (trimmed.toUpperCase() === "INBOX") throw new FolderEditError("inboxName", "That name is taken by the inbox.");
  return trimmed;
}

async function listAll(client: ImapFlow): Promise<ListResponse[]> {
  return client.list();
}

function find(entries: ListResponse[], path: string): ListResponse {
  const entry = entries.find((candidate) => candidate.path === path);
  if (!entry) throw new FolderEditError("gone", "That folder no longer exists.");
  return entry;
}

function isProtected(entry: ListResponse): boolean {
  return entry.path.toUpperCase() === "INBOX" || Boolean(entry.specialUse);
}

function delimiterOf(client: ImapFlow, entries: ListResponse[]): string {
  return entries.find((entry) => entry.delimiter)?.delimiter ?? client.namespace?.delimiter ?? "/";
}

function joinPath(parent: string, name: string, delimiter: string): string {
  return parent ? `${parent}${delimiter}${name}` : name;
}

export async function createFolder(session: ImapSession, parent: string, name: string): Promise<string> {
  return session.withConnection(async (client) => {
    const entries = await listAll(client);
    if (parent) find(entries, parent);
    const path = joinPath(parent, checkFolderName(name, delimiterOf(client, entries)), delimiterOf(client, entries));
    if (entries.some((entry) => entry.path === path)) throw new FolderEditError("exists", "A folder of that name is already there.");
    const created = await client.mailboxCreate(path);
    // Other clients (and our own list) only show subscribed folders on some servers.
    await client.mailboxSubscribe(created.path).catch(() => undefined);
    return created.path;
  });
}

/** Renames a folder and/or moves it under another parent ("" for the top level). */
export async function renameFolder(session: ImapSession, path: string, name: string, parent: string): Promise<string> {
  return session.withConnection(async (client) => {
    const entries = await listAll(client);
    const entry = find(entries, path);
    if (isProtected(entry)) throw new FolderEditError("systemRename", `${entry.name} is a system folder and keeps its name and place.`, { name: entry.name });
    if (parent) find(entries, parent);
    const delimiter = delimiterOf(client, entries);
    if (parent === path || parent.startsWith(`${path}${delimiter}`)) throw new FolderEditError("insideItself", "A folder cannot go inside itself.");
    const newPath = joinPath(parent, checkFolderName(name, delimiter), delimiter);
    if (newPath === path) return path;
    if (entries.some((candidate) => candidate.path === newPath)) throw new FolderEditError("exists", "A folder of that name is already there.");
    // A selected folder cannot be renamed on every server; leave it first.
    if (client.mailbox && (client.mailbox.path === path || client.mailbox.path.startsWith(`${path}${delimiter}`))) {
      const lock = await client.getMailboxLock("INBOX");
      lock.release();
    }
    const renamed = await client.mailboxRename(path, newPath);
    await client.mailboxSubscribe(renamed.newPath).catch(() => undefined);
    return renamed.newPath;
  });
}

export async function deleteFolder(session: ImapSession, path: string): Promise<void> {
  await session.withConnection(async (client) => {
    const entries = await listAll(client);
    const entry = find(entries, path);
    if (isProtected(entry)) throw new FolderEditError("systemDelete", `${entry.name} is a system folder and cannot be deleted.`, { name: entry.name });
    const delimiter = delimiterOf(client, entries);
    if (entries.some((candidate) => candidate.path.startsWith(`${path}${delimiter}`))) {
      throw new FolderEditError("subfolders", "Delete or move its subfolders first.");
    }
    if (client.mailbox && client.mailbox.path === path) {
      const lock = await client.getMailboxLock("INBOX");
      lock.release();
    }
    await client.mailboxDelete(path);
  });
}

/** The path of the folder with a special use (\Trash, \Sent, \Drafts…), or null when there is none. */
export async function specialFolder(session: ImapSession, use: "\\Trash" | "\\Junk" | "\\Archive" | "\\Sent" | "\\Drafts"): Promise<string | null> {
  const entries = await session.withConnection((client) => listAll(client));
  return entries.find((entry) => entry.specialUse === use)?.path ?? null;
}

/** The special use of a folder, or null; used to allow "empty" only on Trash and Junk. */
export async function specialUseOf(session: ImapSession, path: string): Promise<string | null> {
  const entries = await session.withConnection((client) => listAll(client));
  return entries.find((entry) => entry.path === path)?.specialUse ?? null;
}
