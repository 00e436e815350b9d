// Forwarding a delivered message on to other addresses, for an account's forwarding or a filter's
// "forward to" action.
//
// The envelope sender of the forwarded copy is the forwarding account's own address, not the
// original sender's. RFC 5321 §3.9 keeps the reverse-path for an alias the administrator set up, but
// a user's own forwarding is closer to a one-member list (§3.9.2: the reverse-path becomes whoever
// runs the list): a failure (the target mailbox gone, full) is news for the user who set up the
// forward, who can fix it, not for a stranger who wrote to them, and forged senders of spam get no
// backscatter. It also passes SPF at the next server, which the original sender's domain would fail
// from our address; SRS would keep bounces going to the original sender but needs the MX to accept
// and reverse SRS addresses, which this server does not do.
//
// Each forward adds "X-Loop: <account>" on top; a message that already names the account, or has
// been forwarded MAX_FORWARDS times, is not forwarded again but kept, so no forwarding circle
// (a → b → a) turns, and nothing is lost when one is cut.
import { analyzeMessage, type MessageAnalysis } from "@/lib/mime/analyze";
import type { AppendRequest } from "../store";
import type { SmtpServerContext } from "../smtp/session";
import { localCopies } from "../smtp/delivery";
import { rfc5322Date } from "../smtp/rfc5322-date";
import { dkimSignatureFor } from "../queue/dkim";
import { headerValues } from "./headers";

export const LOOP_HEADER = "X-Loop";
const MAX_FORWARDS = 5;

/** Why this message must not be forwarded by this account again, or null. */
export function forwardingLoop(message: Buffer, address: string): string | null {
  const marks = headerValues(message, LOOP_HEADER).map((value) => value.replace(/^<|>$/g, "").toLowerCase());
  if (marks.includes(address.toLowerCase())) return `already forwarded by ${address}`;
  if (marks.length >= MAX_FORWARDS) return `forwarded ${marks.length} times already`;
  return null;
}

export interface ForwardInput {
  /** The forwarding account. */
  account: { accountId: number; address: string };
  targets: string[];
  /** The message as the client sent it, and our trace fields for it (Received, Authentication-Results). */
  message: Buffer;
  trace: string;
  body: "7BIT" | "8BITMIME" | "BINARYMIME";
  smtputf8: boolean;
  now: Date;
  /** Sent by one of our users after AUTH; otherwise it came from another server. */
  authenticated: boolean;
}

/**
 * Whether a copy may leave for other domains. Mail from another server whose From names one of our
 * domains is a forgery or at best unverifiable (our users send through submission): forwarded, it would
 * leave from our IP with our envelope sender and our DKIM key, so that DMARC passed for the forged From.
 */
async function mayLeave(store: SmtpServerContext["store"], analysis: MessageAnalysis, authenticated: boolean): Promise<boolean> {
  if (authenticated) return true;
  for (const [, , mailbox, host] of analysis.envelope.from ?? []) {
    if (mailbox && host && (await store.accounts.isLocalDomain(host))) return false;
  }
  return true;
}

/**
 * Queues the copies for other domains (durable when this resolves) and returns the copies for
 * local accounts, to be stored with the rest of the delivery. Local targets get the message in
 * their INBOX as it is: their own rules are not run again.
 */
export async function forwardCopies(context: SmtpServerContext, input: ForwardInput): Promise<AppendRequest[]> {
  const { store, config, queue, log } = context;
  const { account, message, now } = input;
  const raw = Buffer.concat([Buffer.from(`${LOOP_HEADER}: ${account.address}\r\n${input.trace}`, "utf8"), message]);
  const local: { accountId: number; address: string; envelopeInfo: object }[] = [];
  const remote: string[] = [];
  for (const target of [...new Set(input.targets.map((t) => t.toLowerCase()))]) {
    const at = target.lastIndexOf("@");
    if (!(await store.accounts.isLocalDomain(target.slice(at + 1)))) {
      remote.push(target);
      continue;
    }
    const found = await store.accounts.resolve(target.slice(0, at), target.slice(at + 1));
    if (!found.length) log(`rules: ${account.address} forwards to <${target}>, which is no local address: not forwarded`);
    for (const recipient of found) {
      if (recipient.accountId === account.accountId) continue;
      local.push({ accountId: recipient.accountId, address: recipient.address, envelopeInfo: { from: account.address, rcpt: target, forwardedBy: account.address, receivedAt: now.toISOString() } });
    }
  }
  if (remote.length) {
    if (!queue) throw new Error("no outbound queue to forward with");
    const analysis = await analyzeMessage(raw);
    if (!(await mayLeave(store, analysis, input.authenticated))) {
      throw new Error("its From names one of our domains but it came from another server without authentication: forwarding it would vouch for a possible forgery");
    }
    const signature = await dkimSignatureFor(store, analysis.envelope, raw, log);
    await queue.enqueue({
      raw: Buffer.concat([Buffer.from(signature, "utf8"), raw]),
      sender: account.address,
      envid: null,
      ret: null,
      body: input.body,
      smtputf8: input.smtputf8,
      accountId: account.accountId,
      messageId: analysis.messageId,
      recipients: remote.map((address) => ({ address, notify: null, orcpt: null })),
    });
    log(`rules: ${account.address} forwarded to ${remote.map((a) => `<${a}>`).join(", ")} through the queue`);
  }
  if (!local.length) return [];
  const received = `Received: by ${config.hostname} (forwarded for <${account.address}>);\r\n\t${rfc5322Date(now)}\r\n`;
  return localCopies(raw, await analyzeMessage(raw), account.address, received, local, now);
}
