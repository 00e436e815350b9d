// What the composer sends to the compose routes and what they answer. Shared by server and client code,
// so it holds types and pure checks only (no server-only imports).
import type { Address, AttachmentInfo, MessageView } from "@/lib/user-agent/mail/types";

export type ReplyMode = "reply" | "all" | "forward";

/** The message a reply or forward answers: the server reads its threading headers and attachments itself. */
export interface SourceMessage {
  folder: string;
  uid: number;
  mode: ReplyMode;
}

/** The JSON part of a send request; new attachments travel beside it as files of the same form. */
export interface OutgoingMessage {
  /** The sender's display name; the address is always the signed-in account's. */
  fromName: string;
  /** The identity's address: one of the account's (checked on the server); the account's own when absent. */
  fromAddress?: string;
  to: Address[];
  cc: Address[];
  bcc: Address[];
  subject: string;
  /** The editor's HTML (sanitised again on the server), or null in plain-text mode. */
  html: string | null;
  /** The body in plain-text mode; ignored when html is given (the text part is made from the HTML). */
  text: string;
  source: SourceMessage | null;
  /** Parts of the source message to forward with it (its attachments, as listed by the reading pane). */
  forwardParts: string[];
  /** A forward that carries the whole original as a message/rfc822 attachment ("Forward as attachment"). */
  forwardAsAttachment?: boolean;
  /** UID in Drafts of the saved version this message replaces (removed once it is sent or saved again). */
  draft: number | null;
  /** Parts of that saved draft to keep: the attachments it already carries. */
  draftParts: string[];
  /** Ask the servers on the way for delivery reports (DSN NOTIFY=SUCCESS,FAILURE,DELAY). */
  deliveryReports?: boolean;
}

/** A version saved in Drafts: where it is, and the attachments it now carries (by part). */
export interface SavedDraft {
  uid: number;
  attachments: AttachmentInfo[];
}

/** A saved draft as the composer reopens it: `html` is the rich text (sanitised), null for a plain-text draft. */
export type DraftContent = SavedDraft & Pick<OutgoingMessage, "to" | "cc" | "bcc" | "subject" | "html" | "text"> & {
  /** The From it was saved with: the identity to continue as. */
  from: Address | null;
};

/** What a reply or forward needs from the original, for the composer to fill itself in: as the reading
 *  pane shows it, with the body as plain text for the quote. */
export type OriginalMessage = Pick<MessageView, "folder" | "uid" | "subject" | "from" | "to" | "cc" | "replyTo" | "date" | "attachments"> & {
  text: string;
  /** Delivered-To / X-Original-To: the address the server delivered it for, to answer as that identity. */
  deliveredTo?: string[];
};

/** A send waiting out its undo window, kept in Drafts as `draft` until it leaves at `sendAt`. */
export interface ScheduledSend {
  id: number;
  sendAt: string;
  draft: number;
}

/** Why submission failed: the server could not be reached, refused the password, or refused the message. */
export type SendFailure = "unreachable" | "password" | "refused";

export type SendResult =
  /** `rejected`: recipients the server refused while it took the message for the others, with its answer. */
  | { ok: true; savedToSent: boolean; rejected: { address: string; answer: string }[] }
  /** Not sent yet: it leaves when its undo window ends, unless undone. */
  | { ok: true; scheduled: ScheduledSend }
  /** `detail` is the server's own answer (or the network error); the message was kept in Drafts as `draft` (null if it could not be). */
  | { ok: false; failure: SendFailure; detail: string; draft: SavedDraft | null };

// local@domain, where the domain may be a single label (the default mail domain is "localhost").
const ADDRESS = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:".]+(?:\.[^\s@<>()[\]\\,;:".]+)*$/;

export function isValidAddress(address: string): boolean {
  return address.length <= 254 && ADDRESS.test(address);
}

/** "Name <local@domain>", "<local@domain>" or "local@domain" as typed into a recipient field. */
export function parseRecipient(typed: string): Address {
  const trimmed = typed.trim();
  const angled = /^(.*?)\s*<([^<>]*)>$/.exec(trimmed);
  if (!angled) return { name: "", address: trimmed };
  return { name: angled[1].trim().replace(/^"(.*)"$/, "$1"), address: angled[2].trim() };
}

/** "Subject.eml", with what file systems refuse replaced, for a message forwarded as a file. */
export function emlName(subject: string): string {
  const base = subject.replace(/[\u0000-\u001f\u007f/\\:*?"<>|]+/g, " ").replace(/\s+/g, " ").trim().slice(0, 100);
  return `${base || "message"}.eml`;
}
