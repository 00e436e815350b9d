// Drafts in the Drafts folder, as every client keeps them: each save APPENDs the whole message (\Draft,
// \Seen) and removes the version it replaces by the UID the server gave it (UIDPLUS APPENDUID, or the
// sequence number imapflow looks up without it). Reopening reads a draft back for the composer.
import "server-only";
import { convert } from "html-to-text";
import type { ImapSession } from "@/lib/user-agent/imap/session";
import { specialFolder } from "@/lib/user-agent/mail/folder-edit";
import { toAddresses } from "@/lib/user-agent/mail/list";
import { openMessage } from "@/lib/user-agent/mail/message";
import { chooseBody, listAttachments } from "@/lib/user-agent/mail/structure";
import type { DraftContent, SavedDraft } from "./types";

export class NoDraftsFolderError extends Error {
  constructor() {
    super("the account has no Drafts folder");
    this.name = "NoDraftsFolderError";
  }
}

export async function draftsFolder(session: ImapSession): Promise<string> {
  const path = await specialFolder(session, "\\Drafts");
  if (path === null) throw new NoDraftsFolderError();
  return path;
}

/** The sanitised document of a message as text, as html-to-text reads it (links after their words, no images:
 *  their data: addresses would fill a quote). */
export function documentText(document: string): string {
  return convert(document, { wordwrap: false, selectors: [{ selector: "a", options: { hideLinkHrefIfSameAsText: true } }, { selector: "img", format: "skip" }] });
}

/** Appends `raw` to Drafts and removes the version it replaces; answers where it went and what it carries. */
export async function storeDraft(session: ImapSession, raw: Buffer, date: Date, replaces: number | null): Promise<SavedDraft> {
  const path = await draftsFolder(session);
  return session.withMailbox(path, async (client) => {
    const appended = await client.append(path, raw, ["\\Draft", "\\Seen"], date);
    const uid = appended && appended.uid;
    if (!uid) throw new Error("the server did not say which UID the draft got");
    if (replaces !== null && replaces !== uid) await client.messageDelete(String(replaces), { uid: true });
    // The session learns of the new message (EXISTS) before asking for it.
    await client.noop();
    const stored = await client.fetchOne(String(uid), { uid: true, bodyStructure: true }, { uid: true });
    const structure = stored ? stored.bodyStructure : undefined;
    return { uid, attachments: structure ? listAttachments(structure, chooseBody(structure)) : [] };
  });
}

export async function deleteDraft(session: ImapSession, uid: number): Promise<void> {
  const path = await draftsFolder(session);
  await session.withMailbox(path, (client) => client.messageDelete(String(uid), { uid: true }));
}

/** A draft of the Drafts folder for the composer; null when it is gone. */
export async function readDraft(session: ImapSession, uid: number): Promise<DraftContent | null> {
  const path = await draftsFolder(session);
  // Remote images of one's own draft show, as they did in the editor.
  const view = await openMessage(session, path, uid, true);
  if (!view) return null;
  const bcc = await session.withMailbox(path, async (client) => {
    const message = await client.fetchOne(String(uid), { uid: true, envelope: true }, { uid: true });
    return toAddresses(message ? message.envelope?.bcc : undefined);
  });
  return {
    uid,
    to: view.to,
    cc: view.cc,
    bcc,
    subject: view.subject,
    from: view.from[0] ?? null,
    html: view.format === "html" ? view.document : null,
    text: view.format === "none" ? "" : documentText(view.document),
    attachments: view.attachments,
  };
}
