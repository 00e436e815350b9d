"use client";

// "Other accounts" in Settings: the user's external POP3 mailboxes that the webmail fetches into theirs
// (every POP3_FETCH_INTERVAL, and on "Check now"), each with its last result in words.
import { useTranslations } from "next-intl";
import { useCallback, useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from "react";
import type { ListedAccount } from "@/app/api/external-accounts/user";
import { buttonStyles } from "@/components/mail/modal";
import type { FetchResult } from "@/lib/user-agent/pop3/fetch";

const API = "/api/external-accounts";
const POLL_MS = 700;
const DEFAULT_PORTS = { implicit: 995, starttls: 110, none: 110 } as const;
type Tls = keyof typeof DEFAULT_PORTS;
type Retention = ListedAccount["retention"];

const FIELD = "min-h-11 w-full rounded-lg border border-slate-300 bg-white px-2 text-sm md:min-h-9 dark:border-slate-700 dark:bg-slate-950";

async function send(method: "GET" | "POST" | "PATCH" | "DELETE", url: string, body?: unknown): Promise<{ ok: boolean; data: Record<string, unknown> }> {
  const response = await fetch(url, {
    method,
    headers: body === undefined ? undefined : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: "no-store",
  });
  const data = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  return { ok: response.ok, data };
}

/** A labelled control: children gets the id the label points at. */
function Field({ label, children }: { label: string; children: (id: string) => ReactNode }) {
  const id = useId();
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-xs font-medium text-slate-600 dark:text-slate-300">
        {label}
      </label>
      {children(id)}
    </div>
  );
}

const TLS_CHOICES = ["implicit", "starttls", "none"] as const satisfies readonly Tls[];
const RETENTION_CHOICES = ["keep", "delete", "days"] as const satisfies readonly Retention[];

function Select<V extends string>({ id, values, value, label, onChange }: { id: string; values: readonly V[]; value: V; label: (value: V) => string; onChange: (value: V) => void }) {
  return (
    <select id={id} value={value} onChange={(event) => onChange(values.find((choice) => choice === event.target.value) ?? value)} className={FIELD}>
      {values.map((choice) => (
        <option key={choice} value={choice}>
          {label(choice)}
        </option>
      ))}
    </select>
  );
}

/** Adds an account, or with `account` changes that one (an empty password keeps the saved one). */
function AccountForm({ account, onSaved, onCancel }: { account?: ListedAccount; onSaved: (accounts: ListedAccount[]) => void; onCancel: () => void }) {
  const t = useTranslations("ExternalAccounts");
  const common = useTranslations("Common");
  const [tls, setTls] = useState<Tls>(account?.tls ?? "implicit");
  const [port, setPort] = useState(String(account?.port ?? DEFAULT_PORTS.implicit));
  const [retention, setRetention] = useState<Retention>(account?.retention ?? "keep");
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setSaving(true);
    setError(null);
    try {
      const { ok, data } = await send(account ? "PATCH" : "POST", API, {
        ...(account ? { id: account.id } : {}),
        host: form.get("host"),
        port: Number(port),
        tls,
        user: form.get("user"),
        password: form.get("password"),
        folder: form.get("folder"),
        retention,
        retentionDays: Number(form.get("retentionDays") ?? 0),
      });
      if (ok) onSaved(data.accounts as ListedAccount[]);
      else setError(typeof data.error === "string" ? data.error : common("noAnswer"));
    } catch {
      setError(common("noAnswer"));
    } finally {
      setSaving(false);
    }
  }

  return (
    <form onSubmit={submit} className="flex flex-col gap-2 rounded-lg border border-slate-200 p-3 dark:border-slate-800">
      <div className="grid grid-cols-[1fr_6rem] gap-2">
        <Field label={t("host")}>
          {(id) => <input id={id} name="host" required autoComplete="off" placeholder="pop.example.org" defaultValue={account?.host} className={FIELD} />}
        </Field>
        <Field label={t("port")}>
          {(id) => <input id={id} name="port" required inputMode="numeric" pattern="\d{1,5}" value={port} onChange={(event) => setPort(event.target.value)} className={FIELD} />}
        </Field>
      </div>
      <Field label={t("security")}>
        {(id) => (
          <Select
            id={id}
            values={TLS_CHOICES}
            value={tls}
            label={(mode) => t(`tls.${mode}`)}
            onChange={(next) => {
              // A port still at the old mode's default follows the mode.
              if (port === String(DEFAULT_PORTS[tls])) setPort(String(DEFAULT_PORTS[next]));
              setTls(next);
            }}
          />
        )}
      </Field>
      <Field label={t("user")}>
        {(id) => <input id={id} name="user" required autoComplete="off" defaultValue={account?.user} className={FIELD} />}
      </Field>
      <Field label={account ? t("newPassword") : t("password")}>
        {(id) => <input id={id} name="password" type="password" required={!account} autoComplete="new-password" className={FIELD} />}
      </Field>
      <Field label={t("folder")}>
        {(id) => <input id={id} name="folder" defaultValue={account?.folder ?? "INBOX"} className={FIELD} />}
      </Field>
      <Field label={t("retention")}>
        {(id) => <Select id={id} values={RETENTION_CHOICES} value={retention} label={(choice) => t(`retentions.${choice}`)} onChange={setRetention} />}
      </Field>
      {retention === "days" && (
        <Field label={t("days")}>
          {(id) => <input id={id} name="retentionDays" type="number" min={1} max={3650} required defaultValue={account?.retention === "days" ? account.retentionDays : 7} className={FIELD} />}
        </Field>
      )}
      {error && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          {error}
        </p>
      )}
      <div className="flex justify-end gap-2">
        <button type="button" className={buttonStyles.quiet} onClick={onCancel}>
          {common("cancel")}
        </button>
        <button type="submit" className={buttonStyles.primary} disabled={saving}>
          {account ? t("saveChanges") : t("save")}
        </button>
      </div>
    </form>
  );
}

/** The last result in words: "3 new", the error, or what a running fetch has done so far. */
function Status({ account }: { account: ListedAccount }) {
  const t = useTranslations("ExternalAccounts");
  if (account.progress) {
    const { done, total } = account.progress;
    return (
      <div className="flex items-center gap-2 text-xs text-slate-600 dark:text-slate-300" role="status">
        <progress className="h-1.5 w-24 accent-indigo-600" value={total ? done : undefined} max={total || undefined} aria-label={t("checking")} />
        {total ? t("progress", { done, total }) : t("checking")}
      </div>
    );
  }
  if (!account.lastRunAt) return <p className="text-xs text-slate-500 dark:text-slate-400">{t("never")}</p>;
  const when = new Date(account.lastRunAt).toLocaleString();
  if (account.lastError) {
    return (
      <p className="text-xs text-red-700 dark:text-red-400" role="status">
        {t(`errors.${account.lastError}`)}
        {account.lastErrorDetail && <span className="text-slate-500 dark:text-slate-400"> ({account.lastErrorDetail})</span>} · {when}
      </p>
    );
  }
  return (
    <p className="text-xs text-slate-600 dark:text-slate-300" role="status">
      {t("fetched", { count: account.lastCount })}
      {account.lastSkipped > 0 && ` · ${t("skipped", { count: account.lastSkipped })}`} · {when}
    </p>
  );
}

export function ExternalAccounts() {
  const t = useTranslations("ExternalAccounts");
  const common = useTranslations("Common");
  const [accounts, setAccountList] = useState<ListedAccount[] | null>(null);
  // Answers can cross: a list read before an add or removal must not replace the list that change answered.
  const generation = useRef(0);
  const changed = useCallback((list: ListedAccount[]) => {
    generation.current++;
    setAccountList(list);
  }, []);
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<number | null>(null);
  const [checking, setChecking] = useState<number[]>([]);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(() => {
    const asked = generation.current;
    return send("GET", API).then(
      ({ ok, data }) => {
        if (!ok) setError(typeof data.error === "string" ? data.error : common("noAnswer"));
        else if (asked === generation.current) setAccountList(data.accounts as ListedAccount[]);
      },
      () => setError(common("noAnswer")),
    );
  }, [common]);

  useEffect(() => {
    void load();
  }, [load]);

  // While a check runs, the list (with its progress) is read again and again.
  useEffect(() => {
    if (checking.length === 0) return;
    const timer = setInterval(() => void load(), POLL_MS);
    return () => clearInterval(timer);
  }, [checking.length, load]);

  async function checkNow(id: number) {
    setChecking((ids) => [...ids, id]);
    try {
      const { ok, data } = await send("POST", `${API}/check`, { id });
      if (!ok) setError(typeof data.error === "string" ? data.error : common("noAnswer"));
      else if ((data.result as FetchResult).error === "") setError(null);
    } catch {
      setError(common("noAnswer"));
    } finally {
      setChecking((ids) => ids.filter((other) => other !== id));
      await load();
    }
  }

  async function remove(id: number) {
    const { ok, data } = await send("DELETE", API, { id }).catch(() => ({ ok: false, data: {} as Record<string, unknown> }));
    if (ok) changed(data.accounts as ListedAccount[]);
    else setError(typeof data.error === "string" ? data.error : common("noAnswer"));
  }

  return (
    <section className="flex flex-col gap-2" aria-labelledby="external-accounts-title">
      <h3 id="external-accounts-title" className="text-sm font-medium">
        {t("title")}
      </h3>
      <p className="text-xs text-slate-500 dark:text-slate-400">{t("hint")}</p>
      {accounts?.map((account) => (
        <div key={account.id} className="flex flex-col gap-1 rounded-lg border border-slate-200 p-2 dark:border-slate-800" aria-label={`${account.user}@${account.host}`} role="group">
          <div className="flex flex-wrap items-center justify-between gap-1">
            <span className="min-w-0 truncate text-sm">
              {account.user} · {account.host}:{account.port} → {account.folder}
            </span>
            <span className="flex gap-1">
              <button type="button" className={buttonStyles.quiet} disabled={checking.includes(account.id)} onClick={() => void checkNow(account.id)}>
                {t("checkNow")}
              </button>
              <button type="button" className={buttonStyles.quiet} aria-expanded={editing === account.id} onClick={() => setEditing(editing === account.id ? null : account.id)}>
                {t("edit")}
              </button>
              <button type="button" className={buttonStyles.quiet} onClick={() => void remove(account.id)}>
                {t("remove")}
              </button>
            </span>
          </div>
          <Status account={checking.includes(account.id) && !account.progress ? { ...account, progress: { done: 0, total: 0 } } : account} />
          {editing === account.id && (
            <AccountForm
              account={account}
              onSaved={(list) => {
                changed(list);
                setEditing(null);
              }}
              onCancel={() => setEditing(null)}
            />
          )}
        </div>
      ))}
      {error && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          {error}
        </p>
      )}
      {adding ? (
        <AccountForm
          onSaved={(list) => {
            changed(list);
            setAdding(false);
          }}
          onCancel={() => setAdding(false)}
        />
      ) : (
        <button type="button" className={`${buttonStyles.quiet} self-start`} onClick={() => setAdding(true)}>
          {t("add")}
        </button>
      )}
    </section>
  );
}
