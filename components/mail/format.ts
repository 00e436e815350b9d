"use client";

// Names, dates and sizes as the reader reads them: in the UI's language, dates in the browser's own time zone.
import { useLocale, useTranslations } from "next-intl";
import { useMemo } from "react";
import type { Address } from "@/lib/user-agent/mail/types";

export function formatAddress(address: Address): string {
  return address.name ? `${address.name} <${address.address}>` : address.address;
}

function formatSize(bytes: number, locale: string): string {
  const number = (value: number, digits: number) => new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(value);
  if (bytes < 1024) return `${number(bytes, 0)} B`;
  if (bytes < 1024 * 1024) return `${number(Math.round(bytes / 1024), 0)} KB`;
  return `${number(bytes / (1024 * 1024), bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;
}

/** In the list: the time for today's mail, the day for this year's, the full date for older. */
function formatListDate(iso: string | null, locale: string, now = new Date()): string {
  if (!iso) return "";
  const date = new Date(iso);
  if (date.toDateString() === now.toDateString()) return date.toLocaleTimeString(locale, { hour: "numeric", minute: "2-digit" });
  if (date.getFullYear() === now.getFullYear()) return date.toLocaleDateString(locale, { month: "short", day: "numeric" });
  return date.toLocaleDateString(locale, { year: "numeric", month: "short", day: "numeric" });
}

/** In the reading pane: the full date and time in the reader's own time zone. */
function formatFullDate(iso: string | null, locale: string): string {
  if (!iso) return "";
  return new Date(iso).toLocaleString(locale, { dateStyle: "full", timeStyle: "short" });
}

/** The formatters above for the UI's language, and the words for a missing sender or subject. */
export function useMailFormat() {
  const locale = useLocale();
  const t = useTranslations("Common");
  return useMemo(
    () => ({
      sender: (address: Address | null | undefined) => address?.name || address?.address || t("unknownSender"),
      subject: (subject: string) => subject || t("noSubject"),
      size: (bytes: number) => formatSize(bytes, locale),
      listDate: (iso: string | null) => formatListDate(iso, locale),
      fullDate: (iso: string | null) => formatFullDate(iso, locale),
    }),
    [locale, t],
  );
}
