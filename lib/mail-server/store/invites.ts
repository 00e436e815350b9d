// Sign-up invitations. The link carries a random token; the database keeps only its SHA-256, so a copy of
// the database lets nobody sign up. An invite works once: using it is one conditional UPDATE (still unused,
// not revoked, not expired), so of two sign-ups racing with the same link exactly one wins.
import { createHash, randomBytes } from "node:crypto";
import type { Database } from "@/lib/db";
import { StoreError } from "./errors";
import type { SqlRunner } from "./sql";

export const DEFAULT_INVITE_DAYS = 7;
export const MAX_INVITE_DAYS = 365;
const MAX_NOTE_LENGTH = 200;
/** Tokens are 32 base64url characters; anything else is not one of ours and needs no database look-up. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{32}$/;

export type InviteState = "valid" | "used" | "expired" | "revoked" | "unknown";

export interface InviteView {
  id: number;
  note: string;
  createdBy: string;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
  usedBy: string;
  revokedAt: Date | null;
  state: Exclude<InviteState, "unknown">;
}

function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

function stateOf(invite: { usedAt: Date | null; revokedAt: Date | null; expiresAt: Date }, now: Date): Exclude<InviteState, "unknown"> {
  if (invite.usedAt) return "used";
  if (invite.revokedAt) return "revoked";
  if (invite.expiresAt <= now) return "expired";
  return "valid";
}

export class Invites {
  constructor(
    private readonly database: Database,
    private readonly sql: SqlRunner,
  ) {}

  /** A new invite; the token is returned this once and never again. */
  async create(input: { createdBy: string; note?: string; days?: number; now?: Date }): Promise<{ token: string; invite: InviteView }> {
    const days = input.days ?? DEFAULT_INVITE_DAYS;
    if (!Number.isFinite(days) || days <= 0 || days > MAX_INVITE_DAYS) {
      throw new StoreError("invalid", `an invite lasts between 1 hour and ${MAX_INVITE_DAYS} days`);
    }
    const note = (input.note ?? "").replace(/[\u0000-\u001f\u007f]/g, " ").trim();
    if (note.length > MAX_NOTE_LENGTH) throw new StoreError("invalid", `the note is longer than ${MAX_NOTE_LENGTH} characters`);
    const token = randomBytes(24).toString("base64url");
    const now = input.now ?? new Date();
    const expiresAt = new Date(now.getTime() + Math.max(days * 86_400_000, 3_600_000));
    const row = await this.sql.exclusive(async () =>
      (await this.database.prisma()).invite.create({ data: { tokenHash: hashToken(token), createdBy: input.createdBy, note, createdAt: now, expiresAt } }),
    );
    return { token, invite: { ...row, state: stateOf(row, now) } };
  }

  async list(now = new Date()): Promise<InviteView[]> {
    const rows = await (await this.database.prisma()).invite.findMany({ orderBy: { id: "desc" }, take: 500 });
    return rows.map((row) => ({ ...row, state: stateOf(row, now) }));
  }

  /** What a token is worth now, without using it (the sign-up page says so before the form is filled). */
  async check(token: string, now = new Date()): Promise<InviteState> {
    if (!TOKEN_PATTERN.test(token)) return "unknown";
    const row = await (await this.database.prisma()).invite.findUnique({ where: { tokenHash: hashToken(token) } });
    return row ? stateOf(row, now) : "unknown";
  }

  /**
   * Marks the invite used by `address`, or says why it can't be. The WHERE of the UPDATE is the check,
   * so the decision and the write are one statement.
   */
  async use(token: string, address: string, now = new Date()): Promise<{ ok: true; id: number } | { ok: false; state: Exclude<InviteState, "valid"> }> {
    if (!TOKEN_PATTERN.test(token)) return { ok: false, state: "unknown" };
    const tokenHash = hashToken(token);
    const prisma = await this.database.prisma();
    const { count } = await this.sql.exclusive(() =>
      prisma.invite.updateMany({ where: { tokenHash, usedAt: null, revokedAt: null, expiresAt: { gt: now } }, data: { usedAt: now, usedBy: address } }),
    );
    const row = await prisma.invite.findUnique({ where: { tokenHash } });
    if (count === 1 && row) return { ok: true, id: row.id };
    if (!row) return { ok: false, state: "unknown" };
    const state = stateOf(row, now);
    return { ok: false, state: state === "valid" ? "used" : state };
  }

  /** Gives a used invite back when the account it was used for could not be created after all. */
  async release(id: number, address: string): Promise<void> {
    await this.sql.exclusive(async () => (await this.database.prisma()).invite.updateMany({ where: { id, usedBy: address }, data: { usedAt: null, usedBy: "" } }));
  }

  async revoke(id: number, now = new Date()): Promise<void> {
    const prisma = await this.database.prisma();
    const row = await prisma.invite.findUnique({ where: { id } });
    if (!row) throw new StoreError("not-found", `no invite ${id}`);
    if (row.usedAt) throw new StoreError("forbidden", `invite ${id} was already used by ${row.usedBy}`);
    if (row.revokedAt) return;
    await this.sql.exclusive(() => prisma.invite.updateMany({ where: { id, usedAt: null, revokedAt: null }, data: { revokedAt: now } }));
  }
}
