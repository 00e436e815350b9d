// Content-Type and Content-Disposition values as IMAP's BODYSTRUCTURE shows them: the value
// and its parameters (RFC 2045 §5.1, RFC 2183), with RFC 2231 continuations joined but the
// charset'language'%XX form of extended values kept. libmime (through mailsplit) decodes
// extended values as Latin-1 whatever their charset and drops the space at the end of a
// quoted continuation, so BODYSTRUCTURE read its own; mailsplit's reading still decides the
// MIME tree. Joining without decoding is what Dovecot does and what RFC 9051 §7.5.2 asks
// (decode continuations); clients already decode the charset form, and IMAP strings carry
// no charset of their own.

export interface HeaderValue {
  /** The value before the first ";", lower-cased ("text/plain", "attachment"); "" if none. */
  value: string;
  /** Parameter names lower-cased; an extended value's name keeps its "*" ("filename*"). */
  params: Record<string, string>;
}

/** RFC 2045 token characters: printable ASCII except SP and tspecials. */
const TOKEN = /^[!#$%&'*+\-.0-9A-Z^_`a-z{|}~]+$/;

/** RFC 2231 attribute-char, what an extended value may hold unencoded. */
const ATTRIBUTE_CHAR = /[!#$&+\-.0-9A-Z^_`a-z{|}~]/;

/** Splits at ";" outside quoted strings; each piece keeps its quotes. */
function splitParameters(text: string): string[] {
  const pieces: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\\" && quoted) i++;
    else if (c === '"') quoted = !quoted;
    else if (c === ";" && !quoted) {
      pieces.push(text.slice(start, i));
      start = i + 1;
    }
  }
  pieces.push(text.slice(start));
  return pieces;
}

function unquote(value: string): string {
  const trimmed = value.trim();
  if (trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"')) return trimmed.slice(1, -1).replace(/\\(.)/gs, "$1");
  return trimmed;
}

/** A plain segment joined into an extended value must be %-encoded where attribute-char isn't enough. */
function percentEncode(text: string): string {
  return [...Buffer.from(text, "utf8")].map((b) => (ATTRIBUTE_CHAR.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, "0")}`)).join("");
}

/** Parses "type/subtype; a=b; c*0*=utf-8''x; c*1=y" (folding already undone). */
export function parseHeaderValue(text: string): HeaderValue {
  const [head = "", ...rest] = splitParameters(text.replace(/\r?\n[ \t]/g, " "));
  const params: Record<string, string> = {};
  /** name → its continuation segments by number, and whether each was extended ("*N*"). */
  const continued = new Map<string, Array<{ value: string; extended: boolean } | undefined>>();
  for (const piece of rest) {
    const eq = piece.indexOf("=");
    if (eq === -1) continue;
    // attribute [*N] [*] (RFC 2231 §7): the attribute itself can't hold "*", "'" or "%".
    const name = /^([!#$&+\-.0-9^_`a-z{|}~]+)(?:\*(\d{1,3}))?(\*)?$/.exec(piece.slice(0, eq).trim().toLowerCase());
    if (!name) continue;
    const value = unquote(piece.slice(eq + 1));
    if (name[2] !== undefined) {
      const segments = continued.get(name[1]) ?? [];
      segments[Number(name[2])] = { value, extended: name[3] === "*" };
      continued.set(name[1], segments);
    } else {
      const key = name[1] + (name[3] ?? "");
      if (!(key in params)) params[key] = value;
    }
  }
  for (const [name, segments] of continued) {
    // Segments count from 0 and stop at the first gap (RFC 2231 §3).
    const run: Array<{ value: string; extended: boolean }> = [];
    for (const segment of segments) {
      if (!segment) break;
      run.push(segment);
    }
    if (!run.length) continue;
    if (run[0].extended) {
      const key = `${name}*`;
      if (!(key in params)) params[key] = run.map((s, i) => (s.extended || i === 0 ? s.value : percentEncode(s.value))).join("");
    } else if (!(name in params)) {
      params[name] = run.map((s) => s.value).join("");
    }
  }
  return { value: head.trim().toLowerCase(), params };
}

/** A media type as RFC 2045 §5.1 spells it: token "/" token. */
export function isMediaType(value: string): boolean {
  const slash = value.indexOf("/");
  return slash > 0 && TOKEN.test(value.slice(0, slash)) && TOKEN.test(value.slice(slash + 1));
}
