import type { Address } from "@/lib/user-agent/mail/types";

export function displayName(address: Address | null | undefined): string {
  if (!address) return "(unknown sender)";
  return address.name || address.address || "(unknown sender)";
}

export function formatAddress(address: Address): string {
  return address.name ? `${address.name} <${address.address}>` : address.address;
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;
}

/** In the list: the time for today's mail, the day for this year's, the full date for older. */
export function formatListDate(iso: string | null, now = new Date()): string {
  if (!iso) return "";
  const date = new Date(iso);
  if (date.toDateString() === now.toDateString()) return date.toLocaleTimeString(undefined, { hour: "numeric", minute: "2-digit" });
  if (date.getFullYear() === now.getFullYear()) return date.toLocaleDateString(undefined, { month: "short", day: "numeric" });
  return date.toLocaleDateString(undefined, { year: "numeric", month: "short", day: "numeric" });
}

/** In the reading pane: the full date and time in the reader's own time zone. */
export function formatFullDate(iso: string | null): string {
  if (!iso) return "";
  return new Date(iso).toLocaleString(undefined, { dateStyle: "full", timeStyle: "short" });
}
