// A delivery report (RFC 3464 multipart/report; report-type=delivery-status) read with mailparser:
// its machine-readable part (parsed by status-fields.ts), and from the message or header it returns,
// the original's Message-ID and Subject — what ties the report to the message the user sent.
// Works on a report's first bytes too: the queue fetches at most MAX_REPORT_BYTES of each.
import { simpleParser, type ParsedMail } from "mailparser";
import type { Address } from "@/lib/user-agent/mail/types";
import { MAX_STATUS_BYTES, parseDeliveryStatus, type DeliveryStatusFields, type RecipientStatus } from "./status-fields";

export interface DeliveryReport extends DeliveryStatusFields {
  /** The returned original's Message-ID with angle brackets, and its subject, when the report carries them. */
  original: { messageId: string | null; subject: string | null };
}

/** A report's machine part and the returned header come first; the original's body may follow for a megabyte. */
export const MAX_REPORT_BYTES = 256 * 1024;
const STATUS_TYPES = new Set(["message/delivery-status", "message/global-delivery-status"]);
const RETURNED_TYPES = new Set(["message/rfc822", "message/global", "text/rfc822-headers", "message/global-headers"]);

const PARSE_OPTIONS = { keepDeliveryStatus: true, skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true, skipTextLinks: true, maxHtmlLengthToParse: 0 } as const;

/** True for the Content-Type of a delivery report (any case, parameters in any order). */
export function isDeliveryReportType(contentType: string, reportType: string | undefined): boolean {
  return contentType.toLowerCase() === "multipart/report" && (reportType ?? "").toLowerCase() === "delivery-status";
}

function contentTypeOf(parsed: ParsedMail): { value: string; params: Record<string, string> } | null {
  const header = parsed.headers.get("content-type");
  return typeof header === "object" && header !== null && "value" in header && typeof header.value === "string" ? { value: header.value, params: "params" in header && typeof header.params === "object" && header.params !== null ? (header.params as Record<string, string>) : {} } : null;
}

/** Message-ID with its angle brackets, or null: one token, bounded. */
export function normalizeMessageId(value: string | null | undefined): string | null {
  const match = /<?([^<>\s]{1,250})>?/.exec((value ?? "").trim());
  return match ? `<${match[1]}>` : null;
}

async function returnedHeader(content: Buffer): Promise<DeliveryReport["original"]> {
  const text = content.subarray(0, MAX_STATUS_BYTES).toString("utf8");
  const end = text.search(/\r?\n\r?\n/);
  const header = end >= 0 ? text.slice(0, end) : text;
  const parsed = await simpleParser(Buffer.from(`${header}\r\n\r\n`, "utf8"), PARSE_OPTIONS);
  return { messageId: normalizeMessageId(parsed.messageId), subject: parsed.subject?.slice(0, 998) ?? null };
}

/** The report in `raw`, or null when it is no delivery report (or one without a single recipient we can read). */
export async function parseDeliveryReport(raw: Buffer): Promise<DeliveryReport | null> {
  let parsed: ParsedMail;
  try {
    parsed = await simpleParser(raw.subarray(0, MAX_REPORT_BYTES), PARSE_OPTIONS);
  } catch {
    return null;
  }
  const type = contentTypeOf(parsed);
  if (!type || !isDeliveryReportType(type.value, type.params["report-type"])) return null;
  const status = parsed.attachments.find((part) => STATUS_TYPES.has(part.contentType.toLowerCase()));
  if (!status) return null;
  const fields = parseDeliveryStatus(status.content.subarray(0, MAX_STATUS_BYTES).toString("utf8"));
  if (fields.recipients.length === 0) return null;
  const returned = parsed.attachments.find((part) => RETURNED_TYPES.has(part.contentType.toLowerCase()));
  const original = returned ? await returnedHeader(returned.content).catch(() => ({ messageId: null, subject: null })) : { messageId: null, subject: null };
  return { ...fields, original };
}

/** The header of the copy in Sent that holds the ENVID it was submitted with. */
export const ENVELOPE_ID_HEADER = "X-Envelope-Id";

/** What the webmail remembers of a sent message to find its reports. */
export interface SentIdentity {
  messageId: string | null;
  /** The ENVID it was submitted with, when the user asked for reports. */
  envelopeId: string | null;
}

/** A report is about the sent message when it echoes its ENVID, or returns its Message-ID. */
export function reportMatches(report: DeliveryReport, sent: SentIdentity): boolean {
  if (sent.envelopeId && report.envelopeId === sent.envelopeId) return true;
  const messageId = normalizeMessageId(sent.messageId);
  return messageId !== null && report.original.messageId === messageId;
}

export interface RecipientDelivery extends RecipientStatus {
  /** Where the report that said so is, to open it. */
  report: { folder: string; uid: number };
}

/** A sent message's delivery as the reading pane shows it. */
export interface SentDelivery {
  /** The message was sent with delivery reports asked for (its copy in Sent carries the ENVID). */
  requested: boolean;
  /** Every recipient of the message, with what the newest report about them said (null: nothing yet). */
  recipients: { address: Address; delivery: RecipientDelivery | null }[];
}

/** Final states: a later "delayed" (reports may arrive out of order) does not undo them. */
const FINAL = new Set(["failed", "delivered", "relayed", "expanded"]);

/**
 * Per recipient, what the newest report said, reports given oldest first. Each is listed under the
 * address the sender wrote (Original-Recipient) when the report names it.
 */
export function deliveryByRecipient(reports: { report: DeliveryReport; folder: string; uid: number }[]): RecipientDelivery[] {
  const byAddress = new Map<string, RecipientDelivery>();
  for (const { report, folder, uid } of reports) {
    for (const recipient of report.recipients) {
      const key = (recipient.originalRecipient ?? recipient.finalRecipient).toLowerCase();
      const known = byAddress.get(key);
      if (known && FINAL.has(known.action) && recipient.action === "delayed") continue;
      byAddress.set(key, { ...recipient, report: { folder, uid } });
    }
  }
  return [...byAddress.values()];
}
