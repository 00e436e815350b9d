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
  /** More matched than were ranked (per folder); the newest are kept. */
  truncated: boolean;
}

// Ranking needs each hit's date; beyond this many per folder only the highest UIDs (newest) are kept.
const MAX_HITS_PER_FOLDER = 2000;

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

async function searchFolder(client: ImapFlow, criteria: SearchObject): Promise<{ uids: number[]; dates: Map<number, number>; truncated: boolean }> {
  const found = await client.search(criteria, { uid: true });
  const all = Array.isArray(found) ? found.sort((a, b) => b - a) : [];
  const uids = all.slice(0, MAX_HITS_PER_FOLDER);
  const dates = new Map<number, number>();
  if (uids.length > 0) {
    for await (const message of client.fetch(uids.join(","), { uid: true, internalDate: true }, { uid: true })) {
      const date = message.internalDate instanceof Date ? message.internalDate.getTime() : Date.parse(String(message.internalDate ?? ""));
      dates.set(message.uid, Number.isNaN(date) ? 0 : date);
    }
  }
  return { uids, dates, truncated: all.length > uids.length };
}

export async function searchMessages(session: ImapSession, query: SearchQuery, offset: number, limit: number): Promise<SearchPage> {
  const criteria = searchCriteria(query);
  if (!criteria) return { total: 0, offset, hits: [], truncated: false };
  const folders = query.folder !== null ? [query.folder] : (await listFolders(session)).filter((folder) => folder.selectable).map((folder) => folder.path);
  const ranked: { folder: string; uid: number; date: number }[] = [];
  let truncated = false;
  for (const folder of folders) {
    const result = await session.withMailbox(folder, (client) => searchFolder(client, criteria));
    truncated ||= result.truncated;
    for (const uid of result.uids) ranked.push({ folder, uid, date: result.dates.get(uid) ?? 0 });
  }
  ranked.sort((a, b) => b.date - a.date || b.uid - a.uid);
  const page = ranked.slice(offset, offset + limit);
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
  return { total: ranked.length, offset, hits, truncated };
}
