// Server responses as bytes (RFC 3501 §7, §9). Built as Buffers, never as JS strings, because
// a literal's "{n}" counts bytes and UTF-8 text has more bytes than characters. Pure.
import { isUtf8 } from "node:buffer";

export type Part = string | Buffer;

export interface EncodeOptions {
  /** RFC 6855 UTF8=ACCEPT enabled by the client: UTF-8 may go in quoted strings. */
  utf8?: boolean;
}

/** Strings longer than this go as literals: clients read those without scanning for escapes. */
export const MAX_QUOTED = 1024;

export type Status = "OK" | "NO" | "BAD";
export type UntaggedStatus = Status | "BYE" | "PREAUTH";

const CRLF = Buffer.from("\r\n", "latin1");
const SP = Buffer.from(" ", "latin1");

function allText(parts: readonly Part[]): parts is readonly string[] {
  for (const part of parts) if (typeof part !== "string") return false;
  return true;
}

function bytesOf(value: Part): Buffer {
  return typeof value === "string" ? Buffer.from(value, "utf8") : value;
}

/** Why the bytes can't be a quoted string, or null if they can (RFC 3501 quoted, RFC 6855 utf8-quoted). */
function quoteProblem(bytes: Buffer, utf8: boolean): string | null {
  let eightBit = false;
  for (const c of bytes) {
    if (c === 0x0d || c === 0x0a || c === 0) return "CR, LF or NUL";
    if (c >= 0x80) eightBit = true;
  }
  if (eightBit && !utf8) return "8-bit data without UTF8=ACCEPT";
  if (eightBit && !isUtf8(bytes)) return "invalid UTF-8";
  return null;
}

function canQuote(bytes: Buffer, options: EncodeOptions): boolean {
  return bytes.length <= MAX_QUOTED && quoteProblem(bytes, options.utf8 ?? false) === null;
}

/** A quoted string, escaping DQUOTE and "\". Throws for what a quoted string can't hold. */
export function quoted(value: Part, options: EncodeOptions = {}): Buffer {
  const bytes = bytesOf(value);
  const problem = quoteProblem(bytes, options.utf8 ?? false);
  if (problem) throw new RangeError(`Can't quote a string with ${problem}`);
  let escapes = 0;
  for (const c of bytes) if (c === 0x22 || c === 0x5c) escapes++;
  const out = Buffer.allocUnsafe(bytes.length + escapes + 2);
  let o = 0;
  out[o++] = 0x22;
  for (const c of bytes) {
    if (c === 0x22 || c === 0x5c) out[o++] = 0x5c;
    out[o++] = c;
  }
  out[o++] = 0x22;
  return out;
}

/**
 * "{n}\r\n" and the bytes (n in bytes); "~{n}" (literal8, RFC 3516) with binary, for FETCH
 * BINARY data that holds NUL. Server literals never wait for a continuation.
 */
export function literal(value: Part, options: { binary?: boolean } = {}): Buffer {
  const bytes = bytesOf(value);
  return Buffer.concat([Buffer.from(`${options.binary ? "~" : ""}{${bytes.length}}\r\n`, "latin1"), bytes]);
}

/**
 * A string: quoted when it can be, otherwise a literal (CR, LF, NUL, 8-bit without
 * UTF8=ACCEPT, invalid UTF-8, or longer than MAX_QUOTED). NUL goes in a literal although
 * CHAR8 excludes it: sending the bytes the client asked for beats dropping them silently.
 */
export function string(value: Part, options: EncodeOptions = {}): Buffer {
  const bytes = bytesOf(value);
  return canQuote(bytes, options) ? quoted(bytes, options) : literal(bytes);
}

/** NIL for null/undefined, else string(). */
export function nstring(value: Part | null | undefined, options: EncodeOptions = {}): Buffer {
  return value === null || value === undefined ? Buffer.from("NIL", "latin1") : string(value, options);
}

/**
 * An astring: a bare atom when that is unambiguous, else string(). Conservative: no "[" "]"
 * (they would read as response-code brackets to some clients), and never the atom NIL, which
 * a client may take for "no value" instead of a name.
 */
export function astring(value: Part, options: EncodeOptions = {}): Buffer {
  const bytes = bytesOf(value);
  if (bytes.length > 0 && bytes.length <= MAX_QUOTED && isPlainAtom(bytes) && !(bytes.length === 3 && bytes.toString("latin1").toUpperCase() === "NIL")) {
    return Buffer.from(bytes);
  }
  return string(bytes, options);
}

function isPlainAtom(bytes: Buffer): boolean {
  for (const c of bytes) {
    // atom-specials: ( ) { SP CTL % * DQUOTE \ ] — and "[" as said above.
    if (c <= 0x20 || c >= 0x7f || c === 0x28 || c === 0x29 || c === 0x7b || c === 0x25 || c === 0x2a || c === 0x22 || c === 0x5c || c === 0x5b || c === 0x5d) {
      return false;
    }
  }
  return true;
}

/** list() as text, for a list nested in another response's text: "(\\Seen \\Flagged)". */
export function listText(items: readonly string[]): string {
  return `(${items.join(" ")})`;
}

/** "(" items separated by SP ")"; string items are protocol text, Buffers go as they are. */
export function list(items: readonly Part[]): Buffer {
  // All text (flags, FETCH items): one encoding of one string instead of a Buffer per item.
  if (allText(items)) return Buffer.from(listText(items), "utf8");
  const parts: Buffer[] = [Buffer.from("(", "latin1")];
  items.forEach((item, i) => {
    if (i > 0) parts.push(SP);
    parts.push(bytesOf(item));
  });
  parts.push(Buffer.from(")", "latin1"));
  return Buffer.concat(parts);
}

/**
 * Accumulates a response in pieces and joins them once: a FETCH response may carry many
 * literals of megabytes, and concatenating as it grows would copy them again and again.
 */
export class ResponseBuilder {
  private readonly parts: Buffer[] = [];
  private size = 0;

  /** Protocol text (UTF-8 encoded) or bytes already in wire form, appended as they are. */
  add(...parts: Part[]): this {
    for (const part of parts) {
      const bytes = bytesOf(part);
      this.parts.push(bytes);
      this.size += bytes.length;
    }
    return this;
  }

  sp(): this {
    return this.add(SP);
  }

  crlf(): this {
    return this.add(CRLF);
  }

  get byteLength(): number {
    return this.size;
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.parts, this.size);
  }
}

/** Response text is one line (TEXT-CHARs): CR and LF become spaces, and it is never empty. */
function responseText(text: string): string {
  const clean = text.replace(/[\r\n\0]+/g, " ");
  return clean.length ? clean : "completed";
}

/** "[CODE args]" text for a response code, e.g. responseCode("APPENDUID", 38505, 3955). */
export function responseCode(name: string, ...args: Array<string | number | bigint>): string {
  return [name, ...args.map(String)].join(" ");
}

function statusLine(prefix: string, word: string, text: string, code?: string): Buffer {
  const codePart = code ? `[${code.replace(/[\r\n\]]+/g, " ")}] ` : "";
  return Buffer.from(`${prefix} ${word} ${codePart}${responseText(text)}\r\n`, "utf8");
}

/** "A1 OK [code] text\r\n". code is without brackets: "UIDNEXT 5", "TRYCREATE", "APPENDUID 38505 3955". */
export function tagged(tag: string, status: Status, text: string, code?: string): Buffer {
  return statusLine(tag, status, text, code);
}

/** "* OK [code] text\r\n", "* BYE …", "* PREAUTH …". */
export function untaggedStatus(status: UntaggedStatus, text: string, code?: string): Buffer {
  return statusLine("*", status, text, code);
}

/**
 * "* " then the parts separated by spaces, then CRLF: untagged("5", "EXISTS"),
 * untagged("12", "FETCH", list([...])), untagged("FLAGS", list(["\\Seen", "\\Answered"])).
 */
export function untagged(...parts: Part[]): Buffer {
  if (allText(parts)) return Buffer.from(`* ${parts.join(" ")}\r\n`, "utf8");
  const builder = new ResponseBuilder().add("*");
  for (const part of parts) builder.sp().add(part);
  return builder.crlf().toBuffer();
}

/** "+ text\r\n": a continuation request (AUTHENTICATE challenges are base64 text; may be empty). */
export function continuation(text = ""): Buffer {
  return Buffer.from(`+ ${text.replace(/[\r\n]+/g, " ")}\r\n`, "utf8");
}
