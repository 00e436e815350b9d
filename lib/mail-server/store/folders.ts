// Mailbox management as IMAP needs it (LIST, CREATE, DELETE, RENAME, SUBSCRIBE): names use
// "/" as the hierarchy delimiter and are stored in UTF-8; INBOX is case-insensitive and can
// be neither deleted nor really renamed (RFC 3501 §6.3.5: its messages move instead).
import { StoreError } from "./errors";
import type { StoreEvents } from "./events";
import type { MessageOps } from "./message-ops";
import type { SqlRunner } from "./sql";

export const DELIMITER = "/";
const MAX_NAME_LENGTH = 1000;
const MAX_DEPTH = 32;

/**
 * Special uses (RFC 6154) a stored mailbox can carry. \All and \Flagged name virtual views
 * of other mailboxes' messages, which the store doesn't keep, so no mailbox may claim them.
 * Several mailboxes may share a use: RFC 6154 allows it, and every account starts with all
 * five, so refusing would make CREATE … (USE …) fail everywhere.
 */
export const ASSIGNABLE_SPECIAL_USES: readonly string[] = ["\\Archive", "\\Drafts", "\\Junk", "\\Sent", "\\Trash"];

export interface MailboxInfo {
  id: number;
  name: string;
  specialUse: string;
  subscribed: boolean;
  uidValidity: number;
  uidNext: number;
  recentUid: number;
  highestModSeq: bigint;
  messageCount: number;
  unseenCount: number;
  totalBytes: number;
}

interface MailboxRow {
  id: number;
  name: string;
  specialUse: string;
  subscribed: number | boolean;
  uidValidity: number;
  uidNext: number;
  recentUid: number;
  highestModSeq: number | string;
  messageCount: number;
  unseenCount: number;
  totalBytes: number | string;
}

const COLUMNS = `"id", "name", "specialUse", "subscribed", "uidValidity", "uidNext", "recentUid", "highestModSeq", "messageCount", "unseenCount", "totalBytes"`;

function toInfo(row: MailboxRow): MailboxInfo {
  return {
    id: row.id,
    name: row.name,
    specialUse: row.specialUse,
    subscribed: Boolean(row.subscribed),
    uidValidity: row.uidValidity,
    uidNext: row.uidNext,
    recentUid: row.recentUid,
    highestModSeq: BigInt(row.highestModSeq),
    messageCount: row.messageCount,
    unseenCount: row.unseenCount,
    totalBytes: Number(row.totalBytes),
  };
}

/** UIDVALIDITY must change whenever a name is re-created: creation time and row id only grow. */
export function uidValidityFor(createdAt: Date, id: number): number {
  return (Math.floor(createdAt.getTime() / 1000) + id) % 0x7fffffff || 1;
}

/** "inbox" → "INBOX"; "INBOX/Sub" keeps its case; checks what a name may contain. */
export function normalizeMailboxName(name: string): string {
  const normalized = /^inbox$/i.test(name) ? "INBOX" : /^inbox\//i.test(name) ? `INBOX${name.slice(5)}` : name;
  if (
    !normalized ||
    normalized.length > MAX_NAME_LENGTH ||
    /[\x00-\x1f\x7f*%]/.test(normalized) ||
    normalized.startsWith(DELIMITER) ||
    normalized.endsWith(DELIMITER) ||
    normalized.includes(DELIMITER + DELIMITER) ||
    normalized.split(DELIMITER).length > MAX_DEPTH
  ) {
    throw new StoreError("invalid", `"${name}" is not a valid mailbox name`);
  }
  return normalized;
}

export class Folders {
  constructor(
    private readonly sql: SqlRunner,
    private readonly messages: MessageOps,
    private readonly events: StoreEvents,
  ) {}

  async list(accountId: number): Promise<MailboxInfo[]> {
    const rows = await this.sql.query<MailboxRow>(`SELECT ${COLUMNS} FROM "Mailbox" WHERE "accountId" = ? ORDER BY "name"`, [accountId]);
    return rows.map(toInfo);
  }

  async get(accountId: number, name: string): Promise<MailboxInfo | null> {
    let normalized: string;
    try {
      normalized = normalizeMailboxName(name);
    } catch {
      return null;
    }
    const [row] = await this.sql.query<MailboxRow>(`SELECT ${COLUMNS} FROM "Mailbox" WHERE "accountId" = ? AND "name" = ?`, [accountId, normalized]);
    return row ? toInfo(row) : null;
  }

  async getById(mailboxId: number): Promise<MailboxInfo | null> {
    const [row] = await this.sql.query<MailboxRow>(`SELECT ${COLUMNS} FROM "Mailbox" WHERE "id" = ?`, [mailboxId]);
    return row ? toInfo(row) : null;
  }

  /** Creates the mailbox and any missing parents (RFC 3501 §6.3.3); only the mailbox itself gets specialUse. */
  async create(accountId: number, name: string, specialUse = ""): Promise<MailboxInfo> {
    const normalized = normalizeMailboxName(name);
    if (specialUse && !ASSIGNABLE_SPECIAL_USES.includes(specialUse)) throw new StoreError("invalid", `${specialUse} is not a special use a mailbox can have`);
    const created = await this.sql.transaction(async (tx) => {
      const [existing] = await tx.query<{ id: number }>(`SELECT "id" FROM "Mailbox" WHERE "accountId" = ? AND "name" = ?`, [accountId, normalized]);
      if (existing) throw new StoreError("exists", `mailbox ${normalized} already exists`);
      const parts = normalized.split(DELIMITER);
      let id = 0;
      for (let i = 1; i <= parts.length; i++) {
        const path = parts.slice(0, i).join(DELIMITER);
        const [row] = await tx.query<{ id: number }>(`SELECT "id" FROM "Mailbox" WHERE "accountId" = ? AND "name" = ?`, [accountId, path]);
        if (row) continue;
        const now = new Date();
        const [inserted] = await tx.query<{ id: number }>(
          `INSERT INTO "Mailbox" ("accountId", "name", "specialUse", "subscribed", "uidValidity", "uidNext", "highestModSeq", "messageCount", "unseenCount", "totalBytes", "createdAt")
           VALUES (?, ?, ?, ?, 0, 1, 1, 0, 0, 0, ?) RETURNING "id"`,
          [accountId, path, i === parts.length ? specialUse : "", true, now],
        );
        await tx.query(`UPDATE "Mailbox" SET "uidValidity" = ? WHERE "id" = ?`, [uidValidityFor(now, inserted.id), inserted.id]);
        id = inserted.id;
      }
      return id;
    });
    this.events.emit("change", { kind: "mailboxes", accountId });
    return (await this.getById(created))!;
  }

  /** Deletes a mailbox and its messages. INBOX can't be deleted, nor a mailbox with children. */
  async delete(accountId: number, name: string): Promise<void> {
    const mailbox = await this.get(accountId, name);
    if (!mailbox) throw new StoreError("not-found", `no mailbox ${name}`);
    if (mailbox.name === "INBOX") throw new StoreError("forbidden", "INBOX can't be deleted");
    const [child] = await this.sql.query<{ id: number }>(`SELECT "id" FROM "Mailbox" WHERE "accountId" = ? AND "name" LIKE ? ESCAPE '\\' LIMIT 1`, [
      accountId,
      `${escapeLike(mailbox.name)}${DELIMITER}%`,
    ]);
    if (child) throw new StoreError("forbidden", `${mailbox.name} has mailboxes inside it: delete them first`);
    await this.messages.removeAll(mailbox.id, async (tx) => {
      await tx.query(`DELETE FROM "Mailbox" WHERE "id" = ?`, [mailbox.id]);
    });
    this.events.emit("change", { kind: "mailboxes", accountId });
  }

  /**
   * Renames a mailbox with everything below it, keeping UIDVALIDITY. Renaming INBOX moves its
   * messages to a new mailbox and leaves INBOX empty (RFC 3501 §6.3.5).
   */
  async rename(accountId: number, from: string, to: string): Promise<void> {
    const source = await this.get(accountId, from);
    if (!source) throw new StoreError("not-found", `no mailbox ${from}`);
    const target = normalizeMailboxName(to);
    if (await this.get(accountId, target)) throw new StoreError("exists", `mailbox ${target} already exists`);
    if (target === source.name || target.startsWith(source.name + DELIMITER)) throw new StoreError("invalid", "a mailbox can't be moved into itself");
    if (source.name === "INBOX") {
      const created = await this.create(accountId, target);
      await this.messages.moveAll(source.id, created.id);
      return;
    }
    // Parents of the new name must exist, as CREATE would make them.
    const parent = target.split(DELIMITER).slice(0, -1).join(DELIMITER);
    if (parent && !(await this.get(accountId, parent))) await this.create(accountId, parent);
    await this.sql.transaction(async (tx) => {
      const children = await tx.query<{ id: number; name: string }>(
        `SELECT "id", "name" FROM "Mailbox" WHERE "accountId" = ? AND ("id" = ? OR "name" LIKE ? ESCAPE '\\')`,
        [accountId, source.id, `${escapeLike(source.name)}${DELIMITER}%`],
      );
      for (const child of children) {
        await tx.query(`UPDATE "Mailbox" SET "name" = ? WHERE "id" = ?`, [target + child.name.slice(source.name.length), child.id]);
      }
    });
    this.events.emit("change", { kind: "mailboxes", accountId });
  }

  /**
   * Claims the \Recent messages up to throughUid (RFC 3501 §2.3.2): UIDs from the returned
   * one to throughUid are recent for the caller, and for no later session. Messages after
   * throughUid stay for whoever learns of them first.
   */
  async claimRecent(mailboxId: number, throughUid: number): Promise<number> {
    return this.sql.transaction(async (tx) => {
      // FOR UPDATE: two sessions selecting at once must not both take the same messages.
      const lock = tx.dialect === "postgresql" ? " FOR UPDATE" : "";
      const [row] = await tx.query<{ recentUid: number }>(`SELECT "recentUid" FROM "Mailbox" WHERE "id" = ?${lock}`, [mailboxId]);
      if (!row) throw new StoreError("not-found", "no such mailbox");
      if (row.recentUid <= throughUid) await tx.query(`UPDATE "Mailbox" SET "recentUid" = ? WHERE "id" = ?`, [throughUid + 1, mailboxId]);
      return row.recentUid;
    });
  }

  /** How many messages no session has seen as \Recent yet (STATUS RECENT). */
  async recentCount(mailboxId: number): Promise<number> {
    const [row] = await this.sql.query<{ n: number | string }>(
      `SELECT COUNT(*) AS "n" FROM "MailboxMessage" m JOIN "Mailbox" b ON b."id" = m."mailboxId" WHERE m."mailboxId" = ? AND m."uid" >= b."recentUid"`,
      [mailboxId],
    );
    return Number(row?.n ?? 0);
  }

  /** Messages flagged \\Deleted and their bytes: what EXPUNGE would give back (RFC 9208 §4.2 STATUS DELETED, DELETED-STORAGE). */
  async deletedUsage(mailboxId: number): Promise<{ messages: number; bytes: number }> {
    const [row] = await this.sql.query<{ n: number | string; bytes: number | string | null }>(
      `SELECT COUNT(*) AS "n", SUM(c."size") AS "bytes" FROM "MailboxMessage" m JOIN "MessageContent" c ON c."id" = m."contentId" WHERE m."mailboxId" = ? AND m."deleted" = ?`,
      [mailboxId, true],
    );
    return { messages: Number(row?.n ?? 0), bytes: Number(row?.bytes ?? 0) };
  }

  async setSubscribed(accountId: number, name: string, subscribed: boolean): Promise<void> {
    const mailbox = await this.get(accountId, name);
    if (!mailbox) throw new StoreError("not-found", `no mailbox ${name}`);
    await this.sql.transaction((tx) => tx.query(`UPDATE "Mailbox" SET "subscribed" = ? WHERE "id" = ?`, [subscribed, mailbox.id]));
  }
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
