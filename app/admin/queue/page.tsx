import { getFormatter, getTranslations } from "next-intl/server";
import { ActionButton } from "@/components/admin/action-button";
import { AdminPage, Section } from "@/components/admin/admin-page";
import { ConfirmAction } from "@/components/admin/confirm-action";
import { humanBytes } from "@/lib/format-bytes";
import { adminLoad, requireAdministrator } from "@/lib/web/admin";
import { titleMetadata } from "@/lib/web/i18n/metadata";
import { deleteQueued, retryQueued } from "./actions";

export const generateMetadata = titleMetadata("admin");

interface QueuedRow {
  id: number;
  sender: string;
  size: number;
  messageId: string;
  createdAt: string;
  recipients: { address: string; state: string; attempts: number; nextAttemptAt: string | null; lastResponse: string; remoteHost: string }[];
}

export default async function QueuePage() {
  const user = await requireAdministrator();
  const t = await getTranslations("Admin.queue");
  const format = await getFormatter();
  const loaded = await adminLoad(user, "/api/v1/queue");
  if ("problem" in loaded) return <AdminPage title={t("title")} problem={loaded.problem} />;
  const messages = (loaded.body.messages ?? []) as QueuedRow[];
  const when = (iso: string) => format.dateTime(new Date(iso), { dateStyle: "medium", timeStyle: "short" });
  return (
    <AdminPage title={t("title")}>
      <Section title={t("listTitle", { count: messages.length })}>
        {messages.length ? (
          <>
            <ActionButton action={retryQueued} fields={{ id: "all" }} label={t("retryAll")} />
            <ul className="flex flex-col divide-y divide-slate-100 dark:divide-slate-800">
              {messages.map((message) => (
                <li key={message.id} className="flex flex-col gap-2 py-3">
                  <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1 text-sm">
                    <span className="font-medium">#{message.id}</span>
                    <span className="break-all">{t("from", { sender: message.sender || "<>" })}</span>
                    <span className="text-slate-600 dark:text-slate-400">{humanBytes(message.size)}</span>
                    <span className="text-slate-600 dark:text-slate-400">{t("queuedAt", { when: when(message.createdAt) })}</span>
                  </div>
                  <ul className="flex flex-col gap-1 text-sm">
                    {message.recipients.map((r) => (
                      <li key={r.address} className="flex flex-col rounded-lg bg-slate-50 px-3 py-2 dark:bg-slate-950">
                        <span className="break-all">
                          {r.address} · {t(`state.${r.state === "queued" || r.state === "sending" || r.state === "delivered" ? r.state : "failed"}`)} · {t("attempts", { count: r.attempts })}
                          {r.nextAttemptAt ? ` · ${t("next", { when: when(r.nextAttemptAt) })}` : ""}
                        </span>
                        {r.lastResponse ? <span className="break-all text-slate-600 dark:text-slate-400">{r.remoteHost ? `${r.remoteHost}: ` : ""}{r.lastResponse}</span> : null}
                      </li>
                    ))}
                  </ul>
                  <div className="flex flex-wrap items-start gap-2">
                    <ActionButton action={retryQueued} fields={{ id: String(message.id) }} label={t("retry")} />
                    <ConfirmAction action={deleteQueued} fields={{ id: String(message.id) }} label={t("delete")} question={t("deleteQuestion", { id: message.id, sender: message.sender || "<>" })} />
                  </div>
                </li>
              ))}
            </ul>
          </>
        ) : (
          <p className="text-sm">{t("empty")}</p>
        )}
      </Section>
    </AdminPage>
  );
}
