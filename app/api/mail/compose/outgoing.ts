// The send request's JSON, checked field by field: what the browser sends is never trusted to be the
// composer's own output.
import "server-only";
import { isValidAddress, type OutgoingMessage, type ReplyMode, type SourceMessage } from "@/lib/user-agent/compose/types";
import type { Address } from "@/lib/user-agent/mail/types";
import { folderParameter, partParameter, uidParameter } from "@/lib/web/mail-route";

const MAX_NAME = 200;
const MAX_SUBJECT = 998;
const MODES: ReplyMode[] = ["reply", "all", "forward"];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A header's words on one line: line breaks and other controls become spaces (no header injection). */
function oneLine(value: unknown, max: number): string | null {
  return typeof value === "string" && value.length <= max ? value.replace(/[\u0000-\u001f\u007f]+/g, " ").trim() : null;
}

function recipients(value: unknown, field: string): Address[] | string {
  if (!Array.isArray(value)) return `${field} must be a list of recipients.`;
  const list: Address[] = [];
  for (const entry of value) {
    const name = isRecord(entry) ? oneLine(entry.name, MAX_NAME) : null;
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

/** The message, or the words saying what is wrong with the request. */
export function parseOutgoing(value: unknown, limits: { bodyBytes: number; recipients: number }): OutgoingMessage | string {
  if (!isRecord(value)) return "Expected the message as a JSON object.";
  const fromName = oneLine(value.fromName ?? "", MAX_NAME);
  const subject = oneLine(value.subject ?? "", MAX_SUBJECT);
  if (fromName === null) return "fromName must be a name.";
  if (subject === null) return "subject must be text.";
  const to = recipients(value.to ?? [], "to");
  const cc = recipients(value.cc ?? [], "cc");
  const bcc = recipients(value.bcc ?? [], "bcc");
  for (const list of [to, cc, bcc]) if (typeof list === "string") return list;
  const all = [to, cc, bcc] as Address[][];
  const count = all.reduce((sum, list) => sum + list.length, 0);
  if (count === 0) return "Name at least one recipient.";
  if (count > limits.recipients) return `At most ${limits.recipients} recipients.`;
  const html = value.html ?? null;
  const text = value.text ?? "";
  if ((html !== null && typeof html !== "string") || typeof text !== "string") return "html and text must be text.";
  if ((html?.length ?? 0) + text.length > limits.bodyBytes) return "The text is too long.";
  const answered = source(value.source);
  if (typeof answered === "string") return answered;
  const parts = value.forwardParts ?? [];
  if (!Array.isArray(parts) || parts.length > 100 || !parts.every((part) => typeof part === "string" && partParameter(part) !== null)) return "forwardParts must be a list of part numbers.";
  if (parts.length > 0 && answered?.mode !== "forward") return "forwardParts go with a forward.";
  return { fromName, to: all[0], cc: all[1], bcc: all[2], subject, html, text, source: answered, forwardParts: parts as string[] };
}
