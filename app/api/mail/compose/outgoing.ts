// The send and save requests, checked field by field: what the browser sends is never trusted to be the
// composer's own output.
import "server-only";
import { loadConfig } from "@/lib/config";
import { NoDraftsFolderError } from "@/lib/user-agent/compose/drafts";
import type { OutgoingAttachment } from "@/lib/user-agent/compose/mime";
import { SourceGoneError, TooLargeError } from "@/lib/user-agent/compose/original";
import { isValidAddress, type OutgoingMessage, type ReplyMode, type SourceMessage } from "@/lib/user-agent/compose/types";
import type { Address } from "@/lib/user-agent/mail/types";
import { folderParameter, jsonError, partParameter, uidParameter } from "@/lib/web/mail-route";
import { sendableAddresses } from "@/lib/user-agent/settings/addresses";
import { sameAddress } from "@/lib/user-agent/settings/types";
import { getSignedInUser } from "@/lib/web/auth/session";
import { isSameOrigin } from "@/lib/web/same-origin";
import { isRecord } from "@/lib/user-agent/admin-api";
import { oneLine } from "@/lib/user-agent/settings/types";

const MAX_NAME = 200;
const MAX_SUBJECT = 998;
const MODES: ReplyMode[] = ["reply", "all", "forward"];

/** A header's words on one line (no header injection), or null when it is not text or too long. */
function headerText(value: unknown, max: number): string | null {
  return typeof value === "string" && value.length <= max ? oneLine(value) : null;
}

function recipients(value: unknown, field: string): Address[] | string {
  if (!Array.isArray(value)) return `${field} must be a list of recipients.`;
  const list: Address[] = [];
  for (const entry of value) {
    const name = isRecord(entry) ? headerText(entry.name, MAX_NAME) : null;
    const address = isRecord(entry) && typeof entry.address === "string" ? entry.address.trim() : "";
    if (name === null || !isValidAddress(address)) return `${field}: "${address}" is not an e-mail address.`;
    list.push({ name, address });
  }
  return list;
}

function source(value: unknown): SourceMessage | null | string {
  if (value === null || value === undefined) return null;
  if (!isRecord(value)) return "source must be { folder, uid, mode }.";
  const folder = folderParameter(typeof value.folder === "string" ? value.folder : null);
  const uid = uidParameter(typeof value.uid === "number" ? String(value.uid) : null);
  const mode = MODES.find((candidate) => candidate === value.mode);
  if (folder === null || uid === null || mode === undefined) return "source must be { folder, uid, mode }.";
  return { folder, uid, mode };
}

/** The message (to send, or to save as a draft), or the words saying what is wrong with the request. */
export function parseOutgoing(value: unknown, limits: { bodyBytes: number; recipients: number }, forDraft: boolean): OutgoingMessage | string {
  if (!isRecord(value)) return "Expected the message as a JSON object.";
  const fromName = headerText(value.fromName ?? "", MAX_NAME);
  const subject = headerText(value.subject ?? "", MAX_SUBJECT);
  if (fromName === null) return "fromName must be a name.";
  const fromAddress = value.fromAddress === undefined || value.fromAddress === null || value.fromAddress === "" ? undefined : value.fromAddress;
  if (fromAddress !== undefined && (typeof fromAddress !== "string" || !isValidAddress(fromAddress))) return "fromAddress must be an e-mail address.";
  if (subject === null) return "subject must be text.";
  const to = recipients(value.to ?? [], "to");
  const cc = recipients(value.cc ?? [], "cc");
  const bcc = recipients(value.bcc ?? [], "bcc");
  for (const list of [to, cc, bcc]) if (typeof list === "string") return list;
  const all = [to, cc, bcc] as Address[][];
  const count = all.reduce((sum, list) => sum + list.length, 0);
  // A draft may have nobody yet.
  if (count === 0 && !forDraft) return "Name at least one recipient.";
  if (count > limits.recipients) return `At most ${limits.recipients} recipients.`;
  const html = value.html ?? null;
  const text = value.text ?? "";
  if ((html !== null && typeof html !== "string") || typeof text !== "string") return "html and text must be text.";
  if ((html?.length ?? 0) + text.length > limits.bodyBytes) return "The text is too long.";
  const answered = source(value.source);
  if (typeof answered === "string") return answered;
  const forwardParts = parts(value.forwardParts);
  const draftParts = parts(value.draftParts);
  if (forwardParts === null || draftParts === null) return "forwardParts and draftParts must be lists of part numbers.";
  if (forwardParts.length > 0 && answered?.mode !== "forward") return "forwardParts go with a forward.";
  const forwardAsAttachment = value.forwardAsAttachment ?? false;
  if (typeof forwardAsAttachment !== "boolean") return "forwardAsAttachment must be true or false.";
  if (forwardAsAttachment && answered?.mode !== "forward") return "forwardAsAttachment goes with a forward.";
  const draft = value.draft ?? null;
  const draftUid = draft === null ? null : uidParameter(typeof draft === "number" ? String(draft) : null);
  if (draft !== null && draftUid === null) return "draft must be the UID of a message in Drafts.";
  if (draftParts.length > 0 && draftUid === null) return "draftParts go with a draft.";
  const deliveryReports = value.deliveryReports ?? false;
  if (typeof deliveryReports !== "boolean") return "deliveryReports must be true or false.";
  return { fromName, fromAddress, to: all[0], cc: all[1], bcc: all[2], subject, html, text, source: answered, forwardParts, forwardAsAttachment, draft: draftUid, draftParts, deliveryReports };
}

function parts(value: unknown): string[] | null {
  const list = value ?? [];
  return Array.isArray(list) && list.length <= 100 && list.every((part) => typeof part === "string" && partParameter(part) !== null) ? (list as string[]) : null;
}

// Room for the form's own bytes (boundaries, part headers, the JSON) beside the attachments.
const FORM_OVERHEAD = 1024 * 1024;

/**
 * The message of a send or save request: multipart/form-data with the message as JSON in `message` and
 * each new attachment as an `attachment` file. Answers the error response instead when it is not one.
 */
export async function readOutgoingForm(request: Request, forDraft: boolean): Promise<{ message: OutgoingMessage; uploads: OutgoingAttachment[] } | Response> {
  if (!isSameOrigin(request.headers)) return jsonError(403, "Cross-site request refused.");
  if (!/^multipart\/form-data\b/i.test(request.headers.get("content-type") ?? "")) return jsonError(415, "Send the message as multipart/form-data.");
  const config = loadConfig();
  const length = Number(request.headers.get("content-length") ?? Number.NaN);
  // formData() reads the whole body: only once its size is known and within the limit.
  if (!Number.isSafeInteger(length)) return jsonError(411, "The request needs a Content-Length.");
  if (length > config.maxMessageSize + FORM_OVERHEAD) return jsonError(413, `The message is larger than the ${config.maxMessageSize} bytes the server accepts.`);
  const form = await request.formData().catch(() => null);
  const json = form?.get("message");
  if (!form || typeof json !== "string") return jsonError(400, "The form needs a message field.");
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return jsonError(400, "The message field is not valid JSON.");
  }
  const message = parseOutgoing(value, { bodyBytes: config.maxMessageSize, recipients: config.smtp.maxRecipients }, forDraft);
  if (typeof message === "string") return jsonError(400, message);
  if (message.fromAddress !== undefined && !(await maySendAs(message.fromAddress))) return jsonError(403, `${message.fromAddress} is not an address you can send from.`);
  const files = form.getAll("attachment").filter((entry): entry is File => typeof entry !== "string");
  const uploads = await Promise.all(
    files.map(async (file) => ({ filename: file.name || "attachment", contentType: file.type || "application/octet-stream", content: Buffer.from(await file.arrayBuffer()) })),
  );
  return { message, uploads };
}

/** Whether the signed-in user may write as `address`: their account's or one of its aliases. */
async function maySendAs(address: string): Promise<boolean> {
  const user = await getSignedInUser();
  if (!user) return false;
  const { addresses } = await sendableAddresses(user);
  return addresses.some((candidate) => sameAddress(candidate, address));
}

/** The errors of composing that are the request's, not the server's: answered in words. */
export function composeError(error: unknown): Response {
  if (error instanceof SourceGoneError) return jsonError(409, "The message you are answering or continuing is no longer in its folder.");
  if (error instanceof TooLargeError) return jsonError(413, `The message with its attachments is larger than the ${error.limit} bytes the server accepts.`);
  if (error instanceof NoDraftsFolderError) return jsonError(409, "Your account has no Drafts folder.");
  throw error;
}
