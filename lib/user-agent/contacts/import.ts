// An uploaded address book file, whatever it is: its bytes decoded (UTF-8, UTF-16 with a byte-order mark,
// or Windows-1252 as older Outlook writes), its format recognised (vCard or CSV), its cards read and made
// to fit. Files that are too large, not text, or neither format are refused with a reason; cards past the
// import limit are left out and counted, so the user is told rather than surprised.
import { CsvError, parseCsv, type CsvDialect } from "./csv";
import { LIMITS, type ContactInput } from "./types";
import { fitImported } from "./validate";
import { parseCard, splitCards } from "./vcard";

export type ImportRefusal = "too-large" | "not-text" | "unknown-format" | "unreadable";
export type ImportFormat = "vcard" | `${CsvDialect}-csv`;

export class ImportRefused extends Error {
  constructor(
    readonly reason: ImportRefusal,
    detail = "",
  ) {
    super(detail || reason);
  }
}

export interface ImportedFile {
  format: ImportFormat;
  /** Text that was not UTF-8 and was read as Windows-1252. */
  legacyEncoding: boolean;
  contacts: ContactInput[];
  /** Cards that could not be read or held nothing to keep. */
  skipped: number;
  /** Cards past LIMITS.importContacts. */
  leftOut: number;
}

export function decodeText(bytes: Uint8Array): { text: string; legacyEncoding: boolean } {
  if (bytes.length > LIMITS.importBytes) throw new ImportRefused("too-large");
  let text: string;
  let legacyEncoding = false;
  if (bytes[0] === 0xff && bytes[1] === 0xfe) text = new TextDecoder("utf-16le").decode(bytes.subarray(2));
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) text = new TextDecoder("utf-16be").decode(bytes.subarray(2));
  else {
    try {
      text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
    } catch {
      text = new TextDecoder("windows-1252").decode(bytes);
      legacyEncoding = true;
    }
  }
  // Text has no NUL, and little else below space besides line breaks and tabs: anything else is binary
  // (an image, a zip, UTF-16 without its byte-order mark).
  const controls = text.match(/[\u0000-\u0008\u000e-\u001f]/g)?.length ?? 0;
  if (text.includes("\u0000") || controls > text.length / 100) throw new ImportRefused("not-text");
  return { text: text.replace(/^\uFEFF/, ""), legacyEncoding };
}

function kept(found: (ContactInput | null)[]): Pick<ImportedFile, "contacts" | "skipped" | "leftOut"> {
  const usable = found.filter((contact): contact is ContactInput => contact !== null);
  return {
    contacts: usable.slice(0, LIMITS.importContacts),
    skipped: found.length - usable.length,
    leftOut: Math.max(0, usable.length - LIMITS.importContacts),
  };
}

export function readAddressBook(bytes: Uint8Array): ImportedFile {
  const { text, legacyEncoding } = decodeText(bytes);
  if (/^\s*BEGIN[ \t]*:[ \t]*VCARD/i.test(text)) {
    const cards = splitCards(text);
    if (cards.length === 0) throw new ImportRefused("unreadable", "no complete BEGIN:VCARD … END:VCARD");
    // Reading stops a little past the limit: enough to say that some were left out.
    const read = cards.slice(0, LIMITS.importContacts * 2).map((card) => {
      try {
        return fitImported(parseCard(card));
      } catch {
        return null;
      }
    });
    const result = kept(read);
    return { format: "vcard", legacyEncoding, ...result, leftOut: result.leftOut + Math.max(0, cards.length - read.length) };
  }
  const header = text.slice(0, text.search(/\r?\n|$/));
  if (!/[,;\t]/.test(header)) throw new ImportRefused("unknown-format");
  try {
    const { dialect, contacts } = parseCsv(text);
    return { format: `${dialect}-csv`, legacyEncoding, ...kept(contacts.map(fitImported)) };
  } catch (error) {
    if (error instanceof CsvError) throw new ImportRefused("unreadable", error.message);
    throw error;
  }
}
