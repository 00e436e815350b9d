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

// keepalive requests may carry this much between them (the Fetch standard's 64 KiB, less the form's own bytes).
const KEEPALIVE_BYTES = 60_000;

/** Upload progress of a save: bytes of the form sent so far, of `total`. */
export type UploadProgress = (sent: number, total: number) => void;

/** The form posted with XMLHttpRequest, whose upload reports progress (fetch's does not); answered as readJson does. */
function postWithProgress<T>(url: string, form: FormData, onProgress: UploadProgress): Promise<T> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("POST", url);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded, event.total);
    };
    request.onerror = () => reject(new Error("The connection to the webmail was lost."));
    request.onload = () => {
      const response = new Response(request.status === 204 ? null : request.responseText, { status: request.status, headers: { "content-type": "application/json" } });
      readJson<T>(response).then(resolve, reject);
    };
    request.send(form);
  });
}

/**
 * Saves the message to Drafts (replacing `message.draft`); the new version's UID and attachments. With
 * files and `onProgress`, the upload reports its progress. A save without files is small enough to be
 * sent with keepalive, so it completes even when the tab is closing.
 */
export async function saveDraft(message: OutgoingMessage, files: File[], onProgress?: UploadProgress): Promise<SavedDraft> {
  const form = outgoingForm(message, files);
  if (files.length > 0 && onProgress) return postWithProgress<SavedDraft>("/api/mail/compose/draft", form, onProgress);
  const small = files.length === 0 && JSON.stringify(message).length < KEEPALIVE_BYTES;
  return readJson<SavedDraft>(await fetch("/api/mail/compose/draft", { method: "POST", body: form, keepalive: small }));
}

let limits: Promise<{ maxMessageBytes: number }> | null = null;

/** The largest message the server takes, asked once per page. */
export function fetchLimits(): Promise<{ maxMessageBytes: number }> {
  limits ??= getJson<{ maxMessageBytes: number }>("/api/mail/compose/limits").catch((failure: unknown) => {
    limits = null;
    throw failure;
  });
  return limits;
}

export function fetchDraft(uid: number, signal?: AbortSignal): Promise<DraftContent> {
  return getJson<DraftContent>(`/api/mail/compose/draft?${new URLSearchParams({ uid: String(uid) })}`, signal);
}

export async function discardDraft(uid: number): Promise<void> {
  await readJson<{ ok: true }>(await fetch(`/api/mail/compose/draft?${new URLSearchParams({ uid: String(uid) })}`, { method: "DELETE" }));
}
