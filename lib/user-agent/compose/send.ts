// Sending: the message is composed, submitted by SMTP with the user's credentials, and a copy APPENDed
// to Sent (\Seen) over the user's IMAP session; a reply marks its original \Answered. When submission
// fails the copy goes to Drafts instead, so nothing written is lost, and the caller learns why.
import "server-only";
import { loadConfig } from "@/lib/config";
import type { ImapSession } from "@/lib/user-agent/imap/session";
import { specialFolder } from "@/lib/user-agent/mail/folder-edit";
import { setFlags } from "@/lib/user-agent/mail/message";
import { buildMime, envelopeOf, newMessageId, type MessageDraft, type OutgoingAttachment } from "./mime";
import { readSource, TooLargeError, type SourceContent } from "./original";
import { submit, SubmissionError } from "./submission";
import type { OutgoingMessage, SendResult } from "./types";

const NO_SOURCE: SourceContent = { inReplyTo: null, references: [], attachments: [] };

/** Appends `raw` to the folder with this special use; false when there is no such folder or the server refused. */
async function keepCopy(session: ImapSession, use: "\\Sent" | "\\Drafts", raw: Buffer, flags: string[], date: Date): Promise<boolean> {
  const path = await specialFolder(session, use);
  if (path === null) return false;
  try {
    await session.withConnection((client) => client.append(path, raw, flags, date));
    return true;
  } catch (error) {
    console.error(`webmail: could not keep a copy in ${path}: ${error instanceof Error ? error.message : String(error)}`);
    return false;
  }
}

/** Composes and sends `message` from the session's account; `uploads` are the attachments added in the composer. */
export async function sendMessage(session: ImapSession, password: string, message: OutgoingMessage, uploads: OutgoingAttachment[]): Promise<SendResult> {
  const limit = loadConfig().maxMessageSize;
  const source = message.source ? await readSource(session, message.source, message.forwardParts, limit) : NO_SOURCE;
  const draft: MessageDraft = {
    from: { name: message.fromName, address: session.address },
    to: message.to,
    cc: message.cc,
    bcc: message.bcc,
    subject: message.subject,
    html: message.html,
    text: message.text,
    attachments: [...source.attachments, ...uploads],
    // A forward is a new message, not an answer; References keep it in the sender's conversation.
    inReplyTo: message.source?.mode === "forward" ? null : source.inReplyTo,
    references: source.references,
    messageId: newMessageId(session.address),
    date: new Date(),
  };
  const copy = await buildMime(draft, true);
  if (copy.length > limit) throw new TooLargeError(limit);
  try {
    const { rejected } = await submit(await buildMime(draft, false), envelopeOf(draft), { user: session.address, pass: password });
    const savedToSent = await keepCopy(session, "\\Sent", copy, ["\\Seen"], draft.date);
    if (message.source && message.source.mode !== "forward") await setFlags(session, message.source.folder, [message.source.uid], ["\\Answered"], []);
    return { ok: true, savedToSent, rejected };
  } catch (error) {
    if (!(error instanceof SubmissionError)) throw error;
    const savedToDrafts = await keepCopy(session, "\\Drafts", copy, ["\\Seen", "\\Draft"], draft.date);
    return { ok: false, failure: error.failure, detail: error.detail, savedToDrafts };
  }
}
