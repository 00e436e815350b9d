// What IMAP does to messages already stored: read their state, change flags (each change a
// new MODSEQ), expunge (remembered for QRESYNC's VANISHED), copy and move (UIDPLUS). Every
// change is one transaction and one event for the sessions watching the mailbox. Content
// that no mailbox references any more is removed with its index entry and bytes.
import type { BlobStore } from "./blobs";
import { StoreError } from "./errors";
import type { StoreEvents } from "./events";
import { placeholders, readDate, type SqlRunner } from "./sql";

export const SYSTEM_FLAGS = ["\\Seen", "\\Answered", "\\Flagged", "\\Deleted", "\\Draft"] as const;
const MAX_KEYWORDS = 64;
const CHUNK = 500;

export interface MessageState {
  uid: number;
  modSeq: bigint;
  flags: string[];
  internalDate: Date;
  size: number;
  contentId: number;
}

/** A message's row with its content's size, as COLUMNS selects it. */
export interface MessageRow {
  uid: number;
  modSeq: number | string;
  seen: number | boolean;
  answered: number | boolean;
  flagged: number | boolean;
  deleted: number | boolean;
  draft: number | boolean;
  keywords: string;
  internalDate: string | Date;
  size: number;
  contentId: number;
}

/** A run of consecutive UIDs at least this long is read with BETWEEN rather than listed. */
const MIN_RANGE_QUERY = 64;

export const COLUMNS = `m."uid", m."modSeq", m."seen", m."answered", m."flagged", m."deleted", m."draft", m."keywords", m."internalDate", c."size", m."contentId"`;

function flagsOf(row: Pick<MessageRow, "seen" | "answered" | "flagged" | "deleted" | "draft" | "keywords">): string[] {
  const flags: string[] = [];
  if (row.seen) flags.push("\\Seen");
  if (row.answered) flags.push("\\Answered");
  if (row.flagged) flags.push("\\Flagged");
  if (row.deleted) flags.push("\\Deleted");
  if (row.draft) flags.push("\\Draft");
  if (row.keywords) flags.push(...row.keywords.split(" "));
  return flags;
}

function toState(row: MessageRow): MessageState {
  return {
    uid: row.uid,
    modSeq: BigInt(row.modSeq),
    flags: flagsOf(row),
    internalDate: readDate(row.internalDate),
    size: row.size,
    contentId: row.contentId,
  };
}

/**
 * What SORT orders by (RFC 5256 §3, RFC 5957), dates as ms since 1970 computed by the database:
 * parsing 100,000 date strings in JavaScript would cost more than the query.
 */
export interface SortKeys {
  uid: number;
  contentId: number;
  /** INTERNALDATE. */
  arrival: number;
  /** The Date header, or INTERNALDATE where it is missing or unparseable (RFC 5256 §2.2). */
  date: number;
  size: number;
  /** Decoded. */
  subject: string;
  /** The first From address as "mailbox@host", and its decoded display name. */
  fromAddress: string;
  fromName: string;
  /** "mailbox@host, mailbox@host, …". */
  toAddresses: string;
  ccAddresses: string;
}

/** What THREAD links and orders by (RFC 5256 §3), the headers as written. */
export interface ThreadKeys {
  uid: number;
  contentId: number;
  /** As SortKeys.date. */
  date: number;
  subject: string;
  messageId: string;
  inReplyTo: string;
  references: string;
}

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}


/** The flag set after a STORE: FLAGS replaces, +FLAGS adds, -FLAGS removes. Keywords compare case-insensitively. */
export function applyFlags(current: string[], mode: "set" | "add" | "remove", flags: string[]): string[] {
  const key = (flag: string) => flag.toLowerCase();
  const given = flags.filter((f) => key(f) !== "\\recent");
  if (mode === "set") return dedupe(given);
  if (mode === "add") return dedupe([...current, ...given]);
  const removed = new Set(given.map(key));
  return current.filter((flag) => !removed.has(key(flag)));
}

function dedupe(flags: string[]): string[] {
  const seen = new Set<string>();
  return flags.filter((flag) => {
    const k = flag.toLowerCase();
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function sameFlags(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a.map((f) => f.toLowerCase()));
  return b.every((f) => set.has(f.toLowerCase()));
}

interface Removal {
  accountId: number;
  mailboxId: number;
  removed: number[];
  modSeq: bigint;
  orphanFiles: string[];
}

export class MessageOps {
  constructor(
    private readonly sql: SqlRunner,
    private readonly blobs: BlobStore,
    private readonly events: StoreEvents,
  ) {}

  /** Every message of a mailbox in UID order (what SELECT needs to number them). */
  async list(mailboxId: number, sinceUid = 0): Promise<MessageState[]> {
    const rows = await this.sql.query<MessageRow>(
      `SELECT ${COLUMNS} FROM "MailboxMessage" m JOIN "MessageContent" c ON c."id" = m."contentId" WHERE m."mailboxId" = ? AND m."uid" > ? ORDER BY m."uid"`,
      [mailboxId, sinceUid],
    );
    return rows.map(toState);
  }

  /** The named messages that exist, in UID order. */
  async byUids(mailboxId: number, uids: number[]): Promise<MessageState[]> {
    const out: MessageState[] = [];
    // Long runs of consecutive UIDs (1:*, a page of the list) are one range query each;
    // what is left goes in IN lists.
    const scattered: number[] = [];
    const sorted = [...uids].sort((a, b) => a - b);
    for (let i = 0; i < sorted.length; ) {
      let j = i;
      while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
      if (j - i + 1 >= MIN_RANGE_QUERY) {
        const rows = await this.sql.query<MessageRow>(
          `SELECT ${COLUMNS} FROM "MailboxMessage" m JOIN "MessageContent" c ON c."id" = m."contentId" WHERE m."mailboxId" = ? AND m."uid" BETWEEN ? AND ?`,
          [mailboxId, sorted[i], sorted[j]],
        );
        out.push(...rows.map(toState));
      } else {
        for (let k = i; k <= j; k++) scattered.push(sorted[k]);
      }
      i = j + 1;
    }
    for (const part of chunks(scattered)) {
      const rows = await this.sql.query<MessageRow>(
        `SELECT ${COLUMNS} FROM "MailboxMessage" m JOIN "MessageContent" c ON c."id" = m."contentId" WHERE m."mailboxId" = ? AND m."uid" IN (${placeholders(part.length)})`,
        [mailboxId, ...part],
      );
      out.push(...rows.map(toState));
    }
    return out.sort((a, b) => a.uid - b.uid);
  }

  /** What SEARCH matches on, from the stored analysis. */
  async searchFields(contentIds: number[]): Promise<Map<number, { subject: string; sentAt: Date | null; envelope: string; blobHash: string; headerSize: number }>> {
    const out = new Map<number, { subject: string; sentAt: Date | null; envelope: string; blobHash: string; headerSize: number }>();
    for (const part of chunks([...new Set(contentIds)])) {
      const rows = await this.sql.query<{ id: number; subject: string; sentAt: string | Date | null; envelope: string; blobHash: string; headerSize: number }>(
        `SELECT "id", "subject", "sentAt", "envelope", "blobHash", "headerSize" FROM "MessageContent" WHERE "id" IN (${placeholders(part.length)})`,
        part,
      );
      for (const row of rows) out.set(row.id, { ...row, sentAt: row.sentAt === null ? null : readDate(row.sentAt) });
    }
    return out;
  }

  /**
   * Every message of a mailbox (above sinceUid) in UID order with what SORT orders by: one query over the
   * columns written at delivery, never the envelope JSON, and rows used as they come, because
   * a client sorts a 100,000-message mailbox with it.
   */
  async sortKeys(mailboxId: number, sinceUid = 0): Promise<SortKeys[]> {
    return this.sql.query<SortKeys>(
      `SELECT m."uid", m."contentId", ${this.epochMs(`m."internalDate"`)} AS "arrival", ${this.epochMs(`COALESCE(c."sentAt", m."internalDate")`)} AS "date",
         c."size", c."subject", c."fromAddress", c."fromName", c."toAddresses", c."ccAddresses"
       FROM "MailboxMessage" m JOIN "MessageContent" c ON c."id" = m."contentId" WHERE m."mailboxId" = ? AND m."uid" > ? ORDER BY m."uid"`,
      [mailboxId, sinceUid],
    );
  }

  /** Every message of a mailbox (above sinceUid) in UID order with its decoded subject and stored envelope (SEARCH FROM/TO/CC/BCC/SUBJECT). */
  async addressKeys(mailboxId: number, sinceUid = 0): Promise<{ uid: number; contentId: number; subject: string; envelope: string }[]> {
    return this.sql.query(
      `SELECT m."uid", m."contentId", c."subject", c."envelope" FROM "MailboxMessage" m JOIN "MessageContent" c ON c."id" = m."contentId" WHERE m."mailboxId" = ? AND m."uid" > ? ORDER BY m."uid"`,
      [mailboxId, sinceUid],
    );
  }

  /** Every message of a mailbox (above sinceUid) in UID order with what THREAD links and orders by. */
  async threadKeys(mailboxId: number, sinceUid = 0): Promise<ThreadKeys[]> {
    return this.sql.query<ThreadKeys>(
      `SELECT m."uid", m."contentId", ${this.epochMs(`COALESCE(c."sentAt", m."internalDate")`)} AS "date", c."subject", c."messageId", c."inReplyTo", c."references"
       FROM "MailboxMessage" m JOIN "MessageContent" c ON c."id" = m."contentId" WHERE m."mailboxId" = ? AND m."uid" > ? ORDER BY m."uid"`,
      [mailboxId, sinceUid],
    );
  }

  /** SQL for a timestamp column as ms since 1970, a JavaScript number in both dialects. */
  private epochMs(column: string): string {
    return this.sql.dialect === "sqlite" ? `CAST(ROUND((julianday(${column}) - 2440587.5) * 86400000) AS INTEGER)` : `(EXTRACT(EPOCH FROM ${column}) * 1000)::float8`;
  }

  /** What FETCH renders from: the stored analysis and where the bytes are. */
  async contents(contentIds: number[]): Promise<Map<number, { blobHash: string; envelope: string; bodyStructure: string }>> {
    const out = new Map<number, { blobHash: string; envelope: string; bodyStructure: string }>();
    for (const part of chunks([...new Set(contentIds)])) {
      const rows = await this.sql.query<{ id: number; blobHash: string; envelope: string; bodyStructure: string }>(
        `SELECT "id", "blobHash", "envelope", "bodyStructure" FROM "MessageContent" WHERE "id" IN (${placeholders(part.length)})`,
        part,
      );
      for (const row of rows) out.set(row.id, row);
    }
    return out;
  }

  /** UIDs that changed after a MODSEQ (CONDSTORE/QRESYNC, and sessions catching up). */
  async changedSince(mailboxId: number, modSeq: bigint): Promise<MessageState[]> {
    const rows = await this.sql.query<MessageRow>(
      `SELECT ${COLUMNS} FROM "MailboxMessage" m JOIN "MessageContent" c ON c."id" = m."contentId" WHERE m."mailboxId" = ? AND m."modSeq" > ? ORDER BY m."uid"`,
      [mailboxId, modSeq],
    );
    return rows.map(toState);
  }

  async expungedSince(mailboxId: number, modSeq: bigint): Promise<number[]> {
    const rows = await this.sql.query<{ uid: number }>(`SELECT "uid" FROM "ExpungedMessage" WHERE "mailboxId" = ? AND "modSeq" > ? ORDER BY "uid"`, [mailboxId, modSeq]);
    return rows.map((r) => r.uid);
  }

  /**
   * Changes flags; messages whose MODSEQ is above unchangedSince are left alone and listed
   * in `modified` (RFC 7162 §3.2). All changed messages get one new MODSEQ.
   */
  async setFlags(mailboxId: number, uids: number[], mode: "set" | "add" | "remove", flags: string[], unchangedSince?: bigint) {
    const keywords = flags.filter((f) => !f.startsWith("\\"));
    if (keywords.some((k) => !/^[^\s(){%*"\\\]\x00-\x1f\x7f]+$/.test(k) || k.length > 100)) throw new StoreError("invalid", "invalid keyword");
    const result = await this.sql.transaction(async (tx) => {
      const changed: MessageState[] = [];
      const modified: number[] = [];
      let modSeq: bigint | null = null;
      for (const part of chunks(uids)) {
        const rows = await tx.query<MessageRow>(
          `SELECT ${COLUMNS} FROM "MailboxMessage" m JOIN "MessageContent" c ON c."id" = m."contentId" WHERE m."mailboxId" = ? AND m."uid" IN (${placeholders(part.length)})`,
          [mailboxId, ...part],
        );
        for (const row of rows) {
          const state = toState(row);
          if (unchangedSince !== undefined && state.modSeq > unchangedSince) {
            modified.push(state.uid);
            continue;
          }
          const next = applyFlags(state.flags, mode, flags);
          if (sameFlags(next, state.flags)) continue;
          const nextKeywords = next.filter((f) => !f.startsWith("\\"));
          if (nextKeywords.length > MAX_KEYWORDS) throw new StoreError("invalid", `at most ${MAX_KEYWORDS} keywords per message`);
          if (modSeq === null) modSeq = await this.bumpModSeq(tx, mailboxId);
          const has = (flag: string) => next.some((f) => f.toLowerCase() === flag);
          await tx.query(
            `UPDATE "MailboxMessage" SET "seen" = ?, "answered" = ?, "flagged" = ?, "deleted" = ?, "draft" = ?, "keywords" = ?, "modSeq" = ? WHERE "mailboxId" = ? AND "uid" = ?`,
            [has("\\seen"), has("\\answered"), has("\\flagged"), has("\\deleted"), has("\\draft"), nextKeywords.join(" "), modSeq, mailboxId, state.uid],
          );
          const unseenDelta = (state.flags.includes("\\Seen") ? 1 : 0) - (has("\\seen") ? 1 : 0);
          if (unseenDelta) await tx.query(`UPDATE "Mailbox" SET "unseenCount" = "unseenCount" + ? WHERE "id" = ?`, [unseenDelta, mailboxId]);
          changed.push({ ...state, flags: next, modSeq });
        }
      }
      return { changed, modified, modSeq };
    });
    if (result.modSeq !== null) {
      const [{ accountId }] = await this.sql.query<{ accountId: number }>(`SELECT "accountId" FROM "Mailbox" WHERE "id" = ?`, [mailboxId]);
      this.events.emit("change", { kind: "flags", accountId, mailboxId, uids: result.changed.map((c) => c.uid), modSeq: result.modSeq });
    }
    return { changed: result.changed, modified: result.modified };
  }

  /** Removes messages flagged \Deleted (only those in `uids` when given); returns their UIDs. */
  async expunge(mailboxId: number, uids?: number[]): Promise<number[]> {
    const removal = await this.sql.transaction(async (tx) => {
      let rows = await tx.query<{ uid: number }>(`SELECT "uid" FROM "MailboxMessage" WHERE "mailboxId" = ? AND "deleted" = ? ORDER BY "uid"`, [mailboxId, true]);
      if (uids) {
        const wanted = new Set(uids);
        rows = rows.filter((r) => wanted.has(r.uid));
      }
      return this.removeRows(tx, mailboxId, rows.map((r) => r.uid));
    });
    this.afterRemoval(removal);
    return removal.removed;
  }

  /** Removes these messages whatever their flags (POP3's DELE at QUIT); returns the UIDs removed. */
  async remove(mailboxId: number, uids: number[]): Promise<number[]> {
    const removal = await this.sql.transaction((tx) => this.removeRows(tx, mailboxId, uids));
    this.afterRemoval(removal);
    return removal.removed;
  }

  /** Notes when POP3 first retrieved these messages (POP3_EXPIRE counts from then); not IMAP-visible state. */
  async notePop3Retrieval(mailboxId: number, uids: number[], at: Date): Promise<void> {
    for (const part of chunks(uids)) {
      await this.sql.query(`UPDATE "MailboxMessage" SET "pop3RetrievedAt" = ? WHERE "mailboxId" = ? AND "pop3RetrievedAt" IS NULL AND "uid" IN (${placeholders(part.length)})`, [
        at,
        mailboxId,
        ...part,
      ]);
    }
  }

  /** Messages POP3 first retrieved before this moment. */
  async pop3RetrievedBefore(mailboxId: number, before: Date): Promise<number[]> {
    const rows = await this.sql.query<{ uid: number }>(`SELECT "uid" FROM "MailboxMessage" WHERE "mailboxId" = ? AND "pop3RetrievedAt" < ? ORDER BY "uid"`, [mailboxId, before]);
    return rows.map((row) => row.uid);
  }

  /** Copies messages (same content, same flags, new UIDs) and returns the UID pairs (COPYUID). */
  async copy(sourceId: number, uids: number[], targetId: number) {
    const result = await this.sql.transaction((tx) => this.copyRows(tx, sourceId, uids, targetId));
    this.announceAppend(targetId, result);
    return result;
  }

  /** Copy and expunge in one transaction (RFC 6851). */
  async move(sourceId: number, uids: number[], targetId: number) {
    const { copied, removal } = await this.sql.transaction(async (tx) => {
      const copied = await this.copyRows(tx, sourceId, uids, targetId);
      return { copied, removal: await this.removeRows(tx, sourceId, copied.pairs.map(([source]) => source)) };
    });
    this.announceAppend(targetId, copied);
    this.afterRemoval(removal);
    return copied;
  }

  /** Empties a mailbox (DELETE), with `then` in the same transaction. */
  async removeAll(mailboxId: number, then: (tx: SqlRunner) => Promise<void>): Promise<void> {
    const removal = await this.sql.transaction(async (tx) => {
      const rows = await tx.query<{ uid: number }>(`SELECT "uid" FROM "MailboxMessage" WHERE "mailboxId" = ?`, [mailboxId]);
      const removal = await this.removeRows(tx, mailboxId, rows.map((r) => r.uid));
      await then(tx);
      return removal;
    });
    this.afterRemoval(removal);
  }

  /** Moves every message (RENAME INBOX). */
  async moveAll(sourceId: number, targetId: number): Promise<void> {
    const uids = (await this.sql.query<{ uid: number }>(`SELECT "uid" FROM "MailboxMessage" WHERE "mailboxId" = ?`, [sourceId])).map((r) => r.uid);
    if (uids.length) await this.move(sourceId, uids, targetId);
  }

  private async bumpModSeq(tx: SqlRunner, mailboxId: number): Promise<bigint> {
    const [row] = await tx.query<{ highestModSeq: number | string }>(
      `UPDATE "Mailbox" SET "highestModSeq" = "highestModSeq" + 1 WHERE "id" = ? RETURNING "highestModSeq"`,
      [mailboxId],
    );
    if (!row) throw new StoreError("not-found", "no such mailbox");
    return BigInt(row.highestModSeq);
  }

  private announceAppend(targetId: number, result: { accountId: number; pairs: [number, number][]; modSeq: bigint }) {
    if (!result.pairs.length) return;
    this.events.emit("change", { kind: "append", accountId: result.accountId, mailboxId: targetId, uids: result.pairs.map(([, target]) => target), modSeq: result.modSeq });
  }

  private async copyRows(tx: SqlRunner, sourceId: number, uids: number[], targetId: number) {
    const [source] = await tx.query<{ accountId: number }>(`SELECT "accountId" FROM "Mailbox" WHERE "id" = ?`, [sourceId]);
    const [target] = await tx.query<{ accountId: number; uidValidity: number }>(`SELECT "accountId", "uidValidity" FROM "Mailbox" WHERE "id" = ?`, [targetId]);
    if (!source || !target || source.accountId !== target.accountId) throw new StoreError("not-found", "no such mailbox");
    const rows: (MessageRow & { envelopeInfo: string })[] = [];
    for (const part of chunks(uids)) {
      rows.push(
        ...(await tx.query<MessageRow & { envelopeInfo: string }>(
          `SELECT ${COLUMNS}, m."envelopeInfo" FROM "MailboxMessage" m JOIN "MessageContent" c ON c."id" = m."contentId" WHERE m."mailboxId" = ? AND m."uid" IN (${placeholders(part.length)})`,
          [sourceId, ...part],
        )),
      );
    }
    rows.sort((a, b) => a.uid - b.uid);
    if (!rows.length) return { accountId: target.accountId, uidValidity: target.uidValidity, pairs: [] as [number, number][], modSeq: 0n };
    const unseen = rows.filter((r) => !r.seen).length;
    const bytes = rows.reduce((sum, r) => sum + r.size, 0);
    const [mailbox] = await tx.query<{ uidNext: number; highestModSeq: number | string }>(
      `UPDATE "Mailbox" SET "uidNext" = "uidNext" + ?, "highestModSeq" = "highestModSeq" + 1, "messageCount" = "messageCount" + ?,
         "unseenCount" = "unseenCount" + ?, "totalBytes" = "totalBytes" + ? WHERE "id" = ? RETURNING "uidNext", "highestModSeq"`,
      [rows.length, rows.length, unseen, bytes, targetId],
    );
    const modSeq = BigInt(mailbox.highestModSeq);
    const first = mailbox.uidNext - rows.length;
    const pairs: [number, number][] = [];
    for (const [i, row] of rows.entries()) {
      await tx.query(
        `INSERT INTO "MailboxMessage" ("mailboxId", "uid", "modSeq", "contentId", "internalDate", "seen", "answered", "flagged", "deleted", "draft", "keywords", "envelopeInfo")
         SELECT ?, ?, ?, "contentId", "internalDate", "seen", "answered", "flagged", "deleted", "draft", "keywords", "envelopeInfo" FROM "MailboxMessage" WHERE "mailboxId" = ? AND "uid" = ?`,
        [targetId, first + i, modSeq, sourceId, row.uid],
      );
      pairs.push([row.uid, first + i]);
    }
    await tx.query(`UPDATE "Account" SET "usedBytes" = "usedBytes" + ? WHERE "id" = ?`, [bytes, target.accountId]);
    return { accountId: target.accountId, uidValidity: target.uidValidity, pairs, modSeq };
  }

  /** After the commit: tell the sessions, and delete files no row names any more. */
  private afterRemoval(removal: Removal) {
    if (!removal.removed.length) return;
    this.events.emit("change", { kind: "expunge", accountId: removal.accountId, mailboxId: removal.mailboxId, uids: removal.removed, modSeq: removal.modSeq });
    for (const hash of removal.orphanFiles) void this.blobs.remove(hash).catch(() => undefined);
  }

  /** Deletes message rows, remembers their UIDs as expunged, fixes counters and collects orphaned content. */
  private async removeRows(tx: SqlRunner, mailboxId: number, uids: number[]): Promise<Removal> {
    const nothing: Removal = { accountId: 0, mailboxId, removed: [], modSeq: 0n, orphanFiles: [] };
    if (!uids.length) return nothing;
    const [mailbox] = await tx.query<{ accountId: number }>(`SELECT "accountId" FROM "Mailbox" WHERE "id" = ?`, [mailboxId]);
    if (!mailbox) throw new StoreError("not-found", "no such mailbox");
    const modSeq = await this.bumpModSeq(tx, mailboxId);
    let unseen = 0;
    let bytes = 0;
    const contentIds = new Set<number>();
    const removed: number[] = [];
    for (const part of chunks(uids)) {
      const rows = await tx.query<{ uid: number; seen: number | boolean; size: number; contentId: number }>(
        `SELECT m."uid", m."seen", c."size", m."contentId" FROM "MailboxMessage" m JOIN "MessageContent" c ON c."id" = m."contentId" WHERE m."mailboxId" = ? AND m."uid" IN (${placeholders(part.length)})`,
        [mailboxId, ...part],
      );
      if (!rows.length) continue;
      await tx.query(`DELETE FROM "MailboxMessage" WHERE "mailboxId" = ? AND "uid" IN (${placeholders(rows.length)})`, [mailboxId, ...rows.map((r) => r.uid)]);
      for (const row of rows) {
        await tx.query(
          `INSERT INTO "ExpungedMessage" ("mailboxId", "uid", "modSeq") VALUES (?, ?, ?) ON CONFLICT ("mailboxId", "uid") DO UPDATE SET "modSeq" = excluded."modSeq"`,
          [mailboxId, row.uid, modSeq],
        );
        if (!row.seen) unseen++;
        bytes += row.size;
        contentIds.add(row.contentId);
        removed.push(row.uid);
      }
    }
    await tx.query(
      `UPDATE "Mailbox" SET "messageCount" = "messageCount" - ?, "unseenCount" = "unseenCount" - ?, "totalBytes" = "totalBytes" - ? WHERE "id" = ?`,
      [removed.length, unseen, bytes, mailboxId],
    );
    await tx.query(`UPDATE "Account" SET "usedBytes" = "usedBytes" - ? WHERE "id" = ?`, [bytes, mailbox.accountId]);
    const orphanFiles: string[] = [];
    for (const contentId of contentIds) {
      const [used] = await tx.query(`SELECT 1 FROM "MailboxMessage" WHERE "contentId" = ? LIMIT 1`, [contentId]);
      if (used) continue;
      const [content] = await tx.query<{ blobHash: string }>(`SELECT "blobHash" FROM "MessageContent" WHERE "id" = ?`, [contentId]);
      await tx.query(tx.dialect === "sqlite" ? `DELETE FROM "message_search" WHERE "rowid" = ?` : `DELETE FROM "message_search" WHERE "contentId" = ?`, [contentId]);
      await tx.query(`DELETE FROM "MessageContent" WHERE "id" = ?`, [contentId]);
      // The same bytes may still wait in the outbound queue, which removes them itself.
      const [queued] = await tx.query(`SELECT 1 FROM "QueueMessage" WHERE "blobHash" = ? LIMIT 1`, [content.blobHash]);
      if (queued) continue;
      const deleted = await tx.query(`DELETE FROM "Blob" WHERE "hash" = ? RETURNING "hash"`, [content.blobHash]);
      if (!deleted.length) orphanFiles.push(content.blobHash);
    }
    removed.sort((a, b) => a - b);
    return { accountId: mailbox.accountId, mailboxId, removed, modSeq, orphanFiles };
  }
}
