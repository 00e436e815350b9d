"use client";

import { Paperclip, X } from "lucide-react";
import { useTranslations } from "next-intl";
import { useMailFormat } from "@/components/mail/format";

export interface ListedAttachment {
  key: string;
  name: string;
  size: number;
  remove: () => void;
}

/** The message's attachments with their sizes, each removable. */
export function AttachmentList({ attachments }: { attachments: ListedAttachment[] }) {
  const t = useTranslations("Compose");
  const format = useMailFormat();
  if (attachments.length === 0) return null;
  return (
    <ul aria-label={t("attachments")} className="flex max-h-32 shrink-0 flex-wrap gap-2 overflow-y-auto border-t border-slate-200 p-2 dark:border-slate-800">
      {attachments.map((entry) => (
        <li key={entry.key} className="inline-flex max-w-72 items-center gap-2 rounded-lg border border-slate-200 py-1 pr-1 pl-3 text-sm dark:border-slate-700">
          <Paperclip aria-hidden="true" className="size-4 shrink-0" />
          <span className="min-w-0 truncate">{entry.name}</span>
          <span className="shrink-0 text-xs text-slate-500">{format.size(entry.size)}</span>
          <button type="button" onClick={entry.remove} aria-label={t("removeAttachment", { name: entry.name })} className="inline-flex size-8 items-center justify-center rounded-lg hover:bg-slate-100 dark:hover:bg-slate-800">
            <X aria-hidden="true" className="size-4" />
          </button>
        </li>
      ))}
    </ul>
  );
}
