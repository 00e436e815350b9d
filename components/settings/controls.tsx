"use client";

// The form controls every Settings section uses, so the page looks and behaves as one: 44 px targets on
// phones, labels tied to their controls.
import { useTranslations } from "next-intl";
import { useId, type ReactNode } from "react";
import type { SaveState } from "./settings-context";

export const FIELD = "min-h-11 w-full rounded-lg border border-slate-300 bg-white px-2 text-sm md:min-h-9 dark:border-slate-700 dark:bg-slate-950";
export const HINT = "text-xs text-slate-500 dark:text-slate-400";

/** One choice among a few, as radio buttons. */
export function Choice<V extends string>({
  legend,
  hint,
  name,
  values,
  label,
  value,
  onChange,
}: {
  legend: string;
  hint?: string;
  name: string;
  values: readonly V[];
  label: (value: V) => string;
  value: V;
  onChange: (value: V) => void;
}) {
  return (
    <fieldset className="flex flex-col gap-1">
      <legend className="mb-1 text-sm font-medium">{legend}</legend>
      {hint && <p className={`mb-1 ${HINT}`}>{hint}</p>}
      {values.map((option) => (
        <label key={option} className="flex min-h-11 cursor-pointer items-center gap-3 rounded-lg px-2 text-sm hover:bg-slate-100 md:min-h-9 dark:hover:bg-slate-800">
          <input
            type="radio"
            name={name}
            value={option}
            checked={value === option}
            onChange={() => onChange(option)}
            className="size-4 accent-indigo-600 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
          />
          {label(option)}
        </label>
      ))}
    </fieldset>
  );
}

/** A labelled control: children gets the id the label points at. */
export function Field({ label, hint, children }: { label: string; hint?: string; children: (id: string) => ReactNode }) {
  const id = useId();
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-sm font-medium">
        {label}
      </label>
      {hint && <p className={HINT}>{hint}</p>}
      {children(id)}
    </div>
  );
}

/** What a save came to, read out when it changes. */
export function SaveStatus({ status, savedText }: { status: SaveState; savedText?: string }) {
  const t = useTranslations("SettingsPage");
  return (
    <p role="status" className={`min-h-5 text-sm ${status.kind === "error" ? "text-red-700 dark:text-red-400" : "text-slate-600 dark:text-slate-400"}`}>
      {status.kind === "saving" ? t("saving") : status.kind === "saved" ? (savedText ?? t("saved")) : status.kind === "error" ? status.error : ""}
    </p>
  );
}
