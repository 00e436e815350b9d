// The preview line under a subject in the list: the first bytes of the text part, fetched for a whole
// page with one partial FETCH per part number (BODY.PEEK[1]<0.600> and the like), decoded here.
import "server-only";
import type { MessageStructureObject } from "imapflow";
import iconv from "iconv-lite";

export const SNIPPET_BYTES = 600;
const SNIPPET_CHARS = 160;

export interface SnippetSource {
  part: string;
  html: boolean;
  encoding: string;
  charset: string;
}

/** The part to preview: the first plain-text body part, else the first HTML one. */
export function snippetSource(root: MessageStructureObject | undefined): SnippetSource | null {
  if (!root) return null;
  let html: SnippetSource | null = null;
  const visit = (node: MessageStructureObject): SnippetSource | null => {
    const type = node.type.toLowerCase();
    if (type.startsWith("multipart/")) {
      for (const child of node.childNodes ?? []) {
        const found = visit(child);
        if (found) return found;
      }
      return null;
    }
    if (node.disposition?.toLowerCase() === "attachment") return null;
    const source = { part: node.part ?? "1", html: type === "text/html", encoding: (node.encoding ?? "7bit").toLowerCase(), charset: node.parameters?.charset ?? "utf-8" };
    if (type === "text/plain") return source;
    if (type === "text/html") html ??= source;
    return null;
  };
  return visit(root) ?? html;
}

function decodeQuotedPrintable(bytes: Buffer): Buffer {
  const text = bytes.toString("latin1").replace(/=\r?\n/g, "");
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const hex = text[i] === "=" ? /^[0-9a-f]{2}$/i.exec(text.slice(i + 1, i + 3)) : null;
    if (hex) {
      out.push(Number.parseInt(hex[0], 16));
      i += 2;
    } else out.push(text.charCodeAt(i) & 0xff);
  }
  return Buffer.from(out);
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

function htmlToText(html: string): string {
  return html
    .replace(/<(style|script|head|title)\b[\s\S]*?(<\/\1\s*>|$)/gi, " ")
    .replace(/<[^>]*>?/g, " ")
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
      if (name[0] === "#") {
        const code = name[1].toLowerCase() === "x" ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
        return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : " ";
      }
      return ENTITIES[name.toLowerCase()] ?? whole;
    });
}

/** Plain text for the list, from the first bytes of a body part as the server sent them. */
export function decodeSnippet(raw: Buffer, source: SnippetSource): string {
  let bytes = raw;
  if (source.encoding === "base64") {
    const clean = raw.toString("latin1").replace(/[^A-Za-z0-9+/]/g, "");
    bytes = Buffer.from(clean.slice(0, clean.length - (clean.length % 4)), "base64");
  } else if (source.encoding === "quoted-printable") {
    bytes = decodeQuotedPrintable(raw);
  }
  const charset = iconv.encodingExists(source.charset) ? source.charset : "utf-8";
  let text = iconv.decode(bytes, charset);
  if (source.html) text = htmlToText(text);
  // A cut multi-byte character decodes to U+FFFD at the end; quoted lines and signatures are noise here.
  text = text
    .replace(/\uFFFD+$/, "")
    .split(/\r?\n/)
    .filter((line) => !/^\s*>/.test(line))
    .join(" ")
    .replace(/\s+/g, " ")
    .trim();
  return text.length > SNIPPET_CHARS ? `${text.slice(0, SNIPPET_CHARS - 1)}…` : text;
}
