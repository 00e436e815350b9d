// Opening one message: its envelope and structure, then only the body part shown (decoded by imapflow
// to UTF-8 from whatever charset it was in). Attachments are listed but not fetched.
import "server-only";
import { Readable } from "node:stream";
import type { ImapFlow } from "imapflow";
import type { ImapSession } from "@/lib/user-agent/imap/session";
import { emptyMailDocument, htmlMailDocument, textMailDocument } from "@/lib/user-agent/html/document";
import { isoDate, toAddresses } from "./list";
import { specialFolder } from "./folder-edit";
import { chooseBody, inlineImages, listAttachments, type InlinePart } from "./structure";
import type { MessageView } from "./types";
import { trustedSenders } from "@/lib/user-agent/settings/remote-content";
import { readSettings } from "@/lib/user-agent/settings/store";
import { webmailDatabase } from "@/lib/user-agent/webmail-database";
import { isDeliveryReportType } from "@/lib/user-agent/delivery/report";

// Beyond this a body is cut: nobody reads 5 MB of text in a reading pane, and the sanitiser's time grows with it.
export const MAX_BODY_BYTES = 5 * 1024 * 1024;

// cid: images are put into the document as data: URLs. The frame is sandboxed with an opaque origin,
// so a request from it to the attachment route would go without the session cookie (SameSite) and need
// a bearer token in the URL instead; inlining keeps the session out of the frame and needs no network.
const MAX_INLINE_IMAGE_BYTES = 5 * 1024 * 1024;
const MAX_INLINE_TOTAL_BYTES = 15 * 1024 * 1024;

/** A stream's bytes, or null when there are more than `limit`. */
export async function readBytes(stream: Readable, limit: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    size += buffer.length;
    if (size > limit) return null;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** The cid: images the HTML names, fetched (only those) and turned into data: URLs. */
async function loadInlineImages(client: ImapFlow, uid: number, html: string, parts: Map<string, InlinePart>): Promise<Map<string, string>> {
  const urls = new Map<string, string>();
  if (parts.size === 0) return urls;
  const named = new Set<string>();
  for (const match of html.matchAll(/cid:([^"'\s)>]+)/gi)) {
    let id = match[1];
    try {
      id = decodeURIComponent(id);
    } catch {
      // Not %-encoded after all: use it as written.
    }
    if (parts.has(id)) named.add(id);
  }
  let total = 0;
  for (const id of named) {
    const part = parts.get(id);
    if (!part || part.size > MAX_INLINE_IMAGE_BYTES || total + part.size > MAX_INLINE_TOTAL_BYTES) continue;
    const download = await client.download(String(uid), part.part, { uid: true, maxBytes: MAX_INLINE_IMAGE_BYTES });
    const bytes = download.content ? await readBytes(download.content, MAX_INLINE_IMAGE_BYTES) : null;
    if (!bytes) continue;
    total += bytes.length;
    urls.set(id, `data:${part.contentType};base64,${bytes.toString("base64")}`);
  }
  return urls;
}

/** A stream's text, cut at `limit` bytes. */
export async function readText(stream: Readable, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    size += buffer.length;
    chunks.push(buffer);
    if (size >= limit) break;
  }
  return Buffer.concat(chunks).subarray(0, limit).toString("utf8");
}

/**
 * allowRemote: the reader clicked "show images"; trusted: senders whose remote content is always shown
 * ("always show images from this sender").
 */
/** The Sent folder's path, asked once per session (a LIST at every open would slow opening down). */
async function sentFolderOf(session: ImapSession): Promise<string | null> {
  const key = "special-use \\Sent";
  if (!session.caches.has(key)) session.caches.set(key, await specialFolder(session, "\\Sent").catch(() => null));
  const path = session.caches.get(key);
  return typeof path === "string" ? path : null;
}

/** A message as the reading pane and the print view show it: with the user's "always show images" senders. */
export async function openMessageForReader(session: ImapSession, folder: string, uid: number, allowRemote: boolean): Promise<MessageView | null> {
  const { remoteImages } = await readSettings(await webmailDatabase(), session.address);
  // What is in Sent was sent by the user, from whichever identity: its delivery status is theirs to see.
  const sentFolder = await sentFolderOf(session);
  return openMessage(session, folder, uid, allowRemote || remoteImages === "always", await trustedSenders(session.address), folder === sentFolder);
}

/** `sentByUser`: the message is known to be the user's own (it is in Sent), whatever its From says. */
export async function openMessage(session: ImapSession, folder: string, uid: number, allowRemote: boolean, trusted: ReadonlySet<string> = new Set(), sentByUser = false): Promise<MessageView | null> {
  return session.withMailbox(folder, async (client) => {
    const message = await client.fetchOne(String(uid), { uid: true, envelope: true, flags: true, bodyStructure: true, internalDate: true }, { uid: true });
    if (!message) return null;
    const structure = message.bodyStructure;
    const body = structure ? chooseBody(structure) : null;
    let document = emptyMailDocument();
    let remoteContentBlocked = false;
    const sender = message.envelope?.from?.[0]?.address?.toLowerCase() ?? "";
    const senderTrusted = sender !== "" && trusted.has(sender);
    if (senderTrusted) allowRemote = true;
    if (body) {
      const download = await client.download(String(uid), body.part, { uid: true, maxBytes: MAX_BODY_BYTES });
      const text = download.content ? await readText(download.content, MAX_BODY_BYTES) : "";
      if (body.format === "html") {
        const images = structure ? await loadInlineImages(client, uid, text, inlineImages(structure)) : new Map<string, string>();
        const result = htmlMailDocument(text, allowRemote, (id) => images.get(id) ?? null);
        document = result.document;
        remoteContentBlocked = result.blockedRemote > 0;
      } else {
        document = textMailDocument(text);
      }
    }
    const envelope = message.envelope;
    return {
      folder,
      uid,
      subject: envelope?.subject ?? "",
      from: toAddresses(envelope?.from),
      to: toAddresses(envelope?.to),
      cc: toAddresses(envelope?.cc),
      replyTo: toAddresses(envelope?.replyTo),
      date: isoDate(envelope?.date) ?? isoDate(message.internalDate),
      flags: [...(message.flags ?? [])],
      document,
      format: body?.format ?? "none",
      remoteContentBlocked,
      remoteContentAllowed: allowRemote,
      senderTrusted,
      attachments: structure ? listAttachments(structure, body) : [],
      delivery: structure && isDeliveryReportType(structure.type, structure.parameters?.["report-type"]) ? "report" : sentByUser || (sender !== "" && sender === session.address.toLowerCase()) ? "sent" : null,
    };
  });
}

export async function setFlags(session: ImapSession, folder: string, uids: number[], add: string[], remove: string[]): Promise<void> {
  if (uids.length === 0) return;
  await session.withMailbox(folder, async (client) => {
    const range = uids.join(",");
    if (add.length > 0) await client.messageFlagsAdd(range, add, { uid: true });
    if (remove.length > 0) await client.messageFlagsRemove(range, remove, { uid: true });
  });
}

export interface MessageSource {
  size: number;
  body: ReadableStream<Uint8Array>;
  subject: string;
}

/**
 * The raw message as stored, streamed (view source, download as .eml). The lock is held until the last
 * byte is sent, for the same reason as attachments (see attachment.ts).
 */
export async function openSource(session: ImapSession, folder: string, uid: number): Promise<MessageSource | null> {
  return new Promise<MessageSource | null>((resolve, reject) => {
    session
      .withMailbox(folder, async (client) => {
        const message = await client.fetchOne(String(uid), { uid: true, envelope: true, size: true }, { uid: true });
        if (!message) {
          resolve(null);
          return;
        }
        const download = await client.download(String(uid), undefined, { uid: true });
        if (!download.content) {
          resolve(null);
          return;
        }
        const finished = new Promise<void>((done) => {
          download.content.once("end", done).once("close", done).once("error", () => done());
        });
        resolve({ size: message.size ?? 0, subject: message.envelope?.subject ?? "", body: Readable.toWeb(download.content) as ReadableStream<Uint8Array> });
        await finished;
      })
      .catch(reject);
  });
}
