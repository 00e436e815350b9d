// A message as it goes out: nodemailer's MailComposer writes the MIME (encoded words in headers, RFC 2231
// attachment names, quoted-printable or base64 bodies). What the editor wrote is sanitised with the same
// DOMPurify rules as mail being read, and its plain-text alternative is made from that HTML.
import "server-only";
import { randomUUID } from "node:crypto";
import { convert } from "html-to-text";
import MailComposer from "nodemailer/lib/mail-composer";
import { sanitizeMailHtml } from "@/lib/user-agent/html/sanitize";
import type { Address } from "@/lib/user-agent/mail/types";
import type { OutgoingMessage } from "./types";

export interface OutgoingAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
  /** Content-ID of an image the HTML shows inline (cid:), without angle brackets. */
  cid?: string;
}

// An image pasted or dropped into the editor travels in its HTML as a data: URL; the message carries it
// as a part of multipart/related that the HTML names by cid:, as Thunderbird and Gmail send them.
const DATA_IMAGE = /(<img\b[^>]*?\bsrc=")data:(image\/(?:png|gif|jpeg|jpg|webp|bmp));base64,([A-Za-z0-9+/=]+)(")/gi;

/** The HTML with its data: images named by cid:, and those images as inline parts (one per distinct image). */
export function inlineImages(html: string, messageId: string): { html: string; images: OutgoingAttachment[] } {
  const images: OutgoingAttachment[] = [];
  const byData = new Map<string, string>();
  const domain = messageId.replace(/^<[^@]*@?|>$/g, "") || "localhost";
  const rewritten = html.replace(DATA_IMAGE, (_whole, before: string, type: string, data: string, after: string) => {
    let cid = byData.get(data);
    if (cid === undefined) {
      cid = `image${images.length + 1}.${randomUUID()}@${domain}`;
      byData.set(data, cid);
      const contentType = type.toLowerCase() === "image/jpg" ? "image/jpeg" : type.toLowerCase();
      images.push({ filename: `image${images.length + 1}.${contentType.slice(6)}`, contentType, content: Buffer.from(data, "base64"), cid });
    }
    return `${before}cid:${cid}${after}`;
  });
  return { html: rewritten, images };
}

/** The message with everything the server adds: sender, attachments' bytes, threading, identity. */
export interface MessageDraft extends Pick<OutgoingMessage, "to" | "cc" | "bcc" | "subject" | "html" | "text"> {
  from: Address;
  attachments: OutgoingAttachment[];
  /** Message-ID of the message answered, with its angle brackets. */
  inReplyTo: string | null;
  references: string[];
  messageId: string;
  date: Date;
}

/** A new Message-ID in the sender's domain: "<uuid@domain>". */
export function newMessageId(senderAddress: string): string {
  const domain = senderAddress.slice(senderAddress.lastIndexOf("@") + 1) || "localhost";
  return `<${randomUUID()}@${domain}>`;
}

/** The editor's HTML made safe and whole: what the recipient's client shows. */
function htmlBody(html: string): string {
  // The author's own links and images load for the recipient as they did in the editor.
  const clean = sanitizeMailHtml(html, { allowRemoteContent: true }).html;
  return `<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>${clean}</body></html>`;
}

/** The plain-text alternative: quotes as "> " lines, list items as bullets, link targets after their text. */
export function textFromHtml(html: string): string {
  // Images are left out: their cid: or data: address means nothing to a reader of text.
  return convert(html, { wordwrap: 76, selectors: [{ selector: "a", options: { hideLinkHrefIfSameAsText: true } }, { selector: "img", format: "skip" }] });
}

/**
 * The message's bytes. `keepBcc` keeps the Bcc header: wanted in the sender's own copies (Sent, Drafts),
 * never in what is submitted, where the envelope alone reaches the Bcc recipients.
 */
export async function buildMime(draft: MessageDraft, keepBcc: boolean): Promise<Buffer> {
  const inline = draft.html === null ? null : inlineImages(htmlBody(draft.html), draft.messageId);
  const html = inline?.html ?? null;
  const node = new MailComposer({
    from: draft.from,
    to: draft.to,
    cc: draft.cc,
    bcc: draft.bcc,
    subject: draft.subject,
    text: html === null ? draft.text : textFromHtml(html),
    html: html ?? undefined,
    // A forwarded message is an attachment to open, not something shown inline (MailComposer's default for message/*).
    attachments: [...(inline?.images ?? []), ...draft.attachments].map(({ filename, contentType, content, cid }) => ({ filename, contentType, content, cid, contentDisposition: cid ? ("inline" as const) : ("attachment" as const) })),
    inReplyTo: draft.inReplyTo ?? undefined,
    references: draft.references.length > 0 ? draft.references : undefined,
    messageId: draft.messageId,
    date: draft.date,
  }).compile();
  node.keepBcc = keepBcc;
  return node.build();
}

/** Envelope sender and every recipient (To, Cc and Bcc), as SMTP needs them. */
export function envelopeOf(draft: MessageDraft): { from: string; to: string[] } {
  const to = [...draft.to, ...draft.cc, ...draft.bcc].map((recipient) => recipient.address);
  return { from: draft.from.address, to: [...new Set(to)] };
}
