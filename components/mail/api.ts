// The browser's side of the mail API routes.
import type { FolderSummary, MessagePage, MessageSummary, MessageView, SortOrder } from "@/lib/user-agent/mail/types";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** A mail route's JSON answer, or an ApiError with the server's words. */
export async function readJson<T>(response: Response): Promise<T> {
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const words = typeof body === "object" && body !== null && "error" in body && typeof body.error === "string" ? body.error : `HTTP ${response.status}`;
    // The session ended (expired, signed out elsewhere): a full load lands on the sign-in page.
    if (response.status === 401) window.location.reload();
    throw new ApiError(response.status, words);
  }
  return body as T;
}

export async function getJson<T>(url: string, signal?: AbortSignal): Promise<T> {
  return readJson<T>(await fetch(url, { signal, cache: "no-store" }));
}

export function fetchFolders(signal?: AbortSignal) {
  return getJson<{ folders: FolderSummary[] }>("/api/mail/folders", signal).then((r) => r.folders);
}

export function fetchPage(folder: string, sort: SortOrder, offset: number, limit: number, signal?: AbortSignal) {
  const query = new URLSearchParams({ folder, sort, offset: String(offset), limit: String(limit) });
  return getJson<MessagePage>(`/api/mail/messages?${query}`, signal);
}

export function fetchRows(folder: string, uids: number[], signal?: AbortSignal) {
  const query = new URLSearchParams({ folder, uids: uids.join(",") });
  return getJson<{ messages: MessageSummary[] }>(`/api/mail/messages?${query}`, signal).then((r) => r.messages);
}

export function fetchMessage(folder: string, uid: number, allowRemote: boolean, signal?: AbortSignal) {
  const query = new URLSearchParams({ folder, uid: String(uid) });
  if (allowRemote) query.set("remote", "1");
  return getJson<MessageView>(`/api/mail/message?${query}`, signal);
}

export async function changeFlags(folder: string, uids: number[], add: string[], remove: string[]) {
  const response = await fetch("/api/mail/flags", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ folder, uids, add, remove }),
  });
  if (!response.ok) throw new ApiError(response.status, `HTTP ${response.status}`);
}

export function attachmentUrl(folder: string, uid: number, part: string): string {
  return `/api/mail/attachment?${new URLSearchParams({ folder, uid: String(uid), part })}`;
}

export function attachmentPreviewUrl(folder: string, uid: number, part: string): string {
  return `/api/mail/attachment?${new URLSearchParams({ folder, uid: String(uid), part, inline: "1" })}`;
}

export function sourceUrl(folder: string, uid: number, download = false): string {
  const query = new URLSearchParams({ folder, uid: String(uid) });
  if (download) query.set("download", "1");
  return `/api/mail/source?${query}`;
}

export function printUrl(folder: string, uid: number, allowRemote: boolean): string {
  const query = new URLSearchParams({ folder, uid: String(uid) });
  if (allowRemote) query.set("remote", "1");
  return `/api/mail/print?${query}`;
}

export async function setSenderTrusted(sender: string, trusted: boolean) {
  const response = await fetch("/api/mail/remote-content", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ sender, trusted }),
  });
  if (!response.ok) throw new ApiError(response.status, `HTTP ${response.status}`);
}
