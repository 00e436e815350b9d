"use client";

// Sends that failed after their undo window, said when the mail page opens: the page that sent them may
// have been closed by then, and the promise is that the user sees why (the message is in Drafts).
import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import { readJson } from "@/components/mail/api";
import type { FailedSend } from "@/lib/user-agent/compose/pending-send";

const URL = "/api/mail/compose/send";

export function FailedSends({ onOpenDraft }: { onOpenDraft: (draft: number) => void }) {
  const t = useTranslations("Compose");
  const [failed, setFailed] = useState<FailedSend[]>([]);

  useEffect(() => {
    let current = true;
    fetch(URL, { cache: "no-store" })
      .then((response) => readJson<{ failed: FailedSend[] }>(response))
      .then((answer) => {
        if (current) setFailed(answer.failed);
      })
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, []);

  function dismiss(id: number) {
    setFailed((list) => list.filter((entry) => entry.id !== id));
    void fetch(`${URL}?${new URLSearchParams({ id: String(id), dismiss: "1" })}`, { method: "DELETE" }).catch(() => undefined);
  }

  if (failed.length === 0) return null;
  return (
    <div className="fixed inset-x-0 top-2 z-50 flex flex-col items-center gap-2 px-4">
      {failed.map((entry) => (
        <div key={entry.id} role="alert" className="flex max-w-2xl items-center gap-2 rounded-lg bg-red-700 py-1 pr-1 pl-4 text-sm text-white shadow-lg">
          <span className="min-w-0">
            {t("failedWhileAway", { to: entry.to.join(", ") })} {t(`failure.${entry.failure}`, { detail: entry.detail })} {t("keptInDrafts")}
          </span>
          <button
            type="button"
            className="min-h-11 shrink-0 rounded-md px-3 font-semibold hover:bg-white/10 md:min-h-9"
            onClick={() => {
              dismiss(entry.id);
              onOpenDraft(entry.draft);
            }}
          >
            {t("openDraft")}
          </button>
          <button type="button" className="min-h-11 shrink-0 rounded-md px-3 hover:bg-white/10 md:min-h-9" onClick={() => dismiss(entry.id)}>
            {t("dismiss")}
          </button>
        </div>
      ))}
    </div>
  );
}
