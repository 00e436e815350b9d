// Opening one message: its envelope and structure, then only the body part shown (decoded by imapflow
// to UTF-8 from whatever charset it was in). Attachments are listed but not fetched.
import "server-only";
import type { Readable } from "node:stream";
import type { ImapSession } from "@/lib/user-agent/imap/session";
import { emptyMailDocument, htmlMailDocument, textMailDocument } from "@/lib/user-agent/html/document";
import { isoDate, toAddresses } from "./list";
import { chooseBody, listAttachments } from "./structure";
import type { MessageView } from "./types";

// Beyond this a body is cut: nobody reads 5 MB of text in a reading pane, and the sanitiser's time grows with it.
const MAX_BODY_BYTES = 5 * 1024 * 1024;

async function readText(stream: Readable, limit: number): Promise<string> {
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

export async function openMessage(session: ImapSession, folder: string, uid: number, allowRemote: boolean): Promise<MessageView | null> {
  return session.withMailbox(folder, async (client) => {
    const message = await client.fetchOne(String(uid), { uid: true, envelope: true, flags: true, bodyStructure: true, internalDate: true }, { uid: true });
    if (!message) return null;
    const structure = message.bodyStructure;
    const body = structure ? chooseBody(structure) : null;
    let document = emptyMailDocument();
    let remoteContentBlocked = false;
    if (body) {
      const download = await client.download(String(uid), body.part, { uid: true, maxBytes: MAX_BODY_BYTES });
      const text = download.content ? await readText(download.content, MAX_BODY_BYTES) : "";
      if (body.format === "html") {
        const result = htmlMailDocument(text, allowRemote);
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
      attachments: structure ? listAttachments(structure, body) : [],
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
