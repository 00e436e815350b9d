// One fetch of one external POP3 account into its owner's mailbox: UIDL, then for each message not
// fetched before RETR → APPEND over IMAP → record its UIDL, in that order, so a crash between the
// APPEND and the record duplicates one message at most and never loses one. Then the retention:
// DELE what was fetched (delete) or what was first fetched N days ago (days), committed by QUIT.
import "server-only";
import type { Prisma } from "@/lib/db";
import { createImapClient, isAuthenticationFailure } from "@/lib/user-agent/imap/client";
import type { ImapEndpoint } from "@/lib/user-agent/imap/endpoint";
import { unsealAccountPasswords, viewOf, type ExternalPop3Account } from "./accounts";
import { FetchError, Pop3Connection, type FetchErrorCode } from "./connection";

const DAY_MS = 86_400_000;

export interface FetchResult {
  /** Messages appended to the owner's mailbox in this run. */
  fetched: number;
  /** Messages left on the server for being larger than the size limit. */
  skipped: number;
  /** Messages removed from the external server (DELE, then QUIT). */
  deleted: number;
  error: FetchErrorCode | "";
  errorDetail: string;
}

export interface FetchProgress {
  done: number;
  total: number;
}

/** Where fetched messages go: the owner's mailbox. */
export interface MailboxTarget {
  append(folder: string, raw: Buffer): Promise<void>;
  close(): Promise<void>;
}

export type OpenTarget = (owner: string, password: string) => Promise<MailboxTarget>;

export interface FetchOptions {
  /** The key the passwords are sealed with. */
  key: Buffer;
  /** MAX_MESSAGE_SIZE: larger messages stay on the external server. */
  maxMessageSize: number;
  idleTimeoutMs: number;
  /** When the run gives up (epoch ms): what is left is fetched the next time. */
  deadline: number;
  openTarget: OpenTarget;
  onProgress?: (progress: FetchProgress) => void;
  now?: () => Date;
}

function imapFailure(error: unknown): FetchError {
  if (error instanceof FetchError) return error;
  if (isAuthenticationFailure(error)) return new FetchError("owner-auth", "your mail server refused your saved password");
  if (typeof error === "object" && error !== null && "responseStatus" in error && error.responseStatus === "NO") {
    const text = "responseText" in error && typeof error.responseText === "string" ? error.responseText : "refused";
    return new FetchError("append", text);
  }
  return new FetchError("imap", error instanceof Error ? error.message : String(error));
}

/** The owner's mailbox over IMAP, as the webmail reaches it (IMAP_URL or the bundled server). */
export function imapTarget(endpoint: ImapEndpoint): OpenTarget {
  return async (owner, password) => {
    const client = createImapClient(endpoint, { user: owner, pass: password });
    client.on("error", () => undefined);
    try {
      await client.connect();
    } catch (error) {
      client.close();
      throw imapFailure(error);
    }
    return {
      async append(folder, raw) {
        let appended: unknown;
        try {
          appended = await client.append(folder, raw);
        } catch (error) {
          throw imapFailure(error);
        }
        if (!appended) throw new FetchError("imap", "the connection to your mail server was lost");
      },
      async close() {
        await client.logout().catch(() => client.close());
      },
    };
  };
}

function shouldDelete(account: ExternalPop3Account, firstSeenAt: Date, now: Date): boolean {
  if (account.retention === "delete") return true;
  if (account.retention === "days") return now.getTime() - firstSeenAt.getTime() >= account.retentionDays * DAY_MS;
  return false;
}

async function run(prisma: Prisma, account: ExternalPop3Account, options: FetchOptions, result: FetchResult): Promise<void> {
  const passwords = unsealAccountPasswords(account, options.key);
  if (!passwords) throw new FetchError("sealed", "the saved passwords cannot be read (the server secret changed): save the account again");
  const now = options.now ?? (() => new Date());
  const pop3 = await Pop3Connection.open(
    { host: account.host, port: account.port, tls: viewOf(account).tls, user: account.user, password: passwords.password },
    { idleTimeoutMs: options.idleTimeoutMs },
  );
  let target: MailboxTarget | null = null;
  try {
    const messages = await pop3.uidl();
    const known = new Map((await prisma.fetchedUidl.findMany({ where: { accountId: account.id } })).map((row) => [row.uidl, row.firstSeenAt]));
    const fresh = messages.filter((message) => !known.has(message.uidl));
    const sizes = fresh.length ? await pop3.sizes() : new Map<number, number>();
    options.onProgress?.({ done: 0, total: fresh.length });
    for (const [index, message] of fresh.entries()) {
      if (Date.now() > options.deadline) throw new FetchError("timeout", `stopped after ${result.fetched} messages; the rest come next time`);
      // Dot-stuffing may add a little to the LIST size; a message still over the limit is left there.
      const raw = (sizes.get(message.number) ?? 0) > options.maxMessageSize ? null : await pop3.retrieve(message.number, options.maxMessageSize + 1024);
      if (!raw || raw.length > options.maxMessageSize) {
        result.skipped++;
      } else {
        target ??= await options.openTarget(account.owner, passwords.ownerPassword);
        await target.append(account.folder, raw);
        const firstSeenAt = now();
        await prisma.fetchedUidl.create({ data: { accountId: account.id, uidl: message.uidl, firstSeenAt } });
        known.set(message.uidl, firstSeenAt);
        result.fetched++;
      }
      options.onProgress?.({ done: index + 1, total: fresh.length });
    }
    for (const message of messages) {
      const firstSeenAt = known.get(message.uidl);
      if (firstSeenAt && shouldDelete(account, firstSeenAt, now())) {
        await pop3.delete(message.number);
        result.deleted++;
      }
    }
    await pop3.quit();
    // What the server no longer has needs no record (and the table stays as small as the maildrop).
    const present = new Set(messages.map((message) => message.uidl));
    const gone = [...known.keys()].filter((uidl) => !present.has(uidl));
    if (gone.length) await prisma.fetchedUidl.deleteMany({ where: { accountId: account.id, uidl: { in: gone } } });
  } finally {
    // Without QUIT (a failure above) the server deletes nothing: DELE only marks.
    pop3.destroy();
    await target?.close();
  }
}

/** Fetches the account once and records the result on it. Never throws for the servers' failures. */
export async function fetchAccount(prisma: Prisma, account: ExternalPop3Account, options: FetchOptions): Promise<FetchResult> {
  const result: FetchResult = { fetched: 0, skipped: 0, deleted: 0, error: "", errorDetail: "" };
  try {
    await run(prisma, account, options, result);
  } catch (error) {
    const failure = error instanceof FetchError ? error : new FetchError("protocol", error instanceof Error ? error.message : String(error));
    result.error = failure.code;
    result.errorDetail = failure.detail.slice(0, 500);
  }
  await prisma.externalPop3Account.updateMany({
    where: { id: account.id },
    data: { lastRunAt: new Date(), lastCount: result.fetched, lastSkipped: result.skipped, lastError: result.error, lastErrorDetail: result.errorDetail },
  });
  return result;
}
