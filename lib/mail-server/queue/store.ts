// The outbound queue in the database: a QueueMessage per accepted message (its bytes in the
// Blob table or a blob file, like stored mail) and a QueueRecipient per recipient with its
// own state, attempts and last answer. Enqueueing commits before the client hears 250; an
// attempt marks its recipients "sending" first, and a start-up puts every "sending"
// recipient back in line, so a crash at any moment leaves each recipient either finished or
// due again (delivered twice at worst, never lost).
import type { BlobStore } from "../store/blobs";
import { placeholders, readDate, type SqlRunner } from "../store/sql";
import type { BodyType, OutboundRecipient } from "./smtp-client";

export interface EnqueueRequest {
  raw: Buffer;
  sender: string;
  envid: string | null;
  ret: "FULL" | "HDRS" | null;
  body: BodyType;
  smtputf8: boolean;
  accountId: number | null;
  messageId: string;
  recipients: { address: string; notify: string[] | null; orcpt: string | null }[];
}

export interface QueuedMessage {
  id: number;
  blobHash: string;
  size: number;
  sender: string;
  envid: string;
  ret: string;
  body: BodyType;
  smtputf8: boolean;
  accountId: number | null;
  messageId: string;
  createdAt: Date;
}

export interface QueuedRecipient extends OutboundRecipient {
  id: number;
  queueMessageId: number;
  domain: string;
  state: "queued" | "sending" | "delivered" | "failed";
  attempts: number;
  nextAttemptAt: Date;
  lastAttemptAt: Date | null;
  lastResponse: string;
  remoteHost: string;
  delayNotified: boolean;
}

/** What an attempt made of one recipient. */
export interface AttemptResult {
  recipientId: number;
  state: "queued" | "delivered" | "failed";
  response: string;
  remoteHost: string;
  nextAttemptAt: Date;
  delayNotified?: boolean;
}

interface RecipientRow {
  id: number;
  queueMessageId: number;
  address: string;
  domain: string;
  notify: string;
  orcpt: string;
  state: QueuedRecipient["state"];
  attempts: number;
  nextAttemptAt: Date | string;
  lastAttemptAt: Date | string | null;
  lastResponse: string;
  remoteHost: string;
  delayNotified: number | boolean;
}

interface MessageRow extends Omit<QueuedMessage, "smtputf8" | "createdAt"> {
  smtputf8: number | boolean;
  createdAt: Date | string;
}


function toRecipient(row: RecipientRow): QueuedRecipient {
  return {
    ...row,
    notify: row.notify ? row.notify.split(",") : [],
    nextAttemptAt: readDate(row.nextAttemptAt),
    lastAttemptAt: row.lastAttemptAt === null ? null : readDate(row.lastAttemptAt),
    delayNotified: Boolean(row.delayNotified),
  };
}

function toMessage(row: MessageRow): QueuedMessage {
  return { ...row, smtputf8: Boolean(row.smtputf8), createdAt: readDate(row.createdAt), body: row.body as BodyType };
}


export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf("@") + 1).toLowerCase();
}

/** One attempt's results waiting for the next group commit. */
interface PendingFinish {
  results: AttemptResult[];
  attemptedAt: Date;
  removeIfFinished: number | null;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class QueueStore {
  private pending: PendingFinish[] = [];
  private committing: Promise<void> | null = null;

  constructor(
    private readonly sql: SqlRunner,
    private readonly blobs: BlobStore,
  ) {}

  /** Durable when it resolves: the caller may answer 250. */
  async enqueue(request: EnqueueRequest, now = new Date()): Promise<number> {
    const blob = await this.blobs.put(request.raw);
    if (blob.dir) await this.blobs.syncDirs([blob.dir]);
    return this.sql.transaction(async (tx) => {
      if (blob.inline) await tx.query(`INSERT INTO "Blob" ("hash", "data") VALUES (?, ?) ON CONFLICT DO NOTHING`, [blob.hash, blob.inline]);
      const [message] = await tx.query<{ id: number }>(
        `INSERT INTO "QueueMessage" ("blobHash", "size", "sender", "envid", "ret", "body", "smtputf8", "accountId", "messageId", "createdAt")
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING "id"`,
        [blob.hash, request.raw.length, request.sender, request.envid ?? "", request.ret ?? "", request.body, request.smtputf8, request.accountId, request.messageId.slice(0, 998), now],
      );
      for (const recipient of request.recipients) {
        await tx.query(`INSERT INTO "QueueRecipient" ("queueMessageId", "address", "domain", "notify", "orcpt", "nextAttemptAt") VALUES (?, ?, ?, ?, ?, ?)`, [
          message.id,
          recipient.address,
          domainOf(recipient.address),
          (recipient.notify ?? []).join(","),
          recipient.orcpt ?? "",
          now,
        ]);
      }
      return message.id;
    });
  }

  /** After a restart nothing is in flight: attempts cut short are due again. */
  async requeueInterrupted(now = new Date()): Promise<void> {
    await this.sql.transaction((tx) => tx.query(`UPDATE "QueueRecipient" SET "state" = 'queued', "nextAttemptAt" = ? WHERE "state" = 'sending'`, [now]));
  }

  async due(now: Date, limit: number): Promise<QueuedRecipient[]> {
    const rows = await this.sql.query<RecipientRow>(`SELECT * FROM "QueueRecipient" WHERE "state" = 'queued' AND "nextAttemptAt" <= ? ORDER BY "nextAttemptAt", "id" LIMIT ?`, [now, limit]);
    return rows.map(toRecipient);
  }

  /** When the next queued recipient falls due, if any. */
  async nextDue(): Promise<Date | null> {
    const [row] = await this.sql.query<{ next: Date | string | null }>(`SELECT MIN("nextAttemptAt") AS "next" FROM "QueueRecipient" WHERE "state" = 'queued'`);
    return row?.next ? readDate(row.next) : null;
  }

  /** Takes these recipients for an attempt; returns those that were still queued. */
  async claim(ids: number[]): Promise<number[]> {
    if (!ids.length) return [];
    return this.sql.transaction(async (tx) => {
      const rows = await tx.query<{ id: number }>(`SELECT "id" FROM "QueueRecipient" WHERE "state" = 'queued' AND "id" IN (${placeholders(ids.length)})`, ids);
      const claimed = rows.map((r) => r.id);
      if (claimed.length) await tx.query(`UPDATE "QueueRecipient" SET "state" = 'sending' WHERE "id" IN (${placeholders(claimed.length)})`, claimed);
      return claimed;
    });
  }

  /** Puts claimed recipients whose attempt ended without a result back in line (those it settled stay settled). */
  async release(ids: number[], nextAttemptAt: Date, response: string): Promise<void> {
    if (!ids.length) return;
    await this.sql.transaction((tx) =>
      tx.query(`UPDATE "QueueRecipient" SET "state" = 'queued', "nextAttemptAt" = ?, "lastResponse" = ? WHERE "state" = 'sending' AND "id" IN (${placeholders(ids.length)})`, [nextAttemptAt, response.slice(0, 2000), ...ids]),
    );
  }

  async message(id: number): Promise<QueuedMessage | null> {
    const [row] = await this.sql.query<MessageRow>(`SELECT * FROM "QueueMessage" WHERE "id" = ?`, [id]);
    return row ? toMessage(row) : null;
  }

  async recipients(queueMessageId: number): Promise<QueuedRecipient[]> {
    const rows = await this.sql.query<RecipientRow>(`SELECT * FROM "QueueRecipient" WHERE "queueMessageId" = ? ORDER BY "id"`, [queueMessageId]);
    return rows.map(toRecipient);
  }

  async record(results: AttemptResult[], attemptedAt: Date, countsAsAttempt = true): Promise<void> {
    if (!results.length) return;
    await this.sql.transaction((tx) => this.writeResults(tx, results, attemptedAt, countsAsAttempt));
  }

  private async writeResults(tx: SqlRunner, results: AttemptResult[], attemptedAt: Date, countsAsAttempt: boolean) {
    for (const r of results) {
      await tx.query(
        `UPDATE "QueueRecipient" SET "state" = ?, "lastResponse" = ?, "remoteHost" = ?, "nextAttemptAt" = ?, "lastAttemptAt" = ?,
           "attempts" = "attempts" + ?, "delayNotified" = CASE WHEN ? THEN ? ELSE "delayNotified" END WHERE "id" = ?`,
        [r.state, r.response.slice(0, 2000), r.remoteHost, r.nextAttemptAt, attemptedAt, countsAsAttempt ? 1 : 0, r.delayNotified !== undefined, r.delayNotified ?? false, r.recipientId],
      );
    }
  }

  /**
   * Records an attempt's results and, given its message id, removes the message if nothing of it
   * is left to do: what record() and removeIfFinished() do, but group-committed. Attempts that
   * finish while a commit is in flight share the next transaction, so twenty parallel deliveries
   * cost one fsync rather than forty. Durable when it resolves.
   */
  finish(results: AttemptResult[], attemptedAt: Date, removeIfFinished: number | null): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ results, attemptedAt, removeIfFinished, resolve, reject });
      this.committing ??= this.commitPending().finally(() => (this.committing = null));
    });
  }

  private async commitPending() {
    while (this.pending.length) {
      const group = this.pending;
      this.pending = [];
      try {
        const orphans = await this.sql.transaction(async (tx) => {
          const finished: number[] = [];
          for (const item of group) await this.writeResults(tx, item.results, item.attemptedAt, true);
          for (const item of group) {
            if (item.removeIfFinished === null) continue;
            const [open] = await tx.query(`SELECT 1 FROM "QueueRecipient" WHERE "queueMessageId" = ? AND "state" IN ('queued', 'sending') LIMIT 1`, [item.removeIfFinished]);
            if (!open) finished.push(item.removeIfFinished);
          }
          return this.removeMessages(tx, finished);
        });
        // Files go after the commit: a crash in between leaves a stray file, never a row without its bytes.
        for (const hash of orphans) await this.blobs.remove(hash);
        for (const item of group) item.resolve();
      } catch (error) {
        for (const item of group) item.reject(error);
      }
    }
  }

  /**
   * Removes a message whose recipients are all finished, with its bytes unless stored mail
   * or another queued message has the same ones.
   */
  async removeIfFinished(queueMessageId: number): Promise<boolean> {
    const orphan = await this.sql.transaction(async (tx) => {
      const [open] = await tx.query(`SELECT 1 FROM "QueueRecipient" WHERE "queueMessageId" = ? AND "state" IN ('queued', 'sending') LIMIT 1`, [queueMessageId]);
      if (open) return null;
      return this.removeMessage(tx, queueMessageId);
    });
    if (orphan === null) return false;
    if (orphan) await this.blobs.remove(orphan);
    return true;
  }

  /**
   * removeMessage for many at once: "does another queued message share these bytes?" is one
   * query for the whole group (QueueMessage.blobHash has no index, so each such query reads the
   * whole queue table). Returns the hashes of blob files nobody uses any more.
   */
  private async removeMessages(tx: SqlRunner, ids: number[]): Promise<string[]> {
    if (!ids.length) return [];
    const hashes = new Set<string>();
    for (const id of ids) {
      const [message] = await tx.query<{ blobHash: string }>(`SELECT "blobHash" FROM "QueueMessage" WHERE "id" = ?`, [id]);
      if (!message) continue;
      await tx.query(`DELETE FROM "QueueMessage" WHERE "id" = ?`, [id]);
      hashes.add(message.blobHash);
    }
    if (!hashes.size) return [];
    const list = [...hashes];
    const inUse = new Set(
      [
        ...(await tx.query<{ blobHash: string }>(`SELECT DISTINCT "blobHash" FROM "QueueMessage" WHERE "blobHash" IN (${placeholders(list.length)})`, list)),
        ...(await tx.query<{ blobHash: string }>(`SELECT "blobHash" FROM "MessageContent" WHERE "blobHash" IN (${placeholders(list.length)})`, list)),
      ].map((row) => row.blobHash),
    );
    const files: string[] = [];
    for (const hash of list) {
      if (inUse.has(hash)) continue;
      const deleted = await tx.query(`DELETE FROM "Blob" WHERE "hash" = ? RETURNING "hash"`, [hash]);
      if (!deleted.length) files.push(hash);
    }
    return files;
  }

  /** Deletes the message; returns the hash of a blob file nobody uses any more, or "". */
  private async removeMessage(tx: SqlRunner, queueMessageId: number): Promise<string> {
    const [message] = await tx.query<{ blobHash: string }>(`SELECT "blobHash" FROM "QueueMessage" WHERE "id" = ?`, [queueMessageId]);
    if (!message) return "";
    await tx.query(`DELETE FROM "QueueMessage" WHERE "id" = ?`, [queueMessageId]);
    const [others] = await tx.query(`SELECT 1 FROM "QueueMessage" WHERE "blobHash" = ? LIMIT 1`, [message.blobHash]);
    const [stored] = await tx.query(`SELECT 1 FROM "MessageContent" WHERE "blobHash" = ? LIMIT 1`, [message.blobHash]);
    if (others || stored) return "";
    const deleted = await tx.query(`DELETE FROM "Blob" WHERE "hash" = ? RETURNING "hash"`, [message.blobHash]);
    return deleted.length ? "" : message.blobHash;
  }

  /** Every message still queued with its recipients, oldest first (mailctl queue list). */
  async list(): Promise<{ message: QueuedMessage; recipients: QueuedRecipient[] }[]> {
    const messages = (await this.sql.query<MessageRow>(`SELECT * FROM "QueueMessage" ORDER BY "id"`)).map(toMessage);
    const recipients = (await this.sql.query<RecipientRow>(`SELECT * FROM "QueueRecipient" ORDER BY "id"`)).map(toRecipient);
    return messages.map((message) => ({ message, recipients: recipients.filter((r) => r.queueMessageId === message.id) }));
  }

  /** Makes waiting recipients due now: of one message, or all. Returns how many. */
  async retryNow(queueMessageId: number | null, now = new Date()): Promise<number> {
    return this.sql.transaction(async (tx) => {
      const where = queueMessageId === null ? "" : ` AND "queueMessageId" = ?`;
      const params = queueMessageId === null ? [] : [queueMessageId];
      const [count] = await tx.query<{ n: number | string }>(`SELECT COUNT(*) AS "n" FROM "QueueRecipient" WHERE "state" = 'queued'${where}`, params);
      await tx.query(`UPDATE "QueueRecipient" SET "nextAttemptAt" = ? WHERE "state" = 'queued'${where}`, [now, ...params]);
      return Number(count.n);
    });
  }
}
