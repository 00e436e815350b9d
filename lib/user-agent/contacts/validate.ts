// What may be stored in the address book. A form is checked strictly and refused in words; an imported
// card is made to fit (long text cut, unusable addresses dropped), since a file from elsewhere is taken
// as far as it can be rather than refused for one odd field.
import { isValidAddress } from "@/lib/user-agent/compose/types";
import { LIMITS, type ContactInput, type LabelledValue } from "./types";

// Control characters break CSV and vCard lines and mean nothing in a name; notes keep their line breaks.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;
const LINE_BREAKS = /[\r\n\u2028\u2029]+/g;

/** One line of text, without control characters, at most `max` characters. */
export function lineText(value: unknown, max: number): string {
  if (typeof value !== "string") return "";
  return Array.from(value.replace(LINE_BREAKS, " ").replace(CONTROL, "").trim()).slice(0, max).join("").trim();
}

export function multilineText(value: unknown, max: number): string {
  if (typeof value !== "string") return "";
  return Array.from(value.replace(/\r\n?/g, "\n").replace(CONTROL, "").trim()).slice(0, max).join("");
}

/** "Work", "TYPE=INTERNET,HOME", "* Mobile" → a label of ours ("work", "home", "mobile", "other") or "". */
export function normaliseLabel(raw: string): string {
  const words = raw.toLowerCase().split(/[^a-z]+/);
  for (const [label, names] of [
    ["mobile", ["mobile", "cell", "cellular", "iphone"]],
    ["work", ["work", "business", "office"]],
    ["home", ["home", "personal", "private"]],
    ["other", ["other"]],
  ] as const) {
    if (words.some((word) => (names as readonly string[]).includes(word))) return label;
  }
  return "";
}

function dedupe(values: LabelledValue[], key: (value: string) => string): LabelledValue[] {
  const seen = new Set<string>();
  return values.filter((entry) => {
    const k = key(entry.value);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function labelled(entries: unknown): { value: unknown; label: unknown }[] {
  if (!Array.isArray(entries)) return [];
  return entries.filter((entry): entry is { value: unknown; label: unknown } => typeof entry === "object" && entry !== null);
}

function groupNames(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return [...new Set(value.map((name) => lineText(name, LIMITS.groupName)).filter(Boolean))].slice(0, LIMITS.groupsPerContact);
}

/** An imported card made to fit, or null when nothing of it can be kept (no name, address or phone). */
export function fitImported(input: ContactInput): ContactInput | null {
  const emails = dedupe(
    input.emails.map((entry) => ({ value: lineText(entry.value, LIMITS.address + 1).replace(/^mailto:/i, ""), label: normaliseLabel(entry.label) })).filter((entry) => isValidAddress(entry.value)),
    (value) => value.toLowerCase(),
  ).slice(0, LIMITS.emailsPerContact);
  const phones = dedupe(
    input.phones.map((entry) => ({ value: lineText(entry.value, LIMITS.phone).replace(/^tel:/i, ""), label: normaliseLabel(entry.label) })).filter((entry) => entry.value !== ""),
    (value) => value.replace(/[^\d+]/g, "") || value,
  ).slice(0, LIMITS.phonesPerContact);
  const name = lineText(input.name, LIMITS.name);
  if (!name && emails.length === 0 && phones.length === 0) return null;
  return { name, emails, phones, notes: multilineText(input.notes, LIMITS.notes), groups: groupNames(input.groups) };
}

/** A contact from the page's form, or why it is refused (in English, for the API's 400). */
export function parseContactForm(fields: Record<string, unknown>): ContactInput | string {
  if (typeof fields.name === "string" && fields.name.length > LIMITS.name) return `A name has at most ${LIMITS.name} characters.`;
  if (typeof fields.notes === "string" && fields.notes.length > LIMITS.notes) return `Notes have at most ${LIMITS.notes} characters.`;
  const emails = labelled(fields.emails);
  const phones = labelled(fields.phones);
  if (emails.length > LIMITS.emailsPerContact) return `A contact has at most ${LIMITS.emailsPerContact} addresses.`;
  if (phones.length > LIMITS.phonesPerContact) return `A contact has at most ${LIMITS.phonesPerContact} phone numbers.`;
  const wrong = emails.find((entry) => typeof entry.value !== "string" || (entry.value.trim() !== "" && !isValidAddress(entry.value.trim())));
  if (wrong) return `“${lineText(wrong.value, 80)}” is not an e-mail address.`;
  if (phones.some((entry) => typeof entry.value !== "string" || entry.value.length > LIMITS.phone)) return `A phone number has at most ${LIMITS.phone} characters.`;
  const contact: ContactInput = {
    name: lineText(fields.name, LIMITS.name),
    emails: dedupe(
      emails.map((entry) => ({ value: lineText(entry.value, LIMITS.address), label: normaliseLabel(lineText(entry.label, LIMITS.label)) })).filter((entry) => entry.value !== ""),
      (value) => value.toLowerCase(),
    ),
    phones: phones.map((entry) => ({ value: lineText(entry.value, LIMITS.phone), label: normaliseLabel(lineText(entry.label, LIMITS.label)) })).filter((entry) => entry.value !== ""),
    notes: multilineText(fields.notes, LIMITS.notes),
    groups: groupNames(fields.groups),
  };
  if (!contact.name && contact.emails.length === 0 && contact.phones.length === 0) return "Give a name, an address or a phone number.";
  return contact;
}
