// Modified UTF-7 for mailbox names (RFC 3501 §5.1.3), what clients without UTF8=ACCEPT send
// and expect: printable ASCII stands for itself except "&", written "&-"; everything else is
// UTF-16BE in base64 with "," for "/", no padding, between "&" and "-".
//
// The decoder accepts only the canonical form, the one encodeMailboxName produces, so that one
// mailbox has exactly one wire name: otherwise "&AGE-&AGI-" and "&AGEAYg-" would both open "ab"
// with accents, and two "different" names could be created for the same mailbox.

import { ImapSyntaxError } from "./tokens";

const MOD_BASE64 = /^[A-Za-z0-9+,]+$/;

function isPrintable(code: number): boolean {
  return code >= 0x20 && code <= 0x7e;
}

function toModifiedBase64(bytes: Buffer): string {
  return bytes.toString("base64").replace(/=+$/, "").replace(/\//g, ",");
}

/** Throws RangeError for a string that isn't valid UTF-16 (a lone surrogate has no encoding). */
export function encodeMailboxName(name: string): string {
  let out = "";
  let i = 0;
  while (i < name.length) {
    const code = name.charCodeAt(i);
    if (isPrintable(code)) {
      out += code === 0x26 ? "&-" : name[i];
      i++;
      continue;
    }
    const start = i;
    while (i < name.length && !isPrintable(name.charCodeAt(i))) i++;
    const units = Buffer.alloc((i - start) * 2);
    for (let k = start; k < i; k++) {
      const unit = name.charCodeAt(k);
      const high = unit >= 0xd800 && unit <= 0xdbff;
      const low = unit >= 0xdc00 && unit <= 0xdfff;
      const nextIsLow = k + 1 < i && name.charCodeAt(k + 1) >= 0xdc00 && name.charCodeAt(k + 1) <= 0xdfff;
      const prevIsHigh = k > start && name.charCodeAt(k - 1) >= 0xd800 && name.charCodeAt(k - 1) <= 0xdbff;
      if ((high && !nextIsLow) || (low && !prevIsHigh)) throw new RangeError("Mailbox name has a lone surrogate");
      units.writeUInt16BE(unit, (k - start) * 2);
    }
    out += `&${toModifiedBase64(units)}-`;
  }
  return out;
}

/** Throws ImapSyntaxError (the session answers BAD) for anything but the canonical modified UTF-7 of some name. */
export function decodeMailboxName(wire: string): string {
  let out = "";
  let i = 0;
  /** Where the last base64 run ended: another starting right there should have been merged. */
  let lastRunEnd = -1;
  while (i < wire.length) {
    const code = wire.charCodeAt(i);
    if (!isPrintable(code)) throw new ImapSyntaxError("Mailbox name has a character outside printable ASCII");
    if (code !== 0x26) {
      out += wire[i];
      i++;
      continue;
    }
    const end = wire.indexOf("-", i + 1);
    if (end === -1) throw new ImapSyntaxError('Mailbox name has "&" without a closing "-"');
    const encoded = wire.slice(i + 1, end);
    if (encoded === "") {
      out += "&";
      i = end + 1;
      continue;
    }
    if (encoded.includes("=")) throw new ImapSyntaxError("Mailbox name has base64 padding, which modified UTF-7 omits");
    if (!MOD_BASE64.test(encoded)) throw new ImapSyntaxError("Mailbox name has an invalid modified base64 character");
    if (i === lastRunEnd) throw new ImapSyntaxError("Mailbox name has two adjacent base64 runs (not canonical)");
    const bytes = Buffer.from(encoded.replace(/,/g, "/"), "base64");
    // Re-encoding gives back the input only if its length and leftover bits were canonical.
    if (bytes.length === 0 || bytes.length % 2 !== 0 || toModifiedBase64(bytes) !== encoded) {
      throw new ImapSyntaxError("Mailbox name has non-canonical base64");
    }
    for (let k = 0; k < bytes.length; k += 2) {
      const unit = bytes.readUInt16BE(k);
      if (isPrintable(unit)) throw new ImapSyntaxError("Mailbox name encodes printable ASCII in base64");
      const high = unit >= 0xd800 && unit <= 0xdbff;
      const low = unit >= 0xdc00 && unit <= 0xdfff;
      const next = k + 2 < bytes.length ? bytes.readUInt16BE(k + 2) : -1;
      const prev = k > 0 ? bytes.readUInt16BE(k - 2) : -1;
      if (high && !(next >= 0xdc00 && next <= 0xdfff)) throw new ImapSyntaxError("Mailbox name has a lone surrogate");
      if (low && !(prev >= 0xd800 && prev <= 0xdbff)) throw new ImapSyntaxError("Mailbox name has a lone surrogate");
      out += String.fromCharCode(unit);
    }
    i = end + 1;
    lastRunEnd = i;
  }
  return out;
}
