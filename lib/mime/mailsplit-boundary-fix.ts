// mailsplit 5.4 recognises a delimiter line only when the line break follows the boundary
// (or its "--") at once, so a delimiter with white space after it, which RFC 2046 §5.1.1
// allows ("transport-padding", added by some gateways), is read as body text and the parts
// after it are lost. This replaces that one method with one that allows the padding. Remove
// it when mailsplit accepts transport padding itself.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const MessageSplitter = require("mailsplit/lib/message-splitter") as { prototype: SplitterInternals };

interface SplitterInternals {
  /** 1: a delimiter, 2: the close delimiter, false: not this boundary. `line` keeps its line break. */
  compareBoundary(line: Buffer, startpos: number, boundary: Buffer): false | 1 | 2;
}

MessageSplitter.prototype.compareBoundary = function compareBoundaryWithPadding(line: Buffer, startpos: number, boundary: Buffer): false | 1 | 2 {
  const start = startpos + 2;
  if (line.length < start + boundary.length) return false;
  for (let i = 0; i < boundary.length; i++) if (line[start + i] !== boundary[i]) return false;
  let pos = start + boundary.length;
  let kind: 1 | 2 = 1;
  if (line[pos] === 0x2d && line[pos + 1] === 0x2d) {
    kind = 2;
    pos += 2;
  }
  while (pos < line.length && (line[pos] === 0x20 || line[pos] === 0x09)) pos++;
  if (line[pos] === 0x0d) pos++;
  if (line[pos] === 0x0a) pos++;
  return pos === line.length ? kind : false;
};
