// The message/delivery-status part of a delivery report (RFC 3464 §2.1–2.3, and RFC 6533's
// message/global-delivery-status, which is the same in UTF-8): a group of per-message fields, a
// blank line, then one group of fields per recipient. No maintained library reads it, so this is
// ours: pure, bounded (input, lines, groups and values are capped), and it never throws — what it
// cannot read is left out, since reports come from anyone's server and a bounce can be forged.

export type DeliveryAction = "failed" | "delayed" | "delivered" | "relayed" | "expanded";

export interface RecipientStatus {
  /** The address the reporting server tried (Final-Recipient), as given. */
  finalRecipient: string;
  /** The address the sender wrote (Original-Recipient, from ORCPT), when the report names it. */
  originalRecipient: string | null;
  action: DeliveryAction;
  /** RFC 3463 status ("5.1.1"), or "" when the report's was not one. */
  status: string;
  remoteMta: string | null;
  /** The remote server's own words ("550 5.1.1 no such user"), without the "smtp;" type. */
  diagnostic: string | null;
  lastAttempt: string | null;
  willRetryUntil: string | null;
}

export interface DeliveryStatusFields {
  envelopeId: string | null;
  reportingMta: string | null;
  arrivalDate: string | null;
  recipients: RecipientStatus[];
}

/** More than any real report: a few kilobytes per recipient at most. */
export const MAX_STATUS_BYTES = 64 * 1024;
const MAX_LINES = 4000;
const MAX_RECIPIENTS = 100;
const MAX_FIELDS_PER_GROUP = 60;
const MAX_VALUE = 2000;

const ACTIONS: readonly DeliveryAction[] = ["failed", "delayed", "delivered", "relayed", "expanded"];

/** Field groups: name (lower case) to its unfolded value, the first occurrence kept. */
function groups(text: string): Map<string, string>[] {
  const lines = text.slice(0, MAX_STATUS_BYTES).split(/\r?\n|\r/, MAX_LINES);
  const found: Map<string, string>[] = [];
  let current: Map<string, string> | null = null;
  let last: string | null = null;
  for (const line of lines) {
    if (line.trim() === "") {
      // Extra blank lines (some servers write two) only end the group once.
      current = null;
      last = null;
      continue;
    }
    if (/^[ \t]/.test(line)) {
      // Folded continuation of the previous field.
      if (current && last !== null) {
        const value = current.get(last)!;
        if (value.length < MAX_VALUE) current.set(last, `${value} ${line.trim()}`.slice(0, MAX_VALUE));
      }
      continue;
    }
    const colon = line.indexOf(":");
    const name = colon > 0 ? line.slice(0, colon).trim().toLowerCase() : "";
    if (!/^[a-z0-9-]{1,80}$/.test(name)) {
      last = null;
      continue;
    }
    if (!current) {
      if (found.length > MAX_RECIPIENTS) break;
      current = new Map();
      found.push(current);
    }
    if (current.size >= MAX_FIELDS_PER_GROUP || current.has(name)) {
      last = null;
      continue;
    }
    current.set(name, line.slice(colon + 1).trim().slice(0, MAX_VALUE));
    last = name;
  }
  return found;
}

/** Controls out, whitespace collapsed: values end up in the page as text. */
function clean(value: string): string {
  return value.replace(/[\u0000-\u001f\u007f]+/g, " ").replace(/\s+/g, " ").trim();
}

/** "rfc822; bob@b.test" → "bob@b.test": the value after its type, or the whole value without one. */
function typed(value: string | undefined): string | null {
  if (value === undefined) return null;
  const semicolon = value.indexOf(";");
  const text = clean(semicolon >= 0 ? value.slice(semicolon + 1) : value);
  return text || null;
}

/** An address-type value: angle brackets some servers add are dropped. */
function address(value: string | undefined): string | null {
  const text = typed(value);
  return text === null ? null : text.replace(/^<(.*)>$/, "$1").trim() || null;
}

/** A field that is one token, comments "(…)" aside. */
function token(value: string | undefined): string {
  return clean((value ?? "").replace(/\([^()]*\)/g, " ")).toLowerCase();
}

export function parseDeliveryStatus(text: string): DeliveryStatusFields {
  const all = groups(text);
  const perMessage = all[0];
  const recipients: RecipientStatus[] = [];
  // A report that left out the per-message group starts with a recipient's.
  for (const fields of perMessage?.has("final-recipient") ? all : all.slice(1)) {
    if (recipients.length >= MAX_RECIPIENTS) break;
    const finalRecipient = address(fields.get("final-recipient"));
    const actionWord = token(fields.get("action")).split(" ")[0];
    const action = ACTIONS.find((candidate) => candidate === actionWord);
    if (finalRecipient === null || action === undefined) continue;
    const status = /^([245]\.\d{1,3}\.\d{1,3})\b/.exec(token(fields.get("status")));
    const other = (name: string) => {
      const value = fields.get(name);
      return value === undefined ? null : clean(value) || null;
    };
    recipients.push({
      finalRecipient,
      originalRecipient: address(fields.get("original-recipient")),
      action,
      status: status ? status[1] : "",
      remoteMta: typed(fields.get("remote-mta")),
      diagnostic: typed(fields.get("diagnostic-code")),
      lastAttempt: other("last-attempt-date"),
      willRetryUntil: other("will-retry-until"),
    });
  }
  const envelopeId = perMessage?.get("original-envelope-id");
  return {
    envelopeId: envelopeId === undefined ? null : clean(envelopeId) || null,
    reportingMta: typed(perMessage?.get("reporting-mta")),
    arrivalDate: perMessage?.get("arrival-date") ? clean(perMessage.get("arrival-date")!) : null,
    recipients,
  };
}
