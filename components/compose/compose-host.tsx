"use client";

// Where the composer lives on the mail page. The composer and its editor (TipTap) are loaded only when
// one is opened, so the mail page's own JavaScript stays small; after sending, a short notice stays.
import dynamic from "next/dynamic";
import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import type { ReplyMode, ScheduledSend } from "@/lib/user-agent/compose/types";
import { FailedSends } from "./failed-sends";
import { UndoSendToast } from "./undo-send-toast";

/** What the reading pane offers to do with a message: answer it, forward it as an attachment ("attach"), or continue it when it is a draft. */
export type AnswerMode = ReplyMode | "attach" | "draft";

export type ComposeRequest = { mode: "new" } | { mode: ReplyMode | "attach"; folder: string; uid: number } | { mode: "draft"; uid: number };

/** After a send: the recipients the server refused while taking the message for the others; or, with an
 *  undo window, the send waiting for it to end. */
export type SentNotice = { rejected: { address: string; answer: string }[]; scheduled?: ScheduledSend };

const Composer = dynamic(() => import("./composer"), {
  ssr: false,
  loading: () => <div aria-hidden="true" className="fixed inset-0 z-40 animate-pulse bg-white md:inset-auto md:right-4 md:bottom-0 md:h-96 md:w-[36rem] md:rounded-t-xl md:shadow-2xl dark:bg-slate-900" />,
});

const NOTICE_MS = 6000;

export function ComposeHost({ request, address, onClose, onReopen }: { request: ComposeRequest | null; address: string; onClose: () => void; onReopen: (request: ComposeRequest) => void }) {
  const t = useTranslations("Compose");
  const [notice, setNotice] = useState<SentNotice | null>(null);

  useEffect(() => {
    // A scheduled send's toast stays until the send is over.
    if (!notice || notice.scheduled) return;
    const timer = setTimeout(() => setNotice(null), NOTICE_MS);
    return () => clearTimeout(timer);
  }, [notice]);

  return (
    <>
      <FailedSends onOpenDraft={(draft) => onReopen({ mode: "draft", uid: draft })} />
      {request && (
        <Composer
          key={request.mode === "new" ? "new" : request.mode === "draft" ? `draft\0${request.uid}` : `${request.mode}\0${request.folder}\0${request.uid}`}
          request={request}
          address={address}
          onClose={onClose}
          onSent={(sent) => {
            setNotice(sent);
            onClose();
          }}
        />
      )}
      {notice?.scheduled && (
        <UndoSendToast
          key={notice.scheduled.id}
          scheduled={notice.scheduled}
          onUndone={(draft) => {
            setNotice(null);
            onReopen({ mode: "draft", uid: draft });
          }}
          onDone={() => setNotice(null)}
        />
      )}
      {notice && !notice.scheduled && (
        <p role="status" className="fixed bottom-4 left-1/2 z-50 max-w-[90vw] -translate-x-1/2 rounded-lg bg-slate-900 px-4 py-3 text-sm text-white shadow-lg dark:bg-slate-100 dark:text-slate-900">
          {notice.rejected.length === 0 ? t("sent") : t("sentExcept", { recipients: notice.rejected.map((entry) => `${entry.address} (${entry.answer})`).join(", ") })}
        </p>
      )}
    </>
  );
}
