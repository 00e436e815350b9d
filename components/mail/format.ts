"use client";

// Names, dates and sizes as the reader reads them: in the UI's language, dates in the time zone of the
// user's settings (the browser's when none is set).
import { useLocale, useTranslations } from "next-intl";
import { useMemo } from "react";
import type { Address } from "@/lib/user-agent/mail/types";
import { useUserSettings } from "./user-settings";

export function formatAddress(address: Address): string {
  return address.name ? `${address.name} <${address.address}>` : address.address;
}

function formatSize(bytes: number, locale: string): string {
  const number = (value: number, digits: number) => new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(value);
  if (bytes < 1024) return `${number(bytes, 0)} B`;
  if (bytes < 1024 * 1024) return `${number(Math.round(bytes / 1024), 0)} KB`;
  return `${number(bytes / (1024 * 1024), bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;
}

/** The calendar day (YYYY-MM-DD) a moment falls on in the zone. */
function dayIn(date: Date, timeZone: string | undefined): string {
  return date.toLocaleDateString("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
}

/** In the list: the time for today's mail, the day for this year's, the full date for older. */
function formatListDate(iso: string | null, locale: string, timeZone: string | undefined, now = new Date()): string {
  if (!iso) return "";
  const date = new Date(iso);
  const day = dayIn(date, timeZone);
  const today = dayIn(now, timeZone);
  if (day === today) return date.toLocaleTimeString(locale, { timeZone, hour: "numeric", minute: "2-digit" });
  if (day.slice(0, 4) === today.slice(0, 4)) return date.toLocaleDateString(locale, { timeZone, month: "short", day: "numeric" });
  return date.toLocaleDateString(locale, { timeZone, year: "numeric", month: "short", day: "numeric" });
}

/** In the reading pane: the full date and time. */
function formatFullDate(iso: string | null, locale: string, timeZone: string | undefined): string {
  if (!iso) return "";
  return new Date(iso).toLocaleString(locale, { timeZone, dateStyle: "full", timeStyle: "short" });
}

/** The formatters above for the UI's language, and the words for a missing sender or subject. */
export function useMailFormat() {
  const locale = useLocale();
  const t = useTranslations("Common");
  // "" is the browser's own zone, which Intl uses when given none.
  const timeZone = useUserSettings().timeZone || undefined;
  return useMemo(
    () => ({
      sender: (address: Address | null | undefined) => address?.name || address?.address || t("unknownSender"),
      subject: (subject: string) => subject || t("noSubject"),
      size: (bytes: number) => formatSize(bytes, locale),
      listDate: (iso: string | null) => formatListDate(iso, locale, timeZone),
      fullDate: (iso: string | null) => formatFullDate(iso, locale, timeZone),
    }),
    [locale, t, timeZone],
  );
}
