// The browser's side of the address-book routes.
import { getJson, readJson } from "@/components/mail/api";
import type { AddressBookSettings, ContactInput, ContactView, GroupView, Suggestion } from "@/lib/user-agent/contacts/types";

export interface AddressBook {
  contacts: ContactView[];
  groups: GroupView[];
  settings: AddressBookSettings;
}

export interface ImportResult {
  format: string;
  legacyEncoding: boolean;
  added: number;
  merged: number;
  skipped: number;
  leftOut: number;
  refused: number;
}

async function send<T>(url: string, method: string, body: unknown): Promise<T> {
  return readJson<T>(await fetch(url, { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) }));
}

export const fetchAddressBook = (signal?: AbortSignal) => getJson<AddressBook>("/api/contacts", signal);

export const saveContact = (contact: ContactInput, id: number | null) =>
  send<{ contact: ContactView }>("/api/contacts", id === null ? "POST" : "PATCH", id === null ? contact : { id, ...contact }).then((r) => r.contact);

export const deleteContact = (id: number) => send<{ ok: true }>("/api/contacts", "DELETE", { id });

export const addGroup = (name: string) => send<{ groups: GroupView[] }>("/api/contacts/groups", "POST", { name }).then((r) => r.groups);
export const renameGroup = (id: number, name: string) => send<{ groups: GroupView[] }>("/api/contacts/groups", "PATCH", { id, name }).then((r) => r.groups);
export const deleteGroup = (id: number) => send<{ groups: GroupView[] }>("/api/contacts/groups", "DELETE", { id }).then((r) => r.groups);

export const saveSettings = (settings: AddressBookSettings) => send<{ settings: AddressBookSettings }>("/api/contacts/settings", "PATCH", settings).then((r) => r.settings);

/** Forgets the recipients collected from sent mail; the contacts stay. */
export const forgetCollected = () => send<{ ok: true }>("/api/contacts/settings", "DELETE", {});

/** "Add to contacts" from a message: true when added, false when the address was already there. */
export const addAddress = (name: string, address: string) => send<{ added: boolean }>("/api/contacts/add", "POST", { name, address }).then((r) => r.added);

export async function importFile(file: File): Promise<ImportResult> {
  return readJson<ImportResult>(await fetch("/api/contacts/import", { method: "POST", headers: { "content-type": "application/octet-stream" }, body: file }));
}

export const suggestRecipients = (query: string, signal?: AbortSignal) =>
  getJson<{ suggestions: Suggestion[] }>(`/api/contacts/suggest?q=${encodeURIComponent(query)}`, signal).then((r) => r.suggestions);
