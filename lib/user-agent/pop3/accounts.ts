// The external POP3 accounts of webmail users (ExternalPop3Account, FetchedUidl): what the settings
// page edits and the fetcher reads. Both passwords are sealed (lib/web/password-seal's AES-256-GCM)
// under the webmail's key, bound to the owner, so a row copied to another user's cannot be opened:
// - the external account's password, to log in there;
// - the owner's own IMAP password, so that fetching also runs with nobody signed in (the fetcher
//   APPENDs over IMAP as the owner). It is taken from the session whenever the user saves the account
//   or presses "check now"; after a password change the fetch fails with owner-auth until then.
import "server-only";
import type { Prisma } from "@/lib/db";
import type { ExternalPop3Account } from "@/lib/generated/sqlite/client";
import { isLoopbackHost } from "@/lib/user-agent/imap/endpoint";
import { sealPassword, unsealPassword } from "@/lib/web/password-seal";
import { FETCH_ERROR_CODES, TLS_MODES, type FetchErrorCode, type TlsMode } from "./connection";

export type { ExternalPop3Account };

export const RETENTIONS = ["keep", "delete", "days"] as const;
export type Retention = (typeof RETENTIONS)[number];
export const MAX_RETENTION_DAYS = 3650;
/** Per user: each account is one more connection every interval. */
export const MAX_ACCOUNTS_PER_USER = 20;

/** What the user sets; the password is left out of an edit that keeps it. */
export interface AccountSettings {
  host: string;
  port: number;
  tls: TlsMode;
  user: string;
  folder: string;
  retention: Retention;
  /** For retention "days": days after first fetching. */
  retentionDays: number;
}

/** What the page is shown: never a password. */
export interface AccountView extends AccountSettings {
  id: number;
  lastRunAt: string | null;
  lastCount: number;
  lastSkipped: number;
  lastError: FetchErrorCode | "";
  lastErrorDetail: string;
}

export function passwordContext(owner: string): string {
  return `external pop3 account of ${owner.toLowerCase()}`;
}

export function ownerPasswordContext(owner: string): string {
  return `imap password of ${owner.toLowerCase()} for pop3 fetching`;
}

export function unsealAccountPasswords(row: ExternalPop3Account, key: Buffer): { password: string; ownerPassword: string } | null {
  const password = unsealPassword(row.sealedPassword, key, passwordContext(row.owner));
  const ownerPassword = unsealPassword(row.sealedOwnerPassword, key, ownerPasswordContext(row.owner));
  return password === null || ownerPassword === null ? null : { password, ownerPassword };
}

function oneOf<T extends string>(choices: readonly T[], value: unknown): T | null {
  return choices.find((choice) => choice === value) ?? null;
}

/** Text a protocol line can carry: no line breaks or NUL (no command injection). */
function lineText(value: unknown, max: number): string | null {
  return typeof value === "string" && value.length > 0 && value.length <= max && !/[\r\n\0]/.test(value) ? value : null;
}

/** The password from a form: printable text of the kind a POP3 PASS line can carry. */
export function passwordField(value: unknown): string | null {
  return lineText(value, 1000);
}

/** The settings from a form, or the reason they are refused (in English, for the API's 400). */
export function parseSettings(fields: Record<string, unknown>): AccountSettings | string {
  const host = typeof fields.host === "string" ? fields.host.trim().toLowerCase() : "";
  if (!/^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.?)+$|^\[?[0-9a-f:.]+\]?$/.test(host) || host.length > 253) return "Give a host name or address.";
  const port = typeof fields.port === "number" ? fields.port : Number(fields.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return "Give a port from 1 to 65535.";
  const tls = oneOf(TLS_MODES, fields.tls);
  if (!tls) return "Choose implicit TLS, STLS or none.";
  if (tls === "none" && !isLoopbackHost(host)) return "A connection without TLS is allowed only to this machine.";
  const user = lineText(fields.user, 320);
  if (!user) return "Give the user name.";
  const folder = lineText(typeof fields.folder === "string" && fields.folder.trim() ? fields.folder.trim() : "INBOX", 1000);
  if (!folder) return "Give a folder name.";
  const retention = oneOf(RETENTIONS, fields.retention ?? "keep");
  if (!retention) return "Choose keep, delete or days.";
  const retentionDays = retention === "days" ? Number(fields.retentionDays) : 0;
  if (retention === "days" && (!Number.isInteger(retentionDays) || retentionDays < 1 || retentionDays > MAX_RETENTION_DAYS)) {
    return `Give a number of days from 1 to ${MAX_RETENTION_DAYS}.`;
  }
  return { host, port, tls, user, folder, retention, retentionDays };
}

export function viewOf(row: ExternalPop3Account): AccountView {
  return {
    id: row.id,
    host: row.host,
    port: row.port,
    tls: oneOf(TLS_MODES, row.tls) ?? "implicit",
    user: row.user,
    folder: row.folder,
    retention: oneOf(RETENTIONS, row.retention) ?? "keep",
    retentionDays: row.retentionDays,
    lastRunAt: row.lastRunAt?.toISOString() ?? null,
    lastCount: row.lastCount,
    lastSkipped: row.lastSkipped,
    lastError: oneOf(FETCH_ERROR_CODES, row.lastError) ?? "",
    lastErrorDetail: row.lastErrorDetail,
  };
}

/** The owner and key that seal, and the owner's current IMAP password from their session. */
export interface Sealer {
  owner: string;
  ownerPassword: string;
  key: Buffer;
}

function ownerKey(owner: string): string {
  return owner.trim().toLowerCase();
}

export class TooManyAccountsError extends Error {}

export function listAccounts(prisma: Prisma, owner: string): Promise<ExternalPop3Account[]> {
  return prisma.externalPop3Account.findMany({ where: { owner: ownerKey(owner) }, orderBy: { id: "asc" } });
}

export function findAccount(prisma: Prisma, owner: string, id: number): Promise<ExternalPop3Account | null> {
  return prisma.externalPop3Account.findFirst({ where: { id, owner: ownerKey(owner) } });
}

export async function addAccount(prisma: Prisma, sealer: Sealer, settings: AccountSettings, password: string): Promise<ExternalPop3Account> {
  const owner = ownerKey(sealer.owner);
  if ((await prisma.externalPop3Account.count({ where: { owner } })) >= MAX_ACCOUNTS_PER_USER) throw new TooManyAccountsError();
  return prisma.externalPop3Account.create({
    data: {
      owner,
      ...settings,
      sealedPassword: sealPassword(password, sealer.key, passwordContext(owner)),
      sealedOwnerPassword: sealPassword(sealer.ownerPassword, sealer.key, ownerPasswordContext(owner)),
    },
  });
}

/**
 * Changes an account's settings (and its password when given); null when the owner has no such account.
 * Another server or user means other messages: what was fetched from the old one is forgotten.
 */
export async function editAccount(prisma: Prisma, sealer: Sealer, id: number, settings: AccountSettings, password: string | null): Promise<ExternalPop3Account | null> {
  const owner = ownerKey(sealer.owner);
  const existing = await findAccount(prisma, owner, id);
  if (!existing) return null;
  const elsewhere = existing.host !== settings.host || existing.port !== settings.port || existing.user !== settings.user;
  return prisma.$transaction(async (tx) => {
    if (elsewhere) await tx.fetchedUidl.deleteMany({ where: { accountId: id } });
    return tx.externalPop3Account.update({
      where: { id },
      data: {
        ...settings,
        ...(password === null ? {} : { sealedPassword: sealPassword(password, sealer.key, passwordContext(owner)) }),
        sealedOwnerPassword: sealPassword(sealer.ownerPassword, sealer.key, ownerPasswordContext(owner)),
      },
    });
  });
}

/** Takes the owner's current IMAP password from their session (after a password change, say). */
export async function refreshOwnerPassword(prisma: Prisma, sealer: Sealer, id: number): Promise<void> {
  const owner = ownerKey(sealer.owner);
  await prisma.externalPop3Account.updateMany({
    where: { id, owner },
    data: { sealedOwnerPassword: sealPassword(sealer.ownerPassword, sealer.key, ownerPasswordContext(owner)) },
  });
}

export async function deleteAccount(prisma: Prisma, owner: string, id: number): Promise<boolean> {
  const { count } = await prisma.externalPop3Account.deleteMany({ where: { id, owner: ownerKey(owner) } });
  return count > 0;
}
