"use client";

// The reading pane's extras: attachment previews, the raw source, printing.
import { Code, Download, Printer, X } from "lucide-react";
import { useTranslations } from "next-intl";
import { useEffect, useRef, useState } from "react";
import type { AttachmentInfo } from "@/lib/user-agent/mail/types";
import { attachmentPreviewUrl, printUrl, sourceUrl } from "./api";

export type PreviewKind = "image" | "pdf" | "audio" | "video";

const PREVIEW_TYPES: Record<string, PreviewKind> = {
  "image/png": "image",
  "image/jpeg": "image",
  "image/gif": "image",
  "image/webp": "image",
  "application/pdf": "pdf",
  "audio/mpeg": "audio",
  "audio/ogg": "audio",
  "video/mp4": "video",
  "video/webm": "video",
};

/** Only types the attachment route serves inline (lib/web/content-disposition.ts); SVG and HTML never. */
export function previewKind(attachment: AttachmentInfo): PreviewKind | null {
  return PREVIEW_TYPES[attachment.contentType.toLowerCase()] ?? null;
}

export function AttachmentPreview({ folder, uid, attachment, onClose }: { folder: string; uid: number; attachment: AttachmentInfo; onClose: () => void }) {
  const t = useTranslations("Reading");
  const kind = previewKind(attachment);
  const url = attachmentPreviewUrl(folder, uid, attachment.part);
  return (
    <section aria-label={t("previewOf", { name: attachment.filename })} className="relative rounded-lg border border-slate-200 bg-slate-50 p-2 dark:border-slate-700 dark:bg-slate-900">
      <button type="button" onClick={onClose} aria-label={t("closePreview")} className="absolute top-1 right-1 inline-flex size-11 items-center justify-center rounded-lg hover:bg-slate-200 dark:hover:bg-slate-800">
        <X aria-hidden="true" className="size-4" />
      </button>
      {kind === "image" && (
        // eslint-disable-next-line @next/next/no-img-element -- a mail attachment, not a static asset for next/image
        <img src={url} alt={attachment.filename} className="mx-auto max-h-96 max-w-full object-contain" />
      )}
      {kind === "pdf" && (
        // Served with a sandbox CSP and nosniff; the frame adds its own sandbox minus scripts of ours.
        <iframe title={t("pdf", { name: attachment.filename })} src={url} className="h-96 w-full rounded border-0 bg-white" />
      )}
      {kind === "audio" && <audio controls src={url} aria-label={attachment.filename} className="w-full" />}
      {kind === "video" && <video controls src={url} aria-label={attachment.filename} className="max-h-96 w-full" />}
    </section>
  );
}

const MAX_SOURCE_CHARS = 2 * 1024 * 1024;

/** The raw message as text: React escapes it, so nothing in it is markup. */
export function SourceView({ folder, uid, onClose }: { folder: string; uid: number; onClose: () => void }) {
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

const TOOL = "inline-flex size-11 items-center justify-center rounded-lg text-slate-600 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800";

export function MessageTools({ folder, uid, allowRemote, subject, onViewSource }: { folder: string; uid: number; allowRemote: boolean; subject: string; onViewSource: () => void }) {
  const t = useTranslations("Reading");
  const printFrame = useRef<HTMLIFrameElement | null>(null);
  const [printing, setPrinting] = useState(false);
  return (
    <div role="toolbar" aria-label={t("tools")} className="flex items-center gap-1">
      <button type="button" onClick={onViewSource} aria-label={t("viewSource")} title={t("viewSource")} className={TOOL}>
        <Code aria-hidden="true" className="size-5" />
      </button>
      <a href={sourceUrl(folder, uid, true)} download={`${subject || "message"}.eml`} aria-label={t("downloadEml")} title={t("downloadEml")} className={TOOL}>
        <Download aria-hidden="true" className="size-5" />
      </a>
      <button type="button" onClick={() => setPrinting(true)} aria-label={t("print")} title={t("print")} className={TOOL}>
        <Printer aria-hidden="true" className="size-5" />
      </button>
      {printing && (
        // The print view in a hidden frame; once loaded its own print dialog opens (the frame runs no script: we call print() on it).
        <iframe
          ref={printFrame}
          title={t("printView")}
          src={printUrl(folder, uid, allowRemote)}
          sandbox="allow-same-origin allow-modals"
          className="absolute size-0 border-0"
          onLoad={() => {
            printFrame.current?.contentWindow?.print();
            setTimeout(() => setPrinting(false), 1000);
          }}
        />
      )}
    </div>
  );
}
