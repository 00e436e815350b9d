// QUOTA (RFC 9208): GETQUOTAROOT, GETQUOTA, SETQUOTA, and the OVERQUOTA refusals of APPEND
// and COPY. Each account has one quota root, named "", holding every mailbox of the account;
// its only resource is STORAGE, the bytes of all its messages (a message copied into two
// mailboxes counts twice, as the store counts usedBytes). There is no message-count limit, so
// no MESSAGE resource and no QUOTA=RES-MESSAGE.
import { asAString, asList, quoted, untagged, ImapSyntaxError, type ImapCommand } from "../protocol";
import { ImapError, type ImapSession } from "../session";
import { mailboxName, wireName } from "./util";

export const QUOTA_ROOT = "";

/** STORAGE counts units of 1024 octets (RFC 9208 §5.1); usage rounds up so a client never sees room that isn't there. */
export function kibibytesUsed(bytes: bigint | number): bigint {
  const value = BigInt(bytes);
  return value <= 0n ? 0n : (value + 1023n) / 1024n;
}

function kibibytesAllowed(bytes: bigint): bigint {
  return bytes <= 0n ? 0n : bytes / 1024n;
}

async function writeQuota(session: ImapSession) {
  const usage = await session.store.accounts.usage(session.user!.accountId);
  if (!usage) throw new ImapError("NO", "Account is gone", "UNAVAILABLE");
  session.write(untagged("QUOTA", quoted(QUOTA_ROOT), `(STORAGE ${kibibytesUsed(usage.usedBytes)} ${kibibytesAllowed(usage.quotaBytes)})`));
}

/** Refuses, with [OVERQUOTA] (RFC 9208 §4.3), what would take the account past its quota. */
export async function ensureRoom(session: ImapSession, addedBytes: number) {
  const usage = await session.store.accounts.usage(session.user!.accountId);
  if (usage && usage.usedBytes + BigInt(addedBytes) > usage.quotaBytes) throw new ImapError("NO", "Quota exceeded", "OVERQUOTA");
}

/**
 * COPY of these messages of a mailbox. MOVE needs no check: within one account it adds and
 * removes the same bytes in one transaction, and refusing it would keep an account that is
 * over quota from moving mail to Trash to make room.
 */
export async function ensureRoomForCopy(session: ImapSession, mailboxId: number, uids: number[]) {
  if (!uids.length) return;
  const messages = await session.store.messages.byUids(mailboxId, uids);
  await ensureRoom(
    session,
    messages.reduce((sum, message) => sum + message.size, 0),
  );
}

/** Any mailbox name, existing or not, is in the account's one root (RFC 9208 §4.1.2 allows names not yet created). */
export async function getQuotaRoot(session: ImapSession, command: ImapCommand) {
  if (command.args.length !== 1) throw new ImapSyntaxError("GETQUOTAROOT takes a mailbox name");
  const name = mailboxName(session, command.args[0]);
  session.write(untagged("QUOTAROOT", wireName(session, name), quoted(QUOTA_ROOT)));
  await writeQuota(session);
  await session.finish(command.tag, "OK", "GETQUOTAROOT completed");
}

export async function getQuota(session: ImapSession, command: ImapCommand) {
  if (command.args.length !== 1) throw new ImapSyntaxError("GETQUOTA takes a quota root");
  if (asAString(command.args[0]) !== QUOTA_ROOT) throw new ImapError("NO", "No such quota root", "NONEXISTENT");
  await writeQuota(session);
  await session.finish(command.tag, "OK", "GETQUOTA completed");
}

/** RFC 9208 §4.1.3 lets a server refuse: limits are the administrator's (mailctl), not the user's. */
export async function setQuota(session: ImapSession, command: ImapCommand) {
  if (command.args.length !== 2) throw new ImapSyntaxError("SETQUOTA takes a quota root and a list of limits");
  asAString(command.args[0]);
  asList(command.args[1]);
  throw new ImapError("NO", "Quotas are set by the administrator", "NOPERM");
}
