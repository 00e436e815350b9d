// Private to the FETCH layer: just enough of the IMAP wire format (RFC 3501 §4) to write
// ENVELOPE and BODYSTRUCTURE. The protocol layer builds the general encoder; this stays
// small and local until the two are unified, so nothing outside fetch/ should import it.
import { headerBytes } from "@/lib/mime/analyze";

/**
 * Collects a response fragment as bytes. Literal lengths count bytes, not characters, so
 * strings are measured as bytes; protocol text and quoted ASCII, nearly all of an ENVELOPE or
 * BODYSTRUCTURE, are gathered as one latin1 string and turned into bytes once per run (a
 * Buffer per token made ENVELOPE cost ~60 µs a message).
 */
export class WireWriter {
  private readonly parts: Buffer[] = [];
  private text = "";

  /** Protocol text the caller knows is ASCII: parentheses, SP, NIL, numbers, atoms. */
  raw(text: string): this {
    this.text += text;
    return this;
  }

  /** A string: quoted when it can be, a literal when it holds bytes a quoted string can't. */
  string(value: string): this {
    // NUL is allowed neither in a quoted string nor in a literal (CHAR8 = %x01-ff); header
    // text can't meaningfully carry it, so it is dropped rather than sent.
    const clean = value.includes("\0") ? value.replaceAll("\0", "") : value;
    // 7-bit text without CR/LF is its own bytes: quoted as it is.
    if (QUOTABLE.test(clean)) {
      this.text += `"${clean.replace(/["\\]/g, "\\$&")}"`;
      return this;
    }
    // headerBytes: header text kept as 8-bit bytes at delivery goes out as those bytes.
    const bytes = headerBytes(clean);
    if (needsLiteral(bytes)) {
      this.text += `{${bytes.length}}\r\n`;
      this.bytes(bytes);
    } else {
      this.text += `"${bytes.toString("latin1").replace(/["\\]/g, "\\$&")}"`;
    }
    return this;
  }

  nstring(value: string | null | undefined): this {
    return value === null || value === undefined ? this.raw("NIL") : this.string(value);
  }

  /** Appends another fragment already in wire form. */
  bytes(value: Buffer): this {
    this.flushText();
    this.parts.push(value);
    return this;
  }

  toBuffer(): Buffer {
    this.flushText();
    return this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts);
  }

  private flushText() {
    if (!this.text) return;
    this.parts.push(Buffer.from(this.text, "latin1"));
    this.text = "";
  }
}

const QUOTABLE = /^[\x01-\x09\x0b\x0c\x0e-\x7f]*$/;

/**
 * RFC 3501 quoted = DQUOTE *QUOTED-CHAR DQUOTE, where QUOTED-CHAR is a 7-bit TEXT-CHAR (no
 * CR or LF) or an escaped quote or backslash. Anything else — 8-bit text (raw UTF-8 headers,
 * RFC 6532), CR, LF — must go as a literal.
 */
function needsLiteral(bytes: Buffer): boolean {
  for (const byte of bytes) if (byte >= 0x80 || byte === 0x0d || byte === 0x0a) return true;
  return false;
}
