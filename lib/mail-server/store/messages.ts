// Putting messages into mailboxes. Deliveries are group-committed: whatever arrives while
// one transaction commits goes into the next, so many SMTP sessions share each fsync while
// every one of them still gets its answer only after its message is durable.
import type { MessageAnalysis, MimePart } from "@/lib/mime/analyze";
import type { BlobStore, StoredBlob } from "./blobs";
import { StoreError } from "./errors";
import type { StoreEvents } from "./events";
import type { SqlRunner } from "./sql";

export interface AppendRequest {
  accountId: number;
  /** Defaults to the account's INBOX. */
  mailboxId?: number;
  raw: Buffer;
  analysis: MessageAnalysis;
  internalDate?: Date;
  flags?: { seen?: boolean; answered?: boolean; flagged?: boolean; deleted?: boolean; draft?: boolean };
  keywords?: string[];
  /** SMTP envelope and DSN parameters, kept with the message. */
  envelopeInfo?: object;
}

export interface AppendResult {
  accountId: number;
  mailboxId: number;
  uid: number;
  uidValidity: number;
  modSeq: bigint;
}

interface Job {
  requests: AppendRequest[];
  blobs: StoredBlob[];
  resolve: (results: AppendResult[]) => void;
  reject: (error: unknown) => void;
}

const MAX_BATCH = 200;

/** PostgreSQL refuses NUL in text; hostile mail carries them. */
function clean(text: string, max = 10_000): string {
  return text.replace(/\u0000/g, "").slice(0, max);
}

/** Moves every offset of a part tree by n bytes (headers prepended at delivery). */
export function shiftStructure(part: MimePart, by: number, isRoot = true): MimePart {
  return {
    ...part,
    headerStart: isRoot ? part.headerStart : part.headerStart + by,
    bodyStart: part.bodyStart + by,
    bodyEnd: part.bodyEnd + by,
    children: part.children.map((child) => shiftStructure(child, by, false)),
  };
}

function groupBy<T, K>(items: T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

export class MessageWriter {
  private queue: Job[] = [];
  private committing = false;

  constructor(
    private readonly sql: SqlRunner,
    private readonly blobs: BlobStore,
    private readonly events: StoreEvents,
  ) {}

  /**
   * Stores every request or none (one SMTP transaction to several local recipients), and
   * resolves once they are durable and visible.
   */
  async append(requests: AppendRequest[]): Promise<AppendResult[]> {
    const blobs = await Promise.all(requests.map((r) => this.blobs.put(r.raw)));
    return new Promise((resolve, reject) => {
      this.queue.push({ requests, blobs, resolve, reject });
      if (!this.committing) void this.commitLoop();
    });
  }

  private async commitLoop() {
    this.committing = true;
    try {
      while (this.queue.length) {
        const batch: Job[] = [];
        let size = 0;
        while (this.queue.length && size < MAX_BATCH) {
          const job = this.queue.shift()!;
          batch.push(job);
          size += job.requests.length;
        }
        await this.commitBatch(batch);
      }
    } finally {
      this.committing = false;
    }
  }

  private async commitBatch(batch: Job[]) {
    try {
      await this.blobs.syncDirs(batch.flatMap((job) => job.blobs.flatMap((b) => (b.dir ? [b.dir] : []))));
    } catch (error) {
      batch.forEach((job) => job.reject(error));
      return;
    }
    try {
      const results = await this.sql.transaction((tx) => this.insertBatch(tx, batch));
      batch.forEach((job, i) => job.resolve(results[i]));
      results.flat().forEach((r) => this.announce(r));
    } catch (error) {
      if (batch.length === 1) return batch[0].reject(error);
      // One bad job must not fail the others: commit them one by one.
      for (const job of batch) await this.commitBatch([job]);
    }
  }

  private announce(result: AppendResult) {
    this.events.emit("change", { kind: "append", accountId: result.accountId, mailboxId: result.mailboxId, uids: [result.uid], modSeq: result.modSeq });
  }

  /**
   * Inserts a batch with as few statements as it can: UIDs and MODSEQs are allocated with
   * one UPDATE per mailbox, quota with one per account; each message adds its rows.
   */
  private async insertBatch(tx: SqlRunner, batch: Job[]): Promise<AppendResult[][]> {
    const now = new Date();
    const items = batch.flatMap((job, jobIndex) => job.requests.map((request, i) => ({ jobIndex, request, blob: job.blobs[i], mailboxId: 0, uid: 0, modSeq: 0n, uidValidity: 0 })));
    const inboxes = new Map<number, number>();
    for (const item of items) {
      const { accountId, mailboxId } = item.request;
      if (mailboxId !== undefined) item.mailboxId = mailboxId;
      else {
        if (!inboxes.has(accountId)) inboxes.set(accountId, await this.inboxId(tx, accountId));
        item.mailboxId = inboxes.get(accountId)!;
      }
    }

    for (const [mailboxId, group] of groupBy(items, (item) => item.mailboxId)) {
      const unseen = group.filter((item) => !item.request.flags?.seen).length;
      const bytes = group.reduce((sum, item) => sum + item.request.analysis.size, 0);
      const [mailbox] = await tx.query<{ uidNext: number; uidValidity: number; highestModSeq: number | string; accountId: number }>(
        `UPDATE "Mailbox" SET "uidNext" = "uidNext" + ?, "highestModSeq" = "highestModSeq" + ?, "messageCount" = "messageCount" + ?,
           "unseenCount" = "unseenCount" + ?, "totalBytes" = "totalBytes" + ?
         WHERE "id" = ? RETURNING "uidNext", "uidValidity", "highestModSeq", "accountId"`,
        [group.length, group.length, group.length, unseen, bytes, mailboxId],
      );
      if (!mailbox || group.some((item) => item.request.accountId !== mailbox.accountId)) {
        throw new StoreError("forbidden", "no such mailbox for this account");
      }
      const firstModSeq = BigInt(mailbox.highestModSeq) - BigInt(group.length) + 1n;
      group.forEach((item, i) => {
        item.uid = mailbox.uidNext - group.length + i;
        item.modSeq = firstModSeq + BigInt(i);
        item.uidValidity = mailbox.uidValidity;
      });
    }

    for (const item of items) {
      const { request } = item;
      const contentId = await this.contentId(tx, request.analysis, item.blob, now);
      await tx.query(
        `INSERT INTO "MailboxMessage" ("mailboxId", "uid", "modSeq", "contentId", "internalDate", "seen", "answered", "flagged", "deleted", "draft",
           "keywords", "envelopeInfo") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          item.mailboxId, item.uid, item.modSeq, contentId, request.internalDate ?? now, request.flags?.seen ?? false,
          request.flags?.answered ?? false, request.flags?.flagged ?? false, request.flags?.deleted ?? false, request.flags?.draft ?? false,
          (request.keywords ?? []).join(" "), request.envelopeInfo ? clean(JSON.stringify(request.envelopeInfo), 100_000) : "",
        ],
      );
    }

    for (const [accountId, group] of groupBy(items, (item) => item.request.accountId)) {
      const bytes = group.reduce((sum, item) => sum + item.request.analysis.size, 0);
      await tx.query(`UPDATE "Account" SET "usedBytes" = "usedBytes" + ? WHERE "id" = ?`, [bytes, accountId]);
    }

    return batch.map((_, jobIndex) =>
      items
        .filter((item) => item.jobIndex === jobIndex)
        .map((item) => ({ accountId: item.request.accountId, mailboxId: item.mailboxId, uid: item.uid, uidValidity: item.uidValidity, modSeq: item.modSeq })),
    );
  }

  /** The content row of these bytes, created with its index entry (and inline blob) if new. */
  private async contentId(tx: SqlRunner, a: MessageAnalysis, blob: StoredBlob, now: Date): Promise<number> {
    const [existing] = await tx.query<{ id: number }>(`SELECT "id" FROM "MessageContent" WHERE "blobHash" = ?`, [blob.hash]);
    if (existing) return existing.id;
    const [content] = await tx.query<{ id: number }>(
      `INSERT INTO "MessageContent" ("blobHash", "size", "headerSize", "lines", "messageId", "subject", "fromAddress", "fromName",
         "toAddresses", "ccAddresses", "sentAt", "inReplyTo", "references", "hasAttachment", "preview", "envelope", "bodyStructure", "createdAt")
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING "id"`,
      [
        blob.hash, a.size, a.headerSize, a.lines, clean(a.messageId, 998), clean(a.subject, 998), clean(a.from.address, 320),
        clean(a.from.name, 320), clean(a.to), clean(a.cc), a.sentAt, clean(a.inReplyTo, 998), clean(a.references), a.hasAttachment,
        clean(a.preview), clean(JSON.stringify(a.envelope), 1_000_000), clean(JSON.stringify(a.structure), 10_000_000), now,
      ],
    );
    await this.index(tx, content.id, a);
    if (blob.inline) await tx.query(`INSERT INTO "Blob" ("hash", "data") VALUES (?, ?) ON CONFLICT DO NOTHING`, [blob.hash, blob.inline]);
    return content.id;
  }

  private async inboxId(tx: SqlRunner, accountId: number): Promise<number> {
    const [inbox] = await tx.query<{ id: number }>(`SELECT "id" FROM "Mailbox" WHERE "accountId" = ? AND "name" = 'INBOX'`, [accountId]);
    if (!inbox) throw new StoreError("not-found", `account ${accountId} has no INBOX`);
    return inbox.id;
  }

  private async index(tx: SqlRunner, contentId: number, a: MessageAnalysis) {
    const key = tx.dialect === "sqlite" ? `"rowid"` : `"contentId"`;
    await tx.query(`INSERT INTO "message_search" (${key}, "subject", "addresses", "body") VALUES (?, ?, ?, ?)`, [
      contentId, clean(a.subject), clean(a.addresses), clean(a.text, 1_000_000),
    ]);
  }
}
