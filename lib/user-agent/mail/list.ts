// A page of a folder's message list. The whole folder is sorted by the server (IMAP SORT), the sorted
// UIDs are kept per folder until a message arrives or goes, and each page is one UID FETCH of just the
// rows asked for, so a 100,000-message folder costs one SORT and then 50 rows at a time.
import "server-only";
import type { FetchMessageObject, ImapFlow, MailboxObject, MessageAddressObject } from "imapflow";
import type { ImapSession } from "@/lib/user-agent/imap/session";
import { sortedUids, type SortKey } from "@/lib/user-agent/imap/sort";
import { decodeSnippet, SNIPPET_BYTES, snippetSource, type SnippetSource } from "./snippet";
import { hasAttachments } from "./structure";
import type { Address, MessagePage, MessageSummary, SortOrder } from "./types";

export const MAX_PAGE_SIZE = 200;

const SORTS: Record<SortOrder, { key: SortKey; reverse: boolean }> = {
  "date-desc": { key: "date", reverse: true },
  "date-asc": { key: "date", reverse: false },
  "arrival-desc": { key: "arrival", reverse: true },
  "from-asc": { key: "from", reverse: false },
  "from-desc": { key: "from", reverse: true },
  "subject-asc": { key: "subject", reverse: false },
  "subject-desc": { key: "subject", reverse: true },
  "size-desc": { key: "size", reverse: true },
  "size-asc": { key: "size", reverse: false },
};

export function isSortOrder(value: string): value is SortOrder {
  return value in SORTS;
}

interface SortedList {
  uidValidity: bigint;
  exists: number;
  uidNext: number;
  /** 4 bytes a message: a 100,000-message folder's order costs 400 KB per signed-in user. */
  uids: Uint32Array;
  serverSorted: boolean;
}

export function toAddress(entry: MessageAddressObject | undefined): Address | null {
  if (!entry?.address && !entry?.name) return null;
  return { name: entry.name ?? "", address: entry.address ?? "" };
}

export function toAddresses(entries: MessageAddressObject[] | undefined): Address[] {
  return (entries ?? []).map(toAddress).filter((a): a is Address => a !== null);
}

export function isoDate(value: Date | string | undefined): string | null {
  if (!value) return null;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

function summarize(message: FetchMessageObject): MessageSummary {
  const flags = message.flags ?? new Set<string>();
  return {
    uid: message.uid,
    from: toAddress(message.envelope?.from?.[0] ?? message.envelope?.sender?.[0]),
    subject: message.envelope?.subject ?? "",
    date: isoDate(message.envelope?.date) ?? isoDate(message.internalDate),
    size: message.size ?? 0,
    seen: flags.has("\\Seen"),
    flagged: flags.has("\\Flagged"),
    answered: flags.has("\\Answered"),
    hasAttachments: hasAttachments(message.bodyStructure),
    snippet: "",
  };
}

const FETCH_ROW = { uid: true, flags: true, envelope: true, size: true, bodyStructure: true, internalDate: true } as const;

/**
 * Rows for the given UIDs, with preview snippets: one FETCH for envelopes and structures, then one
 * partial FETCH per distinct text part number (most mail has its text in part 1 or 1.1).
 */
export async function fetchRows(client: ImapFlow, uids: number[]): Promise<Map<number, MessageSummary>> {
  const rows = new Map<number, MessageSummary>();
  const sources = new Map<number, SnippetSource>();
  for await (const message of client.fetch(uids.join(","), FETCH_ROW, { uid: true })) {
    rows.set(message.uid, summarize(message));
    const source = snippetSource(message.bodyStructure);
    if (source) sources.set(message.uid, source);
  }
  const byPart = new Map<string, number[]>();
  for (const [uid, source] of sources) byPart.set(source.part, [...(byPart.get(source.part) ?? []), uid]);
  for (const [part, partUids] of byPart) {
    for await (const message of client.fetch(partUids.join(","), { uid: true, bodyParts: [{ key: part, start: 0, maxLength: SNIPPET_BYTES }] }, { uid: true })) {
      const raw = message.bodyParts?.get(part) ?? message.bodyParts?.values().next().value;
      const row = rows.get(message.uid);
      const source = sources.get(message.uid);
      if (raw && row && source) row.snippet = decodeSnippet(raw, source);
    }
  }
  return rows;
}

async function sortedList(session: ImapSession, client: ImapFlow, mailbox: MailboxObject, order: SortOrder): Promise<SortedList> {
  const cacheKey = `${mailbox.path}\0${order}`;
  const cached = session.caches.get(cacheKey) as SortedList | undefined;
  if (cached && cached.uidValidity === mailbox.uidValidity && cached.exists === mailbox.exists && cached.uidNext === mailbox.uidNext) return cached;

  const { key, reverse } = SORTS[order];
  let uids = mailbox.exists === 0 ? new Uint32Array(0) : await sortedUids(client, key, reverse, mailbox.exists);
  let serverSorted = true;
  if (uids === null) {
    // No SORT on this server: UID order is arrival order, close to date order for most folders.
    serverSorted = false;
    const found = await client.search({ all: true }, { uid: true });
    uids = Uint32Array.from(Array.isArray(found) ? found : []).sort();
    if (reverse || order === "date-desc") uids.reverse();
  }
  const list: SortedList = { uidValidity: mailbox.uidValidity, exists: mailbox.exists, uidNext: mailbox.uidNext, uids, serverSorted };
  session.caches.set(cacheKey, list);
  return list;
}

export async function listMessages(session: ImapSession, folder: string, order: SortOrder, offset: number, limit: number): Promise<MessagePage> {
  return session.withMailbox(folder, async (client, mailbox) => {
    const list = await sortedList(session, client, mailbox, order);
    const pageUids = Array.from(list.uids.subarray(offset, offset + Math.min(limit, MAX_PAGE_SIZE)));
    const rows = pageUids.length > 0 ? await fetchRows(client, pageUids) : new Map<number, MessageSummary>();
    return {
      folder,
      uidValidity: list.uidValidity.toString(),
      total: list.uids.length,
      offset,
      // In the sorted order; a message expunged since the SORT is simply missing from its page.
      messages: pageUids.map((uid) => rows.get(uid)).filter((row): row is MessageSummary => row !== undefined),
      serverSorted: list.serverSorted,
      uidNext: list.uidNext,
    };
  });
}

/** One row, for a message that just arrived or changed. */
export async function fetchSummaries(session: ImapSession, folder: string, uids: number[]): Promise<MessageSummary[]> {
  if (uids.length === 0) return [];
  return session.withMailbox(folder, async (client) => [...(await fetchRows(client, uids)).values()]);
}
