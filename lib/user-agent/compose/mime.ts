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
  return convert(html, { wordwrap: 76, selectors: [{ selector: "a", options: { hideLinkHrefIfSameAsText: true } }] });
}

/**
 * The message's bytes. `keepBcc` keeps the Bcc header: wanted in the sender's own copies (Sent, Drafts),
 * never in what is submitted, where the envelope alone reaches the Bcc recipients.
 */
export async function buildMime(draft: MessageDraft, keepBcc: boolean): Promise<Buffer> {
  const html = draft.html === null ? null : htmlBody(draft.html);
  const node = new MailComposer({
    from: draft.from,
    to: draft.to,
    cc: draft.cc,
    bcc: draft.bcc,
    subject: draft.subject,
    text: html === null ? draft.text : textFromHtml(html),
    html: html ?? undefined,
    attachments: draft.attachments.map(({ filename, contentType, content }) => ({ filename, contentType, content })),
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
