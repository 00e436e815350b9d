"use client";

// Delivery status in the reading pane, loaded only for the user's own messages and for delivery reports:
// on a sent message, each recipient's newest news (delivered, delayed, failed, relayed) with the remote
// server's words; on a report (a bounce), what it says in sentences, in place of a machine format.
import { CircleCheck, CircleHelp, CircleX, Clock, Forward } from "lucide-react";
import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import type { DeliveryReport, SentDelivery } from "@/lib/user-agent/delivery/report";
import type { DeliveryAction, RecipientStatus } from "@/lib/user-agent/delivery/status-fields";
import { formatAddress } from "./format";
import { getJson } from "./api";

type Shown = DeliveryAction | "waiting";

const LOOK: Record<Shown, { icon: typeof CircleCheck; tone: string }> = {
  delivered: { icon: CircleCheck, tone: "text-emerald-700 dark:text-emerald-400" },
  relayed: { icon: Forward, tone: "text-emerald-700 dark:text-emerald-400" },
  expanded: { icon: CircleCheck, tone: "text-emerald-700 dark:text-emerald-400" },
  delayed: { icon: Clock, tone: "text-amber-700 dark:text-amber-400" },
  failed: { icon: CircleX, tone: "text-red-700 dark:text-red-400" },
  waiting: { icon: CircleHelp, tone: "text-slate-500 dark:text-slate-400" },
};

/** RFC 3463 status codes people meet most, by subject.detail, in words; others by their class alone. */
const EXPLAINED = {
  "1.1": "why.1_1",
  "1.2": "why.1_2",
  "1.10": "why.1_10",
  "2.1": "why.2_1",
  "2.2": "why.2_2",
  "3.4": "why.3_4",
  "4.1": "why.4_1",
  "4.4": "why.4_4",
  "4.7": "why.4_7",
  "7.1": "why.7_1",
} as const;
const isExplained = (detail: string): detail is keyof typeof EXPLAINED => Object.hasOwn(EXPLAINED, detail);

function useDelivery<T>(folder: string, uid: number, kind: "sent" | "report") {
  const [state, setState] = useState<{ data: T | null; error: string | null }>({ data: null, error: null });
  useEffect(() => {
    const abort = new AbortController();
    getJson<T>(`/api/mail/delivery?${new URLSearchParams({ folder, uid: String(uid), kind })}`, abort.signal)
      .then((data) => setState({ data, error: null }))
      .catch((failure: unknown) => {
        if (!abort.signal.aborted) setState({ data: null, error: failure instanceof Error ? failure.message : String(failure) });
      });
    return () => abort.abort();
  }, [folder, uid, kind]);
  return state;
}

function StatusLine({ who, action, status }: { who: string; action: Shown; status: RecipientStatus | null }) {
  const t = useTranslations("Delivery");
  const { icon: Icon, tone } = LOOK[action];
  const detail = status?.status ? status.status.split(".").slice(1).join(".") : "";
  return (
    <li className="space-y-0.5 text-sm">
      <div className="flex flex-wrap items-center gap-x-2">
        <Icon aria-hidden="true" className={`size-4 shrink-0 ${tone}`} />
        <span className="min-w-0 break-words">{who}</span>
        <span className={`font-medium ${tone}`}>{t(`action.${action}`)}</span>
        {status?.status && <span className="text-xs text-slate-500 tabular-nums">{status.status}</span>}
      </div>
      {status && (status.action === "failed" || status.action === "delayed") && (isExplained(detail) || status.action === "failed") && (
        <p className="pl-6 text-slate-600 dark:text-slate-300">{t(isExplained(detail) ? EXPLAINED[detail] : "why.other")}</p>
      )}
      {status?.diagnostic && (
        <p className="pl-6 text-slate-600 dark:text-slate-300">
          {status.remoteMta ? t("serverSaid", { server: status.remoteMta }) : t("answer")} <q className="font-mono text-xs break-words">{status.diagnostic}</q>
        </p>
      )}
      {status?.action === "delayed" && status.willRetryUntil && <p className="pl-6 text-slate-600 dark:text-slate-300">{t("retryUntil", { date: status.willRetryUntil })}</p>}
    </li>
  );
}

const BOX = "space-y-2 rounded-lg border border-slate-200 px-3 py-2 dark:border-slate-700";

/** On the user's own message: one line per recipient, once there is anything to say. */
export function SentDeliveryStatus({ folder, uid }: { folder: string; uid: number }) {
  const t = useTranslations("Delivery");
  const { data, error } = useDelivery<SentDelivery>(folder, uid, "sent");
  if (error) return <p className="text-sm text-red-700 dark:text-red-400">{t("failedToLoad", { error })}</p>;
  if (!data || (!data.requested && data.recipients.every((entry) => entry.delivery === null))) return null;
  return (
    <section aria-label={t("statusTitle")} className={BOX}>
      <h3 className="text-sm font-semibold">{t("statusTitle")}</h3>
      <ul className="space-y-1.5">
        {data.recipients.map(({ address, delivery }) => (
          <StatusLine key={address.address} who={formatAddress(address)} action={delivery?.action ?? "waiting"} status={delivery} />
        ))}
      </ul>
    </section>
  );
}

/** On a delivery report: what happened, to whom, in words; the original's subject to know which message. */
export function DeliveryReportSummary({ folder, uid }: { folder: string; uid: number }) {
  const t = useTranslations("Delivery");
  const { data, error } = useDelivery<DeliveryReport>(folder, uid, "report");
  if (error || !data) return null;
  const worst: "failed" | "delayed" | "delivered" = data.recipients.some((r) => r.action === "failed") ? "failed" : data.recipients.some((r) => r.action === "delayed") ? "delayed" : "delivered";
  return (
    <section aria-label={t("reportTitle")} className={BOX}>
      <h3 className="text-sm font-semibold">{t(`headline.${worst}`)}</h3>
      {data.original.subject !== null && <p className="text-sm">{t("aboutMessage", { subject: data.original.subject || t("noSubject") })}</p>}
      <ul className="space-y-1.5">
        {data.recipients.map((recipient, index) => (
          <StatusLine key={`${recipient.finalRecipient}\0${index}`} who={recipient.originalRecipient ?? recipient.finalRecipient} action={recipient.action} status={recipient} />
        ))}
      </ul>
      {data.reportingMta && <p className="text-xs text-slate-500">{t("reportedBy", { server: data.reportingMta })}</p>}
    </section>
  );
}
