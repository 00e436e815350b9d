"use client";

import { signIn } from "next-auth/react";
import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";

const FIELD_CLASS =
  "block h-11 w-full rounded-lg border border-slate-300 bg-white px-3 text-base shadow-xs outline-none focus:border-indigo-500 focus:ring-3 focus:ring-indigo-500/25 aria-invalid:border-red-500 dark:border-slate-700 dark:bg-slate-950 dark:focus:border-indigo-400";

export function LoginForm() {
  const router = useRouter();
  const t = useTranslations("Login");
  const common = useTranslations("Common");
  const [error, setError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (submitting) return;
    const form = event.currentTarget;
    const data = new FormData(form);
    setSubmitting(true);
    setError(null);
    // redirect: false keeps the page in charge of what happens next, and of showing the server's words.
    const result = await signIn("credentials", {
      redirect: false,
      email: String(data.get("email") ?? ""),
      password: String(data.get("password") ?? ""),
    }).catch(() => undefined);
    if (result?.ok && !result.error) {
      // The mail page is dynamic, so it is rendered afresh for the new session cookie.
      router.replace("/");
      router.refresh();
      return;
    }
    setSubmitting(false);
    // The server's own words come translated (lib/web/auth/options.ts); these are for when it gave none.
    setError(!result ? common("noAnswer") : result.error === "CredentialsSignin" ? t("wrong") : (result.error ?? t("failed")));
    const password = form.elements.namedItem("password");
    if (password instanceof HTMLInputElement) {
      password.select();
      password.focus();
    }
  }

  return (
    <form onSubmit={onSubmit} className="mt-6 space-y-4" noValidate>
      <div className="space-y-1.5">
        <label htmlFor="email" className="block text-sm font-medium">
          {t("email")}
        </label>
        <input id="email" name="email" type="email" autoComplete="username" autoCapitalize="none" spellCheck={false} required autoFocus className={FIELD_CLASS} />
      </div>
      <div className="space-y-1.5">
        <label htmlFor="password" className="block text-sm font-medium">
          {t("password")}
        </label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? "login-error" : undefined}
          className={FIELD_CLASS}
        />
      </div>
      <p id="login-error" role="alert" className="min-h-5 text-sm text-red-700 dark:text-red-400">
        {error}
      </p>
      <button
        type="submit"
        disabled={submitting}
        className="inline-flex min-h-11 w-full items-center justify-center rounded-lg bg-indigo-600 px-4 font-medium text-white hover:bg-indigo-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:opacity-60"
      >
        {submitting ? t("submitting") : t("submit")}
      </button>
    </form>
  );
}
