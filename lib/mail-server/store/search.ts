// Full-text search over subject, addresses and decoded text. SQLite's trigram FTS5 index
// matches any substring of three or more characters (IMAP SEARCH semantics); PostgreSQL's
// tsvector matches words and word prefixes.
import type { Database } from "@/lib/db";

export type SearchField = "subject" | "addresses" | "body" | "all";

/** MessageContent ids matching the text, limited to one account's mailbox when given. */
export async function searchContent(db: Database, text: string, field: SearchField = "all", mailboxId?: number): Promise<number[]> {
  const needle = text.replace(/\u0000/g, "").trim();
  if (!needle) return [];
  if (db.provider === "sqlite") {
    const columns = field === "all" ? ["subject", "addresses", "body"] : [field];
    let rows: { id: bigint | number }[];
    if ([...needle].length >= 3) {
      const query = `{${columns.join(" ")}} : "${needle.replace(/"/g, '""')}"`;
      rows = mailboxId === undefined
        ? await db.prisma.$queryRawUnsafe(`SELECT rowid AS id FROM message_search WHERE message_search MATCH ?`, query)
        : await db.prisma.$queryRawUnsafe(
            `SELECT s.rowid AS id FROM message_search s JOIN "MailboxMessage" m ON m."contentId" = s.rowid WHERE m."mailboxId" = ? AND message_search MATCH ?`,
            mailboxId,
            query,
          );
    } else {
      // Trigrams can't match fewer than three characters: scan (LIKE is case-insensitive for ASCII).
      const like = `%${needle.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      const where = columns.map((c) => `"${c}" LIKE ? ESCAPE '\\'`).join(" OR ");
      rows = await db.prisma.$queryRawUnsafe(`SELECT rowid AS id FROM message_search WHERE ${where}`, ...columns.map(() => like));
      if (mailboxId !== undefined) {
        const inMailbox = new Set((await db.prisma.mailboxMessage.findMany({ where: { mailboxId }, select: { contentId: true } })).map((m) => m.contentId));
        rows = rows.filter((r) => inMailbox.has(Number(r.id)));
      }
    }
    return [...new Set(rows.map((r) => Number(r.id)))];
  }
  const words = needle.split(/\s+/).map((w) => w.replace(/[^\p{L}\p{N}@._-]/gu, "")).filter(Boolean);
  if (!words.length) return [];
  const tsquery = words.map((w) => `'${w.replace(/'/g, "''")}':*`).join(" & ");
  const vector = field === "all" ? `"document"` : `to_tsvector('simple', "${field}")`;
  const rows: { id: number }[] =
    mailboxId === undefined
      ? await db.prisma.$queryRawUnsafe(`SELECT "contentId" AS id FROM message_search WHERE ${vector} @@ to_tsquery('simple', $1)`, tsquery)
      : await db.prisma.$queryRawUnsafe(
          `SELECT s."contentId" AS id FROM message_search s JOIN "MailboxMessage" m ON m."contentId" = s."contentId" WHERE m."mailboxId" = $2 AND ${vector} @@ to_tsquery('simple', $1)`,
          tsquery,
          mailboxId,
        );
  return [...new Set(rows.map((r) => Number(r.id)))];
}
