// The bytes of a FETCH BODY[section]<partial> (RFC 3501 §6.4.5), cut from the raw message at
// the offsets the analysis stored. RFC 3501 asks for the exact bytes of the message, so
// nothing is decoded or re-encoded here: a section is a slice of the blob, except
// HEADER.FIELDS(.NOT), which is a selection of its header lines followed by a blank line.
import type { MimePart } from "@/lib/mime/analyze";
import type { ByteRange, Section } from "./attributes";

const CRLF = Buffer.from("\r\n", "latin1");
const EMPTY = Buffer.alloc(0);

/**
 * The part a part path names (RFC 3501 §6.4.5 numbering), or null when there is none.
 *
 * Walked by shape, not by the stored `part` strings: every multipart numbers its children
 * from 1; part 1 of a non-multipart message is its body (so "1" of a single-part message is
 * the message's own part); a number after a message/rfc822 part numbers the parts of the
 * message it encloses ("2.1" is the first part of the message that is part 2).
 */
export function findPart(structure: MimePart, path: readonly number[]): MimePart | null {
  let node = structure;
  for (let i = 0; i < path.length; i++) {
    if (i > 0 && node.type !== "multipart") {
      // Only a message/rfc822 (with a parsed message inside) has parts below it.
      const inner = isMessage(node) ? node.children[0] : undefined;
      if (!inner) return null;
      node = inner;
    }
    const n = path[i];
    if (node.type === "multipart") {
      const child = node.children[n - 1];
      if (!child) return null;
      node = child;
    } else if (n !== 1) {
      return null;
    }
  }
  return node;
}

function isMessage(part: MimePart): boolean {
  return part.type === "message" && part.subtype === "rfc822";
}

/**
 * The section's bytes, whole (apply `partial` with `applyPartial`). Returned Buffers may be
 * views into `raw`; copy them if `raw` is to be reused. A section that doesn't exist (no such
 * part; HEADER or TEXT of a part that isn't a message) is empty, as Dovecot answers it.
 */
export function extractSection(raw: Buffer, structure: MimePart, section: Section): Buffer {
  if (section.part.length === 0 && section.text === "") return raw;
  const part = section.part.length ? findPart(structure, section.part) : structure;
  if (!part) return EMPTY;
  switch (section.text) {
    case "":
      return slice(raw, part.bodyStart, part.bodyEnd);
    case "MIME":
      // The part's own MIME header, blank line included. For part 1 of a single-part message
      // that is the message header (Dovecot answers the same).
      return slice(raw, part.headerStart, part.bodyStart);
    default: {
      // HEADER/TEXT/HEADER.FIELDS(.NOT) are of a message: the message itself, or the one a
      // message/rfc822 part encloses.
      const message = section.part.length === 0 ? { headerStart: part.headerStart, bodyStart: part.bodyStart, bodyEnd: raw.length } : isMessage(part) ? part.children[0] : undefined;
      if (!message) return EMPTY;
      if (section.text === "TEXT") return slice(raw, message.bodyStart, message.bodyEnd);
      const header = slice(raw, message.headerStart, message.bodyStart);
      if (section.text === "HEADER") return header;
      return selectHeaderFields(header, section.fields, section.text === "HEADER.FIELDS.NOT");
    }
  }
}

/** `<origin.count>`: an origin past the end gives an empty string (RFC 3501 §6.4.5). */
export function applyPartial(bytes: Buffer, partial: ByteRange | null): Buffer {
  if (!partial) return bytes;
  if (partial.origin >= bytes.length) return EMPTY;
  return bytes.subarray(partial.origin, Math.min(bytes.length, partial.origin + partial.count));
}

/** extractSection then applyPartial: the bytes of BODY[section]<partial>. */
export function fetchSection(raw: Buffer, structure: MimePart, section: Section, partial: ByteRange | null = null): Buffer {
  return applyPartial(extractSection(raw, structure, section), partial);
}

/** Offsets from a stored tree are clamped, so a tree that doesn't match the bytes can't throw. */
function slice(raw: Buffer, start: number, end: number): Buffer {
  const from = Math.max(0, Math.min(start, raw.length));
  return raw.subarray(from, Math.max(from, Math.min(end, raw.length)));
}

/**
 * HEADER.FIELDS / HEADER.FIELDS.NOT: the header lines whose field name is (or isn't) in
 * `names`, compared case-insensitively, in message order, each with its folded continuation
 * lines exactly as they are, then the blank line that ends a header (always CRLF, even when
 * the message's header had none: RFC 3501 says the result includes it).
 */
export function selectHeaderFields(header: Buffer, names: readonly string[], exclude: boolean): Buffer {
  const wanted = new Set(names.map((name) => name.toLowerCase()));
  const out: Buffer[] = [];
  let fieldStart = -1;
  let fieldName: string | null = null;
  const flush = (end: number) => {
    if (fieldStart !== -1 && fieldName !== null && wanted.has(fieldName) !== exclude) {
      const field = header.subarray(fieldStart, end);
      out.push(field);
      // A last line without its line break (a message that is all header) still ends
      // its line before the blank line.
      if (field[field.length - 1] !== 0x0a) out.push(CRLF);
    }
    fieldStart = -1;
    fieldName = null;
  };
  let lineStart = 0;
  while (lineStart < header.length) {
    const lf = header.indexOf(0x0a, lineStart);
    const lineEnd = lf === -1 ? header.length : lf + 1;
    const first = header[lineStart];
    if (first === 0x20 || first === 0x09) {
      // A continuation line belongs to the field above it (or to nothing at the very top).
      lineStart = lineEnd;
      continue;
    }
    flush(lineStart);
    if (first === 0x0a || (first === 0x0d && header[lineStart + 1] === 0x0a)) break; // the blank line
    const colon = header.indexOf(0x3a, lineStart);
    // RFC 5322 §4.5.3 (obsolete syntax) allows white space before the colon. A line without a
    // colon names no field, so HEADER.FIELDS never matches it, but HEADER.FIELDS.NOT keeps it
    // (as Dovecot does): the answer leaves out only what was asked to be left out.
    fieldName = header.toString("latin1", lineStart, colon !== -1 && colon < lineEnd ? colon : lineEnd).replace(/[ \t\r\n]+$/, "").toLowerCase();
    if (colon === -1 || colon >= lineEnd) fieldName = `\0${fieldName}`;
    fieldStart = lineStart;
    lineStart = lineEnd;
  }
  flush(lineStart);
  out.push(CRLF);
  return Buffer.concat(out);
}
