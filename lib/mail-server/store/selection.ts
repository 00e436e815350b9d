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

/**
 * Not one transaction: on SQLite that would take the write lock and fsync for a read. A change
 * between the queries at worst makes the first unseen UID or the keywords a little stale;
 * the session already listens for changes and reports them after.
 */
export async function listSelection(sql: SqlRunner, mailboxId: number): Promise<MailboxSelection> {
  const runs = await sql.query<{ start: number | string; length: number | string }>(
    `SELECT MIN("uid") AS "start", COUNT(*) AS "length"
       FROM (SELECT "uid", "uid" - ROW_NUMBER() OVER (ORDER BY "uid") AS "island" FROM "MailboxMessage" WHERE "mailboxId" = ?) AS numbered
      GROUP BY "island" ORDER BY MIN("uid")`,
    [mailboxId],
  );
  const [unseen] = await sql.query<{ uid: number | string | null }>(`SELECT MIN("uid") AS "uid" FROM "MailboxMessage" WHERE "mailboxId" = ? AND "seen" = ?`, [mailboxId, false]);
  const keywordRows = await sql.query<{ keywords: string }>(`SELECT "keywords" FROM "MailboxMessage" WHERE "mailboxId" = ? AND "keywords" <> '' GROUP BY "keywords" ORDER BY MIN("uid")`, [mailboxId]);
  const keywords = new Map<string, string>();
  for (const row of keywordRows) for (const keyword of row.keywords.split(" ")) if (keyword && !keywords.has(keyword.toLowerCase())) keywords.set(keyword.toLowerCase(), keyword);
  return {
    runs: runs.map((row) => [Number(row.start), Number(row.length)]),
    firstUnseenUid: unseen?.uid === null || unseen?.uid === undefined ? null : Number(unseen.uid),
    keywords: [...keywords.values()],
  };
}
