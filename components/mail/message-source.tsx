"use client";

// "View source": the raw message in the reading pane; loaded when first opened.
import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import { sourceUrl } from "./api";

const MAX_SOURCE_CHARS = 2 * 1024 * 1024;

/** The raw message as text: React escapes it, so nothing in it is markup. */
export default function SourceView({ folder, uid, onClose }: { folder: string; uid: number; onClose: () => void }) {
  const t = useTranslations("Reading");
  const [text, setText] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const abort = new AbortController();
    fetch(sourceUrl(folder, uid), { signal: abort.signal, cache: "no-store" })
      .then(async (response) => {
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        const raw = await response.text();
        setText(raw);
      })
      .catch((failure: unknown) => {
        if (!abort.signal.aborted) setError(failure instanceof Error ? failure.message : String(failure));
      });
    return () => abort.abort();
  }, [folder, uid]);
  return (
    <section aria-label={t("source")} className="flex min-h-0 flex-1 flex-col">
      <div className="flex items-center gap-2 border-b border-slate-200 px-4 py-1 dark:border-slate-800">
        <h3 className="flex-1 text-sm font-medium">{t("sourceTitle")}</h3>
        <button type="button" onClick={onClose} className="min-h-11 rounded-lg px-3 text-sm hover:bg-slate-100 dark:hover:bg-slate-800">
          {t("backToMessage")}
        </button>
      </div>
      {error && <p role="alert" className="p-4 text-sm text-red-700 dark:text-red-400">{error}</p>}
      {!error && text === null && <div aria-hidden="true" className="m-4 h-40 animate-pulse rounded bg-slate-100 dark:bg-slate-900" />}
      {text !== null && (
        <pre className="min-h-0 flex-1 overflow-auto p-4 font-mono text-xs break-all whitespace-pre-wrap">
          {text.length > MAX_SOURCE_CHARS ? `${text.slice(0, MAX_SOURCE_CHARS)}\n${t("sourceCut")}` : text}
        </pre>
      )}
    </section>
  );
}
