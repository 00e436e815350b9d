// FETCH data items (RFC 3501 §6.4.5, RFC 7162 MODSEQ): the text a client sends, turned into
// a typed list the FETCH command works from. Pure; anything malformed is a FetchAttributeError,
// which the session answers with BAD (RFC 3501 §7.1.5: the command is syntactically wrong).

/** Data items that carry no section: the name is the whole item. */
export type SimpleAttributeName =
  | "FLAGS"
  | "INTERNALDATE"
  | "RFC822.SIZE"
  | "ENVELOPE"
  | "BODY"
  | "BODYSTRUCTURE"
  | "UID"
  | "RFC822"
  | "RFC822.HEADER"
  | "RFC822.TEXT"
  | "MODSEQ";

/** What a section names inside the part its path leads to (RFC 3501 §6.4.5). */
export type SectionText = "" | "HEADER" | "TEXT" | "MIME" | "HEADER.FIELDS" | "HEADER.FIELDS.NOT";

export interface Section {
  /** Part path ("1.2.3" → [1, 2, 3]); empty for the message itself. */
  part: number[];
  /** "" for the part's content (or the whole message when `part` is empty). */
  text: SectionText;
  /** Field names for HEADER.FIELDS and HEADER.FIELDS.NOT, as sent; empty otherwise. */
  fields: string[];
}

/** A byte range `<origin.count>` of a section. */
export interface ByteRange {
  origin: number;
  count: number;
}

export interface SimpleAttribute {
  kind: SimpleAttributeName;
}

export interface BodySectionAttribute {
  kind: "BODY[]";
  /** BODY.PEEK[…]: same bytes, but the message is not marked \Seen. */
  peek: boolean;
  section: Section;
  partial: ByteRange | null;
}

export type FetchAttribute = SimpleAttribute | BodySectionAttribute;

export class FetchAttributeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FetchAttributeError";
  }
}

const SIMPLE: ReadonlySet<string> = new Set<SimpleAttributeName>([
  "FLAGS",
  "INTERNALDATE",
  "RFC822.SIZE",
  "ENVELOPE",
  "BODY",
  "BODYSTRUCTURE",
  "UID",
  "RFC822",
  "RFC822.HEADER",
  "RFC822.TEXT",
  "MODSEQ",
]);

/** RFC 3501 §6.4.5 macros; valid only on their own, never inside a parenthesized list. */
const MACROS: Readonly<Record<string, readonly SimpleAttributeName[]>> = {
  ALL: ["FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE"],
  FAST: ["FLAGS", "INTERNALDATE", "RFC822.SIZE"],
  FULL: ["FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE", "BODY"],
};

/** Numbers in FETCH are 32-bit unsigned (RFC 3501 §9 "number"). */
const MAX_NUMBER = 0xffffffff;
/** More items than any client sends; bounds the work a single command can ask for. */
const MAX_ITEMS = 256;
const MAX_FIELDS = 256;

/**
 * Parses the FETCH data item argument.
 *
 * - a string is the argument as sent: a macro (`ALL`), one item
 *   (`BODY.PEEK[HEADER.FIELDS (From To)]<0.100>`) or a parenthesized list of items;
 * - an array is the items of a parenthesized list, one string each, as the tokenizer delivers
 *   them (a section with its brackets and header list is one string).
 *
 * Throws FetchAttributeError on anything RFC 3501's grammar doesn't allow.
 */
export function parseFetchAttributes(input: string | readonly string[]): FetchAttribute[] {
  if (typeof input !== "string") return parseList(input);
  const text = input.trim();
  if (text.startsWith("(")) {
    if (!text.endsWith(")")) throw new FetchAttributeError("Unterminated FETCH item list");
    return parseList(splitItems(text.slice(1, -1)));
  }
  const macro = MACROS[text.toUpperCase()];
  if (macro) return macro.map((kind) => ({ kind }));
  const items = splitItems(text);
  if (items.length !== 1) throw new FetchAttributeError("More than one FETCH item needs parentheses");
  return [parseFetchAttribute(items[0])];
}

function parseList(items: readonly string[]): FetchAttribute[] {
  // fetch-att list: "(" fetch-att *(SP fetch-att) ")" — at least one, no macros.
  if (items.length === 0) throw new FetchAttributeError("Empty FETCH item list");
  if (items.length > MAX_ITEMS) throw new FetchAttributeError("Too many FETCH items");
  return items.map((item) => {
    if (MACROS[item.trim().toUpperCase()]) throw new FetchAttributeError(`${item.trim().toUpperCase()} is a macro and can't be in a list`);
    return parseFetchAttribute(item);
  });
}

/**
 * Splits list text into items at top-level spaces; spaces inside a section's brackets (the
 * header list of HEADER.FIELDS) and inside quoted field names don't split.
 */
function splitItems(text: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === "\\") i++;
      else if (c === '"') quoted = false;
      continue;
    }
    if (c === '"' && depth > 0) quoted = true;
    else if (c === "[") depth++;
    else if (c === "]") {
      if (depth === 0) throw new FetchAttributeError("Unbalanced ] in FETCH items");
      depth--;
    } else if (c === " " && depth === 0) {
      if (start !== -1) items.push(text.slice(start, i));
      start = -1;
      continue;
    } else if (c === "(" && depth === 0) throw new FetchAttributeError("Nested list in FETCH items");
    if (start === -1) start = i;
  }
  if (quoted || depth !== 0) throw new FetchAttributeError("Unterminated section in FETCH items");
  if (start !== -1) items.push(text.slice(start));
  return items;
}

/** Parses one data item (not a macro). */
export function parseFetchAttribute(item: string): FetchAttribute {
  const text = item.trim();
  const bracket = text.indexOf("[");
  if (bracket === -1) {
    const name = text.toUpperCase();
    if (SIMPLE.has(name)) return { kind: name as SimpleAttributeName };
    throw new FetchAttributeError(`Unknown FETCH item ${JSON.stringify(text.slice(0, 64))}`);
  }
  const name = text.slice(0, bracket).toUpperCase();
  if (name !== "BODY" && name !== "BODY.PEEK") {
    throw new FetchAttributeError(`Unknown FETCH item ${JSON.stringify(text.slice(0, 64))}`);
  }
  const close = sectionEnd(text, bracket);
  const section = parseSection(text.slice(bracket + 1, close));
  const partial = parsePartial(text.slice(close + 1));
  return { kind: "BODY[]", peek: name === "BODY.PEEK", section, partial };
}

/** Index of the "]" closing the section opened at `open`, skipping quoted field names. */
function sectionEnd(text: string, open: number): number {
  let quoted = false;
  for (let i = open + 1; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === "\\") i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === "]") return i;
  }
  throw new FetchAttributeError("Unterminated section");
}

function parsePartial(text: string): ByteRange | null {
  if (text === "") return null;
  // "<" number "." nz-number ">"
  const match = /^<(\d+)\.([1-9]\d*)>$/.exec(text);
  if (!match) throw new FetchAttributeError(`Bad partial ${JSON.stringify(text.slice(0, 32))}`);
  const origin = Number(match[1]);
  const count = Number(match[2]);
  if (origin > MAX_NUMBER || count > MAX_NUMBER) throw new FetchAttributeError("Partial out of range");
  return { origin, count };
}

/**
 * section-spec = section-msgtext / (section-part ["." section-text]);
 * section-text = section-msgtext / "MIME"; section-part = nz-number *("." nz-number).
 */
export function parseSection(text: string): Section {
  const part: number[] = [];
  let rest = text;
  while (/^\d/.test(rest)) {
    const match = /^([1-9]\d*)(?:\.|$)/.exec(rest);
    if (!match) throw new FetchAttributeError(`Bad part number in section ${JSON.stringify(text.slice(0, 64))}`);
    const n = Number(match[1]);
    if (n > MAX_NUMBER) throw new FetchAttributeError("Part number out of range");
    part.push(n);
    rest = rest.slice(match[0].length);
    if (match[0].endsWith(".") && rest === "") throw new FetchAttributeError("Section ends with a dot");
  }
  if (rest === "") return { part, text: "", fields: [] };
  const upper = rest.toUpperCase();
  if (upper === "HEADER" || upper === "TEXT") return { part, text: upper, fields: [] };
  if (upper === "MIME") {
    // MIME is the header of a body part; the message itself has no MIME header of its own.
    if (part.length === 0) throw new FetchAttributeError("MIME needs a part number");
    return { part, text: "MIME", fields: [] };
  }
  const fieldsMatch = /^(HEADER\.FIELDS(?:\.NOT)?) +/i.exec(rest);
  if (fieldsMatch) {
    return {
      part,
      text: fieldsMatch[1].toUpperCase() as "HEADER.FIELDS" | "HEADER.FIELDS.NOT",
      fields: parseHeaderList(rest.slice(fieldsMatch[0].length)),
    };
  }
  throw new FetchAttributeError(`Bad section ${JSON.stringify(text.slice(0, 64))}`);
}

/** header-list = "(" header-fld-name *(SP header-fld-name) ")"; header-fld-name = astring. */
function parseHeaderList(text: string): string[] {
  if (!text.startsWith("(") || !text.endsWith(")")) throw new FetchAttributeError("HEADER.FIELDS needs a parenthesized list");
  const body = text.slice(1, -1);
  const fields: string[] = [];
  let i = 0;
  while (i < body.length) {
    if (body[i] === " ") {
      i++;
      continue;
    }
    let name: string;
    if (body[i] === '"') {
      let value = "";
      let j = i + 1;
      for (; j < body.length && body[j] !== '"'; j++) {
        if (body[j] === "\\") {
          j++;
          if (body[j] !== '"' && body[j] !== "\\") throw new FetchAttributeError("Bad escape in quoted field name");
        }
        value += body[j];
      }
      if (j >= body.length) throw new FetchAttributeError("Unterminated quoted field name");
      name = value;
      i = j + 1;
      if (i < body.length && body[i] !== " ") throw new FetchAttributeError("Field names must be separated by spaces");
    } else {
      const end = body.indexOf(" ", i);
      name = body.slice(i, end === -1 ? body.length : end);
      i = end === -1 ? body.length : end;
      // ASTRING-CHAR, less "]" (it would have closed the section): no specials, no CTLs.
      if (/[(){%*"\\\]\x00-\x20\x7f-\uffff]/.test(name)) throw new FetchAttributeError(`Bad field name ${JSON.stringify(name.slice(0, 64))}`);
    }
    // A field name is printable US-ASCII without ":" (RFC 5322 §3.6.8); anything else could
    // never match, and an empty name is no name.
    if (!/^[\x21-\x39\x3b-\x7e]+$/.test(name)) throw new FetchAttributeError(`Bad field name ${JSON.stringify(name.slice(0, 64))}`);
    fields.push(name);
    if (fields.length > MAX_FIELDS) throw new FetchAttributeError("Too many field names");
  }
  if (fields.length === 0) throw new FetchAttributeError("Empty HEADER.FIELDS list");
  return fields;
}

/** The section as it appears between the brackets of the response (RFC 3501 §7.4.2). */
export function formatSection(section: Section): string {
  const path = section.part.join(".");
  if (section.text === "") return path;
  let text: string = section.text;
  if (section.fields.length) {
    // Upper-cased like Dovecot does (matching is case-insensitive anyway); quoted when a name
    // isn't an atom, and when it holds "[", which a reader of the item would take as nesting.
    const names = section.fields.map((name) => {
      const upper = name.toUpperCase();
      return /^[^(){%*"\\[\]\x00-\x20\x7f]+$/.test(upper) ? upper : `"${upper.replace(/["\\]/g, "\\$&")}"`;
    });
    text += ` (${names.join(" ")})`;
  }
  return path ? `${path}.${text}` : text;
}

/**
 * The item name of the response: BODY.PEEK answers as BODY, a partial answers with its
 * origin only (RFC 3501 §7.4.2: `BODY[section]<origin>`), the rest answer with their name.
 */
export function responseName(attribute: FetchAttribute): string {
  if (attribute.kind !== "BODY[]") return attribute.kind;
  const partial = attribute.partial ? `<${attribute.partial.origin}>` : "";
  return `BODY[${formatSection(attribute.section)}]${partial}`;
}

/** Fetching these marks the message \Seen (RFC 3501 §6.4.5): BODY[…] non-peek, RFC822, RFC822.TEXT. */
export function setsSeen(attribute: FetchAttribute): boolean {
  if (attribute.kind === "BODY[]") return !attribute.peek;
  return attribute.kind === "RFC822" || attribute.kind === "RFC822.TEXT";
}

/** Whether any item needs the message's bytes (the blob), not just the stored analysis. */
export function needsMessageBytes(attributes: readonly FetchAttribute[]): boolean {
  return attributes.some((a) => a.kind === "BODY[]" || a.kind === "RFC822" || a.kind === "RFC822.HEADER" || a.kind === "RFC822.TEXT");
}

/**
 * Whether any item needs the stored MIME tree: BODY and BODYSTRUCTURE, and every section but
 * the whole message (even HEADER and TEXT: the tree says where the header ends).
 */
export function needsStructure(attributes: readonly FetchAttribute[]): boolean {
  return attributes.some(
    (a) =>
      a.kind === "BODY" ||
      a.kind === "BODYSTRUCTURE" ||
      a.kind === "RFC822.HEADER" ||
      a.kind === "RFC822.TEXT" ||
      (a.kind === "BODY[]" && (a.section.part.length > 0 || a.section.text !== "")),
  );
}

/**
 * The RFC822 items as the BODY sections they are equivalent to (RFC 3501 §6.4.5): RFC822 is
 * BODY[], RFC822.HEADER is BODY.PEEK[HEADER], RFC822.TEXT is BODY[TEXT]. Their responses keep
 * their own names; only the bytes are the same.
 */
export function rfc822Section(kind: "RFC822" | "RFC822.HEADER" | "RFC822.TEXT"): Section {
  return { part: [], text: kind === "RFC822" ? "" : kind === "RFC822.HEADER" ? "HEADER" : "TEXT", fields: [] };
}
