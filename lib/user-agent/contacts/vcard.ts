// vCard 3.0 (RFC 2426) and 4.0 (RFC 6350) through ical.js, which parses both into jCard (RFC 7095) and
// writes either back. Each card is parsed on its own, so one broken card costs only itself.
import ICAL from "ical.js";
import type { ContactInput, LabelledValue } from "./types";

export type VcardVersion = "3.0" | "4.0";

// ical.js folds after 75 octets of content and then adds the continuation's space: 76 in all, where
// RFC 6350 §3.2 counts the space within the 75.
ICAL.foldLength = 74;

/** The BEGIN:VCARD … END:VCARD blocks of a file (nested AGENT cards of vCard 2.1 stay inside theirs). */
export function splitCards(text: string): string[] {
  const cards: string[] = [];
  let depth = 0;
  let start = 0;
  for (const match of text.matchAll(/^[ \t]*(BEGIN|END)[ \t]*:[ \t]*VCARD[ \t]*\r?$/gim)) {
    if (match[1].toUpperCase() === "BEGIN") {
      if (depth === 0) start = match.index;
      depth += 1;
    } else if (depth > 0) {
      depth -= 1;
      if (depth === 0) cards.push(text.slice(start, match.index + match[0].length));
    }
  }
  return cards;
}

function texts(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(texts);
  return typeof value === "string" ? [value] : [];
}

function typeParameter(property: InstanceType<typeof ICAL.Property>): string {
  return texts(property.getParameter("type")).join(",");
}

function values(card: InstanceType<typeof ICAL.Component>, name: string): LabelledValue[] {
  return card.getAllProperties(name).flatMap((property) => {
    const label = typeParameter(property);
    return texts(property.getValues()).map((value) => ({ value, label }));
  });
}

/** Quoted-printable bytes (RFC 2045 §6.7) in the named charset, as vCard 3.0 text. */
function decodeQuotedPrintable(value: string, charset: string): string {
  const bytes = Buffer.from(value.replace(/=\r?\n/g, "").replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))), "latin1");
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(charset || "utf-8");
  } catch {
    decoder = new TextDecoder("utf-8");
  }
  return decoder.decode(bytes).replace(/\\/g, "\\\\").replace(/\r?\n/g, "\\n").replace(/,/g, "\\,");
}

/**
 * vCard 2.1 (phones still export it) writes bare parameters, "EMAIL;INTERNET;WORK:…", that 3.0 spells
 * "EMAIL;TYPE=INTERNET;TYPE=WORK:…", and non-ASCII names as quoted-printable with a CHARSET; ical.js
 * reads only 3.0 and 4.0, so a 2.1 card is rewritten as 3.0 first.
 */
function fromVcard21(text: string): string {
  if (!/^VERSION:\s*2\.1\s*$/im.test(text)) return text;
  const decoded = text.replace(/^([A-Za-z0-9.-]+)((?:;[^:;\r\n]*)*;(?:ENCODING=)?QUOTED-PRINTABLE(?:;[^:;\r\n]*)*):((?:[^\r\n]*=\r?\n)*[^\r\n]*)$/gim, (_, name: string, parameters: string, value: string) => {
    const charset = /;CHARSET=([^;:]+)/i.exec(parameters)?.[1] ?? "utf-8";
    const kept = parameters.replace(/;(?:ENCODING=)?QUOTED-PRINTABLE|;CHARSET=[^;:]*/gi, "");
    return `${name}${kept}:${decodeQuotedPrintable(value, charset)}`;
  });
  return decoded.replace(/^([A-Za-z0-9.-]+)((?:;[^:;\r\n]*)+):/gm, (_, name: string, parameters: string) => `${name}${parameters.replace(/;CHARSET=[^;:]*/gi, "").replace(/;(?=[A-Za-z-]+(?:;|$))/g, ";TYPE=")}:`);
}

/** One card's contact; throws ical.js's ParserError when the card cannot be read. */
export function parseCard(text: string): ContactInput {
  const card = new ICAL.Component(ICAL.parse(fromVcard21(text.replace(/^\uFEFF/, ""))) as unknown[]);
  const emails = values(card, "email");
  const formatted = texts(card.getFirstPropertyValue("fn")).join(" ").trim();
  // N is family; given; additional; prefixes; suffixes.
  const [family = "", given = "", additional = ""] = card.getAllProperties("n").flatMap((property) => property.getValues()).flatMap((value: unknown) => (Array.isArray(value) ? [value.map((part) => texts(part).join(" "))] : [texts(value)]))[0] ?? [];
  const structured = [given, additional, family].map((part) => part.trim()).filter(Boolean).join(" ");
  // Cards written without a name often repeat the address as FN.
  const name = formatted && !emails.some((email) => email.value.toLowerCase() === formatted.toLowerCase()) ? formatted : structured;
  return {
    name,
    emails,
    phones: values(card, "tel"),
    notes: card.getAllProperties("note").flatMap((property) => texts(property.getValues())).join("\n"),
    groups: card.getAllProperties("categories").flatMap((property) => texts(property.getValues())),
  };
}

/** Given names and family name as N wants them: the last word is taken as the family name. */
export function splitName(name: string): { given: string; family: string } {
  const words = name.trim().split(/\s+/).filter(Boolean);
  return words.length < 2 ? { given: words.join(""), family: "" } : { given: words.slice(0, -1).join(" "), family: words.at(-1) ?? "" };
}

const VCARD_TYPES: Record<string, { "3.0": string; "4.0": string }> = {
  home: { "3.0": "HOME", "4.0": "home" },
  work: { "3.0": "WORK", "4.0": "work" },
  mobile: { "3.0": "CELL", "4.0": "cell" },
  other: { "3.0": "", "4.0": "" },
};

function typed(label: string, version: VcardVersion, extra: string[] = []): Record<string, string | string[]> {
  const types = [...extra, VCARD_TYPES[label]?.[version] ?? ""].filter(Boolean);
  if (types.length === 0) return {};
  return { type: types.length === 1 ? types[0] : types };
}

/** One contact as a vCard of the given version, CRLF lines folded as RFC 6350 asks. */
export function writeCard(contact: ContactInput, version: VcardVersion): string {
  const { given, family } = splitName(contact.name);
  const properties: unknown[][] = [
    ["version", {}, "text", version],
    ["fn", {}, "text", contact.name || contact.emails[0]?.value || contact.phones[0]?.value || ""],
    ["n", {}, "text", [family, given, "", "", ""]],
    ...contact.emails.map((email) => ["email", typed(email.label, version, version === "3.0" ? ["INTERNET"] : []), "text", email.value]),
    ...contact.phones.map((phone) => ["tel", typed(phone.label, version), version === "3.0" ? "phone-number" : "text", phone.value]),
  ];
  if (contact.notes) properties.push(["note", {}, "text", contact.notes]);
  if (contact.groups.length > 0) properties.push(["categories", {}, "text", ...contact.groups]);
  return ICAL.stringify(["vcard", properties, []]);
}

export function writeVcards(contacts: ContactInput[], version: VcardVersion): string {
  return contacts.map((contact) => `${writeCard(contact, version)}\r\n`).join("");
}
