"use client";

// The Invites page's body: a form that makes an invite and shows its link once (to copy and send), and
// the list of invites with their state, each unused one with "Withdraw".
import { useLocale, useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";
import type { InviteRow } from "@/lib/user-agent/signup-api";

const INPUT = "block h-11 w-full rounded-lg border border-slate-300 bg-white px-3 text-base shadow-xs outline-none focus:border-indigo-500 focus:ring-3 focus:ring-indigo-500/25 md:h-9 md:text-sm dark:border-slate-700 dark:bg-slate-950";
const BUTTON = "inline-flex min-h-11 items-center justify-center rounded-lg px-3 text-sm font-medium focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:opacity-60 md:min-h-9";

async function call(method: "GET" | "POST" | "DELETE", url: string, body?: unknown): Promise<{ ok: boolean; data: Record<string, unknown> }> {
  const response = await fetch(url, { method, cache: "no-store", headers: body === undefined ? undefined : { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  const data = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  return { ok: response.ok, data };
}

export function InvitesManager({ initial }: { initial: InviteRow[] }) {
  const t = useTranslations("Invites");
  const common = useTranslations("Common");
  const locale = useLocale();
  const [invites, setInvites] = useState(initial);
  const [link, setLink] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const date = (iso: string | null) => (iso ? new Date(iso).toLocaleString(locale, { dateStyle: "medium", timeStyle: "short" }) : "");

  async function refresh() {
    const answer = await call("GET", "/api/admin/invites").catch(() => null);
    if (answer?.ok && Array.isArray(answer.data.invites)) setInvites(answer.data.invites as InviteRow[]);
  }

  async function run(work: () => Promise<{ ok: boolean; data: Record<string, unknown> }>): Promise<Record<string, unknown> | null> {
    setBusy(true);
    setProblem(null);
    const answer = await work().catch(() => null);
    setBusy(false);
    if (!answer) return setProblem(common("noAnswer")), null;
    if (!answer.ok) return setProblem(typeof answer.data.error === "string" ? answer.data.error : common("noAnswer")), null;
    return answer.data;
  }

  async function create(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const created = await run(() => call("POST", "/api/admin/invites", { note: String(data.get("note") ?? ""), days: String(data.get("days") ?? "") }));
    if (!created || typeof created.token !== "string") return;
    setLink(`${window.location.origin}/signup?invite=${created.token}`);
    setCopied(false);
    form.reset();
    await refresh();
  }

  async function withdraw(id: number) {
    if (await run(() => call("DELETE", `/api/admin/invites/${id}`))) await refresh();
  }

  return (
    <div className="flex flex-col gap-6">
      <form onSubmit={create} noValidate className="flex flex-col gap-3 rounded-xl border border-slate-200 p-4 dark:border-slate-800">
        <h2 className="text-base font-semibold">{t("createTitle")}</h2>
        <div className="flex flex-wrap gap-3">
          <label className="flex min-w-48 flex-1 flex-col gap-1 text-sm font-medium">
            <span>{t("note")}</span>
            <input name="note" type="text" maxLength={200} placeholder={t("notePlaceholder")} className={INPUT} />
          </label>
          <label className="flex w-36 flex-col gap-1 text-sm font-medium">
            <span>{t("days")}</span>
            <input name="days" type="number" min={1} max={365} defaultValue={7} className={INPUT} />
          </label>
        </div>
        <div>
          <button type="submit" disabled={busy} className={`${BUTTON} bg-indigo-600 text-white hover:bg-indigo-500`}>
            {t("create")}
          </button>
        </div>
        {link && (
          <div role="status" className="flex flex-col gap-2 rounded-lg bg-emerald-50 p-3 text-sm text-emerald-900 dark:bg-emerald-950/50 dark:text-emerald-100">
            <p>{t("created")}</p>
            <div className="flex flex-wrap items-center gap-2">
              <input readOnly value={link} aria-label={t("link")} onFocus={(event) => event.currentTarget.select()} className={`${INPUT} flex-1 font-mono`} />
              <button
                type="button"
                className={`${BUTTON} border border-emerald-700/30 hover:bg-emerald-100 dark:hover:bg-emerald-900`}
                onClick={() => void navigator.clipboard?.writeText(link).then(() => setCopied(true), () => undefined)}
              >
                {copied ? t("copied") : t("copy")}
              </button>
            </div>
          </div>
        )}
        {problem && (
          <p role="alert" className="text-sm text-red-700 dark:text-red-400">
            {problem}
          </p>
        )}
      </form>

      <section aria-labelledby="invites-list-title" className="flex flex-col gap-2">
        <h2 id="invites-list-title" className="text-base font-semibold">
          {t("listTitle")}
        </h2>
        {invites.length === 0 ? (
          <p className="text-sm text-slate-600 dark:text-slate-400">{t("none")}</p>
        ) : (
          <ul className="flex flex-col divide-y divide-slate-200 rounded-xl border border-slate-200 dark:divide-slate-800 dark:border-slate-800">
            {invites.map((invite) => (
              <li key={invite.id} className="flex flex-wrap items-center gap-3 px-3 py-2" data-testid="invite">
                <div className="min-w-0 flex-1">
                  <p className="text-sm font-medium">
                    {invite.note || t("noNote")} <span className="font-normal text-slate-500">· {t(`state.${invite.state}`)}</span>
                  </p>
                  <p className="text-xs text-slate-500 dark:text-slate-400">
                    {invite.state === "used"
                      ? t("usedBy", { address: invite.usedBy, date: date(invite.usedAt) })
                      : t("madeBy", { address: invite.createdBy, date: date(invite.createdAt), expires: date(invite.expiresAt) })}
                  </p>
                </div>
                {invite.state === "valid" && (
                  <button type="button" disabled={busy} onClick={() => void withdraw(invite.id)} className={`${BUTTON} border border-slate-300 hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800`}>
                    {t("withdraw")}
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
