// What the store precomputes from a message's bytes at delivery, so that listing, IMAP FETCH
// (ENVELOPE, BODYSTRUCTURE, BODY[part]) and search never re-parse the blob: the MIME tree
// with every part's byte offsets, the IMAP envelope, the headers lists show, and the
// decoded text for the full-text index. The parsing itself is mailsplit's.
import type { Transform } from "node:stream";
import { createHash } from "node:crypto";
import "./mailsplit-headers-fix";
import "./mailsplit-boundary-fix";
import { Splitter, type MailsplitNode, type MailsplitChunk } from "mailsplit";
import libmime from "libmime";
import { decode as decodeCharset } from "libmime/lib/charset";
import addressparser from "nodemailer/lib/addressparser";
import { isMediaType, parseHeaderValue } from "./params";

/** RFC 3501 envelope address: [name, adl, mailbox, host], each raw (encoded words kept). */
export type EnvelopeAddress = [string | null, string | null, string | null, string | null];

export interface Envelope {
  date: string | null;
  subject: string | null;
  from: EnvelopeAddress[] | null;
  sender: EnvelopeAddress[] | null;
  replyTo: EnvelopeAddress[] | null;
  to: EnvelopeAddress[] | null;
  cc: EnvelopeAddress[] | null;
  bcc: EnvelopeAddress[] | null;
  inReplyTo: string | null;
  messageId: string | null;
}

export interface MimePart {
  /** IMAP part specifier: "" for the message itself, "1", "1.2", … */
  part: string;
  type: string;
  subtype: string;
  params: Record<string, string>;
  id: string | null;
  description: string | null;
  encoding: string;
  md5: string | null;
  disposition: { type: string; params: Record<string, string> } | null;
  language: string[] | null;
  location: string | null;
  /** Byte offsets in the message: header block, body start, body end. */
  headerStart: number;
  bodyStart: number;
  bodyEnd: number;
  /** Lines of the body (counted for text/* and message/rfc822, as BODYSTRUCTURE needs). */
  lines: number;
  children: MimePart[];
  /** For message/rfc822: the envelope of the enclosed message (its tree is children[0]). */
  envelope?: Envelope;
}

export interface MessageAnalysis {
  size: number;
  headerSize: number;
  lines: number;
  envelope: Envelope;
  structure: MimePart;
  messageId: string;
  subject: string;
  from: { name: string; address: string };
  to: string;
  cc: string;
  sentAt: Date | null;
  inReplyTo: string;
  references: string;
  hasAttachment: boolean;
  preview: string;
  /** Decoded text of the text parts, for the full-text index (bounded). */
  text: string;
  /** Every address in From/To/Cc/Bcc/Reply-To, for the index. */
  addresses: string;
}

const LIMITS = {
  /** A header block past this is not a header any client should be made to parse. */
  maxHeaderBytes: 1024 * 1024,
  /** Text indexed per message. */
  maxIndexedText: 512 * 1024,
  /** Deeper parts are kept as bytes of their ancestor, not as nodes (header bombs, JSON depth). */
  maxDepth: 48,
  previewLength: 200,
};

/**
 * Lines as BODYSTRUCTURE counts them: line ends (LF). A last line without one isn't counted,
 * as Dovecot and Cyrus count; RFC 3501 doesn't say, and clients only show the number.
 */
export function countLines(buffer: Buffer, start = 0, end = buffer.length): number {
  let lines = 0;
  for (let i = buffer.indexOf(10, start); i !== -1 && i < end; i = buffer.indexOf(10, i + 1)) lines++;
  return lines;
}

/**
 * mailsplit reads headers as latin1; raw UTF-8 headers (RFC 6532, what SMTPUTF8 mail
 * carries) are turned back into the text they were. 8-bit bytes that aren't UTF-8 (a legacy
 * charset nobody named) can't be text without guessing, so they are kept as bytes: each one
 * as the lone surrogate U+DC80–U+DCFF (Python's "surrogateescape"), which survives JSON and
 * can't be confused with any character. headerBytes gives the bytes back for IMAP, which
 * sends header strings as they were (as Dovecot does; the client knows its fallback charset);
 * headerText reads them as Latin-1 for display and search.
 */
function fromBinary(value: string): string {
  if (!/[\x80-\xff]/.test(value)) return value;
  const bytes = Buffer.from(value, "latin1");
  const text = bytes.toString("utf8");
  if (!text.includes("\ufffd")) return text;
  return value.replace(/[\x80-\xff]/g, (c) => String.fromCharCode(0xdc00 + c.charCodeAt(0)));
}

/** With "u", a surrogate pair is one code point, so only lone surrogates (escaped bytes) match. */
const ESCAPED_BYTE = /[\udc80-\udcff]/gu;

/** The bytes of a stored header string: UTF-8, except escaped 8-bit bytes, which are themselves. */
export function headerBytes(value: string): Buffer {
  if (!/[\udc80-\udcff]/u.test(value)) return Buffer.from(value, "utf8");
  const pieces: Buffer[] = [];
  let start = 0;
  for (const match of value.matchAll(ESCAPED_BYTE)) {
    pieces.push(Buffer.from(value.slice(start, match.index), "utf8"), Buffer.from([match[0].charCodeAt(0) - 0xdc00]));
    start = match.index + 1;
  }
  pieces.push(Buffer.from(value.slice(start), "utf8"));
  return Buffer.concat(pieces);
}

/** A stored header string as text: escaped 8-bit bytes read as Latin-1, the likeliest guess. */
export function headerText(value: string): string {
  return value.replace(ESCAPED_BYTE, (c) => String.fromCharCode(c.charCodeAt(0) - 0xdc00));
}

function headerValue(node: MailsplitNode, key: string): string | null {
  const line = node.headers.getFirst(key);
  return line ? fromBinary(line.replace(/\r?\n[ \t]+/g, " ").trim()) || null : null;
}

/** For ENVELOPE: a field that is there but empty is "" (NIL says it is absent), as Dovecot answers. */
function envelopeValue(node: MailsplitNode, key: string): string | null {
  return headerValue(node, key) ?? (node.headers.get(key).length ? "" : null);
}

/** RFC 5322 quoted-string local part ("a b"@x): its content, which is what the mailbox is. */
function unquoteLocal(local: string): string {
  return /^"(?:[^"\\]|\\.)*"$/s.test(local) ? local.slice(1, -1).replace(/\\(.)/gs, "$1") : local;
}

/** Source routes (obsolete "<@a,@b:user@host>", RFC 5322 §4.4) by the address they lead to; addressparser drops them. */
function sourceRoutes(raw: string): Map<string, string> {
  const routes = new Map<string, string>();
  for (const match of raw.matchAll(/<\s*(@[^:<>"]+?)\s*:\s*([^<>\s]+)\s*>/g)) routes.set(match[2].toLowerCase(), match[1].replace(/\s+/g, ""));
  return routes;
}

function envelopeAddresses(raw: string | null): EnvelopeAddress[] | null {
  if (!raw) return null;
  const result: EnvelopeAddress[] = [];
  const routes = raw.includes("<@") ? sourceRoutes(raw) : null;
  const visit = (entries: ReturnType<typeof addressparser>) => {
    for (const entry of entries) {
      if ("group" in entry && entry.group) {
        // RFC 3501: a group is a start marker [NIL NIL name NIL], members, then an end marker.
        result.push([null, null, entry.name || "", null]);
        visit(entry.group);
        result.push([null, null, null, null]);
      } else if ("address" in entry) {
        if (!entry.address && entry.name && !/\s/.test(entry.name)) {
          // A lone word ("To: nodomain") is a local part without a domain, not a name.
          result.push([null, null, entry.name, "MISSING_DOMAIN"]);
          continue;
        }
        const at = entry.address.lastIndexOf("@");
        result.push([
          entry.name || null,
          routes?.get(entry.address.toLowerCase()) ?? null,
          at > 0 ? unquoteLocal(entry.address.slice(0, at)) : entry.address || null,
          // A NIL host would read as a group marker; Dovecot names the gap the same way.
          at > 0 && at < entry.address.length - 1 ? entry.address.slice(at + 1) : "MISSING_DOMAIN",
        ]);
      }
    }
  };
  visit(addressparser(raw));
  return result.length ? result : null;
}

function buildEnvelope(node: MailsplitNode): Envelope {
  const from = envelopeAddresses(headerValue(node, "from"));
  return {
    date: envelopeValue(node, "date"),
    subject: envelopeValue(node, "subject"),
    from,
    sender: envelopeAddresses(headerValue(node, "sender")) ?? from,
    replyTo: envelopeAddresses(headerValue(node, "reply-to")) ?? from,
    to: envelopeAddresses(headerValue(node, "to")),
    cc: envelopeAddresses(headerValue(node, "cc")),
    bcc: envelopeAddresses(headerValue(node, "bcc")),
    inReplyTo: envelopeValue(node, "in-reply-to"),
    messageId: envelopeValue(node, "message-id"),
  };
}

function decodeWords(value: string | null): string {
  if (!value) return "";
  const text = headerText(value);
  try {
    return libmime.decodeWords(text).trim();
  } catch {
    return text;
  }
}

function binaryValues(params: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, fromBinary(v)]));
}

/**
 * The part's type and parameters for BODYSTRUCTURE. mailsplit's type decides the tree (it
 * splits the multiparts); the parameters are read here (see params.ts). No Content-Type is
 * text/plain, or message/rfc822 in a multipart/digest (RFC 2046 §5.1.5); one that isn't
 * type/subtype is treated as absent (RFC 2045 §5.2).
 */
function contentTypeOf(node: MailsplitNode, inDigest: boolean): { type: string; subtype: string; params: Record<string, string> } {
  const field = node.headers.get("content-type").length ? parseHeaderValue(node.headers.getFirst("content-type")) : null;
  const splitType = node.contentType || "";
  if (splitType.startsWith("multipart/") && field) {
    return { type: "multipart", subtype: splitType.slice("multipart/".length), params: binaryValues(field.params) };
  }
  if (field && isMediaType(field.value)) {
    const [type, subtype] = field.value.split("/");
    return { type, subtype, params: binaryValues(field.params) };
  }
  if (!field && inDigest) return { type: "message", subtype: "rfc822", params: {} };
  // No charset parameter: BODYSTRUCTURE writes the default, US-ASCII, as for a missing field.
  return { type: "text", subtype: "plain", params: {} };
}

function describePart(node: MailsplitNode, headerStart: number, bodyStart: number, inDigest: boolean): MimePart {
  const { type, subtype, params } = contentTypeOf(node, inDigest);
  const dispositionField = node.headers.get("content-disposition").length ? parseHeaderValue(node.headers.getFirst("content-disposition")) : null;
  const disposition = dispositionField?.value ? { type: dispositionField.value, params: binaryValues(dispositionField.params) } : null;
  const language = headerValue(node, "content-language");
  return {
    part: "",
    type,
    subtype,
    params,
    id: headerValue(node, "content-id"),
    description: headerValue(node, "content-description"),
    encoding: node.encoding || "7bit",
    md5: headerValue(node, "content-md5"),
    disposition,
    language: language ? language.split(/\s*,\s*/) : null,
    location: headerValue(node, "content-location"),
    headerStart,
    bodyStart,
    bodyEnd: bodyStart,
    lines: 0,
    children: [],
  };
}

function numberParts(part: MimePart, prefix: string) {
  if (part.type === "multipart") {
    part.children.forEach((child, i) => {
      child.part = prefix ? `${prefix}.${i + 1}` : String(i + 1);
      numberParts(child, child.part);
    });
  } else if (part.type === "message" && part.subtype === "rfc822" && part.children[0]) {
    // RFC 3501 §6.4.5: the enclosed message's parts are numbered under this part ("2.1",
    // "2.2" …); a multipart has no number of its own, a single-part body is "2.1".
    const inner = part.children[0];
    if (inner.type === "multipart") {
      inner.part = prefix;
      numberParts(inner, prefix);
    } else {
      inner.part = `${prefix}.1`;
    }
  }
}

interface TextCollector {
  node: MailsplitNode;
  decoder: Transform;
  chunks: Buffer[];
  size: number;
  html: boolean;
}

function htmlToText(html: string): string {
  return html
    .replace(/<(script|style|head)[^>]*>[\s\S]*?<\/\1>/gi, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&nbsp;/gi, " ")
    .replace(/&amp;/gi, "&")
    .replace(/&lt;/gi, "<")
    .replace(/&gt;/gi, ">")
    .replace(/&quot;/gi, '"')
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Math.min(Number(n), 0x10ffff)));
}

/** Parses a complete message. Never throws on bad MIME: a broken message is still a message. */
export async function analyzeMessage(raw: Buffer, depth = 0): Promise<MessageAnalysis> {
  let root: MimePart | null = null;
  const stack: { part: MimePart; node: MailsplitNode; depth: number }[] = [];
  let offset = 0;
  let rootNode: MailsplitNode | null = null;
  let current: { part: MimePart; node: MailsplitNode } | null = null;
  const texts: TextCollector[] = [];
  let activeText: TextCollector | null = null;
  let textBudget = LIMITS.maxIndexedText * 4;
  let hasAttachment = false;

  const closeText = () => {
    activeText?.decoder.end();
    activeText = null;
  };

  // A plain listener rather than a Writable in a pipeline: for the typical small message the
  // stream plumbing cost more than the parsing.
  const onChunk = (chunk: MailsplitNode | MailsplitChunk) => {
    if (chunk.type === "node") {
      closeText();
      const node = chunk;
      const headerLength = node._headerlen;
      // Find the parent part: the nearest open ancestor node.
      while (stack.length && stack[stack.length - 1].node !== node.parentNode) stack.pop();
      const parent = stack[stack.length - 1];
      const inDigest = parent?.part.type === "multipart" && parent.part.subtype === "digest";
      const part = describePart(node, offset, offset + headerLength, inDigest);
      offset += headerLength;
      const depth = parent ? parent.depth + 1 : 0;
      if (!parent) {
        root = part;
        rootNode = node;
      } else if (depth <= LIMITS.maxDepth) {
        parent.part.children.push(part);
      }
      stack.push({ part, node, depth });
      current = { part, node };
      const isAttachment = part.disposition?.type === "attachment" || (!!node.filename && part.type !== "multipart" && part.type !== "message");
      if (isAttachment) hasAttachment = true;
      if (part.type === "text" && (part.subtype === "plain" || part.subtype === "html") && !isAttachment && textBudget > 0) {
        const decoder = node.getDecoder();
        const collector: TextCollector = { node, decoder, chunks: [], size: 0, html: part.subtype === "html" };
        decoder.on("data", (data: Buffer) => {
          if (collector.size < LIMITS.maxIndexedText) {
            collector.chunks.push(data);
            collector.size += data.length;
          }
        });
        decoder.on("error", () => undefined);
        texts.push(collector);
        activeText = collector;
      }
    } else {
      offset += chunk.value.length;
      if (chunk.type === "body" && current) {
        current.part.bodyEnd = offset;
        if (activeText) {
          textBudget -= chunk.value.length;
          activeText.decoder.write(chunk.value);
        }
      } else if (chunk.type === "data") {
        closeText();
        closeAtDelimiters(offset - chunk.value.length, chunk.value);
      }
    }
  };

  /**
   * A delimiter line of an open multipart ends every part opened inside it since; the CRLF
   * before the delimiter belongs to the delimiter (RFC 2046 §5.1.1). So a nested multipart
   * keeps its own close-delimiter and epilogue, and a part kept at the depth limit covers
   * the parts cut off below it.
   */
  const closeAtDelimiters = (start: number, value: Buffer) => {
    for (let lineStart = 0; lineStart < value.length; ) {
      const lf = value.indexOf(10, lineStart);
      const lineEnd = lf === -1 ? value.length : lf;
      if (value[lineStart] === 0x2d && value[lineStart + 1] === 0x2d) {
        const line = value.toString("latin1", lineStart + 2, lineEnd).replace(/[ \t\r]+$/, "");
        for (let i = stack.length - 1; i >= 0; i--) {
          const param = stack[i].part.type === "multipart" ? stack[i].part.params.boundary : undefined;
          // The line is read as Latin-1, so the boundary is compared as its bytes read so too.
          const boundary = param === undefined ? undefined : headerBytes(param).toString("latin1");
          if (boundary === undefined || (line !== boundary && line !== `${boundary}--`)) continue;
          const at = start + lineStart;
          const delimiterStart = raw[at - 1] === 10 ? (raw[at - 2] === 13 ? at - 2 : at - 1) : at;
          for (let j = stack.length - 1; j > i; j--) stack[j].part.bodyEnd = Math.max(stack[j].part.bodyStart, delimiterStart);
          stack.length = i + 1;
          current = null;
          break;
        }
      }
      lineStart = lineEnd + 1;
    }
  };

  let parsed = true;
  try {
    const splitter = new Splitter({ maxHeadSize: LIMITS.maxHeaderBytes, ignoreEmbedded: true });
    splitter.on("data", onChunk);
    await new Promise<void>((resolve, reject) => {
      splitter.once("end", resolve);
      splitter.once("error", reject);
      splitter.end(raw);
    });
    closeText();
  } catch {
    parsed = false;
  }

  if (!parsed || !root || !rootNode || offset !== raw.length) {
    // mailsplit gave up (too many parts, a header past the limit): keep what the headers say.
    return fallbackAnalysis(raw, rootNode);
  }
  // Multiparts still open at the end of the message (no close-delimiter) end with it.
  for (const { part } of stack) if (part.type === "multipart") part.bodyEnd = raw.length;
  // Containers end where their last descendant ends.
  const finish = (part: MimePart): number => {
    for (const child of part.children) part.bodyEnd = Math.max(part.bodyEnd, finish(child));
    return part.bodyEnd;
  };
  const structure: MimePart = root;
  finish(structure);
  structure.bodyEnd = raw.length;
  const fixLines = (part: MimePart) => {
    if (part.type === "text" || (part.type === "message" && part.subtype === "rfc822")) {
      part.lines = countLines(raw, part.bodyStart, part.bodyEnd);
    }
    part.children.forEach(fixLines);
  };
  fixLines(structure);
  const embeddedTexts = await analyzeEmbeddedMessages(raw, structure, depth);
  numberParts(structure, "");

  const textParts = await Promise.all(
    texts.map(
      (collector) =>
        new Promise<string>((resolve) => {
          const done = () => {
            const bytes = Buffer.concat(collector.chunks);
            let text: string;
            try {
              text = decodeCharset(bytes, collector.node.charset || "utf-8");
            } catch {
              text = bytes.toString("utf8");
            }
            resolve(collector.html ? htmlToText(text) : text);
          };
          if (collector.decoder.readableEnded) done();
          else {
            collector.decoder.on("end", done);
            collector.decoder.on("error", done);
            collector.decoder.resume();
          }
        }),
    ),
  );
  const plain = textParts.find((_, i) => !texts[i].html);
  return summarise(raw, rootNode, structure, [...textParts, ...embeddedTexts], hasAttachment, plain);
}

function shiftOffsets(part: MimePart, by: number) {
  part.headerStart += by;
  part.bodyStart += by;
  part.bodyEnd += by;
  part.children.forEach((child) => shiftOffsets(child, by));
}

/** Gives every message/rfc822 part its enclosed message's tree and envelope, as IMAP needs. */
async function analyzeEmbeddedMessages(raw: Buffer, part: MimePart, depth: number): Promise<string[]> {
  if (part.type === "message" && part.subtype === "rfc822" && ["7bit", "8bit", "binary"].includes(part.encoding)) {
    if (depth >= LIMITS.maxDepth || part.bodyEnd <= part.bodyStart) return [];
    const inner = await analyzeMessage(raw.subarray(part.bodyStart, part.bodyEnd), depth + 1);
    shiftOffsets(inner.structure, part.bodyStart);
    part.children = [inner.structure];
    part.envelope = inner.envelope;
    return inner.text ? [inner.text] : [];
  }
  const texts: string[] = [];
  for (const child of part.children) texts.push(...(await analyzeEmbeddedMessages(raw, child, depth)));
  return texts;
}

function summarise(raw: Buffer, rootNode: MailsplitNode, structure: MimePart, textParts: string[], hasAttachment: boolean, previewText?: string): MessageAnalysis {
  const envelope = buildEnvelope(rootNode);
  const firstFrom = envelope.from?.find((a) => a[2] !== null);
  const addressList = (key: string) =>
    (envelopeAddresses(headerValue(rootNode, key)) ?? [])
      .filter((a) => a[2] && a[3] && a[3] !== "MISSING_DOMAIN")
      .map((a) => headerText(`${a[2]}@${a[3]}`))
      .join(", ");
  const dateHeader = headerValue(rootNode, "date");
  const sentAt = dateHeader ? new Date(dateHeader.replace(/\s*\([^)]*\)\s*$/, "")) : null;
  const text = textParts.join("\n").slice(0, LIMITS.maxIndexedText);
  // The plain-text alternative when there is one; HTML-only mail still gets a preview.
  const preview = (previewText ?? text).slice(0, LIMITS.previewLength * 8).replace(/\s+/g, " ").trim().slice(0, LIMITS.previewLength);
  const fromName = decodeWords(firstFrom?.[0] ?? null);
  const fromAddress = firstFrom && firstFrom[3] && firstFrom[3] !== "MISSING_DOMAIN" ? `${firstFrom[2]}@${firstFrom[3]}` : (firstFrom?.[2] ?? "");
  return {
    size: raw.length,
    headerSize: structure.bodyStart,
    lines: countLines(raw),
    envelope,
    structure,
    messageId: (envelope.messageId ?? "").trim(),
    subject: decodeWords(envelope.subject),
    from: { name: fromName, address: fromAddress },
    to: addressList("to"),
    cc: addressList("cc"),
    sentAt: sentAt && !Number.isNaN(sentAt.getTime()) ? sentAt : null,
    inReplyTo: (envelope.inReplyTo ?? "").trim(),
    references: headerText(headerValue(rootNode, "references") ?? ""),
    hasAttachment,
    preview,
    text,
    addresses: ["from", "to", "cc", "bcc", "reply-to"].map(addressList).filter(Boolean).join(" ") + (fromName ? ` ${fromName}` : ""),
  };
}

/** A message mailsplit could not take apart: one text/plain body after the first blank line. */
function fallbackAnalysis(raw: Buffer, node: MailsplitNode | null): MessageAnalysis {
  let bodyStart = raw.indexOf("\r\n\r\n");
  bodyStart = bodyStart === -1 ? raw.length : bodyStart + 4;
  const structure: MimePart = {
    part: "",
    type: "text",
    subtype: "plain",
    params: { charset: "us-ascii" },
    id: null,
    description: null,
    encoding: "7bit",
    md5: null,
    disposition: null,
    language: null,
    location: null,
    headerStart: 0,
    bodyStart,
    bodyEnd: raw.length,
    lines: countLines(raw, bodyStart),
    children: [],
  };
  const empty: Envelope = {
    date: null, subject: null, from: null, sender: null, replyTo: null, to: null, cc: null, bcc: null, inReplyTo: null, messageId: null,
  };
  if (node) return { ...summarise(raw, node, structure, [raw.subarray(bodyStart, bodyStart + 4096).toString("utf8")], false) };
  return {
    size: raw.length, headerSize: bodyStart, lines: countLines(raw), envelope: empty, structure, messageId: "", subject: "",
    from: { name: "", address: "" }, to: "", cc: "", sentAt: null, inReplyTo: "", references: "", hasAttachment: false,
    preview: "", text: "", addresses: "",
  };
}

export function sha256(buffer: Buffer): string {
  return createHash("sha256").update(buffer).digest("hex");
}
