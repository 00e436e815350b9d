// The SMTP wire format (RFC 5321, with RFC 3461 DSN, RFC 6531 SMTPUTF8 and RFC 3030
// BDAT): command lines, paths, parameters and replies. Pure functions, no I/O, so they can
// be tested and fuzzed alone.
import { isIPv6 } from "node:net";

export interface Command {
  verb: string;
  args: string;
}

export function parseCommand(line: string): Command {
  const match = /^\s*([A-Za-z]+)(?:\s+(.*))?$/s.exec(line);
  if (!match) return { verb: "", args: line };
  return { verb: match[1].toUpperCase(), args: (match[2] ?? "").trim() };
}

/** A formatted reply: "250-a\r\n250 b\r\n" for several lines. */
export function reply(code: number, lines: string | string[]): string {
  const list = Array.isArray(lines) ? lines : [lines];
  return list.map((text, i) => `${code}${i === list.length - 1 ? " " : "-"}${text}\r\n`).join("");
}

export class SmtpError extends Error {
  constructor(
    readonly code: number,
    readonly enhanced: string,
    message: string,
  ) {
    super(message);
  }

  toReply(): string {
    return reply(this.code, `${this.enhanced} ${this.message}`);
  }
}

export interface Mailbox {
  local: string;
  domain: string;
  /** local@domain as the client wrote it (quoted local parts keep their quotes). */
  address: string;
  /** The local part with quoting removed, what lookups use. */
  localUnquoted: string;
  /** Non-ASCII anywhere: needs SMTPUTF8. */
  utf8: boolean;
  /** [IPv4] / [IPv6:…] rather than a name. */
  literal: boolean;
}

const ATEXT_ASCII = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+$/;
const ATEXT_UTF8 = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~\u0080-\u{10FFFF}]+$/u;
const LDH_LABEL_ASCII = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const LDH_LABEL_UTF8 = /^[\p{L}\p{N}](?:[\p{L}\p{N}\p{M}-]{0,61}[\p{L}\p{N}\p{M}])?$/u;

function isDotString(local: string, utf8: boolean): boolean {
  const atext = utf8 ? ATEXT_UTF8 : ATEXT_ASCII;
  return local.split(".").every((atom) => atext.test(atom));
}

function unquote(local: string): string | null {
  if (!local.startsWith('"') || !local.endsWith('"') || local.length < 2) return null;
  let out = "";
  for (let i = 1; i < local.length - 1; i++) {
    const c = local.charCodeAt(i);
    if (c === 92) {
      const next = local.charCodeAt(++i);
      if (i >= local.length - 1 || next < 32 || next > 126) return null;
      out += local[i];
    } else if (c === 34 || c < 32 || c === 127) {
      return null;
    } else {
      out += local[i];
    }
  }
  return out;
}

function isDomain(domain: string, utf8: boolean): boolean {
  if (!domain || domain.length > 255) return false;
  const label = utf8 ? LDH_LABEL_UTF8 : LDH_LABEL_ASCII;
  return domain.replace(/\.$/, "").split(".").every((l) => label.test(l));
}

function isAddressLiteral(domain: string): boolean {
  const inner = /^\[(.*)\]$/.exec(domain)?.[1];
  if (inner === undefined) return false;
  if (inner.startsWith("IPv6:")) return isIPv6(inner.slice(5));
  const parts = inner.split(".");
  return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}

/** Parses "local@domain". Errors say what is wrong, as the 501/553 text. */
export function parseMailbox(text: string, allowUtf8: boolean): Mailbox {
  const utf8 = /[^\x00-\x7f]/.test(text);
  if (utf8 && !allowUtf8) throw new SmtpError(553, "5.6.7", "Non-ASCII address needs the SMTPUTF8 parameter");
  // The domain follows the last "@" outside a quoted local part.
  let at = -1;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\\" && quoted) i++;
    else if (c === '"') quoted = !quoted;
    else if (c === "@" && !quoted) {
      if (at !== -1) throw new SmtpError(501, "5.1.3", "Bad address syntax: more than one @");
      at = i;
    }
  }
  if (at <= 0 || at === text.length - 1) throw new SmtpError(501, "5.1.3", "Bad address syntax: expected user@domain");
  const local = text.slice(0, at);
  const domain = text.slice(at + 1);
  if (Buffer.byteLength(local) > 64) throw new SmtpError(501, "5.1.3", "Bad address syntax: local part longer than 64 octets");
  let localUnquoted: string;
  if (local.startsWith('"')) {
    const inner = unquote(local);
    if (inner === null) throw new SmtpError(501, "5.1.3", "Bad address syntax: broken quoted local part");
    localUnquoted = inner;
  } else if (isDotString(local, allowUtf8)) {
    localUnquoted = local;
  } else {
    throw new SmtpError(501, "5.1.3", "Bad address syntax in the local part");
  }
  const literal = isAddressLiteral(domain);
  if (!literal && !isDomain(domain, allowUtf8)) throw new SmtpError(501, "5.1.3", "Bad address syntax in the domain");
  return { local, domain, address: `${local}@${domain}`, localUnquoted, utf8, literal };
}

export interface PathAndParams {
  /** null for the null reverse-path <>. */
  mailbox: Mailbox | null;
  params: Map<string, string | null>;
}

/**
 * Parses what follows "MAIL FROM:" or "RCPT TO:": a path in angle brackets (a source
 * route before ":" is accepted and ignored, RFC 5321 §4.1.1.3 and appendix C), then
 * ESMTP parameters. Brackets may be missing, as some old clients send.
 */
export function parsePathAndParams(text: string, options: { allowNull: boolean; allowUtf8: boolean; allowPostmaster?: boolean }): PathAndParams {
  const value = text.trimStart();
  let path: string;
  let rest: string;
  const bracketed = value.startsWith("<");
  if (bracketed) {
    let end = -1;
    let quoted = false;
    for (let i = 1; i < value.length; i++) {
      const c = value[i];
      if (c === "\\" && quoted) i++;
      else if (c === '"') quoted = !quoted;
      else if (c === ">" && !quoted) {
        end = i;
        break;
      }
    }
    if (end === -1) throw new SmtpError(501, "5.5.4", "Syntax error: missing >");
    path = value.slice(1, end);
    rest = value.slice(end + 1);
  } else {
    const space = value.search(/\s/);
    path = space === -1 ? value : value.slice(0, space);
    rest = space === -1 ? "" : value.slice(space);
  }
  if (rest && !/^\s/.test(rest)) throw new SmtpError(501, "5.5.4", "Syntax error after the address");
  const params = parseParams(rest);
  if (path === "") {
    // The null path is "<>" (RFC 5321 §4.1.2); "MAIL FROM:" with nothing is a syntax error.
    if (!options.allowNull || !bracketed) throw new SmtpError(501, "5.1.3", "Bad address syntax: empty address");
    return { mailbox: null, params };
  }
  const route = /^(@[^:,]+(?:,@[^:,]+)*):(.*)$/s.exec(path);
  if (route) path = route[2];
  if (options.allowPostmaster && /^postmaster$/i.test(path)) {
    // RFC 5321 §4.5.1: <Postmaster> with no domain MUST be accepted; its domain is ours.
    return { mailbox: { local: path, domain: "", address: path, localUnquoted: "postmaster", utf8: false, literal: false }, params };
  }
  return { mailbox: parseMailbox(path, options.allowUtf8), params };
}

export function parseParams(text: string): Map<string, string | null> {
  const params = new Map<string, string | null>();
  for (const token of text.trim().split(/\s+/).filter(Boolean)) {
    const eq = token.indexOf("=");
    const rawKey = eq === -1 ? token : token.slice(0, eq);
    // Checked before upper-casing: "ſIZE" must not become SIZE (esmtp-keyword is ASCII).
    const key = /^[A-Za-z0-9][A-Za-z0-9-]*$/.test(rawKey) ? rawKey.toUpperCase() : "";
    if (!key) throw new SmtpError(501, "5.5.4", `Syntax error in parameter ${token.slice(0, 40)}`);
    if (params.has(key)) throw new SmtpError(501, "5.5.4", `Parameter ${key} given twice`);
    params.set(key, eq === -1 ? null : token.slice(eq + 1));
  }
  return params;
}

/** RFC 3461 xtext: "+" followed by two upper-case hex digits encodes a byte. */
export function decodeXtext(text: string): string | null {
  if (!/^(?:[\x21-\x2a\x2c-\x3c\x3e-\x7e]|\+[0-9A-F]{2})*$/.test(text)) return null;
  return text.replace(/\+([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/**
 * The inverse of decodeXtext, for passing ENVID and ORCPT on: each character is a byte (as
 * decodeXtext gives them), and "+", "=" and anything outside printable ASCII become +XX.
 * Characters beyond one byte (a value that never went through decodeXtext) go as their UTF-8 bytes.
 */
export function encodeXtext(text: string): string {
  const bytes = /[^\x00-\xff]/.test(text) ? Buffer.from(text, "utf8").toString("latin1") : text;
  return bytes.replace(/[^\x21-\x2a\x2c-\x3c\x3e-\x7e]/g, (c) => `+${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);
}

/** Lines an HTTP client sends when it is pointed at a mail port (cross-protocol attacks). */
export function looksLikeHttp(line: string): boolean {
  return /^(GET|POST|PUT|HEAD|CONNECT|OPTIONS|DELETE)\s+\S+\s+HTTP\/\d/i.test(line) || /^[A-Za-z-]+:\s/.test(line) && /^(Host|User-Agent):/i.test(line);
}
