// Reads one IMAP command off a connection (RFC 3501 §2.2, §7.5; RFC 7888 LITERAL+/LITERAL-;
// RFC 3516 literal8): lines and the literals between them, with a continuation request before
// each synchronising literal. Everything is bounded: line length, literal size, total size and
// the number of literals, so a hostile client costs at most the limits given. A refused
// command leaves the connection in step with the client (usable for the next command) unless
// the result says to close.
import { ImapSyntaxError, tokenize, type ImapCommand, type TokenizeOptions } from "./tokens";

/** What the reader needs of a connection; lib/mail-server/net/connection.ts's Connection fits. */
export interface CommandIO {
  /** The next line without CRLF (UTF-8 decoded), {tooLong} if past maxLength bytes, null when gone. */
  readLine(maxLength: number): Promise<{ line: string } | { tooLong: true } | null>;
  /** Exactly n bytes to the sink, in pieces; false if the peer left first. */
  readExact(n: number, sink: (piece: Buffer) => void): Promise<boolean>;
  write(data: string | Buffer): void;
}

export interface ReadLimits {
  /** Bytes of one line, without CRLF (Dovecot: 64 KiB; RFC 7162 §4 asks for at least 8192). */
  maxLineLength: number;
  /** Bytes of one literal: the message size limit (APPENDLIMIT) once authenticated, small before. */
  maxLiteralSize: number;
  /** Bytes of the whole command: lines, CRLFs and literals. */
  maxCommandSize: number;
  /** Literals in one command (MULTIAPPEND sends one per message). */
  maxLiterals: number;
  /**
   * A non-synchronising literal we refuse has been sent anyway; up to this many bytes are read
   * and dropped so the connection stays in step. Past it the caller must close instead.
   */
  maxDiscard: number;
  /** LITERAL- (RFC 7888 §4) rather than LITERAL+: non-synchronising literals over 4096 bytes are refused. */
  literalMinus?: boolean;
}

export const DEFAULT_READ_LIMITS: ReadLimits = {
  maxLineLength: 64 * 1024,
  maxLiteralSize: 50 * 1024 * 1024,
  maxCommandSize: 50 * 1024 * 1024 + 64 * 1024,
  maxLiterals: 1000,
  maxDiscard: 1024 * 1024,
};

/** RFC 7888 §4: the LITERAL- ceiling for non-synchronising literals. */
export const LITERAL_MINUS_MAX = 4096;

export const CONTINUATION_READY = "+ Ready for literal data\r\n";

export interface ReadError {
  error: ImapSyntaxError;
  /** The command's tag when it could be read; undefined means answer untagged. */
  tag: string | undefined;
  /**
   * The client can't be kept in step (a line too long, a refused literal too big to skip):
   * answer "* BYE" and close. Otherwise answer "BAD" and read the next command.
   */
  close?: boolean;
}

export type ReadResult = ImapCommand | ReadError | null;

export function isReadError(result: ImapCommand | ReadError): result is ReadError {
  return "error" in result;
}

/** The answer to a ReadError: "<tag> BAD [code] text", or "* BYE [code] text" when closing. */
export function readErrorResponse(result: ReadError): Buffer {
  const code = result.error.code ? `[${result.error.code}] ` : "";
  const text = result.error.message.replace(/[\r\n]+/g, " ");
  if (result.close) return Buffer.from(`* BYE ${code}${text}\r\n`, "latin1");
  return Buffer.from(`${result.tag ?? "*"} BAD ${code}${text}\r\n`, "latin1");
}

export interface LiteralMarker {
  size: number;
  /** {n}: the client waits for "+" before sending the data. */
  sync: boolean;
  /** ~{n}: literal8 (RFC 3516), may hold NUL. */
  binary: boolean;
}

const CRLF = Buffer.from("\r\n", "latin1");
const discard = () => {};

/**
 * The literal a line announces at its end: "{n}", "{n+}", "~{n}" or "~{n+}" outside a quoted
 * string. "{n-}" is not RFC 7888 syntax (LITERAL- still writes "{n+}"), so it announces nothing.
 * A size too long to be a number is Infinity, which every limit refuses.
 */
export function literalMarker(line: Buffer): LiteralMarker | null {
  if (line.length < 3 || line[line.length - 1] !== 0x7d) return null;
  // A "{5}" inside a quoted string (unterminated: quoted strings end on their line) is text.
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === 0x22) quoted = !quoted;
    else if (c === 0x5c && quoted) i++;
  }
  if (quoted) return null;
  const match = /(~?)\{(\d+)(\+?)\}$/.exec(line.toString("latin1", Math.max(0, line.length - 32)));
  if (!match) return null;
  const size = match[2].length > 15 ? Infinity : Number(match[2]);
  return { size, sync: match[3] === "", binary: match[1] === "~" };
}

function tagOf(line: Buffer): string | undefined {
  const match = /^([^\x00-\x20\x7f-\xff(){%*"\\+]+) /.exec(line.toString("latin1", 0, Math.min(line.length, 256)));
  return match?.[1];
}

/**
 * Reads one command. Blank lines between commands are skipped. Returns the tokenized command,
 * a ReadError to answer (see readErrorResponse), or null when the connection closed.
 * The limits may differ per call (smaller before authentication; utf8 after ENABLE UTF8=ACCEPT).
 */
export async function readCommand(io: CommandIO, limits: ReadLimits = DEFAULT_READ_LIMITS, options: TokenizeOptions = {}): Promise<ReadResult> {
  const parts: Buffer[] = [];
  let total = 0;
  let literals = 0;
  let tag: string | undefined;
  const refuse = (message: string, code?: string, close = false): ReadError => ({
    error: new ImapSyntaxError(message, { tag, code }),
    tag,
    ...(close ? { close } : {}),
  });

  for (;;) {
    const read = await io.readLine(limits.maxLineLength);
    if (read === null) return null;
    if ("tooLong" in read) {
      // Connection skipped the line without letting us see its end, so whether a literal
      // follows is unknown: its bytes could be run as commands. Stop here.
      return refuse("Command line too long", "TOOBIG", true);
    }
    const line = Buffer.from(read.line, "utf8");
    if (parts.length === 0) {
      if (line.length === 0) continue;
      tag = tagOf(line);
    }
    parts.push(line);
    total += line.length + CRLF.length;
    const marker = literalMarker(line);
    if (!marker) {
      if (total > limits.maxCommandSize) return refuse("Command too long", "TOOBIG");
      break;
    }
    parts.push(CRLF);

    let refusal: ReadError | null = null;
    if (literals + 1 > limits.maxLiterals) refusal = refuse("Too many literals in one command", "LIMIT");
    else if (marker.size > limits.maxLiteralSize) refusal = refuse("Literal too big", "TOOBIG");
    else if (total + marker.size > limits.maxCommandSize) refusal = refuse("Command too long", "TOOBIG");
    else if (!marker.sync && limits.literalMinus && marker.size > LITERAL_MINUS_MAX)
      refusal = refuse(`Non-synchronizing literals are limited to ${LITERAL_MINUS_MAX} bytes (LITERAL-)`, "TOOBIG");
    if (refusal) {
      const skipped = await skipRest(io, marker, limits, literals);
      if (skipped === "closed") return null;
      return skipped === "lost" ? { ...refusal, close: true } : refusal;
    }

    if (marker.sync) io.write(CONTINUATION_READY);
    const ok = await io.readExact(marker.size, (piece) => parts.push(piece));
    if (!ok) return null;
    total += marker.size;
    literals++;
  }

  try {
    return tokenize(Buffer.concat(parts), options);
  } catch (error) {
    if (!(error instanceof ImapSyntaxError)) throw error;
    return { error, tag: error.tag ?? tag };
  }
}

/**
 * After refusing a literal, gets back in step with the client: a synchronising literal is
 * never sent (the client waits for "+" and sees our BAD instead); a non-synchronising one is
 * already on its way and is read and dropped, along with the rest of its command, which may
 * announce further literals. "lost" when that would take more than maxDiscard bytes, more
 * literals than allowed or a line too long.
 */
async function skipRest(io: CommandIO, first: LiteralMarker, limits: ReadLimits, literalsSoFar: number): Promise<"synced" | "lost" | "closed"> {
  let marker: LiteralMarker | null = first;
  let budget = limits.maxDiscard;
  let literals = literalsSoFar;
  while (marker && !marker.sync) {
    // One more literal than the limit: the one that was refused for being one too many.
    if (marker.size > budget || ++literals > limits.maxLiterals + 1) return "lost";
    budget -= marker.size;
    if (!(await io.readExact(marker.size, discard))) return "closed";
    const read = await io.readLine(limits.maxLineLength);
    if (read === null) return "closed";
    if ("tooLong" in read) return "lost";
    marker = literalMarker(Buffer.from(read.line, "utf8"));
  }
  return "synced";
}
