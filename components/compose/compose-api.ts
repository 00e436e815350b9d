// The browser's side of the compose routes.
import { getJson, readJson } from "@/components/mail/api";
import type { DraftContent, OriginalMessage, OutgoingMessage, SavedDraft, SendResult } from "@/lib/user-agent/compose/types";

export function fetchOriginal(folder: string, uid: number, signal?: AbortSignal): Promise<OriginalMessage> {
  return getJson<OriginalMessage>(`/api/mail/compose/original?${new URLSearchParams({ folder, uid: String(uid) })}`, signal);
}

/** The message with its new attachments as one multipart form. */
function outgoingForm(message: OutgoingMessage, files: File[]): FormData {
  const form = new FormData();
  form.set("message", JSON.stringify(message));
  for (const file of files) form.append("attachment", file, file.name);
  return form;
}

export async function sendMessage(message: OutgoingMessage, files: File[]): Promise<SendResult> {
  return readJson<SendResult>(await fetch("/api/mail/compose/send", { method: "POST", body: outgoingForm(message, files) }));
}

/** Saves the message to Drafts (replacing `message.draft`); the new version's UID and attachments. */
export async function saveDraft(message: OutgoingMessage, files: File[]): Promise<SavedDraft> {
  return readJson<SavedDraft>(await fetch("/api/mail/compose/draft", { method: "POST", body: outgoingForm(message, files) }));
}

export function fetchDraft(uid: number, signal?: AbortSignal): Promise<DraftContent> {
  return getJson<DraftContent>(`/api/mail/compose/draft?${new URLSearchParams({ uid: String(uid) })}`, signal);
}

export async function discardDraft(uid: number): Promise<void> {
  await readJson<{ ok: true }>(await fetch(`/api/mail/compose/draft?${new URLSearchParams({ uid: String(uid) })}`, { method: "DELETE" }));
}
