"use client";

import { X } from "lucide-react";
import { useTranslations } from "next-intl";
import { useEffect } from "react";

export interface Toast {
  id: number;
  text: string;
  /** Present when the action can be undone. */
  onUndo?: () => void;
}

const SHOWN_MS = 6000;

/** What an action did, with "Undo" for a few seconds; announced to screen readers. */
export function UndoToast({ toast, onDismiss }: { toast: Toast | null; onDismiss: () => void }) {
  const t = useTranslations("Actions");
  useEffect(() => {
    if (!toast) return;
    const timer = setTimeout(onDismiss, SHOWN_MS);
    return () => clearTimeout(timer);
  }, [toast, onDismiss]);
  return (
    <div role="status" aria-live="polite" className="pointer-events-none fixed inset-x-0 bottom-4 z-50 flex justify-center px-4">
      {toast && (
        <div className="pointer-events-auto flex min-h-12 max-w-full items-center gap-2 rounded-lg bg-slate-900 py-1 pr-1 pl-4 text-sm text-white shadow-lg dark:bg-slate-100 dark:text-slate-900">
          <span className="min-w-0 truncate">{toast.text}</span>
          {toast.onUndo && (
            <button
              type="button"
              onClick={toast.onUndo}
              className="min-h-11 rounded-md px-3 font-semibold text-indigo-300 hover:bg-white/10 focus-visible:outline-2 focus-visible:outline-indigo-400 md:min-h-9 dark:text-indigo-700 dark:hover:bg-slate-900/10"
            >
              {t("undo")}
            </button>
          )}
          <button
            type="button"
            aria-label={t("dismiss")} title={t("dismiss")}
            onClick={onDismiss}
            className="inline-flex size-11 items-center justify-center rounded-md hover:bg-white/10 focus-visible:outline-2 focus-visible:outline-indigo-400 md:size-9 dark:hover:bg-slate-900/10"
          >
            <X aria-hidden="true" className="size-4" />
          </button>
        </div>
      )}
    </div>
  );
}
