"use client";

// An attachment shown in the reading pane (image, PDF, audio, video); loaded when first opened.
import { X } from "lucide-react";
import { useTranslations } from "next-intl";
import type { AttachmentInfo } from "@/lib/user-agent/mail/types";
import { attachmentPreviewUrl } from "./api";
import { previewKind } from "./message-extras";

export default function AttachmentPreview({ folder, uid, attachment, onClose }: { folder: string; uid: number; attachment: AttachmentInfo; onClose: () => void }) {
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
