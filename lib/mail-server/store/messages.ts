// Putting messages into mailboxes. Deliveries are group-committed: whatever arrives while
// one transaction commits goes into the next, so many SMTP sessions share each fsync while
// every one of them still gets its answer only after its message is durable.
import type { Database, Prisma } from "@/lib/db";
import type { MessageAnalysis, MimePart } from "@/lib/mime/analyze";
import type { BlobStore } from "./blobs";
import { StoreError } from "./errors";
import type { StoreEvents } from "./events";

type Tx = Parameters<Parameters<Prisma["$transaction"]>[0]>[0];

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
  blobs: { hash: string; dir: string }[];
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

export class MessageWriter {
  private queue: Job[] = [];
  private committing = false;

  constructor(
    private readonly db: Database,
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
      await this.blobs.syncDirs(batch.flatMap((job) => job.blobs.map((b) => b.dir)));
    } catch (error) {
      batch.forEach((job) => job.reject(error));
      return;
    }
    try {
      const results = await this.db.prisma.$transaction(async (tx) => {
        const all: AppendResult[][] = [];
        for (const job of batch) all.push(await this.insertJob(tx, job));
        return all;
      });
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

  private async insertJob(tx: Tx, job: Job): Promise<AppendResult[]> {
    const results: AppendResult[] = [];
    for (const [i, request] of job.requests.entries()) results.push(await this.insertOne(tx, request, job.blobs[i].hash));
    return results;
  }

  private async insertOne(tx: Tx, request: AppendRequest, blobHash: string): Promise<AppendResult> {
    const a = request.analysis;
    let content = await tx.messageContent.findUnique({ where: { blobHash }, select: { id: true } });
    if (!content) {
      content = await tx.messageContent.create({
        select: { id: true },
        data: {
          blobHash,
          size: a.size,
          headerSize: a.headerSize,
          lines: a.lines,
          messageId: clean(a.messageId, 998),
          subject: clean(a.subject, 998),
          fromAddress: clean(a.from.address, 320),
          fromName: clean(a.from.name, 320),
          toAddresses: clean(a.to),
          ccAddresses: clean(a.cc),
          sentAt: a.sentAt,
          inReplyTo: clean(a.inReplyTo, 998),
          references: clean(a.references),
          hasAttachment: a.hasAttachment,
          preview: clean(a.preview),
          envelope: clean(JSON.stringify(a.envelope), 1_000_000),
          bodyStructure: clean(JSON.stringify(a.structure), 10_000_000),
        },
      });
      await this.index(tx, content.id, a);
    }
    const mailboxId = request.mailboxId ?? (await this.inboxId(tx, request.accountId));
    const seen = request.flags?.seen ?? false;
    const mailbox = await tx.mailbox.update({
      where: { id: mailboxId },
      data: {
        uidNext: { increment: 1 },
        highestModSeq: { increment: 1 },
        messageCount: { increment: 1 },
        unseenCount: { increment: seen ? 0 : 1 },
        totalBytes: { increment: a.size },
      },
      select: { uidNext: true, uidValidity: true, highestModSeq: true, accountId: true },
    });
    if (mailbox.accountId !== request.accountId) throw new StoreError("forbidden", "mailbox belongs to another account");
    const uid = mailbox.uidNext - 1;
    await tx.mailboxMessage.create({
      data: {
        mailboxId,
        uid,
        modSeq: mailbox.highestModSeq,
        contentId: content.id,
        internalDate: request.internalDate ?? new Date(),
        seen,
        answered: request.flags?.answered ?? false,
        flagged: request.flags?.flagged ?? false,
        deleted: request.flags?.deleted ?? false,
        draft: request.flags?.draft ?? false,
        keywords: (request.keywords ?? []).join(" "),
        envelopeInfo: request.envelopeInfo ? clean(JSON.stringify(request.envelopeInfo), 100_000) : "",
      },
    });
    await tx.account.update({ where: { id: request.accountId }, data: { usedBytes: { increment: a.size } } });
    return { accountId: request.accountId, mailboxId, uid, uidValidity: mailbox.uidValidity, modSeq: mailbox.highestModSeq };
  }

  private async inboxId(tx: Tx, accountId: number): Promise<number> {
    const inbox = await tx.mailbox.findUnique({ where: { accountId_name: { accountId, name: "INBOX" } }, select: { id: true } });
    if (!inbox) throw new StoreError("not-found", `account ${accountId} has no INBOX`);
    return inbox.id;
  }

  private async index(tx: Tx, contentId: number, a: MessageAnalysis) {
    const subject = clean(a.subject);
    const addresses = clean(a.addresses);
    const body = clean(a.text, 1_000_000);
    if (this.db.provider === "sqlite") {
      await tx.$executeRaw`INSERT INTO "message_search" ("rowid", "subject", "addresses", "body") VALUES (${contentId}, ${subject}, ${addresses}, ${body})`;
    } else {
      await tx.$executeRaw`INSERT INTO "message_search" ("contentId", "subject", "addresses", "body") VALUES (${contentId}, ${subject}, ${addresses}, ${body})`;
    }
  }
}
