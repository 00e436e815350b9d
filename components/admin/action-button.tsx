"use client";

import { useActionState } from "react";
import { ActionMessage, SECONDARY_CLASS, type FormAction } from "./action-form";

/** One button that runs a server action with fixed values (disable, make administrator, retry). */
export function ActionButton({ action, fields, label }: { action: FormAction; fields: Record<string, string>; label: string }) {
  const [result, formAction, pending] = useActionState(action, { state: "idle" });
  return (
    <form action={formAction} className="flex flex-col gap-2">
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <div>
        <button type="submit" disabled={pending} className={SECONDARY_CLASS}>
          {label}
        </button>
      </div>
      <ActionMessage result={result} />
    </form>
  );
}
