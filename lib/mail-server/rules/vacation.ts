// The vacation auto-reply, as RFC 3834 asks of a responder: answer people, never machines or lists,
// at most once per sender in a period, to the envelope sender (Return-Path), from the null sender,
// marked Auto-Submitted: auto-replied so that other responders don't answer it in turn.
import { randomBytes } from "node:crypto";
import MailComposer from "nodemailer/lib/mail-composer";
import type { MessageAnalysis } from "@/lib/mime/analyze";
import { headerValues, hasHeader } from "./headers";
import type { Vacation } from "./model";

/** Senders that are programs (RFC 3834 §2: MAILER-DAEMON, owner-*, *-request; and common no-reply names). */
const MACHINE_SENDER = /^(mailer-daemon|postmaster|listserv|majordomo|no-?reply|do-?not-?reply|noreply-.*|bounces?|bounce-.*|owner-.*|.*-request|.*-bounces?|.*-owner)$/i;

/** Any of these fields marks mail from a list (RFC 2369, RFC 2919). */
const LIST_FIELDS = ["List-Id", "List-Unsubscribe", "List-Post", "List-Help", "List-Owner"];

export interface VacationCase {
  vacation: Vacation;
  /** The message as the client sent it (no trace fields of ours). */
  message: Buffer;
  analysis: MessageAnalysis;
  /** The envelope sender (MAIL FROM), "" for the null sender. */
  sender: string;
  /** Every address that is this account's: its own, its aliases, the RCPT address that led here. */
  ownAddresses: string[];
  now: Date;
}

/** Why no reply is due, in words for the log; null when one is (subject to the once-per-sender rule). */
export function noReplyReason({ vacation, message, analysis, sender, ownAddresses, now }: VacationCase): string | null {
  if (!vacation.enabled) return "off";
  if (vacation.start && now < new Date(vacation.start)) return "vacation not started";
  if (vacation.end && now > new Date(vacation.end)) return "vacation over";
  if (!sender) return "null sender";
  const local = sender.slice(0, sender.lastIndexOf("@"));
  if (MACHINE_SENDER.test(local)) return "sender is a program";
  const own = new Set(ownAddresses.map(withoutTag));
  if (own.has(withoutTag(sender))) return "sender is the account itself";
  const autoSubmitted = headerValues(message, "Auto-Submitted");
  if (autoSubmitted.some((value) => !/^no\b/i.test(value))) return "Auto-Submitted";
  if (headerValues(message, "Precedence").some((value) => /^(bulk|list|junk)\b/i.test(value))) return "Precedence bulk, list or junk";
  if (LIST_FIELDS.some((name) => hasHeader(message, name))) return "mail from a list";
  const addressed = [...(analysis.envelope.to ?? []), ...(analysis.envelope.cc ?? [])]
    .filter(([, , mailbox, host]) => mailbox && host)
    .some(([, , mailbox, host]) => own.has(withoutTag(`${mailbox}@${host}`)));
  if (!addressed) return "not addressed to the account in To or Cc";
  return null;
}

/** user+tag@Domain → user@domain: a subaddress is still the account's address. */
function withoutTag(address: string): string {
  const lower = address.toLowerCase();
  const at = lower.lastIndexOf("@");
  const plus = lower.indexOf("+");
  return plus > 0 && plus < at ? lower.slice(0, plus) + lower.slice(at) : lower;
}

/** The reply (RFC 3834 §3): From the account, To the envelope sender, threaded to the original. */
export async function buildVacationReply(input: {
  vacation: Vacation;
  analysis: MessageAnalysis;
  sender: string;
  account: { address: string; displayName: string };
  hostname: string;
  now: Date;
}): Promise<Buffer> {
  const { vacation, analysis, sender, account, hostname, now } = input;
  const original = analysis.messageId.trim();
  const references = [...analysis.references.split(/\s+/).filter(Boolean), ...(original ? [original] : [])].slice(-20);
  const subject = vacation.subject.trim() || `Auto: ${analysis.subject.trim() || "your message"}`;
  const composer = new MailComposer({
    from: { name: account.displayName, address: account.address },
    to: sender,
    subject,
    text: vacation.body,
    date: now,
    messageId: `<${randomBytes(12).toString("hex")}.vacation@${hostname}>`,
    inReplyTo: original || undefined,
    references: references.length ? references : undefined,
    headers: { "Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All" },
  });
  const raw = await composer.compile().build();
  return Buffer.from(raw.toString("utf8").replace(/\r?\n/g, "\r\n"), "utf8");
}
