"use client";

import { useTranslations } from "next-intl";
import { useActionState, useState } from "react";
import type { ActionResult } from "@/lib/web/admin";
import { ActionMessage, DANGER_CLASS, SECONDARY_CLASS, type FormAction } from "./action-form";

/**
 * A button for a change that can't be undone (delete): the first press asks, in words naming what goes,
 * and only the confirmation submits. `fields` are sent as hidden inputs.
 */
export function ConfirmAction({ action, fields, label, question }: { action: FormAction; fields: Record<string, string>; label: string; question: string }) {
  const t = useTranslations("Admin");
  const [result, formAction, pending] = useActionState(action, { state: "idle" });
  // The answer the question was asked under: a new answer (the deletion ran) closes the question.
  const [askedWith, setAskedWith] = useState<ActionResult | null>(null);
  const asking = askedWith === result;
  if (!asking) {
    return (
      <div className="flex flex-col gap-2">
        <div>
          <button type="button" onClick={() => setAskedWith(result)} className={SECONDARY_CLASS}>
            {label}
          </button>
        </div>
        <ActionMessage result={result} />
      </div>
    );
  }
  return (
    <form action={formAction} className="flex flex-col gap-2 rounded-lg border border-red-200 bg-red-50/50 p-3 dark:border-red-900 dark:bg-red-950/30">
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <p className="text-sm">{question}</p>
      <div className="flex flex-wrap gap-2">
        <button type="submit" disabled={pending} className={DANGER_CLASS}>
          {t("confirmDelete")}
        </button>
        <button type="button" onClick={() => setAskedWith(null)} className={SECONDARY_CLASS}>
          {t("cancel")}
        </button>
      </div>
    </form>
  );
}
