"use client";

// After Send with an undo window: "Sending in 8 s… Undo". The server holds the message (in Drafts) and
// sends it when the window ends; Undo cancels it there and reopens it in the composer. Then it says how
// the send went, since the composer is closed by now.
import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import { readJson } from "@/components/mail/api";
import type { ScheduledSend, SendFailure } from "@/lib/user-agent/compose/types";

type Rejected = { address: string; answer: string }[];
type SendState = { state: "pending" | "sending"; draft: number } | { state: "sent"; draft: number; rejected: Rejected } | { state: "failed"; draft: number; failure: SendFailure; detail: string };
type Phase = { kind: "waiting" } | { kind: "sent" } | { kind: "problem"; text: string };

const POLL_MS = 700;
const SENT_SHOWN_MS = 4000;

const secondsLeft = (sendAt: string) => Math.max(0, Math.ceil((Date.parse(sendAt) - Date.now()) / 1000));

export function UndoSendToast({ scheduled, onUndone, onDone }: { scheduled: ScheduledSend; onUndone: (draft: number) => void; onDone: () => void }) {
  const t = useTranslations("UndoSend");
  const compose = useTranslations("Compose");
  const [left, setLeft] = useState(() => secondsLeft(scheduled.sendAt));
  const [phase, setPhase] = useState<Phase>({ kind: "waiting" });
  const url = `/api/mail/compose/send?${new URLSearchParams({ id: String(scheduled.id) })}`;

  // The countdown, then the outcome from the server (it sends even if this page is gone).
  useEffect(() => {
    if (phase.kind !== "waiting") return;
    const timer = setInterval(() => {
      const seconds = secondsLeft(scheduled.sendAt);
      setLeft(seconds);
      if (seconds > 0) return;
      fetch(url, { cache: "no-store" })
        .then((response) => readJson<SendState>(response))
        .then((state) => {
          // Some recipients refused: that stays on screen until closed, like a failure.
          if (state.state === "sent" && state.rejected.length > 0) {
            setPhase({ kind: "problem", text: compose("sentExcept", { recipients: state.rejected.map((entry) => `${entry.address} (${entry.answer})`).join(", ") }) });
          } else if (state.state === "sent") setPhase({ kind: "sent" });
          else if (state.state === "failed") setPhase({ kind: "problem", text: `${compose(`failure.${state.failure}`, { detail: state.detail })} ${compose("keptInDrafts")}` });
        })
        .catch(() => undefined);
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [phase.kind, scheduled.sendAt, url, compose]);

  useEffect(() => {
    if (phase.kind !== "sent") return;
    const timer = setTimeout(onDone, SENT_SHOWN_MS);
    return () => clearTimeout(timer);
  }, [phase.kind, onDone]);

  async function undo() {
    try {
      const { draft } = await readJson<{ draft: number }>(await fetch(url, { method: "DELETE" }));
      onUndone(draft);
    } catch (failure) {
      setPhase({ kind: "problem", text: failure instanceof Error ? failure.message : String(failure) });
    }
  }

  const text = phase.kind === "sent" ? compose("sent") : phase.kind === "problem" ? phase.text : left > 0 ? t("sendingIn", { seconds: left }) : t("sending");
  return (
    <div role="status" aria-live="polite" className="pointer-events-none fixed inset-x-0 bottom-4 z-50 flex justify-center px-4">
      <div className="pointer-events-auto flex min-h-12 max-w-full items-center gap-2 rounded-lg bg-slate-900 py-1 pr-1 pl-4 text-sm text-white shadow-lg dark:bg-slate-100 dark:text-slate-900">
        <span className="min-w-0">{text}</span>
        {phase.kind === "waiting" && left > 0 && (
          <button
            type="button"
            onClick={() => void undo()}
            className="min-h-11 rounded-md px-3 font-semibold text-indigo-300 hover:bg-white/10 focus-visible:outline-2 focus-visible:outline-indigo-400 md:min-h-9 dark:text-indigo-700 dark:hover:bg-slate-900/10"
          >
            {t("undo")}
          </button>
        )}
        {phase.kind === "problem" && (
          <button
            type="button"
            onClick={() => {
              // Read here: not said again when the mail page next opens.
              void fetch(`${url}&dismiss=1`, { method: "DELETE" }).catch(() => undefined);
              onDone();
            }} className="min-h-11 rounded-md px-3 hover:bg-white/10 md:min-h-9 dark:hover:bg-slate-900/10">
            {t("close")}
          </button>
        )}
      </div>
    </div>
  );
}
