"use client";

import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useState, type FormEvent, type ReactNode } from "react";

// The mail server decides what is acceptable; these checks only spare a round trip for obvious slips.
const MIN_PASSWORD_LENGTH = 10;

type Field = "address" | "displayName" | "password" | "confirm";
type Problem = { message: string; field?: Field };
type Translate = ReturnType<typeof useTranslations<"Setup">>;

function checkLocally(values: Record<Field, string>, t: Translate): Problem | null {
  if (!/^[^\s@]+@[^\s@]+$/.test(values.address)) {
    return { field: "address", message: t("badAddress") };
  }
  if (values.password.length < MIN_PASSWORD_LENGTH) {
    return { field: "password", message: t("shortPassword", { min: MIN_PASSWORD_LENGTH }) };
  }
  if (values.password !== values.confirm) {
    return { field: "confirm", message: t("mismatch") };
  }
  return null;
}

function serverWords(body: unknown): string | null {
  if (typeof body === "object" && body !== null && "error" in body && typeof body.error === "string") return body.error;
  return null;
}

function TextField(props: {
  name: Field;
  label: string;
  type: "email" | "text" | "password";
  autoComplete: string;
  problem: Problem | null;
  hint?: ReactNode;
}) {
  const { name, label, type, autoComplete, problem, hint } = props;
  const invalid = problem?.field === name;
  const hintId = hint ? `${name}-hint` : undefined;
  return (
    <div className="space-y-1.5">
      <label htmlFor={name} className="block text-sm font-medium">
        {label}
      </label>
      <input
        id={name}
        name={name}
        type={type}
        autoComplete={autoComplete}
        required={name !== "displayName"}
        aria-invalid={invalid || undefined}
        aria-describedby={[hintId, invalid ? "setup-error" : undefined].filter(Boolean).join(" ") || undefined}
        {...(type === "email" ? { autoCapitalize: "none", spellCheck: false } : {})}
        className="block h-11 w-full rounded-lg border border-slate-300 bg-white px-3 text-base shadow-xs outline-none placeholder:text-slate-400 focus:border-indigo-500 focus:ring-3 focus:ring-indigo-500/25 aria-invalid:border-red-500 aria-invalid:ring-red-500/25 dark:border-slate-700 dark:bg-slate-950 dark:focus:border-indigo-400"
      />
      {hint && (
        <p id={hintId} className="text-sm text-slate-500 dark:text-slate-400">
          {hint}
        </p>
      )}
    </div>
  );
}

export function FirstAccountForm() {
  const router = useRouter();
  const t = useTranslations("Setup");
  const common = useTranslations("Common");
  const [problem, setProblem] = useState<Problem | null>(null);
  const [submitting, setSubmitting] = useState(false);

  function fail(form: HTMLFormElement, next: Problem) {
    setProblem(next);
    setSubmitting(false);
    const input = next.field ? form.elements.namedItem(next.field) : null;
    if (input instanceof HTMLInputElement) input.focus();
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (submitting) return;
    const form = event.currentTarget;
    const data = new FormData(form);
    const value = (field: Field) => {
      const raw = data.get(field);
      return typeof raw === "string" ? raw : "";
    };
    const values: Record<Field, string> = {
      address: value("address").trim(),
      displayName: value("displayName").trim(),
      password: value("password"),
      confirm: value("confirm"),
    };
    const local = checkLocally(values, t);
    if (local) return fail(form, local);

    setProblem(null);
    setSubmitting(true);
    let response: Response;
    try {
      response = await fetch("/api/setup", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ address: values.address, password: values.password, displayName: values.displayName }),
      });
    } catch {
      return fail(form, { message: common("noAnswer") });
    }
    const body: unknown = await response.json().catch(() => null);
    if (response.status === 201) {
      // The button stays disabled while the next page loads, so a second click cannot send a second request.
      const created = typeof body === "object" && body !== null && "address" in body && typeof body.address === "string" ? body.address : values.address;
      router.push(`/setup/done?address=${encodeURIComponent(created)}`);
      return;
    }
    fail(form, { message: serverWords(body) ?? t("notCreated", { status: response.status }) });
  }

  return (
    <form onSubmit={onSubmit} noValidate className="mt-6 space-y-5">
      <TextField name="address" label={t("address")} type="email" autoComplete="username" problem={problem} hint={t("addressHint")} />
      <TextField name="displayName" label={t("displayName")} type="text" autoComplete="name" problem={problem} hint={t("displayNameHint")} />
      <TextField name="password" label={t("password")} type="password" autoComplete="new-password" problem={problem} hint={t("passwordHint", { min: MIN_PASSWORD_LENGTH })} />
      <TextField name="confirm" label={t("confirm")} type="password" autoComplete="new-password" problem={problem} />

      {/* Always in the DOM so screen readers notice when words appear in it. */}
      <div id="setup-error" role="alert" aria-live="assertive" aria-atomic="true">
        {problem && <p className="rounded-lg bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-950/50 dark:text-red-200">{problem.message}</p>}
      </div>

      <button
        type="submit"
        disabled={submitting}
        className="inline-flex min-h-12 w-full items-center justify-center rounded-lg bg-indigo-600 px-4 text-base font-medium text-white shadow-sm hover:bg-indigo-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:cursor-not-allowed disabled:opacity-60"
      >
        {submitting ? t("submitting") : t("submit")}
      </button>
    </form>
  );
}
