// Reading a few header fields of an incoming message (Auto-Submitted, Precedence, List-*, X-Loop)
// straight from its bytes: the analysis keeps only the fields IMAP's ENVELOPE needs.

/** The header block is read only this far: the fields we look for are near the top. */
const MAX_HEADER = 256 * 1024;

function headerBlock(raw: Buffer): string {
  let end = raw.indexOf("\r\n\r\n");
  if (end === -1 || end > MAX_HEADER) end = Math.min(raw.length, MAX_HEADER);
  return raw.subarray(0, end).toString("latin1");
}

/** Every value of a field, unfolded and trimmed, in order. */
export function headerValues(raw: Buffer, name: string): string[] {
  const wanted = name.toLowerCase();
  const values: string[] = [];
  for (const field of headerBlock(raw).split(/\r?\n(?![ \t])/)) {
    const colon = field.indexOf(":");
    if (colon <= 0 || field.slice(0, colon).trim().toLowerCase() !== wanted) continue;
    values.push(field.slice(colon + 1).replace(/\r?\n[ \t]+/g, " ").trim());
  }
  return values;
}

export function hasHeader(raw: Buffer, name: string): boolean {
  return headerValues(raw, name).length > 0;
}
