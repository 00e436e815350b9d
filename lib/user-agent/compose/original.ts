// The message a reply or forward answers, read over IMAP: what the composer quotes (sender, recipients,
// date, text, attachments), its threading headers, and the attachments a forward carries along.
import "server-only";
import type { ImapSession } from "@/lib/user-agent/imap/session";
import { isoDate, toAddresses } from "@/lib/user-agent/mail/list";
import { MAX_BODY_BYTES, openMessage, readBytes, readText } from "@/lib/user-agent/mail/message";
import { chooseBody, listAttachments } from "@/lib/user-agent/mail/structure";
import { emlName, type OriginalMessage } from "./types";
import { documentText } from "./drafts";
import type { OutgoingAttachment } from "./mime";

/** References kept in a reply: the first (the thread's root) and the latest, as RFC 5322 §3.6.4 allows trimming. */
const MAX_REFERENCES = 20;

export class SourceGoneError extends Error {
  constructor() {
    super("the message answered is no longer in its folder");
    this.name = "SourceGoneError";
  }
}

export class TooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`the message would be larger than ${limit} bytes`);
    this.name = "TooLargeError";
  }
}

/** Message-IDs as a References or In-Reply-To header lists them. */
export function messageIds(header: string): string[] {
  return [...header.matchAll(/<[^<>\s]+>/g)].map((match) => match[0]);
}

/** In-Reply-To and References of an answer to a message with this Message-ID and References. */
export function threadingHeaders(messageId: string | null, references: string[]): { inReplyTo: string | null; references: string[] } {
  const ids = messageId ? [...references, messageId] : [...references];
  return { inReplyTo: messageId, references: ids.length > MAX_REFERENCES ? [ids[0], ...ids.slice(-(MAX_REFERENCES - 1))] : ids };
}

/**
 * A plain-text original read as it is: its text is the quote, with no HTML document made of it and read
 * back (a 1 MB message spent ~300 ms there). Answers "html" for an original the reading pane's way suits.
 */
async function readPlainOriginal(session: ImapSession, folder: string, uid: number): Promise<OriginalMessage | null | "html"> {
  return session.withMailbox(folder, async (client) => {
    const message = await client.fetchOne(String(uid), { uid: true, envelope: true, bodyStructure: true, internalDate: true }, { uid: true });
    if (!message) return null;
    const structure = message.bodyStructure;
    const body = structure ? chooseBody(structure) : null;
    if (!structure || body?.format !== "text") return "html";
    const download = await client.download(String(uid), body.part, { uid: true, maxBytes: MAX_BODY_BYTES });
    const text = download.content ? await readText(download.content, MAX_BODY_BYTES) : "";
    const { subject, from, to, cc, replyTo, date } = message.envelope ?? {};
    return { folder, uid, subject: subject ?? "", from: toAddresses(from), to: toAddresses(to), cc: toAddresses(cc), replyTo: toAddresses(replyTo), date: isoDate(date) ?? isoDate(message.internalDate), text, attachments: listAttachments(structure, body) };
  });
}

/** The original as the composer quotes it; null when it is gone. */
export async function readOriginal(session: ImapSession, folder: string, uid: number): Promise<OriginalMessage | null> {
  const plain = await readPlainOriginal(session, folder, uid);
  if (plain !== "html") return plain;
  const view = await openMessage(session, folder, uid, false);
  if (!view) return null;
  // The reading pane's sanitised document, as text: the same for HTML and plain-text mail.
  const text = view.format === "none" ? "" : documentText(view.document);
  return { folder, uid, subject: view.subject, from: view.from, to: view.to, cc: view.cc, replyTo: view.replyTo, date: view.date, text, attachments: view.attachments };
}

export interface StoredMessage {
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  /** The parts asked for, downloaded. */
  attachments: OutgoingAttachment[];
}

/**
 * A stored message's threading headers and the parts named (attachments a forward or a saved draft
 * carries), read in one visit to its folder. Throws SourceGoneError when it is gone, TooLargeError when
 * the parts pass `limit` bytes.
 */
export async function readStored(session: ImapSession, folder: string, uid: number, parts: string[], limit: number, whole = false): Promise<StoredMessage> {
  return session.withMailbox(folder, async (client) => {
    const message = await client.fetchOne(String(uid), { uid: true, envelope: true, size: true, headers: ["references"] }, { uid: true });
    if (!message) throw new SourceGoneError();
    const attachments: OutgoingAttachment[] = [];
    let total = 0;
    if (whole) {
      // "Forward as attachment": the original as it was received, headers and all, for the recipient to open.
      if ((message.size ?? 0) > limit) throw new TooLargeError(limit);
      const download = await client.download(String(uid), undefined, { uid: true });
      const content = download.content ? await readBytes(download.content, limit) : Buffer.alloc(0);
      if (content === null) throw new TooLargeError(limit);
      total += content.length;
      attachments.push({ filename: emlName(message.envelope?.subject ?? ""), contentType: "message/rfc822", content });
    }
    for (const part of parts) {
      const download = await client.download(String(uid), part, { uid: true });
      const content = download.content ? await readBytes(download.content, limit - total) : Buffer.alloc(0);
      if (content === null) throw new TooLargeError(limit);
      total += content.length;
      attachments.push({ filename: download.meta?.filename ?? `attachment-${part}`, contentType: download.meta?.contentType ?? "application/octet-stream", content });
    }
    return {
      messageId: message.envelope?.messageId ?? null,
      inReplyTo: messageIds(message.envelope?.inReplyTo ?? "")[0] ?? null,
      references: messageIds(message.headers?.toString("utf8") ?? ""),
      attachments,
    };
  });
}
