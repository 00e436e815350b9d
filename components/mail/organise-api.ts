// The browser's side of the routes that change mail: bulk actions, deleting for good, folders, threads.
import type { BulkAction } from "@/lib/user-agent/mail/uid-set";
import type { ThreadMessage, ThreadPage } from "@/lib/user-agent/mail/types";
import { ApiError } from "./api";

async function send<T>(method: string, url: string, body: unknown): Promise<T> {
  const response = await fetch(url, { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const answer: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const words = typeof answer === "object" && answer !== null && "error" in answer && typeof answer.error === "string" ? answer.error : `HTTP ${response.status}`;
    if (response.status === 401) window.location.reload();
    throw new ApiError(response.status, words);
  }
  return answer as T;
}

async function get<T>(url: string): Promise<T> {
  const response = await fetch(url, { cache: "no-store" });
  const answer: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    if (response.status === 401) window.location.reload();
    const words = typeof answer === "object" && answer !== null && "error" in answer && typeof answer.error === "string" ? answer.error : `HTTP ${response.status}`;
    throw new ApiError(response.status, words);
  }
  return answer as T;
}

export interface BulkResult {
  undo: BulkAction | null;
  count: number;
}

export const runBulkAction = (action: BulkAction) => send<BulkResult>("POST", "/api/mail/actions", action);
export const deleteForGood = (folder: string, uids: string, below?: number) => send<{ ok: true }>("POST", "/api/mail/expunge", { folder, uids, below });
export const createFolder = (parent: string, name: string) => send<{ path: string }>("POST", "/api/mail/folders", { parent, name });
export const renameFolder = (path: string, name: string, parent: string) => send<{ path: string }>("PATCH", "/api/mail/folders", { path, name, parent });
export const deleteFolder = (path: string) => send<{ ok: true }>("DELETE", "/api/mail/folders", { path });

export function fetchThreads(folder: string, offset: number, limit: number) {
  return get<ThreadPage>(`/api/mail/threads?${new URLSearchParams({ folder, offset: String(offset), limit: String(limit) })}`);
}

export function fetchThread(folder: string, uids: number[]) {
  return get<{ messages: ThreadMessage[] }>(`/api/mail/thread?${new URLSearchParams({ folder, uids: uids.join(",") })}`).then((r) => r.messages);
}
