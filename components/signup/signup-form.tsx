"use client";

import { signIn } from "next-auth/react";
import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useRef, useState, type FormEvent, type InputHTMLAttributes, type ReactNode } from "react";
import { solve } from "@/lib/web/signup/proof-of-work";
import { MIN_PASSWORD_LENGTH, scorePassword } from "@/lib/web/signup/password-score";
import { PasswordStrength } from "./password-strength";

const FIELD_CLASS =
  "block h-11 w-full rounded-lg border border-slate-300 bg-white px-3 text-base shadow-xs outline-none focus:border-indigo-500 focus:ring-3 focus:ring-indigo-500/25 aria-invalid:border-red-500 dark:border-slate-700 dark:bg-slate-950 dark:focus:border-indigo-400";
const LOCAL_PART = /^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$/i;
/** The server refuses a form sent sooner after its challenge than this (lib/web/signup/challenge.ts). */
const MIN_FILL_MS = 3_200;

type Field = "localPart" | "displayName" | "password" | "confirm";
type Problem = { message: string; field?: Field };

/** Which field a refusal of the server is about, to mark and focus it. */
const FIELD_OF_CODE: Record<string, Field | undefined> = { taken: "localPart", reserved: "localPart", "bad-local-part": "localPart", "weak-password": "password", "bad-name": "displayName" };

interface Work {
  challenge: string;
  receivedAt: number;
  solution: Promise<string>;
  abort: AbortController;
}

/** A challenge from the server, solved in the background from the moment it arrives. */
async function startWork(): Promise<Work> {
  const response = await fetch("/api/signup/challenge", { cache: "no-store" });
  const body: unknown = await response.json();
  if (typeof body !== "object" || body === null || !("challenge" in body) || typeof body.challenge !== "string" || !("bits" in body) || typeof body.bits !== "number") {
    throw new Error("no challenge");
  }
  const abort = new AbortController();
  return { challenge: body.challenge, receivedAt: Date.now(), solution: solve(body.challenge, body.bits, { signal: abort.signal }), abort };
}

function errorWords(body: unknown): string | null {
  return typeof body === "object" && body !== null && "error" in body && typeof body.error === "string" ? body.error : null;
}

/** A label, its control(s), and an optional hint under them (id `${id}-hint`, for aria-describedby). */
function FormField({ id, label, hint, children }: { id: string; label: string; hint?: string; children: ReactNode }) {
  return (
    <div className="space-y-1.5">
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
      </label>
      {children}
      {hint && (
        <p id={`${id}-hint`} className="text-sm text-slate-500 dark:text-slate-400">
          {hint}
        </p>
      )}
    </div>
  );
}

export function SignupForm({ domains, invite }: { domains: string[]; invite: string | null }) {
  const router = useRouter();
  const t = useTranslations("Signup");
  const common = useTranslations("Common");
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState<false | "checking" | "creating" | "signing-in">(false);
  const [password, setPassword] = useState("");
  const [localPart, setLocalPart] = useState("");
  const work = useRef<Promise<Work> | null>(null);

  const renewWork = useCallback(() => {
    void work.current?.then((w) => w.abort.abort()).catch(() => undefined);
    const next = startWork();
    next.catch(() => undefined);
    work.current = next;
  }, []);

  useEffect(() => {
    renewWork();
    return () => void work.current?.then((w) => w.abort.abort()).catch(() => undefined);
  }, [renewWork]);

  function fail(form: HTMLFormElement, next: Problem) {
    setProblem(next);
    setBusy(false);
    const input = next.field ? form.elements.namedItem(next.field) : null;
    if (input instanceof HTMLInputElement) input.focus();
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    const form = event.currentTarget;
    const data = new FormData(form);
    const text = (name: string) => String(data.get(name) ?? "");
    const values = {
      localPart: text("localPart").trim(),
      domain: text("domain"),
      displayName: text("displayName").trim(),
      password: text("password"),
      confirm: text("confirm"),
      website: text("website"),
    };
    if (!LOCAL_PART.test(values.localPart) || values.localPart.includes("..")) return fail(form, { field: "localPart", message: t("errors.badLocalPart") });
    if (scorePassword(values.password, values.localPart) === 0) return fail(form, { field: "password", message: t("errors.weakPassword") });
    if (values.password !== values.confirm) return fail(form, { field: "confirm", message: t("mismatch") });

    setProblem(null);
    setBusy("checking");
    let solved: { challenge: string; solution: string };
    try {
      const current = await (work.current ?? Promise.reject(new Error("no challenge")));
      const solution = await current.solution;
      const wait = current.receivedAt + MIN_FILL_MS - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      solved = { challenge: current.challenge, solution };
    } catch {
      renewWork();
      return fail(form, { message: common("noAnswer") });
    }

    setBusy("creating");
    let response: Response;
    try {
      response = await fetch("/api/signup", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ ...values, confirm: undefined, invite: invite ?? "", ...solved }),
      });
    } catch {
      renewWork();
      return fail(form, { message: common("noAnswer") });
    }
    const body: unknown = await response.json().catch(() => null);
    if (response.status !== 201 || typeof body !== "object" || body === null || !("address" in body) || typeof body.address !== "string") {
      // Each challenge works once: the next try needs a new one.
      renewWork();
      const code = typeof body === "object" && body !== null && "code" in body && typeof body.code === "string" ? body.code : "";
      const field = FIELD_OF_CODE[code];
      return fail(form, { field, message: errorWords(body) ?? t("errors.failed", { status: response.status }) });
    }

    setBusy("signing-in");
    const result = await signIn("credentials", { redirect: false, email: body.address, password: values.password }).catch(() => undefined);
    if (result?.ok && !result.error) {
      router.replace("/");
      router.refresh();
      return;
    }
    // The account exists; only the automatic sign-in failed: the sign-in page takes it from here.
    router.replace("/login");
  }

  const submitWords = busy === "checking" ? t("checking") : busy === "creating" ? t("submitting") : busy === "signing-in" ? t("signingIn") : t("submit");
  const describedBy = (field: Field, hint?: string) => [hint, problem?.field === field ? "signup-error" : undefined].filter(Boolean).join(" ") || undefined;

  const passwordInput = (name: "password" | "confirm", extra: InputHTMLAttributes<HTMLInputElement>) => (
    <input
      id={name}
      name={name}
      type="password"
      autoComplete="new-password"
      required
      maxLength={1024}
      aria-invalid={problem?.field === name || undefined}
      className={FIELD_CLASS}
      {...extra}
    />
  );

  return (
    <form onSubmit={onSubmit} noValidate className="mt-6 space-y-5">
      <FormField id="localPart" label={t("address")} hint={t("addressHint")}>
        <div className="flex items-center gap-2">
          <input
            id="localPart"
            name="localPart"
            type="text"
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            required
            maxLength={64}
            value={localPart}
            onChange={(event) => setLocalPart(event.target.value)}
            aria-invalid={problem?.field === "localPart" || undefined}
            aria-describedby={describedBy("localPart", "localPart-hint")}
            className={`${FIELD_CLASS} min-w-0 flex-1`}
          />
          <span aria-hidden="true" className="text-slate-500">
            @
          </span>
          <select name="domain" aria-label={t("domain")} className={`${FIELD_CLASS} w-auto max-w-[50%]`} defaultValue={domains[0]}>
            {domains.map((domain) => (
              <option key={domain} value={domain}>
                {domain}
              </option>
            ))}
          </select>
        </div>
      </FormField>
      <FormField id="displayName" label={t("displayName")} hint={t("displayNameHint")}>
        <input id="displayName" name="displayName" type="text" autoComplete="name" maxLength={100} aria-describedby={describedBy("displayName", "displayName-hint")} className={FIELD_CLASS} />
      </FormField>
      <FormField id="password" label={t("password")} hint={t("passwordHint", { min: MIN_PASSWORD_LENGTH })}>
        {passwordInput("password", { value: password, onChange: (event) => setPassword(event.target.value), "aria-describedby": describedBy("password", "password-hint password-strength") })}
        <PasswordStrength id="password-strength" password={password} userName={localPart} />
      </FormField>
      <FormField id="confirm" label={t("confirm")}>
        {passwordInput("confirm", { "aria-describedby": describedBy("confirm") })}
      </FormField>
      {/* The honeypot: off-screen and out of the tab order, so people never fill it and scripts often do. */}
      <div aria-hidden="true" className="absolute -left-[10000px] h-px w-px overflow-hidden">
        <label htmlFor="website">{t("honeypot")}</label>
        <input id="website" name="website" type="text" tabIndex={-1} autoComplete="off" />
      </div>

      <div id="signup-error" role="alert" aria-live="assertive" aria-atomic="true">
        {problem && <p className="rounded-lg bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-950/50 dark:text-red-200">{problem.message}</p>}
      </div>

      <button
        type="submit"
        disabled={busy !== false}
        className="inline-flex min-h-12 w-full items-center justify-center rounded-lg bg-indigo-600 px-4 text-base font-medium text-white shadow-sm hover:bg-indigo-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:cursor-not-allowed disabled:opacity-60"
      >
        {submitWords}
      </button>
    </form>
  );
}
