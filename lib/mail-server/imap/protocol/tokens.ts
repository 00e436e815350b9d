// The IMAP value model and the tokenizer of one complete client command (RFC 3501 §9, with
// RFC 7888 LITERAL+, RFC 3516 literal8 and RFC 6855 UTF8=ACCEPT). Pure: it gets the command's
// bytes with its literals already in place (the reader assembles them) and never does I/O,
// so it can be tested and fuzzed alone. Every malformed input is an ImapSyntaxError; nothing
// else is thrown.
//
// The tokenizer is lexical: it does not know which command takes which arguments. IMAP's
// grammar is context dependent (an astring "NIL" is a mailbox name, an nstring NIL is
// nothing; "1:*" is a sequence set, "*" a LIST pattern), so the tokens keep enough to let the
// command decide: atoms keep their exact text, NIL is its own token and asAString() turns it
// back into the name "NIL" where a name is meant.
import { isUtf8 } from "node:buffer";

export type ImapToken =
  /** Anything unquoted: ATOM-CHARs plus "]" (astrings), "%" and "*" (LIST patterns, sequence
   * sets), a leading "\" (flags), and for BODY[…]/BINARY[…] a section and partial. */
  | { type: "atom"; value: string }
  /** A quoted string (literal false) or a literal / literal8 (literal true, binary true for ~{n}). */
  | { type: "string"; value: Buffer; literal: boolean; binary?: boolean }
  | { type: "list"; items: ImapToken[] }
  /** The unquoted atom NIL, in any case. "NIL" quoted is a string. */
  | { type: "nil" };

export interface ImapCommand {
  tag: string;
  /**
   * Upper-cased. UID commands are one name with their sub-command, "UID FETCH", "UID STORE",
   * …, so a session dispatches on one string and the arguments start after the sub-command.
   */
  command: string;
  args: ImapToken[];
}

export interface TokenizeOptions {
  /** RFC 6855 UTF8=ACCEPT is enabled: quoted strings may hold UTF-8 (validated). */
  utf8?: boolean;
  /** Deepest parenthesis nesting accepted, lists and sections alike. */
  maxDepth?: number;
}

export const DEFAULT_MAX_DEPTH = 32;

/**
 * A command that can't be understood. The session answers "<tag> BAD [code] message", or
 * "* BAD …" when the tag itself was unreadable. Messages never echo client bytes.
 */
export class ImapSyntaxError extends Error {
  readonly tag: string | undefined;
  /** A response code for the answer, e.g. "TOOBIG" (RFC 4469/7888) or "LIMIT" (RFC 5530). */
  readonly code: string | undefined;

  /** Set only when a bug (not the input) made tokenize fail; the fuzz tests look for it. */
  constructor(message: string, details: { tag?: string; code?: string; cause?: unknown } = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = "ImapSyntaxError";
    this.tag = details.tag;
    this.code = details.code;
  }
}

const SP = 0x20;
const DQUOTE = 0x22;
const LPAREN = 0x28;
const RPAREN = 0x29;
const PLUS = 0x2b;
const DOT = 0x2e;
const LT = 0x3c;
const GT = 0x3e;
const LBRACKET = 0x5b;
const BACKSLASH = 0x5c;
const RBRACKET = 0x5d;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const TILDE = 0x7e;
const CR = 0x0d;
const LF = 0x0a;

/**
 * Bytes an unquoted token may hold: printable ASCII except "(", ")", "{", DQUOTE and "\"
 * (a backslash only starts a flag). Wider than ATOM-CHAR on purpose, see ImapToken.
 */
function isAtomByte(c: number): boolean {
  return c > 0x20 && c < 0x7f && c !== LPAREN && c !== RPAREN && c !== LBRACE && c !== DQUOTE && c !== BACKSLASH;
}

/** tag = 1*(ASTRING-CHAR except "+"): no list-wildcards, no "\" and no "+". */
function isTagByte(c: number): boolean {
  return isAtomByte(c) && c !== 0x25 && c !== 0x2a && c !== PLUS;
}

/** Command names are plain words; extensions use letters, digits and "-". */
function isCommandByte(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x5f || c === DOT;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/**
 * Fetch attributes whose "[" opens a section (RFC 3501 body / RFC 3516 binary). Only after
 * these may the token hold spaces, quotes and parentheses; elsewhere "[" and "]" are plain
 * ASTRING-CHARs, so "[Gmail]/Drafts" or "foo[bar" stay valid mailbox names.
 */
const SECTION_PREFIXES = new Set(["BODY", "BODY.PEEK", "BINARY", "BINARY.PEEK", "BINARY.SIZE"]);
const LONGEST_PREFIX = Math.max(...[...SECTION_PREFIXES].map((p) => p.length));

/** Literal sizes past this many digits can't be real (and lose precision as numbers). */
const MAX_LITERAL_DIGITS = 15;

class Tokenizer {
  private pos = 0;
  tag: string | undefined;
  private readonly utf8: boolean;
  private readonly maxDepth: number;

  constructor(
    private readonly buf: Buffer,
    options: TokenizeOptions,
  ) {
    this.utf8 = options.utf8 ?? false;
    this.maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  }

  fail(message: string, code?: string): never {
    throw new ImapSyntaxError(message, { tag: this.tag, code });
  }

  command(): ImapCommand {
    const { buf } = this;
    while (this.pos < buf.length && isTagByte(buf[this.pos])) this.pos++;
    if (this.pos === 0) this.fail(buf.length === 0 ? "Empty command" : "Missing or invalid tag");
    if (this.pos < buf.length && buf[this.pos] !== SP) this.fail("Invalid character in tag");
    // Only now is the tag known to be a tag; errors from here on are tagged.
    this.tag = buf.toString("latin1", 0, this.pos);
    let command = this.commandName();
    if (command === "UID") command = `UID ${this.commandName()}`;
    const args = this.sequence(false, 0);
    return { tag: this.tag, command, args };
  }

  private skipSpaces(): number {
    const start = this.pos;
    while (this.pos < this.buf.length && this.buf[this.pos] === SP) this.pos++;
    return this.pos - start;
  }

  private commandName(): string {
    if (this.skipSpaces() === 0 || this.pos >= this.buf.length) this.fail("Missing command");
    const start = this.pos;
    while (this.pos < this.buf.length && isCommandByte(this.buf[this.pos])) this.pos++;
    if (this.pos === start || (this.pos < this.buf.length && this.buf[this.pos] !== SP)) this.fail("Invalid command name");
    return this.buf.toString("latin1", start, this.pos).toUpperCase();
  }

  /** Tokens separated by spaces, up to ")" (in a list) or the end (at the top). */
  private sequence(inList: boolean, depth: number): ImapToken[] {
    const items: ImapToken[] = [];
    const { buf } = this;
    for (;;) {
      const spaces = this.skipSpaces();
      if (this.pos >= buf.length) {
        if (inList) this.fail("Unterminated list");
        return items;
      }
      if (buf[this.pos] === RPAREN) {
        if (!inList) this.fail("Unexpected )");
        this.pos++;
        return items;
      }
      // Tokens need a space between them ("a(b", "\"x\"\"y\"" are malformed); lists may
      // open and close without one. Extra spaces are tolerated, as most servers do.
      if (spaces === 0 && (items.length > 0 || !inList)) this.fail("Missing space between arguments");
      items.push(this.value(depth));
    }
  }

  private value(depth: number): ImapToken {
    const { buf } = this;
    const c = buf[this.pos];
    if (c === LPAREN) {
      if (depth + 1 > this.maxDepth) this.fail("Lists nested too deeply");
      this.pos++;
      return { type: "list", items: this.sequence(true, depth + 1) };
    }
    if (c === DQUOTE) return { type: "string", value: this.quoted(this.utf8), literal: false };
    if (c === LBRACE) return this.literal(false);
    if (c === TILDE && buf[this.pos + 1] === LBRACE) {
      this.pos++;
      return this.literal(true);
    }
    if (isAtomByte(c) || c === BACKSLASH) {
      const value = this.atom(depth);
      if (value.length === 3 && value.toUpperCase() === "NIL") return { type: "nil" };
      return { type: "atom", value };
    }
    if (c >= 0x80) this.fail("8-bit characters outside a quoted string or literal");
    this.fail("Invalid character");
  }

  /** DQUOTE *QUOTED-CHAR DQUOTE, unescaped. TEXT-CHAR excludes CR and LF; CHAR excludes NUL. */
  private quoted(utf8: boolean): Buffer {
    const { buf } = this;
    this.pos++;
    const pieces: Buffer[] = [];
    let start = this.pos;
    let eightBit = false;
    for (;;) {
      if (this.pos >= buf.length) this.fail("Unterminated quoted string");
      const c = buf[this.pos];
      if (c === DQUOTE) break;
      if (c === BACKSLASH) {
        if (this.pos + 1 >= buf.length) this.fail("Unterminated quoted string");
        const next = buf[this.pos + 1];
        if (next !== DQUOTE && next !== BACKSLASH) this.fail("Invalid escape in quoted string");
        pieces.push(buf.subarray(start, this.pos));
        start = this.pos + 1;
        this.pos += 2;
        continue;
      }
      if (c === CR || c === LF || c === 0) this.fail("CR, LF or NUL in a quoted string; use a literal");
      if (c >= 0x80) {
        if (!utf8) this.fail("8-bit characters in a quoted string need a literal (or UTF8=ACCEPT)");
        eightBit = true;
      }
      this.pos++;
    }
    pieces.push(buf.subarray(start, this.pos));
    this.pos++;
    // A copy, so a short string doesn't keep the whole command buffer alive.
    const value = Buffer.concat(pieces);
    // RFC 6855 §3: 8-bit in a quoted string must be UTF-8, never some other charset.
    if (eightBit && !isUtf8(value)) this.fail("Invalid UTF-8 in a quoted string");
    return value;
  }

  /** "{" number ["+"] "}" CRLF *CHAR8, or with binary the literal8 "~{…}" whose data may hold NUL. */
  private literal(binary: boolean): ImapToken {
    const { buf } = this;
    this.pos++;
    const digitsStart = this.pos;
    while (this.pos < buf.length && isDigit(buf[this.pos])) this.pos++;
    const digits = this.pos - digitsStart;
    if (digits === 0) this.fail("Invalid literal");
    if (digits > MAX_LITERAL_DIGITS) this.fail("Literal too large", "TOOBIG");
    const size = Number(buf.toString("latin1", digitsStart, this.pos));
    if (buf[this.pos] === PLUS) this.pos++;
    if (buf[this.pos] !== RBRACE || buf[this.pos + 1] !== CR || buf[this.pos + 2] !== LF) this.fail("Invalid literal");
    this.pos += 3;
    if (size > buf.length - this.pos) this.fail("Literal shorter than announced");
    // A view, not a copy: an APPEND literal may be tens of megabytes.
    const value = buf.subarray(this.pos, this.pos + size);
    this.pos += size;
    if (!binary && value.includes(0)) this.fail("NUL in a literal; binary data needs literal8 ~{n}");
    return binary ? { type: "string", value, literal: true, binary: true } : { type: "string", value, literal: true };
  }

  /** An unquoted token; after a section prefix, "[" opens a section and "<…>" may follow it. */
  private atom(depth: number): string {
    const { buf } = this;
    const start = this.pos;
    if (buf[this.pos] === BACKSLASH) this.pos++;
    while (this.pos < buf.length && isAtomByte(buf[this.pos])) {
      // The length test first: a 64 KiB atom of "[" must not decode its prefix 64 Ki times.
      if (buf[this.pos] === LBRACKET && this.pos - start <= LONGEST_PREFIX && SECTION_PREFIXES.has(buf.toString("latin1", start, this.pos).toUpperCase())) {
        const section = this.section(depth);
        const partial = buf[this.pos] === LT ? this.partial() : "";
        const text = buf.toString("latin1", start, section.start) + section.text + partial;
        const next = buf[this.pos];
        if (this.pos < buf.length && next !== SP && next !== RPAREN) this.fail("Unexpected characters after a section");
        return text;
      }
      this.pos++;
    }
    return buf.toString("latin1", start, this.pos);
  }

  /**
   * "[" … "]" with spaces, quoted strings and parentheses inside (HEADER.FIELDS (From "To")).
   * Kept as written; a literal inside (header-fld-name is an astring) is rewritten as the
   * equivalent quoted string, so the text stays one line the FETCH parser can read.
   */
  private section(depth: number): { start: number; text: string } {
    const { buf } = this;
    const start = this.pos;
    this.pos++;
    const parts: string[] = [];
    let segment = start;
    let nesting = 0;
    for (;;) {
      if (this.pos >= buf.length) this.fail("Unterminated section");
      const c = buf[this.pos];
      if (c === RBRACKET) {
        if (nesting !== 0) this.fail("Unbalanced parentheses in a section");
        this.pos++;
        break;
      }
      if (c === LPAREN) {
        if (depth + ++nesting > this.maxDepth) this.fail("Lists nested too deeply");
        this.pos++;
      } else if (c === RPAREN) {
        if (--nesting < 0) this.fail("Unbalanced parentheses in a section");
        this.pos++;
      } else if (c === DQUOTE) {
        // Validated, kept as written. Section contents are ASCII (header names, part numbers).
        this.quoted(false);
      } else if (c === LBRACE) {
        parts.push(buf.toString("latin1", segment, this.pos));
        const literal = this.literal(false);
        if (literal.type !== "string") this.fail("Invalid literal");
        parts.push(quotedAscii(literal.value, () => this.fail("A literal in a section must be printable ASCII")));
        segment = this.pos;
      } else if (c === SP || (isAtomByte(c) && c !== LBRACKET)) {
        this.pos++;
      } else {
        this.fail("Invalid character in a section");
      }
    }
    parts.push(buf.toString("latin1", segment, this.pos));
    return { start, text: parts.join("") };
  }

  /** "<" number ["." number] ">" right after a section. */
  private partial(): string {
    const { buf } = this;
    const start = this.pos;
    this.pos++;
    const digits = () => {
      const from = this.pos;
      while (this.pos < buf.length && isDigit(buf[this.pos])) this.pos++;
      if (this.pos === from || this.pos - from > 10) this.fail("Invalid partial range");
    };
    digits();
    if (buf[this.pos] === DOT) {
      this.pos++;
      digits();
    }
    if (buf[this.pos] !== GT) this.fail("Invalid partial range");
    this.pos++;
    return buf.toString("latin1", start, this.pos);
  }
}

function quotedAscii(value: Buffer, fail: () => never): string {
  for (const c of value) if (c < 0x20 || c > 0x7e) fail();
  return `"${value.toString("latin1").replace(/["\\]/g, "\\$&")}"`;
}

/**
 * One complete command: its bytes without the final CRLF, each literal's "{n}\r\n" followed
 * by its n bytes (as readCommand assembles them). Throws ImapSyntaxError, nothing else.
 */
export function tokenize(bytes: Buffer, options: TokenizeOptions = {}): ImapCommand {
  const tokenizer = new Tokenizer(bytes, options);
  try {
    return tokenizer.command();
  } catch (error) {
    if (error instanceof ImapSyntaxError) throw error;
    // Not expected from the code above; kept so a bug stays a BAD answer, not a crash.
    throw new ImapSyntaxError("Unparseable command", { tag: tokenizer.tag, cause: error });
  }
}

// Readers for command arguments. They throw ImapSyntaxError (without a tag: the session
// knows the tag of the command it is running and answers with it).

/** An astring (RFC 3501 §9): atom or string. NIL here is the word "NIL" (a mailbox may be named so). */
export function asAString(token: ImapToken | undefined): string {
  if (token?.type === "atom") return token.value;
  if (token?.type === "string") return token.value.toString("utf8");
  if (token?.type === "nil") return "NIL";
  throw new ImapSyntaxError(token ? "Expected a string" : "Missing argument");
}

/** An nstring: NIL is null. */
export function asNString(token: ImapToken | undefined): Buffer | null {
  if (token?.type === "nil") return null;
  if (token?.type === "string") return token.value;
  throw new ImapSyntaxError(token ? "Expected a string or NIL" : "Missing argument");
}

/** An atom's exact text (a keyword, sequence set, flag, fetch attribute…). */
export function asAtom(token: ImapToken | undefined): string {
  if (token?.type === "atom") return token.value;
  if (token?.type === "nil") return "NIL";
  throw new ImapSyntaxError(token ? "Expected an atom" : "Missing argument");
}

export function asList(token: ImapToken | undefined): ImapToken[] {
  if (token?.type === "list") return token.items;
  throw new ImapSyntaxError(token ? "Expected a parenthesized list" : "Missing argument");
}
