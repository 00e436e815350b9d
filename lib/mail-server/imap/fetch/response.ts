// One message's FETCH response (RFC 3501 §7.4.2): `* n FETCH (item value …)`, from the parsed
// data items and what the store holds for the message. Pure. The result is a list of chunks,
// not one Buffer, so a large BODY[] goes to the socket as the slice of the blob it is rather
// than copied into a response buffer first.
import type { Envelope, MimePart } from "@/lib/mime/analyze";
import { responseName, rfc822Section, type FetchAttribute } from "./attributes";
import { renderBodyStructure } from "./bodystructure";
import { renderEnvelope } from "./envelope";
import { fetchSection } from "./sections";

/** What FETCH needs of one message; `raw` only when needsMessageBytes(attributes). */
export interface FetchMessage {
  uid: number;
  /** System flags with their backslash and keywords, each already a valid flag atom. */
  flags: readonly string[];
  internalDate: Date;
  /** RFC822.SIZE: the stored message's size in bytes. */
  size: number;
  modseq?: bigint | number;
  envelope: Envelope;
  structure: MimePart;
  raw?: Buffer;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * INTERNALDATE as RFC 3501 date-time: `"dd-Mon-yyyy hh:mm:ss +zzzz"` with the day
 * space-padded (date-day-fixed). Written in UTC: a Date keeps no zone, and +0000 is exact.
 */
export function formatInternalDate(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  const day = String(date.getUTCDate()).padStart(2, " ");
  return `"${day}-${MONTHS[date.getUTCMonth()]}-${date.getUTCFullYear()} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000"`;
}

/** `name value` for one item. */
export function renderFetchItem(attribute: FetchAttribute, message: FetchMessage): Buffer[] {
  const name = responseName(attribute);
  const text = (value: string) => [Buffer.from(`${name} ${value}`, "latin1")];
  // RFC 3501 section data is a string; a literal always, so the bytes are sent as they are
  // (CR, LF, 8-bit) and an empty section is `{0}`, as Dovecot answers.
  const literal = (bytes: Buffer) => [Buffer.from(`${name} {${bytes.length}}\r\n`, "latin1"), bytes];
  switch (attribute.kind) {
    case "UID":
      return text(String(message.uid));
    case "FLAGS":
      return text(`(${message.flags.join(" ")})`);
    case "INTERNALDATE":
      return text(formatInternalDate(message.internalDate));
    case "RFC822.SIZE":
      return text(String(message.size));
    case "MODSEQ":
      // RFC 7162 §3.1.4.1: a parenthesized list of one mod-sequence value.
      return text(`(${String(message.modseq ?? 0)})`);
    case "ENVELOPE":
      return [Buffer.from(`${name} `, "latin1"), renderEnvelope(message.envelope)];
    case "BODY":
    case "BODYSTRUCTURE":
      return [Buffer.from(`${name} `, "latin1"), renderBodyStructure(message.structure, attribute.kind === "BODYSTRUCTURE")];
    case "RFC822":
    case "RFC822.HEADER":
    case "RFC822.TEXT":
      return literal(fetchSection(requireRaw(message, name), message.structure, rfc822Section(attribute.kind)));
    case "BODY[]":
      return literal(fetchSection(requireRaw(message, name), message.structure, attribute.section, attribute.partial));
  }
}

/** `* seq FETCH (…)\r\n` for one message; the caller chooses the items (UID for UID FETCH, FLAGS after \Seen). */
export function renderFetchResponse(sequence: number, attributes: readonly FetchAttribute[], message: FetchMessage): Buffer[] {
  const chunks: Buffer[] = [Buffer.from(`* ${sequence} FETCH (`, "latin1")];
  attributes.forEach((attribute, i) => {
    if (i) chunks.push(Buffer.from(" ", "latin1"));
    chunks.push(...renderFetchItem(attribute, message));
  });
  chunks.push(Buffer.from(")\r\n", "latin1"));
  return chunks;
}

/** A caller that asks for body bytes without loading them has a bug; say which item. */
function requireRaw(message: FetchMessage, item: string): Buffer {
  if (!message.raw) throw new Error(`FETCH ${item} needs the message bytes (check needsMessageBytes before loading)`);
  return message.raw;
}
