// mailsplit 5.4 unfolds header lines with Array.splice inside a loop, which is quadratic: a
// header folded into 60,000 lines (240 KB, a cheap message) blocks the event loop for
// seconds. This replaces that one method with a linear one of the same behaviour: lines
// starting with white space continue the line before; a first line "From …" (mbox) or
// "POST …" (HTTP) is set aside. Remove it when mailsplit's own is linear.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Headers = require("mailsplit/lib/headers") as { prototype: HeadersInternals };

interface HeadersInternals {
  headers: Buffer | false;
  lines: ({ key: string; line: string } | string)[];
  parsed: boolean;
  mbox?: string;
  http?: string;
  _normalizeHeader(key: string): string;
  _parseHeaders(): void;
}

Headers.prototype._parseHeaders = function parseHeadersLinearly(this: HeadersInternals) {
  if (!this.headers) {
    this.lines = [];
    this.parsed = true;
    return;
  }
  const raw = this.headers.toString("binary").replace(/[\r\n]+$/, "").split(/\r?\n/);
  const folded: string[][] = [];
  raw.forEach((line, i) => {
    const first = line.charAt(0);
    if (i && (first === " " || first === "\t")) folded[folded.length - 1].push(line);
    else folded.push([line]);
  });
  const lines: HeadersInternals["lines"] = [];
  folded.forEach((parts, i) => {
    const line = parts.join("\r\n");
    if (i === 0 && /^From /i.test(line)) this.mbox = line;
    else if (i === 0 && /^POST /i.test(line)) this.http = line;
    else lines.push({ key: this._normalizeHeader(line.substring(0, line.indexOf(":"))), line });
  });
  this.lines = lines;
  this.parsed = true;
};

export {};
