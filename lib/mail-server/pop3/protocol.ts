// The POP3 wire format (RFC 1939 §3, RFC 2449 §8 response codes): command lines in, status
// lines and dot-stuffed multi-line responses out. Pure and bounded; the session decides.

/** RFC 2449 §4: a command line is at most 255 octets with its CRLF. */
export const MAX_COMMAND_LENGTH = 253;
/** A SASL response line (RFC 5034 §4) carries base64 credentials: longer than a command. */
export const MAX_SASL_LINE_LENGTH = 4096;
/** RFC 2449 §4: each argument at most 40 characters. */
const MAX_ARGUMENT_LENGTH = 40;

export interface Pop3Command {
  /** Upper-cased keyword (3 or 4 characters). */
  name: string;
  args: string[];
  /** The line as sent, for PASS, whose one argument may contain spaces (RFC 1939 §7). */
  rest: string;
}

export class Pop3SyntaxError extends Error {}

/** A command line without its CRLF. Throws Pop3SyntaxError for what RFC 1939 §3 doesn't allow. */
export function parseCommand(line: string): Pop3Command {
  const match = /^([A-Za-z]{3,4})(?: (.*))?$/.exec(line);
  if (!match) throw new Pop3SyntaxError("Unknown command");
  const rest = match[2] ?? "";
  const name = match[1].toUpperCase();
  // Trailing spaces (some clients send "STAT ") mean nothing; inner empty arguments are errors.
  const trimmed = rest.trimEnd();
  const args = trimmed === "" ? [] : trimmed.split(" ");
  // PASS takes the rest of the line as one argument; AUTH's initial response may be long.
  if (name !== "PASS" && name !== "AUTH" && args.some((arg) => arg.length > MAX_ARGUMENT_LENGTH || arg === "")) throw new Pop3SyntaxError("Invalid argument");
  return { name, args, rest };
}

/** A message number argument: 1 to count, as digits only. */
export function parseMessageNumber(text: string | undefined, count: number): number | null {
  if (!text || !/^\d{1,9}$/.test(text)) return null;
  const n = Number(text);
  return n >= 1 && n <= count ? n : null;
}

/** A non-negative number argument (TOP's line count). */
export function parseCount(text: string | undefined): number | null {
  if (!text || !/^\d{1,9}$/.test(text)) return null;
  return Number(text);
}

export function ok(text = ""): string {
  return text ? `+OK ${text}\r\n` : "+OK\r\n";
}

/** `-ERR [CODE] text`; codes from RFC 2449 §8 and RFC 3206 (IN-USE, LOGIN-DELAY, SYS/TEMP, SYS/PERM, AUTH). */
export function err(text: string, code?: string): string {
  return code ? `-ERR [${code}] ${text}\r\n` : `-ERR ${text}\r\n`;
}

const DOT = 0x2e;
const CR = 0x0d;
const LF = 0x0a;

const CRLF = Buffer.from("\r\n");
const DOT_BYTE = Buffer.from(".");
const CR_BYTE = Buffer.from("\r");
const TERMINATOR = Buffer.from(".\r\n");

/**
 * A message as the body of a multi-line response (RFC 1939 §3): every line ends in CRLF (a
 * bare LF, as mbox imports carry, gets its CR), a line starting with "." gets another, and
 * ".CRLF" ends it. Returned as pieces of the message itself with the few added bytes between
 * them, for one gathered write: a message that needs nothing added is not copied at all.
 */
export function dotStuff(message: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let from = 0;
  const insert = (at: number, byte: Buffer) => {
    if (at > from) out.push(message.subarray(from, at));
    out.push(byte);
    from = at;
  };
  if (message[0] === DOT) insert(0, DOT_BYTE);
  // Line by line with the native search: most messages are CRLF throughout with no leading dots.
  for (let lf = message.indexOf(LF); lf !== -1; lf = message.indexOf(LF, lf + 1)) {
    if (lf === 0 || message[lf - 1] !== CR) insert(lf, CR_BYTE);
    if (message[lf + 1] === DOT) insert(lf + 1, DOT_BYTE);
  }
  if (message.length > from) out.push(message.subarray(from));
  // The last line ends in CRLF before the terminator, whatever the message ended with.
  if (message.length && message[message.length - 1] !== LF) out.push(CRLF);
  out.push(TERMINATOR);
  return out;
}

/**
 * TOP (RFC 1939 §7): the header, the blank line after it and the first `lines` lines of the
 * body. A message without a blank line is all header.
 */
export function topOf(message: Buffer, lines: number): Buffer {
  let end = -1;
  for (let i = 0; i < message.length; i++) {
    if (message[i] !== LF) continue;
    // A line that is empty, or only CR, ends the header.
    if (message[i + 1] === LF) {
      end = i + 2;
      break;
    }
    if (message[i + 1] === CR && message[i + 2] === LF) {
      end = i + 3;
      break;
    }
  }
  if (end === -1) return message;
  let at = end;
  for (let n = 0; n < lines && at < message.length; n++) {
    const lf = message.indexOf(LF, at);
    at = lf === -1 ? message.length : lf + 1;
  }
  return message.subarray(0, at);
}
