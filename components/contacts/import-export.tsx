"use client";

// Import (a vCard or CSV file, sent as it is; the server reads it) and export (links to the download).
import { Download, Upload } from "lucide-react";
import { useTranslations } from "next-intl";
import { useRef, useState } from "react";
import { EXPORT_FORMATS, LIMITS } from "@/lib/user-agent/contacts/types";
import { importFile, type ImportResult } from "./api";

const MEGABYTES = LIMITS.importBytes / 1024 / 1024;
const BUTTON = "inline-flex min-h-11 cursor-pointer items-center gap-2 rounded-lg border border-slate-300 px-3 text-sm hover:bg-slate-100 focus-within:outline-2 focus-within:outline-indigo-600 dark:border-slate-700 dark:hover:bg-slate-800";
const FORMAT_KEYS = ["vcard", "gmail-csv", "outlook-csv", "generic-csv"] as const;

export function ImportExport({ onImported, onMessage }: { onImported: () => void; onMessage: (message: { text: string; error: boolean }) => void }) {
  const t = useTranslations("Contacts");
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);

  const describe = (result: ImportResult) => {
    const format = FORMAT_KEYS.find((key) => key === result.format);
    return [
      t("imported", { format: format ? t(`formats.${format}`) : result.format, added: result.added, merged: result.merged }),
      result.skipped > 0 ? t("importSkipped", { count: result.skipped }) : "",
      result.leftOut > 0 ? t("importLeftOut", { count: result.leftOut, limit: LIMITS.importContacts }) : "",
      result.refused > 0 ? t("importRefused", { count: result.refused }) : "",
      result.legacyEncoding ? t("importLegacy") : "",
    ]
      .filter(Boolean)
      .join(" ");
  };

  const chosen = (file: File | undefined) => {
    if (input.current) input.current.value = "";
    if (!file) return;
    if (file.size > LIMITS.importBytes) {
      onMessage({ text: t("refused.too-large", { megabytes: MEGABYTES }), error: true });
      return;
    }
    setBusy(true);
    onMessage({ text: t("importing"), error: false });
    importFile(file)
      .then((result) => {
        onMessage({ text: describe(result), error: false });
        onImported();
      })
      .catch((failure: unknown) => onMessage({ text: failure instanceof Error ? failure.message : String(failure), error: true }))
      .finally(() => setBusy(false));
  };

  return (
    <div className="flex flex-wrap items-center gap-2">
      <label className={`${BUTTON} ${busy ? "pointer-events-none opacity-50" : ""}`} title={t("importHint", { megabytes: MEGABYTES })}>
        <Upload aria-hidden="true" className="size-4" />
        {t("importFile")}
        <input ref={input} type="file" accept=".vcf,.vcard,.csv,text/vcard,text/x-vcard,text/csv" className="sr-only" disabled={busy} onChange={(event) => chosen(event.target.files?.[0])} />
      </label>
      <div role="group" aria-label={t("export")} className="flex flex-wrap items-center gap-1">
        <Download aria-hidden="true" className="size-4 text-slate-500" />
        <span className="text-sm text-slate-600 dark:text-slate-400">{t("export")}:</span>
        {EXPORT_FORMATS.map((format) => (
          <a key={format} href={`/api/contacts/export?format=${format}`} download className="inline-flex min-h-11 items-center rounded-lg px-2 text-sm text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300">
            {t(`exportAs.${format}`)}
          </a>
        ))}
      </div>
    </div>
  );
}
