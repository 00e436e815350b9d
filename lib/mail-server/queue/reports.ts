// Delivery status notifications (RFC 3464): what the queue tells a sender about their
// message — failed (a bounce), delayed, delivered or relayed — as multipart/report with a
// human-readable part, a message/delivery-status part, and the original message (RET=FULL)
// or its header (RET=HDRS). Reports go out from the null sender, so they are never
// reported on themselves (RFC 5321 §4.5.5).
import { randomBytes } from "node:crypto";
import { rfc5322Date } from "../smtp/rfc5322-date";
import type { QueuedMessage } from "./store";

export type ReportAction = "failed" | "delayed" | "delivered" | "relayed";

export interface ReportedRecipient {
  address: string;
  orcpt: string;
  action: ReportAction;
  /** RFC 3463 status, e.g. "5.1.1". */
  status: string;
  remoteHost: string;
  /** The remote's answer or what went wrong ("550 5.1.1 no such user"). */
  diagnostic: string;
  lastAttemptAt: Date | null;
  /** For a failure by expiry: how many attempts were made before the queue gave up. */
  gaveUpAfter?: number;
}

/** A failed report carries the whole original up to this size, only its header above. */
const MAX_RETURNED_BYTES = 1024 * 1024;

const SUBJECTS: Record<ReportAction, string> = {
  failed: "Undelivered Mail Returned to Sender",
  delayed: "Delayed Mail (still being retried)",
  delivered: "Successful Mail Delivery Report",
  relayed: "Mail Delivery Report (relayed)",
};

/** The status to report: the remote's enhanced code if it gave one, else one from the reply code. */
export function statusOf(diagnostic: string, fallback: string): string {
  const enhanced = /^\d{3}[ -]([245]\.\d{1,3}\.\d{1,3})\b/.exec(diagnostic);
  if (enhanced) return enhanced[1];
  const code = /^([245])\d\d\b/.exec(diagnostic);
  return code ? `${code[1]}.0.0` : fallback;
}

function explanation(recipient: ReportedRecipient, hostname: string, retryUntil: Date | null): string {
  const who = `<${recipient.address}>`;
  const answer = recipient.diagnostic ? `\n    ${recipient.remoteHost ? `${recipient.remoteHost} said: ` : ""}${recipient.diagnostic}` : "";
  switch (recipient.action) {
    case "failed":
      return recipient.gaveUpAfter
        ? `${who}: could not be delivered: the queue gave up after ${recipient.gaveUpAfter} attempts. The last one ended with:${answer}`
        : `${who}: could not be delivered.${answer}`;
    case "delayed":
      return `${who}: not delivered yet; ${hostname} keeps trying${retryUntil ? ` until ${rfc5322Date(retryUntil)}` : ""}.${answer}`;
    case "delivered":
      return `${who}: delivered${recipient.remoteHost ? ` to ${recipient.remoteHost}` : ""}.`;
    case "relayed":
      return `${who}: handed to ${recipient.remoteHost || "the next server"}, which sends no delivery reports; this is the last report you will get for it.`;
  }
}

/** Header fields as in the report: unfolded, and no line an 8-bit-unsafe reader would choke on. */
const field = (value: string) => value.replace(/[\r\n]+/g, " ");

/** What a report needs to know of the message it is about: a queued one, or one delivered here at once. */
export type ReportedMessage = Pick<QueuedMessage, "sender" | "envid" | "ret" | "createdAt">;

export function buildReport(options: {
  hostname: string;
  message: ReportedMessage;
  original: Buffer;
  recipients: ReportedRecipient[];
  retryUntil: Date | null;
  now?: Date;
}): { raw: Buffer; messageId: string } {
  const { hostname, message, original, recipients, retryUntil } = options;
  const now = options.now ?? new Date();
  const action = recipients[0].action;
  const boundary = `report-${randomBytes(12).toString("hex")}`;
  const messageId = `<report.${randomBytes(10).toString("hex")}@${hostname}>`;

  const human =
    `This is the mail system at ${hostname}.\r\n\r\n` +
    (action === "failed"
      ? "Your message could not be delivered to one or more recipients. It is attached below.\r\n\r\n"
      : action === "delayed"
        ? "Your message has not been delivered yet to one or more recipients. Nothing needs to be done: delivery is retried automatically.\r\n\r\n"
        : "Your message was delivered as you asked to be told.\r\n\r\n") +
    recipients.map((r) => explanation(r, hostname, retryUntil).replace(/\n/g, "\r\n")).join("\r\n\r\n") +
    "\r\n";

  const perMessage = [`Reporting-MTA: dns; ${hostname}`];
  if (message.envid) perMessage.push(`Original-Envelope-Id: ${field(message.envid)}`);
  perMessage.push(`Arrival-Date: ${rfc5322Date(message.createdAt)}`);
  const perRecipient = recipients.map((r) => {
    const lines = [`Final-Recipient: rfc822; ${r.address}`];
    if (r.orcpt) lines.push(`Original-Recipient: ${field(r.orcpt.replace(";", "; "))}`);
    lines.push(`Action: ${r.action}`, `Status: ${r.status}`);
    if (r.remoteHost) lines.push(`Remote-MTA: dns; ${field(r.remoteHost)}`);
    if (r.diagnostic && /^\d{3}/.test(r.diagnostic)) lines.push(`Diagnostic-Code: smtp; ${field(r.diagnostic)}`);
    else if (r.diagnostic) lines.push(`X-Diagnostic: ${field(r.diagnostic)}`);
    if (r.lastAttemptAt) lines.push(`Last-Attempt-Date: ${rfc5322Date(r.lastAttemptAt)}`);
    if (r.action === "delayed" && retryUntil) lines.push(`Will-Retry-Until: ${rfc5322Date(retryUntil)}`);
    return lines.join("\r\n");
  });

  // RET=HDRS asks for the header only; FULL (or nothing, on a failure) for all of it, within reason.
  const headerEnd = original.indexOf("\r\n\r\n");
  const header = headerEnd >= 0 ? original.subarray(0, headerEnd + 2) : original;
  const full = action === "failed" ? message.ret !== "HDRS" : message.ret === "FULL";
  const returnWhole = full && original.length <= MAX_RETURNED_BYTES;
  const returned = returnWhole ? original : header;

  const head =
    `From: Mail Delivery System <MAILER-DAEMON@${hostname}>\r\n` +
    `To: <${message.sender}>\r\n` +
    `Subject: ${SUBJECTS[action]}\r\n` +
    `Date: ${rfc5322Date(now)}\r\n` +
    `Message-ID: ${messageId}\r\n` +
    // RFC 3834: an automatic answer; vacation responders and the like must not answer it.
    `Auto-Submitted: auto-replied\r\n` +
    `MIME-Version: 1.0\r\n` +
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"\r\n\r\n` +
    `This is a MIME-encapsulated message.\r\n\r\n` +
    `--${boundary}\r\n` +
    `Content-Type: text/plain; charset=utf-8\r\n` +
    `Content-Description: Notification\r\n\r\n` +
    human +
    `\r\n--${boundary}\r\n` +
    `Content-Type: message/delivery-status\r\n` +
    `Content-Description: Delivery report\r\n\r\n` +
    `${perMessage.join("\r\n")}\r\n\r\n${perRecipient.join("\r\n\r\n")}\r\n` +
    `\r\n--${boundary}\r\n` +
    `Content-Type: ${returnWhole ? "message/rfc822" : "text/rfc822-headers"}\r\n` +
    `Content-Description: ${returnWhole ? "Undelivered message" : "Message header"}\r\n\r\n`;
  const tail = `${returned.subarray(returned.length - 2).toString("latin1") === "\r\n" ? "" : "\r\n"}--${boundary}--\r\n`;
  return { raw: Buffer.concat([Buffer.from(head, "utf8"), returned, Buffer.from(tail, "latin1")]), messageId };
}
