// The conversation view: the folder's threads by IMAP THREAD=REFERENCES, newest activity first, a page
// of threads at a time; an opened thread also shows the user's own replies, found in Sent by their
// Message-ID / In-Reply-To / References headers in one SEARCH.
import "server-only";
import type { ImapFlow, MailboxObject, SearchObject } from "imapflow";
import type { ImapSession } from "@/lib/user-agent/imap/session";
import { threadUids } from "@/lib/user-agent/imap/thread";
import { fetchRows } from "./list";
import type { MessageSummary, ThreadMessage, ThreadPage, ThreadSummary } from "./types";

export const MAX_THREAD_PAGE = 100;
/** Messages of one thread shown when it opens; a longer thread shows its latest ones. */
const MAX_THREAD_MESSAGES = 100;
/** Message-IDs searched for in Sent; a long thread's newest ones matter most. */
const MAX_SEARCHED_IDS = 30;

interface ThreadList {
  uidValidity: bigint;
  exists: number;
  uidNext: number;
  /** Each thread's UIDs ascending, threads by their newest UID descending (latest activity first). */
  threads: number[][];
  serverThreaded: boolean;
}

async function threadList(session: ImapSession, client: ImapFlow, mailbox: MailboxObject): Promise<ThreadList> {
  const cacheKey = `${mailbox.path}\0threads`;
  const cached = session.caches.get(cacheKey) as ThreadList | undefined;
  if (cached && cached.uidValidity === mailbox.uidValidity && cached.exists === mailbox.exists && cached.uidNext === mailbox.uidNext) return cached;
  let threads = mailbox.exists === 0 ? [] : await threadUids(client);
  const serverThreaded = threads !== null;
  if (threads === null) {
    // No THREAD on this server: every message is a conversation of its own.
    const found = await client.search({ all: true }, { uid: true });
    threads = (Array.isArray(found) ? found : []).map((uid) => [uid]);
  }
  // UIDs grow with arrival, so the highest UID is the thread's latest message.
  const sorted = threads.map((uids) => [...uids].sort((a, b) => a - b)).sort((a, b) => b[b.length - 1] - a[a.length - 1]);
  const list: ThreadList = { uidValidity: mailbox.uidValidity, exists: mailbox.exists, uidNext: mailbox.uidNext, threads: sorted, serverThreaded };
  session.caches.set(cacheKey, list);
  return list;
}

function participantName(row: MessageSummary): string | null {
  if (!row.from) return null;
  return row.from.name || row.from.address.split("@")[0] || null;
}

export async function listThreads(session: ImapSession, folder: string, offset: number, limit: number): Promise<ThreadPage> {
  return session.withMailbox(folder, async (client, mailbox) => {
    const list = await threadList(session, client, mailbox);
    const page = list.threads.slice(offset, offset + Math.min(limit, MAX_THREAD_PAGE));
    // The latest message of each thread with its snippet; the others only for names and flags.
    const latest = page.map((uids) => uids[uids.length - 1]);
    const rows = latest.length > 0 ? await fetchRows(client, latest) : new Map<number, MessageSummary>();
    const others = page.flatMap((uids) => uids.slice(-MAX_THREAD_MESSAGES, -1));
    const flags = new Map<number, { seen: boolean; flagged: boolean; from: string | null }>();
    if (others.length > 0) {
      for await (const message of client.fetch(others.join(","), { uid: true, flags: true, envelope: true }, { uid: true })) {
        const from = message.envelope?.from?.[0];
        flags.set(message.uid, { seen: message.flags?.has("\\Seen") ?? false, flagged: message.flags?.has("\\Flagged") ?? false, from: from?.name || from?.address?.split("@")[0] || null });
      }
    }
    const threads: ThreadSummary[] = [];
    for (const uids of page) {
      const head = rows.get(uids[uids.length - 1]);
      if (!head) continue;
      const earlier = uids.slice(0, -1).map((uid) => flags.get(uid)).filter((entry) => entry !== undefined);
      const participants = [...new Set([...earlier.map((entry) => entry.from), participantName(head)].filter((name): name is string => name !== null))];
      threads.push({
        uids,
        count: uids.length,
        latest: head,
        participants: participants.slice(-4),
        unread: earlier.filter((entry) => !entry.seen).length + (head.seen ? 0 : 1),
        flagged: head.flagged || earlier.some((entry) => entry.flagged),
      });
    }
    return { folder, uidValidity: list.uidValidity.toString(), total: list.threads.length, offset, threads, serverThreaded: list.serverThreaded };
  });
}

/** Message-IDs from a header value ("<a@b> <c@d>"), bounded. */
function messageIds(value: string | undefined): string[] {
  return (value ?? "").match(/<[^<>\s]{1,250}>/g) ?? [];
}

async function threadIds(client: ImapFlow, uids: number[]): Promise<{ own: string[]; referenced: string[] }> {
  const own: string[] = [];
  const referenced: string[] = [];
  for await (const message of client.fetch(uids.join(","), { uid: true, envelope: true, headers: ["references"] }, { uid: true })) {
    own.push(...messageIds(message.envelope?.messageId));
    referenced.push(...messageIds(message.envelope?.inReplyTo), ...messageIds(message.headers?.toString("utf8").replace(/\r?\n\s+/g, " ")));
  }
  return { own, referenced };
}

/** One SEARCH: OR over the headers that tie a sent message to the thread. */
function sentQuery(own: string[], referenced: string[]): SearchObject | null {
  const term = (header: string, id: string): SearchObject => ({ header: { [header]: id } });
  const terms = [...own.flatMap((id) => [term("in-reply-to", id), term("references", id)]), ...referenced.map((id) => term("message-id", id))];
  if (terms.length === 0) return null;
  return terms.length === 1 ? terms[0] : { or: terms };
}

/** A thread's messages from its folder and the user's replies from Sent, oldest first. */
export async function openThread(session: ImapSession, folder: string, uids: number[]): Promise<ThreadMessage[]> {
  const shown = uids.slice(-MAX_THREAD_MESSAGES);
  const { messages, ids } = await session.withMailbox(folder, async (client) => {
    const rows = await fetchRows(client, shown);
    return { messages: [...rows.values()].map((row): ThreadMessage => ({ ...row, folder })), ids: await threadIds(client, shown) };
  });
  const sentPath = await session.withConnection(async (client) => (await client.list()).find((entry) => entry.specialUse === "\\Sent")?.path ?? null);
  const query = sentQuery([...new Set(ids.own)].slice(-MAX_SEARCHED_IDS), [...new Set(ids.referenced)].slice(-MAX_SEARCHED_IDS));
  if (sentPath !== null && sentPath !== folder && query !== null) {
    const sent = await session.withMailbox(sentPath, async (client, mailbox) => {
      if (mailbox.exists === 0) return [];
      const found = await client.search(query, { uid: true });
      const sentUids = (Array.isArray(found) ? found : []).slice(-MAX_THREAD_MESSAGES);
      return sentUids.length > 0 ? [...(await fetchRows(client, sentUids)).values()] : [];
    });
    messages.push(...sent.map((row): ThreadMessage => ({ ...row, folder: sentPath })));
  }
  return messages.sort((a, b) => (a.date ?? "").localeCompare(b.date ?? ""));
}
