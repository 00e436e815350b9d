// What submission (RFC 6409) adds to a transaction from an authenticated user: the envelope
// sender and the From header must be addresses of the user's (the account, its aliases and
// subaddresses), so that nobody sends in someone else's name; and a message missing its
// Message-ID or Date gets them (RFC 6409 §8.2, §8.3).
import { randomBytes } from "node:crypto";
import type { Envelope } from "@/lib/mime/analyze";
import type { MailStore } from "../store";
import { rfc5322Date } from "./rfc5322-date";
import { SmtpError } from "./protocol";

/** Whether mail to this address reaches the account: then it is the account's to send from. */
export async function ownsAddress(store: MailStore, accountId: number, address: string): Promise<boolean> {
  const at = address.lastIndexOf("@");
  if (at <= 0) return false;
  const owners = await store.accounts.resolve(address.slice(0, at), address.slice(at + 1));
  return owners.some((owner) => owner.accountId === accountId);
}

export async function checkEnvelopeSender(store: MailStore, user: { accountId: number; address: string }, sender: string | null) {
  if (!sender || !(await ownsAddress(store, user.accountId, sender))) {
    throw new SmtpError(553, "5.7.1", `<${sender ?? ""}>: Sender address rejected: not owned by user ${user.address}`);
  }
}

export async function checkFromHeader(store: MailStore, user: { accountId: number; address: string }, envelope: Envelope) {
  const addresses = (envelope.from ?? []).filter(([, , mailbox, host]) => mailbox !== null && host !== null).map(([, , mailbox, host]) => `${mailbox}@${host}`);
  if (!addresses.length) throw new SmtpError(553, "5.7.1", "Message refused: it has no From address");
  for (const address of addresses) {
    if (!(await ownsAddress(store, user.accountId, address))) throw new SmtpError(553, "5.7.1", `Message refused: From <${address}> is not an address of user ${user.address}`);
  }
}

/** Header fields to put in front of the message: the Message-ID and Date it lacks. */
export function missingHeaders(envelope: Envelope, hostname: string, now: Date): string {
  let headers = "";
  if (!envelope.messageId) headers += `Message-ID: <${now.getTime().toString(36)}.${randomBytes(8).toString("hex")}@${hostname}>\r\n`;
  if (!envelope.date) headers += `Date: ${rfc5322Date(now)}\r\n`;
  return headers;
}
