"use client";

import { useActionState, useEffect, useRef, type ReactNode } from "react";
import type { ActionResult } from "@/lib/web/admin";

export type FormAction = (previous: ActionResult, data: FormData) => Promise<ActionResult>;

export const INPUT_CLASS =
  "block h-11 w-full rounded-lg border border-slate-300 bg-white px-3 text-base shadow-xs outline-none focus:border-indigo-500 focus:ring-3 focus:ring-indigo-500/25 md:h-9 md:text-sm dark:border-slate-700 dark:bg-slate-950";
export const BUTTON_CLASS =
  "inline-flex min-h-11 items-center justify-center rounded-lg px-3 text-sm font-medium focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:opacity-60 md:min-h-9";
export const PRIMARY_CLASS = `${BUTTON_CLASS} bg-indigo-600 text-white hover:bg-indigo-500`;
export const SECONDARY_CLASS = `${BUTTON_CLASS} border border-slate-300 hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800`;
export const DANGER_CLASS = `${BUTTON_CLASS} bg-red-600 text-white hover:bg-red-500`;

/** The server's answer under a form: a status on success (with lines to copy, if any), an alert otherwise. */
export function ActionMessage({ result }: { result: ActionResult }) {
  if (result.state === "idle") return null;
  return (
    <div role={result.state === "error" ? "alert" : "status"} className={`rounded-lg px-3 py-2 text-sm ${result.state === "error" ? "bg-red-50 text-red-800 dark:bg-red-950/50 dark:text-red-200" : "bg-emerald-50 text-emerald-900 dark:bg-emerald-950/50 dark:text-emerald-200"}`}>
      <p>{result.message}</p>
      {result.state === "ok" && result.lines?.length ? <pre className="mt-2 overflow-x-auto whitespace-pre text-xs">{result.lines.join("\n")}</pre> : null}
    </div>
  );
}

/**
 * A form whose submission runs a server action (it works without JavaScript too); the fields are the
 * children. The form is cleared after a success, so a password typed in it doesn't stay on the page.
 */
export function ActionForm({ action, submit, children, className = "" }: { action: FormAction; submit: string; children: ReactNode; className?: string }) {
  const [result, formAction, pending] = useActionState(action, { state: "idle" });
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (result.state === "ok") form.current?.reset();
  }, [result]);
  return (
    <form ref={form} action={formAction} noValidate className={`flex flex-col gap-3 ${className}`}>
      {children}
      <div>
        <button type="submit" disabled={pending} className={PRIMARY_CLASS}>
          {submit}
        </button>
      </div>
      <ActionMessage result={result} />
    </form>
  );
}

export function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <label className="flex min-w-0 flex-1 flex-col gap-1 text-sm font-medium">
      <span>{label}</span>
      {children}
    </label>
  );
}
