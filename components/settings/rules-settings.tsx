"use client";

// Settings → Rules: what the mail server does with mail as it arrives — forward it (keeping a copy or
// not), answer it while the user is away, and file it with filters. Kept and applied by the mail
// server (/api/rules → its management API), so they work with the browser closed.
import { useTranslations } from "next-intl";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { fetchFolders } from "@/components/mail/api";
import { buttonStyles } from "@/components/mail/modal";
import { Field, FIELD, HINT } from "./controls";
import { FiltersEditor, type EditedFilter } from "./rules/filters-editor";
import { dateToInstant, instantToDate, type DeliveryRules } from "./rules/types";

const API = "/api/rules";
const CHECKBOX = "size-4 accent-indigo-600 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600";
const CHECK_LABEL = "flex min-h-11 cursor-pointer items-center gap-3 text-sm md:min-h-9";

interface FormState {
  forwardEnabled: boolean;
  forwardTo: string;
  keepCopy: boolean;
  vacation: { enabled: boolean; subject: string; body: string; startDate: string; endDate: string; days: number };
  filters: EditedFilter[];
}

function toForm(rules: DeliveryRules, nextKey: () => number): FormState {
  return {
    forwardEnabled: rules.forwarding.to !== "",
    forwardTo: rules.forwarding.to,
    keepCopy: rules.forwarding.keepCopy,
    vacation: { ...rules.vacation, startDate: instantToDate(rules.vacation.start), endDate: instantToDate(rules.vacation.end) },
    filters: rules.filters.map((filter) => ({ ...filter, key: nextKey() })),
  };
}

function toRules(form: FormState): DeliveryRules {
  const { enabled, subject, body, startDate, endDate, days } = form.vacation;
  return {
    forwarding: { to: form.forwardEnabled ? form.forwardTo.trim() : "", keepCopy: form.keepCopy },
    vacation: { enabled, subject, body, start: dateToInstant(startDate, "start"), end: dateToInstant(endDate, "end"), days },
    filters: form.filters.map(({ name, match, conditions, actions }) => ({ name, match, conditions, actions })),
  };
}

async function send(method: "GET" | "PUT", body?: DeliveryRules): Promise<{ ok: boolean; data: unknown }> {
  const response = await fetch(API, {
    method,
    headers: body ? { "content-type": "application/json" } : undefined,
    body: body ? JSON.stringify(body) : undefined,
    cache: "no-store",
  });
  return { ok: response.ok, data: await response.json().catch(() => null) };
}

const errorOf = (data: unknown) => (typeof data === "object" && data !== null && "error" in data && typeof data.error === "string" ? data.error : null);

export function RulesSettings() {
  const t = useTranslations("Rules");
  const common = useTranslations("Common");
  const keyCounter = useRef(0);
  const nextKey = () => ++keyCounter.current;
  const [form, setForm] = useState<FormState | null>(null);
  const [folders, setFolders] = useState<string[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const [status, setStatus] = useState<"idle" | "saving" | "saved">("idle");

  useEffect(() => {
    const abort = new AbortController();
    send("GET")
      .then(({ ok, data }) => {
        if (abort.signal.aborted) return;
        if (ok) setForm(toForm(data as DeliveryRules, () => ++keyCounter.current));
        else setProblem(errorOf(data) ?? common("noAnswer"));
      })
      .catch(() => !abort.signal.aborted && setProblem(common("noAnswer")));
    fetchFolders(abort.signal)
      .then((list) => setFolders(list.filter((folder) => folder.selectable).map((folder) => folder.path)))
      .catch(() => undefined);
    return () => abort.abort();
  }, [common]);

  if (!form) {
    return problem ? (
      <p role="alert" className="text-sm text-red-700 dark:text-red-400">
        {problem}
      </p>
    ) : (
      <p className={HINT}>{t("loading")}</p>
    );
  }

  const update = (change: Partial<FormState>) => {
    setForm({ ...form, ...change });
    setStatus("idle");
  };
  const updateVacation = (change: Partial<FormState["vacation"]>) => update({ vacation: { ...form.vacation, ...change } });

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!form) return;
    setStatus("saving");
    setProblem(null);
    try {
      const { ok, data } = await send("PUT", toRules(form));
      if (ok) {
        setForm(toForm(data as DeliveryRules, nextKey));
        setStatus("saved");
      } else {
        setProblem(errorOf(data) ?? common("noAnswer"));
        setStatus("idle");
      }
    } catch {
      setProblem(common("noAnswer"));
      setStatus("idle");
    }
  }

  return (
    <form onSubmit={save} className="flex flex-col gap-6" aria-label={t("title")}>
      <p className={HINT}>{t("hint")}</p>

      <fieldset className="flex flex-col gap-2">
        <legend className="mb-1 text-sm font-medium">{t("forwarding")}</legend>
        <label className={CHECK_LABEL}>
          <input type="checkbox" className={CHECKBOX} checked={form.forwardEnabled} onChange={(event) => update({ forwardEnabled: event.target.checked })} />
          {t("forwardEnabled")}
        </label>
        {form.forwardEnabled && (
          <>
            <Field label={t("forwardTo")}>
              {(id) => <input id={id} type="email" required value={form.forwardTo} onChange={(event) => update({ forwardTo: event.target.value })} placeholder="someone@example.org" className={FIELD} />}
            </Field>
            <label className={CHECK_LABEL}>
              <input type="checkbox" className={CHECKBOX} checked={form.keepCopy} onChange={(event) => update({ keepCopy: event.target.checked })} />
              {t("keepCopy")}
            </label>
          </>
        )}
      </fieldset>

      <fieldset className="flex flex-col gap-2">
        <legend className="mb-1 text-sm font-medium">{t("vacation")}</legend>
        <label className={CHECK_LABEL}>
          <input type="checkbox" className={CHECKBOX} checked={form.vacation.enabled} onChange={(event) => updateVacation({ enabled: event.target.checked })} />
          {t("vacationEnabled")}
        </label>
        {form.vacation.enabled && (
          <>
            <p className={HINT}>{t("vacationHint", { days: form.vacation.days })}</p>
            <Field label={t("vacationSubject")}>
              {(id) => <input id={id} value={form.vacation.subject} maxLength={200} placeholder={t("vacationSubjectPlaceholder")} onChange={(event) => updateVacation({ subject: event.target.value })} className={FIELD} />}
            </Field>
            <Field label={t("vacationBody")}>
              {(id) => <textarea id={id} required rows={5} maxLength={10_000} value={form.vacation.body} onChange={(event) => updateVacation({ body: event.target.value })} className={`${FIELD} py-2`} />}
            </Field>
            <div className="grid grid-cols-1 gap-2 sm:grid-cols-3">
              <Field label={t("vacationStart")}>
                {(id) => <input id={id} type="date" value={form.vacation.startDate} onChange={(event) => updateVacation({ startDate: event.target.value })} className={FIELD} />}
              </Field>
              <Field label={t("vacationEnd")}>
                {(id) => <input id={id} type="date" value={form.vacation.endDate} onChange={(event) => updateVacation({ endDate: event.target.value })} className={FIELD} />}
              </Field>
              <Field label={t("vacationDays")}>
                {(id) => (
                  <input id={id} type="number" min={1} max={365} required value={form.vacation.days} onChange={(event) => updateVacation({ days: Math.round(Number(event.target.value) || 0) })} className={FIELD} />
                )}
              </Field>
            </div>
          </>
        )}
      </fieldset>

      <FiltersEditor filters={form.filters} folders={folders} onChange={(filters) => update({ filters })} nextKey={nextKey} />

      {problem && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          {problem}
        </p>
      )}
      <div className="flex items-center justify-end gap-3">
        <span role="status" className="text-sm text-slate-600 dark:text-slate-300">
          {status === "saved" ? t("saved") : ""}
        </span>
        <button type="submit" className={buttonStyles.primary} disabled={status === "saving"}>
          {status === "saving" ? t("saving") : t("save")}
        </button>
      </div>
    </form>
  );
}
