// Private to the FETCH layer: just enough of the IMAP wire format (RFC 3501 §4) to write
// ENVELOPE and BODYSTRUCTURE. The protocol layer builds the general encoder; this stays
// small and local until the two are unified, so nothing outside fetch/ should import it.
import { headerBytes } from "@/lib/mime/analyze";

/**
 * Collects a response fragment as bytes. Literal lengths count bytes, not characters, so
 * the output is built as Buffers from the start rather than as a JS string.
 */
export class WireWriter {
  private readonly parts: Buffer[] = [];

  /** Protocol text the caller knows is ASCII: parentheses, SP, NIL, numbers, atoms. */
  raw(text: string): this {
    this.parts.push(Buffer.from(text, "latin1"));
    return this;
  }

  /** A string: quoted when it can be, a literal when it holds bytes a quoted string can't. */
  string(value: string): this {
    // NUL is allowed neither in a quoted string nor in a literal (CHAR8 = %x01-ff); header
    // text can't meaningfully carry it, so it is dropped rather than sent.
    // headerBytes: header text kept as 8-bit bytes at delivery goes out as those bytes.
    const bytes = headerBytes(value.includes("\0") ? value.replaceAll("\0", "") : value);
    if (needsLiteral(bytes)) {
      this.parts.push(Buffer.from(`{${bytes.length}}\r\n`, "latin1"), bytes);
    } else {
      this.parts.push(Buffer.from(`"${bytes.toString("latin1").replace(/["\\]/g, "\\$&")}"`, "latin1"));
    }
    return this;
  }

  nstring(value: string | null | undefined): this {
    return value === null || value === undefined ? this.raw("NIL") : this.string(value);
  }

  /** Appends another fragment already in wire form. */
  bytes(value: Buffer): this {
    this.parts.push(value);
    return this;
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/**
 * RFC 3501 quoted = DQUOTE *QUOTED-CHAR DQUOTE, where QUOTED-CHAR is a 7-bit TEXT-CHAR (no
 * CR or LF) or an escaped quote or backslash. Anything else — 8-bit text (raw UTF-8 headers,
 * RFC 6532), CR, LF — must go as a literal.
 */
function needsLiteral(bytes: Buffer): boolean {
  for (const byte of bytes) if (byte >= 0x80 || byte === 0x0d || byte === 0x0a) return true;
  return false;
}
