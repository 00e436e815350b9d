"use client";

import { ArrowLeft, Download, Eye, Forward, ImageOff, Paperclip, Pencil, Reply, ReplyAll } from "lucide-react";
import dynamic from "next/dynamic";
import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import type { AnswerMode } from "@/components/compose/compose-host";
import { AddToContacts } from "@/components/contacts/add-to-contacts";
import type { Address, AttachmentInfo, MessageView } from "@/lib/user-agent/mail/types";
import { attachmentUrl, fetchMessage, setSenderTrusted } from "./api";
import { MessageTools, previewKind } from "./message-extras";
import { formatAddress, useMailFormat } from "./format";

// Loaded when first opened: most messages are read without either.
const AttachmentPreview = dynamic(() => import("./attachment-preview"), { ssr: false });
const SourceView = dynamic(() => import("./message-source"), {
  ssr: false,
  loading: () => <div aria-hidden="true" className="m-4 h-40 animate-pulse rounded bg-slate-100 dark:bg-slate-900" />,
});

const SentDeliveryStatus = dynamic(() => import("./delivery-status").then((module) => module.SentDeliveryStatus), { ssr: false });
const DeliveryReportSummary = dynamic(() => import("./delivery-status").then((module) => module.DeliveryReportSummary), { ssr: false });

// No allow-scripts and no allow-same-origin: the mail runs nothing and cannot reach the webmail.
// Popups are allowed so that links open in a new tab, outside the sandbox.
const FRAME_SANDBOX = "allow-popups allow-popups-to-escape-sandbox";

function Addresses({ label, list }: { label: string; list: Address[] }) {
  if (list.length === 0) return null;
  return (
    <div className="flex gap-2 text-sm">
      <dt className="shrink-0 text-slate-500 dark:text-slate-400">{label}</dt>
      <dd className="min-w-0 break-words">{list.map(formatAddress).join(", ")}</dd>
    </div>
  );
}

const ANSWERS = [
  { mode: "draft", icon: Pencil, label: "editDraft" },
  { mode: "reply", icon: Reply, label: "reply" },
  { mode: "all", icon: ReplyAll, label: "replyAll" },
  { mode: "forward", icon: Forward, label: "forward" },
  { mode: "attach", icon: Paperclip, label: "forwardAsAttachment" },
] as const;

function Skeleton() {
  return (
    <div aria-hidden="true" className="space-y-3 p-6">
      <div className="h-6 w-2/3 animate-pulse rounded bg-slate-200 dark:bg-slate-800" />
      <div className="h-4 w-1/2 animate-pulse rounded bg-slate-200 dark:bg-slate-800" />
      <div className="h-4 w-1/3 animate-pulse rounded bg-slate-200 dark:bg-slate-800" />
      <div className="mt-6 h-40 animate-pulse rounded bg-slate-100 dark:bg-slate-900" />
    </div>
  );
}

/** Shows one message; the parent keys it by folder and UID, so another message starts afresh.
 *  The back button shows on phones, and on wide screens too when the message took the list's place. */
export function ReadingPane({ folder, uid, onBack, onOpened, onAnswer, backOnDesktop }: { folder: string; uid: number; onBack: () => void; onOpened: (message: MessageView) => void; onAnswer: (mode: AnswerMode) => void; backOnDesktop: boolean }) {
  const t = useTranslations("Reading");
  const compose = useTranslations("Compose");
  const format = useMailFormat();
  const [allowRemote, setAllowRemote] = useState(false);
  // Bumped to fetch the message again after the sender's "always show images" setting changed.
  const [reload, setReload] = useState(0);
  const [preview, setPreview] = useState<AttachmentInfo | null>(null);
  const [showSource, setShowSource] = useState(false);
  const [loaded, setLoaded] = useState<{ message: MessageView | null; error: string | null }>({ message: null, error: null });

  useEffect(() => {
    const abort = new AbortController();
    fetchMessage(folder, uid, allowRemote, abort.signal)
      .then((view) => {
        setLoaded({ message: view, error: null });
        onOpened(view);
      })
      .catch((failure: unknown) => {
        if (!abort.signal.aborted) setLoaded({ message: null, error: failure instanceof Error ? failure.message : String(failure) });
      });
    return () => abort.abort();
    // onOpened is left out on purpose: a new callback identity must not reload the message.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [folder, uid, allowRemote, reload]);

  // While "show images" reloads, the message stays on screen as it was.
  const current = loaded.message;
  const error = loaded.error;
  const sender = current?.from[0]?.address ?? "";

  const trustSender = (trusted: boolean) => {
    setSenderTrusted(sender, trusted)
      .then(() => setReload((n) => n + 1))
      .catch((failure: unknown) => setLoaded((state) => ({ ...state, error: failure instanceof Error ? failure.message : String(failure) })));
  };

  return (
    <article aria-label={t("message")} className="flex h-full min-h-0 flex-col">
      <div className={`flex items-center gap-2 border-b border-slate-200 px-2 py-1 dark:border-slate-800 ${backOnDesktop ? "" : "md:hidden"}`}>
        <button type="button" onClick={onBack} aria-label={t("back")} title={t("back")} className="inline-flex size-11 items-center justify-center rounded-lg hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-600 dark:hover:bg-slate-800">
          <ArrowLeft aria-hidden="true" className="size-5" />
        </button>
      </div>
      {error && (
        <p role="alert" className="p-6 text-sm text-red-700 dark:text-red-400">
          {error}
        </p>
      )}
      {!error && !current && <Skeleton />}
      {!error && current && (
        <>
          <header className="space-y-3 border-b border-slate-200 px-4 py-4 sm:px-6 dark:border-slate-800">
            <div className="flex items-start gap-2">
              <h2 className="min-w-0 flex-1 text-xl font-semibold tracking-tight break-words">{format.subject(current.subject)}</h2>
              <MessageTools folder={folder} uid={uid} allowRemote={current.remoteContentAllowed} subject={current.subject} onViewSource={() => setShowSource(true)} />
            </div>
            <div className="flex flex-wrap gap-2">
              {/* A draft is continued rather than answered. */}
              {ANSWERS.filter(({ mode }) => (mode === "draft") === current.flags.includes("\\Draft")).map(({ mode, icon: Icon, label }) => (
                <button key={mode} type="button" onClick={() => onAnswer(mode)} className="inline-flex min-h-11 items-center gap-2 rounded-lg border border-slate-200 px-3 text-sm hover:bg-slate-50 dark:border-slate-700 dark:hover:bg-slate-900">
                  <Icon aria-hidden="true" className="size-4" />
                  {compose(label)}
                </button>
              ))}
              <AddToContacts people={[...current.from, ...current.replyTo, ...current.to, ...current.cc]} />
            </div>
            <dl className="space-y-0.5">
              <Addresses label={t("from")} list={current.from} />
              <Addresses label={t("to")} list={current.to} />
              <Addresses label={t("cc")} list={current.cc} />
              <div className="flex gap-2 text-sm">
                <dt className="shrink-0 text-slate-500 dark:text-slate-400">{t("date")}</dt>
                <dd>
                  <time dateTime={current.date ?? undefined}>{format.fullDate(current.date)}</time>
                </dd>
              </div>
            </dl>
            {current.delivery === "sent" && <SentDeliveryStatus folder={folder} uid={uid} />}
            {current.delivery === "report" && <DeliveryReportSummary folder={folder} uid={uid} />}
            {current.remoteContentBlocked && !current.remoteContentAllowed && (
              <div className="flex flex-wrap items-center gap-3 rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-950/50 dark:text-amber-100">
                <ImageOff aria-hidden="true" className="size-4 shrink-0" />
                <span className="flex-1">{t("remoteHidden")}</span>
                <button type="button" onClick={() => setAllowRemote(true)} className="min-h-11 rounded-lg px-3 font-medium underline-offset-2 hover:underline">
                  {t("showImages")}
                </button>
                {sender && (
                  <button type="button" onClick={() => trustSender(true)} className="min-h-11 rounded-lg px-3 font-medium underline-offset-2 hover:underline">
                    {t("alwaysShow", { sender })}
                  </button>
                )}
              </div>
            )}
            {current.senderTrusted && (
              <div className="flex flex-wrap items-center gap-3 text-sm text-slate-600 dark:text-slate-400">
                <span className="flex-1">{t("alwaysShown", { sender })}</span>
                <button type="button" onClick={() => trustSender(false)} className="min-h-11 rounded-lg px-3 font-medium underline-offset-2 hover:underline">
                  {t("stopShowing")}
                </button>
              </div>
            )}
            {current.attachments.length > 0 && (
              <ul aria-label={t("attachments")} className="flex flex-wrap gap-2">
                {current.attachments.map((attachment) => (
                  <li key={attachment.part} className="flex items-center gap-1">
                    {previewKind(attachment) && (
                      <button
                        type="button"
                        onClick={() => setPreview(attachment)}
                        aria-label={t("preview", { name: attachment.filename })}
                        className="inline-flex size-11 items-center justify-center rounded-lg border border-slate-200 hover:bg-slate-50 dark:border-slate-700 dark:hover:bg-slate-900"
                      >
                        <Eye aria-hidden="true" className="size-4" />
                      </button>
                    )}
                    <a
                      href={attachmentUrl(folder, uid, attachment.part)}
                      download
                      className="inline-flex min-h-11 max-w-72 items-center gap-2 rounded-lg border border-slate-200 px-3 text-sm hover:bg-slate-50 dark:border-slate-700 dark:hover:bg-slate-900"
                    >
                      <Paperclip aria-hidden="true" className="size-4 shrink-0" />
                      <span className="min-w-0 truncate">{attachment.filename}</span>
                      <span className="shrink-0 text-xs text-slate-500">{format.size(attachment.size)}</span>
                      <Download aria-hidden="true" className="size-4 shrink-0 text-slate-500" />
                    </a>
                  </li>
                ))}
              </ul>
            )}
            {preview && <AttachmentPreview key={preview.part} folder={folder} uid={uid} attachment={preview} onClose={() => setPreview(null)} />}
          </header>
          {showSource && <SourceView folder={folder} uid={uid} onClose={() => setShowSource(false)} />}
          <iframe
            hidden={showSource}
            key={`${folder}\0${uid}\0${current.remoteContentAllowed}`}
            title={t("body")}
            sandbox={FRAME_SANDBOX}
            srcDoc={current.document}
            referrerPolicy="no-referrer"
            className="min-h-0 w-full flex-1 border-0 bg-white"
          />
        </>
      )}
    </article>
  );
}
