// Sending and saving: the message is composed from what the composer sent, the original it answers and
// the draft it continues (their threading headers, the attachments they carry); then either submitted by
// SMTP with the user's credentials, with a copy APPENDed to Sent (\Seen), the original marked \Answered
// (or $Forwarded) and the draft removed, or saved to Drafts. When submission fails the message is saved to Drafts
// instead, so nothing written is lost, and the caller learns why.
import "server-only";
import { randomBytes } from "node:crypto";
import type { ImapSession } from "@/lib/user-agent/imap/session";
import { rememberRecipients } from "@/lib/user-agent/contacts/collect";
import { specialFolder } from "@/lib/user-agent/mail/folder-edit";
import { setFlags } from "@/lib/user-agent/mail/message";
import { deleteDraft, draftsFolder, storeDraft } from "./drafts";
import { buildMime, envelopeOf, newMessageId, type MessageDraft, type OutgoingAttachment } from "./mime";
import { readStored, SourceGoneError, threadingHeaders, TooLargeError } from "./original";
import { messageSizeLimit } from "./size-limit";
import { submit, SubmissionError, type SubmissionDsn } from "./submission";
import { ENVELOPE_ID_HEADER } from "@/lib/user-agent/delivery/report";
import type { Address } from "@/lib/user-agent/mail/types";
import type { OutgoingMessage, SavedDraft, SendResult, SourceMessage } from "./types";

const size = (attachments: OutgoingAttachment[]) => attachments.reduce((sum, attachment) => sum + attachment.content.length, 0);

/** The whole message: the composer's fields with the sender, attachments and threading the server knows. */
export async function prepare(session: ImapSession, message: OutgoingMessage, uploads: OutgoingAttachment[], limit: number): Promise<MessageDraft> {
  const whole = message.source?.mode === "forward" && message.forwardAsAttachment === true;
  const source = message.source ? await readStored(session, message.source.folder, message.source.uid, whole ? [] : message.forwardParts, limit, whole) : null;
  // The draft this continues may be gone (discarded in another tab, deleted from the list): then this is
  // saved as a new draft rather than failing at every autosave; its stored attachments went with it.
  const saved =
    message.draft !== null
      ? await readStored(session, await draftsFolder(session), message.draft, message.draftParts, limit - size(source?.attachments ?? [])).catch((error: unknown) => {
          if (error instanceof SourceGoneError) return null;
          throw error;
        })
      : null;
  // An answer threads under its original; a reopened draft keeps the threading it was saved with. A
  // forward is a new message, not an answer: References alone keep it in the sender's conversation.
  const threading = source ? threadingHeaders(source.messageId, source.references) : { inReplyTo: saved?.inReplyTo ?? null, references: saved?.references ?? [] };
  const draft: MessageDraft = {
    // The identity chosen in the composer (checked against the account's addresses by the route).
    from: { name: message.fromName, address: message.fromAddress ?? session.address },
    to: message.to,
    cc: message.cc,
    bcc: message.bcc,
    subject: message.subject,
    html: message.html,
    text: message.text,
    attachments: [...(source?.attachments ?? []), ...(saved?.attachments ?? []), ...uploads],
    inReplyTo: message.source?.mode === "forward" ? null : threading.inReplyTo,
    references: threading.references,
    messageId: newMessageId(session.address),
    date: new Date(),
  };
  return draft;
}

/** The sender's own copy (with Bcc), within the size the server takes. */
export async function ownCopy(draft: MessageDraft, limit: number): Promise<Buffer> {
  const copy = await buildMime(draft, true);
  if (copy.length > limit) throw new TooLargeError(limit);
  return copy;
}

/** Saves the message to Drafts, replacing the version it continues. */
export async function saveDraft(session: ImapSession, message: OutgoingMessage, uploads: OutgoingAttachment[]): Promise<SavedDraft> {
  const limit = await messageSizeLimit();
  const draft = await prepare(session, message, uploads, limit);
  return storeDraft(session, await ownCopy(draft, limit), draft.date, message.draft);
}

/** Appends the sent copy to Sent; false when there is no Sent folder or the server refused. */
async function keepSentCopy(session: ImapSession, raw: Buffer, date: Date): Promise<boolean> {
  const path = await specialFolder(session, "\\Sent");
  if (path === null) return false;
  try {
    await session.withConnection((client) => client.append(path, raw, ["\\Seen"], date));
    return true;
  } catch (error) {
    console.error(`webmail: could not keep a copy in ${path}: ${error instanceof Error ? error.message : String(error)}`);
    return false;
  }
}

/** An ENVID for a message sent with delivery reports asked for (xtext-safe: base64url has no "+" or "="). */
export const newEnvelopeId = () => `wm.${randomBytes(15).toString("base64url")}`;

/**
 * The sent copy remembers the ENVID its reports will echo (Original-Envelope-Id) in a header of its own:
 * only the copy in Sent carries it, what recipients get does not.
 */
export function withEnvelopeId(copy: Buffer, envelopeId: string): Buffer {
  return Buffer.concat([Buffer.from(`${ENVELOPE_ID_HEADER}: ${envelopeId}\r\n`, "latin1"), copy]);
}

/**
 * What follows a submission the server took: the copy in Sent (its answer, false when it could not be
 * kept), the recipients remembered, the original flagged, and the draft it came from removed.
 */
export async function afterSubmission(session: ImapSession, password: string, copy: Buffer, date: Date, recipients: Address[], source: SourceMessage | null, draftUid: number | null): Promise<boolean> {
  const savedToSent = await keepSentCopy(session, copy, date);
  await rememberRecipients({ address: session.address, password }, recipients);
  // As Thunderbird and Apple Mail mark them: \\Answered after a reply, $Forwarded after a forward.
  // The message has left: a flag that cannot be set (the original moved meanwhile) is no failure to report.
  if (source) {
    await setFlags(session, source.folder, [source.uid], [source.mode === "forward" ? "$Forwarded" : "\\Answered"], []).catch((failure: unknown) => {
      console.error(`webmail: could not flag the message answered: ${failure instanceof Error ? failure.message : String(failure)}`);
    });
  }
  if (draftUid !== null) await deleteDraft(session, draftUid);
  return savedToSent;
}

/** Composes and sends `message` from the session's account; `uploads` are the attachments added in the composer. */
export async function sendMessage(session: ImapSession, password: string, message: OutgoingMessage, uploads: OutgoingAttachment[]): Promise<SendResult> {
  const limit = await messageSizeLimit();
  const draft = await prepare(session, message, uploads, limit);
  const copy = await ownCopy(draft, limit);
  try {
    const dsn: SubmissionDsn | null = message.deliveryReports ? { envelopeId: newEnvelopeId(), notify: ["success", "failure", "delay"] } : null;
    const { rejected } = await submit(await buildMime(draft, false), envelopeOf(draft), { user: session.address, pass: password }, undefined, dsn);
    const savedToSent = await afterSubmission(session, password, dsn ? withEnvelopeId(copy, dsn.envelopeId) : copy, draft.date, [...draft.to, ...draft.cc, ...draft.bcc], message.source, message.draft);
    return { ok: true, savedToSent, rejected };
  } catch (error) {
    if (!(error instanceof SubmissionError)) throw error;
    const saved = await storeDraft(session, copy, draft.date, message.draft).catch((failure: unknown) => {
      console.error(`webmail: could not keep an unsent message in Drafts: ${failure instanceof Error ? failure.message : String(failure)}`);
      return null;
    });
    return { ok: false, failure: error.failure, detail: error.detail, draft: saved };
  }
}
