"use client";

// The reading pane's tools (source, .eml, print) and which attachments preview in the page. The preview
// and the source view themselves load when first opened (attachment-preview.tsx, message-source.tsx).
import { Code, Download, Printer } from "lucide-react";
import { useTranslations } from "next-intl";
import { useRef, useState } from "react";
import type { AttachmentInfo } from "@/lib/user-agent/mail/types";
import { printUrl, sourceUrl } from "./api";

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
