"use client";

import { Paperclip, X } from "lucide-react";
import { useTranslations } from "next-intl";
import { useMailFormat } from "@/components/mail/format";

export interface ListedAttachment {
  key: string;
  name: string;
  /** null when not known yet (a message forwarded as an attachment, until it is saved). */
  size: number | null;
  /** How much of it is uploaded (0–1) while it is on its way into the draft. */
  progress?: number;
  remove: () => void;
}

/** The message's attachments with their sizes, each removable; an upload shows its progress. */
export function AttachmentList({ attachments }: { attachments: ListedAttachment[] }) {
  const t = useTranslations("Compose");
  const tFiles = useTranslations("ComposeFiles");
  const format = useMailFormat();
  if (attachments.length === 0) return null;
  return (
    <ul aria-label={t("attachments")} className="flex max-h-32 shrink-0 flex-wrap gap-2 overflow-y-auto border-t border-slate-200 p-2 dark:border-slate-800">
      {attachments.map((entry) => (
        <li key={entry.key} className="relative inline-flex max-w-72 items-center gap-2 overflow-hidden rounded-lg border border-slate-200 py-1 pr-1 pl-3 text-sm dark:border-slate-700">
          <Paperclip aria-hidden="true" className="size-4 shrink-0" />
          <span className="min-w-0 truncate">{entry.name}</span>
          {entry.size !== null && <span className="shrink-0 text-xs text-slate-500">{format.size(entry.size)}</span>}
          {entry.progress !== undefined && (
            <span
              role="progressbar"
              aria-label={tFiles("uploading", { name: entry.name })}
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={Math.round(entry.progress * 100)}
              className="absolute inset-x-0 bottom-0 h-1 bg-slate-200 dark:bg-slate-700"
            >
              <span className="block h-full bg-indigo-600 transition-[width]" style={{ width: `${entry.progress * 100}%` }} />
            </span>
          )}
          <button type="button" onClick={entry.remove} aria-label={t("removeAttachment", { name: entry.name })} className="inline-flex size-8 items-center justify-center rounded-lg hover:bg-slate-100 dark:hover:bg-slate-800">
            <X aria-hidden="true" className="size-4" />
          </button>
        </li>
      ))}
    </ul>
  );
}
