import "server-only";
import type { ListResponse } from "imapflow";
import type { ImapSession } from "@/lib/user-agent/imap/session";
import type { FolderSummary, SpecialUse } from "./types";

const SPECIAL_USE: Record<string, Exclude<SpecialUse, null>> = {
  "\\Inbox": "inbox",
  "\\Drafts": "drafts",
  "\\Sent": "sent",
  "\\Archive": "archive",
  "\\Junk": "junk",
  "\\Trash": "trash",
  "\\All": "all",
  "\\Flagged": "flagged",
};

// The order people expect, as in Gmail and Outlook: INBOX first, then the special folders, then theirs.
const ORDER: SpecialUse[] = ["inbox", "drafts", "sent", "archive", "junk", "trash", "all", "flagged"];

function rank(folder: FolderSummary): number {
  const index = ORDER.indexOf(folder.specialUse);
  return index === -1 ? ORDER.length : index;
}

function summarize(entry: ListResponse): FolderSummary {
  const specialUse = entry.path.toUpperCase() === "INBOX" ? "inbox" : (entry.specialUse && SPECIAL_USE[entry.specialUse]) || null;
  return {
    path: entry.path,
    name: entry.path.toUpperCase() === "INBOX" ? "Inbox" : entry.name,
    parentPath: entry.parentPath ?? "",
    depth: entry.parent?.length ?? 0,
    specialUse,
    messages: entry.status?.messages ?? null,
    unseen: entry.status?.unseen ?? null,
    selectable: !entry.flags.has("\\Noselect") && !entry.flags.has("\\NonExistent"),
  };
}

/** Folders in display order: each parent directly followed by its children (depth-first). */
export async function listFolders(session: ImapSession): Promise<FolderSummary[]> {
  // imapflow asks LIST-STATUS when the server has it, STATUS per folder otherwise.
  const entries = await session.withConnection((client) => client.list({ statusQuery: { messages: true, unseen: true } }));
  const folders = entries.map(summarize);
  const children = new Map<string, FolderSummary[]>();
  for (const folder of folders) {
    const siblings = children.get(folder.parentPath) ?? [];
    siblings.push(folder);
    children.set(folder.parentPath, siblings);
  }
  const ordered: FolderSummary[] = [];
  const visit = (parentPath: string) => {
    const siblings = (children.get(parentPath) ?? []).sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
    for (const folder of siblings) {
      ordered.push(folder);
      visit(folder.path);
    }
  };
  visit("");
  // Folders whose parent was not listed (a server quirk) are still shown, at the end.
  for (const folder of folders) if (!ordered.includes(folder)) ordered.push(folder);
  return ordered;
}
