// Search through IMAP SEARCH, so the server's own index does the work (our server's full-text index,
// Dovecot's FTS, Gmail's search), one folder or all of them. Terms are handed to imapflow as values,
// never spliced into command text: it sends each as a quoted string (quotes and backslashes escaped)
// or, with 8-bit characters, as a literal, so no term can end the command or start another (IMAP
// injection). Line breaks, which it will not send at all, become spaces here.
//
// "Has attachment" is HEADER Content-Type "multipart/mixed": every server can answer it from the
// header index. It misses attachments inside multipart/related or a lone non-text body, and counts a
// mixed message with only inline text; walking every BODYSTRUCTURE instead would cost a fetch of each
// candidate message, which does not scale to a 100,000-message folder.
import "server-only";
import type { ImapFlow, SearchObject } from "imapflow";
import type { ImapSession } from "@/lib/user-agent/imap/session";
import { sortedUids } from "@/lib/user-agent/imap/sort";
import { listFolders } from "./folders";
import { fetchRows } from "./list";
import type { MessageSummary } from "./types";

export interface SearchQuery {
  /** The search box: sender, recipients, subject or body. */
  text?: string;
  from?: string;
  to?: string;
  subject?: string;
  /** Words in the body. */
  words?: string;
  /** YYYY-MM-DD, inclusive, by the date the server received the message. */
  since?: string;
  until?: string;
  hasAttachment?: boolean;
  unread?: boolean;
  /** null: every folder that can hold messages. */
  folder: string | null;
}

export interface SearchHit extends MessageSummary {
  folder: string;
}

export interface SearchPage {
  total: number;
  offset: number;
  hits: SearchHit[];
  /** More matched than could be ranked across folders; the newest are kept. */
  truncated: boolean;
}

// Ranking across folders needs each candidate's date; past this depth in each folder's own order,
// results of an all-folder search are not ranked (and the page says so).
const MAX_RANKED_PER_FOLDER = 5000;

function day(value: string | undefined, plusDays = 0): Date | undefined {
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  const date = new Date(`${value}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return undefined;
  date.setUTCDate(date.getUTCDate() + plusDays);
  return date;
}

/**
 * A term as IMAP can carry it: imapflow refuses CR, LF and NUL in a string ("Unquotable character")
 * rather than sending a literal, and no header or body word spans a line break, so they become spaces.
 */
function term(value: string | undefined): string | undefined {
  return value?.replace(/[\r\n\0]+/g, " ").trim() || undefined;
}

/** The IMAP SEARCH criteria for a query; null when it asks for nothing at all. Pure, for the tests. */
export function searchCriteria(input: SearchQuery): SearchObject | null {
  const query = { ...input, text: term(input.text), from: term(input.from), to: term(input.to), subject: term(input.subject), words: term(input.words) };
  const criteria: SearchObject = {};
  const text = query.text;
  if (text) criteria.or = [{ from: text }, { to: text }, { cc: text }, { subject: text }, { body: text }];
  if (query.from?.trim()) criteria.from = query.from.trim();
  if (query.to?.trim()) criteria.to = query.to.trim();
  if (query.subject?.trim()) criteria.subject = query.subject.trim();
  if (query.words?.trim()) criteria.body = query.words.trim();
  const since = day(query.since);
  // BEFORE is exclusive: the day after "until" keeps "until" itself in.
  const before = day(query.until, 1);
  if (since) criteria.since = since;
  if (before) criteria.before = before;
  if (query.hasAttachment) criteria.header = { "content-type": "multipart/mixed" };
  if (query.unread) criteria.seen = false;
  return Object.keys(criteria).length > 0 ? criteria : null;
}

/** One folder's matches, newest first (by the date the server received each). */
async function folderMatches(client: ImapFlow, criteria: SearchObject): Promise<Uint32Array> {
  const messageCount = client.mailbox ? client.mailbox.exists : 0;
  if (messageCount === 0) return new Uint32Array(0);
  // The server sorts the matches (SORT ARRIVAL): no date of a match is fetched to rank one folder.
  const sorted = await sortedUids(client, "arrival", true, messageCount, criteria);
  if (sorted) return sorted;
  // No SORT: UID order is arrival order in every mailbox that was filled by delivery.
  const found = await client.search(criteria, { uid: true });
  return Uint32Array.from(Array.isArray(found) ? found : []).sort().reverse();
}

async function arrivalDates(client: ImapFlow, uids: Uint32Array): Promise<Map<number, number>> {
  const dates = new Map<number, number>();
  if (uids.length === 0) return dates;
  for await (const message of client.fetch(Array.from(uids).join(","), { uid: true, internalDate: true }, { uid: true })) {
    const date = message.internalDate instanceof Date ? message.internalDate.getTime() : Date.parse(String(message.internalDate ?? ""));
    dates.set(message.uid, Number.isNaN(date) ? 0 : date);
  }
  return dates;
}

export async function searchMessages(session: ImapSession, query: SearchQuery, offset: number, limit: number): Promise<SearchPage> {
  const criteria = searchCriteria(query);
  if (!criteria) return { total: 0, offset, hits: [], truncated: false };
  const folders = query.folder !== null ? [query.folder] : (await listFolders(session)).filter((folder) => folder.selectable).map((folder) => folder.path);
  const depth = Math.min(offset + limit, MAX_RANKED_PER_FOLDER);
  const ranked: { folder: string; uid: number; date: number }[] = [];
  let total = 0;
  let truncated = false;
  for (const folder of folders) {
    await session.withMailbox(folder, async (client) => {
      const matches = await folderMatches(client, criteria);
      total += matches.length;
      if (folders.length === 1) {
        // Already in order: the page is a slice, whatever the depth.
        for (const uid of matches.subarray(offset, offset + limit)) ranked.push({ folder, uid, date: 0 });
        return;
      }
      // Only the first offset + limit of each folder can be on this page of the merged order.
      const candidates = matches.subarray(0, depth);
      truncated ||= matches.length > depth && offset + limit > MAX_RANKED_PER_FOLDER;
      const dates = await arrivalDates(client, candidates);
      for (const uid of candidates) ranked.push({ folder, uid, date: dates.get(uid) ?? 0 });
    });
  }
  const page = folders.length === 1 ? ranked : ranked.sort((a, b) => b.date - a.date || b.uid - a.uid).slice(offset, offset + limit);
  // One FETCH per folder for the rows on this page, then back in ranked order.
  const rows = new Map<string, MessageSummary>();
  for (const folder of new Set(page.map((hit) => hit.folder))) {
    const uids = page.filter((hit) => hit.folder === folder).map((hit) => hit.uid);
    const fetched = await session.withMailbox(folder, (client) => fetchRows(client, uids));
    for (const [uid, summary] of fetched) rows.set(`${folder}\0${uid}`, summary);
  }
  const hits = page.flatMap((hit) => {
    const summary = rows.get(`${hit.folder}\0${hit.uid}`);
    return summary ? [{ ...summary, folder: hit.folder }] : [];
  });
  return { total, offset, hits, truncated };
}
