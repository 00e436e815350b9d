// The mail server's store: the only state SMTP, IMAP and POP3 share. Everything that reads
// or changes accounts, mailboxes and messages goes through here.
import type { Config } from "@/lib/config";
import { openDatabase, type Database } from "@/lib/db";
import { applyMigrations } from "@/lib/migrate";
import { Accounts } from "./accounts";
import { BlobStore } from "./blobs";
import { StoreEvents } from "./events";
import { MessageWriter } from "./messages";
import { MessageOps } from "./message-ops";
import { Folders } from "./folders";
import { DomainKeys } from "./domain-keys";
import { searchContent, type SearchField } from "./search";
import { openSqlRunner, placeholders, type SqlRunner } from "./sql";
import { StateCache } from "./state-cache";
import { Traffic } from "./traffic";

export { StoreError } from "./errors";
export type { AppendRequest, AppendResult } from "./messages";
export type { Recipient, AccountSummary } from "./accounts";
export type { MailboxChange, AccountChange } from "./events";
export type { MessageState } from "./message-ops";
export type { MailboxInfo } from "./folders";
export type { HourCount } from "./traffic";
export type { MailboxStates } from "./state-cache";
export { shiftStructure } from "./messages";

export class MailStore {
  readonly accounts: Accounts;
  readonly blobs: BlobStore;
  readonly events = new StoreEvents();
  /** Flags, expunge, copy, move of stored messages. */
  readonly messages: MessageOps;
  /** Mailbox management: list, create, delete, rename, subscribe. */
  readonly folders: Folders;
  /** DKIM keys of the local domains and the DNS records to publish. */
  readonly domainKeys: DomainKeys;
  /** Flags, MODSEQ, date and size of the messages of mailboxes in use, in memory (what FETCH reads). */
  readonly states: StateCache;
  /** Messages in and out per hour (the status page's chart). */
  readonly traffic: Traffic;
  private readonly writer: MessageWriter;

  private constructor(
    readonly db: Database,
    /** Prepared SQL for the hot paths (delivery, recipient lookup); Prisma for the rest. */
    readonly sql: SqlRunner,
    readonly config: Config,
  ) {
    this.accounts = new Accounts(db, sql, config, this.events);
    this.blobs = new BlobStore(config.dataDir);
    this.writer = new MessageWriter(sql, this.blobs, this.events);
    this.messages = new MessageOps(sql, this.blobs, this.events);
    this.folders = new Folders(sql, this.messages, this.events);
    this.domainKeys = new DomainKeys(sql);
    this.states = new StateCache(sql);
    this.traffic = new Traffic(sql);
  }

  /** Migrates the database, connects, and makes sure the configured domains exist. */
  static async open(config: Config): Promise<MailStore> {
    await applyMigrations(config);
    const store = new MailStore(openDatabase(config), openSqlRunner(config), config);
    await store.accounts.ensureDomains(config.domains);
    return store;
  }

  append: MessageWriter["append"] = (requests) => this.writer.append(requests);

  search(text: string, field: SearchField = "all", mailboxId?: number) {
    return searchContent(this.sql, text, field, mailboxId);
  }

  /** The messages of a mailbox in UID order, with their content metadata. */
  async listMessages(mailboxId: number) {
    return (await this.db.prisma()).mailboxMessage.findMany({ where: { mailboxId }, orderBy: { uid: "asc" }, include: { content: true } });
  }

  async mailboxes(accountId: number) {
    return (await this.db.prisma()).mailbox.findMany({ where: { accountId }, orderBy: { name: "asc" } });
  }

  /** A message's bytes, from the database or, for a large one, its file. */
  async readMessage(blobHash: string): Promise<Buffer> {
    const [row] = await this.sql.query<{ data: Buffer | Uint8Array }>(`SELECT "data" FROM "Blob" WHERE "hash" = ?`, [blobHash]);
    if (row) return Buffer.isBuffer(row.data) ? row.data : Buffer.from(row.data);
    return this.blobs.readFile(blobHash);
  }

  /**
   * Several messages' bytes by content id: those stored in the database in one query, the
   * large ones from their files. Missing ids are left out.
   */
  async readContents(contentIds: number[]): Promise<Map<number, Buffer>> {
    const out = new Map<number, Buffer>();
    if (!contentIds.length) return out;
    const rows = await this.sql.query<{ id: number; blobHash: string; data: Buffer | Uint8Array | null }>(
      `SELECT c."id", c."blobHash", b."data" FROM "MessageContent" c LEFT JOIN "Blob" b ON b."hash" = c."blobHash" WHERE c."id" IN (${placeholders(contentIds.length)})`,
      contentIds,
    );
    for (const row of rows) {
      out.set(row.id, row.data ? (Buffer.isBuffer(row.data) ? row.data : Buffer.from(row.data)) : await this.blobs.readFile(row.blobHash));
    }
    return out;
  }

  async close(): Promise<void> {
    await this.traffic.flush();
    await this.sql.close();
    await this.db.close();
  }
}
