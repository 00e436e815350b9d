// What SELECT needs of a mailbox's messages, without reading them: the UIDs as runs of
// consecutive UIDs, the first unseen UID and the keywords in use. Listing every message of a
// 100,000-message INBOX as objects cost tens of megabytes per SELECT, all garbage a moment
// later; here the database groups the UIDs ("gaps and islands": uid minus its rank is the same
// along a run), so an INBOX nobody expunged from is one row.
import type { SqlRunner } from "./sql";

export interface MailboxSelection {
  /** [first UID, how many] in ascending order. */
  runs: [number, number][];
  firstUnseenUid: number | null;
  /** Every keyword on some message, as written, in the order they first appear. */
  keywords: string[];
}

/** Listings kept per runner, newest last; a thousand sessions selecting one INBOX list it once. */
const MAX_CACHED = 200;
const cache = new WeakMap<SqlRunner, Map<number, { modSeq: bigint; listing: Promise<MailboxSelection> }>>();

/**
 * The listing of a mailbox whose HIGHESTMODSEQ is modSeq, read from the store or reused.
 * Every change to a mailbox raises its HIGHESTMODSEQ, so a listing made after the MODSEQ was
 * read shows at least every change up to it; the caller listens for later changes before it
 * reads the MODSEQ, so reusing a listing loses nothing.
 */
export function listSelection(sql: SqlRunner, mailboxId: number, modSeq: bigint): Promise<MailboxSelection> {
  let listings = cache.get(sql);
  if (!listings) cache.set(sql, (listings = new Map()));
  const cached = listings.get(mailboxId);
  if (cached && cached.modSeq === modSeq) return cached.listing;
  const listing = readSelection(sql, mailboxId);
  listings.delete(mailboxId);
  listings.set(mailboxId, { modSeq, listing });
  if (listings.size > MAX_CACHED) listings.delete(listings.keys().next().value!);
  // A failed read is not kept.
  listing.catch(() => listings.get(mailboxId)?.listing === listing && listings.delete(mailboxId));
  return listing;
}

/**
 * Not one transaction: on SQLite that would take the write lock and fsync for a read. A change
 * between the queries at worst makes the first unseen UID or the keywords a little stale;
 * the session already listens for changes and reports them after.
 */
async function readSelection(sql: SqlRunner, mailboxId: number): Promise<MailboxSelection> {
  const [span] = await sql.query<{ n: number | string; lo: number | string | null; hi: number | string | null }>(
    `SELECT COUNT(*) AS "n", MIN("uid") AS "lo", MAX("uid") AS "hi" FROM "MailboxMessage" WHERE "mailboxId" = ?`,
    [mailboxId],
  );
  const count = Number(span?.n ?? 0);
  let runs: [number, number][] = [];
  // Nothing expunged between the lowest and the highest UID: one run, no grouping needed.
  if (count && Number(span.hi) - Number(span.lo) + 1 === count) runs = [[Number(span.lo), count]];
  else if (count) {
    const rows = await sql.query<{ start: number | string; length: number | string }>(
      `SELECT MIN("uid") AS "start", COUNT(*) AS "length"
         FROM (SELECT "uid", "uid" - ROW_NUMBER() OVER (ORDER BY "uid") AS "island" FROM "MailboxMessage" WHERE "mailboxId" = ?) AS numbered
        GROUP BY "island" ORDER BY MIN("uid")`,
      [mailboxId],
    );
    runs = rows.map((row) => [Number(row.start), Number(row.length)]);
  }
  const [unseen] = await sql.query<{ uid: number | string | null }>(`SELECT MIN("uid") AS "uid" FROM "MailboxMessage" WHERE "mailboxId" = ? AND "seen" = ?`, [mailboxId, false]);
  const keywordRows = await sql.query<{ keywords: string }>(`SELECT "keywords" FROM "MailboxMessage" WHERE "mailboxId" = ? AND "keywords" <> '' GROUP BY "keywords" ORDER BY MIN("uid")`, [mailboxId]);
  const keywords = new Map<string, string>();
  for (const row of keywordRows) for (const keyword of row.keywords.split(" ")) if (keyword && !keywords.has(keyword.toLowerCase())) keywords.set(keyword.toLowerCase(), keyword);
  return {
    runs,
    firstUnseenUid: unseen?.uid === null || unseen?.uid === undefined ? null : Number(unseen.uid),
    keywords: [...keywords.values()],
  };
}
