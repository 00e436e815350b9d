"use client";

// A To, Cc or Bcc field: each address a chip, typed ones become chips at Enter, comma, semicolon or when
// the field is left; a chip whose address cannot be mailed is marked before anything is sent.
import { X } from "lucide-react";
import { useTranslations } from "next-intl";
import { useId, useState, type ClipboardEvent, type KeyboardEvent } from "react";
import { isValidAddress, parseRecipient } from "@/lib/user-agent/compose/types";
import type { Address } from "@/lib/user-agent/mail/types";
import { formatAddress } from "@/components/mail/format";

/** Addresses as people paste them: "a@x.test, Bob <b@y.test>; c@z.test". */
function splitRecipients(typed: string): Address[] {
  return typed
    .split(/[,;\n]+(?=(?:[^"]*"[^"]*")*[^"]*$)/)
    .map((part) => part.trim())
    .filter(Boolean)
    .map(parseRecipient);
}

export function RecipientField({ label, value, onChange, autoFocus = false }: { label: string; value: Address[]; onChange: (next: Address[]) => void; autoFocus?: boolean }) {
  const t = useTranslations("Compose");
  const id = useId();
  const [typed, setTyped] = useState("");

  const commit = (text = typed) => {
    const added = splitRecipients(text);
    if (added.length > 0) onChange([...value, ...added]);
    setTyped("");
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if ((event.key === "Enter" || event.key === "," || event.key === ";") && typed.trim()) {
      event.preventDefault();
      commit();
    } else if (event.key === "Backspace" && typed === "" && value.length > 0) {
      onChange(value.slice(0, -1));
    }
  };

  const onPaste = (event: ClipboardEvent<HTMLInputElement>) => {
    const text = event.clipboardData.getData("text");
    if (!/[,;\n]/.test(text)) return;
    event.preventDefault();
    commit(typed + text);
  };

  return (
    <div className="flex min-h-11 items-center gap-2 border-b border-slate-200 px-3 dark:border-slate-800">
      <label htmlFor={id} className="w-10 shrink-0 text-sm text-slate-500 dark:text-slate-400">
        {label}
      </label>
      <ul className="flex min-w-0 flex-1 flex-wrap items-center gap-1 py-1" aria-label={t("recipientList", { field: label })}>
        {value.map((recipient, index) => {
          const valid = isValidAddress(recipient.address);
          return (
            <li
              key={`${recipient.address}\0${index}`}
              title={valid ? recipient.address : t("invalidAddress", { address: recipient.address })}
              data-invalid={valid ? undefined : true}
              className={`inline-flex max-w-full items-center gap-1 rounded-full py-0.5 pr-1 pl-2.5 text-sm ${valid ? "bg-slate-100 dark:bg-slate-800" : "bg-red-100 text-red-800 ring-1 ring-red-400 dark:bg-red-950 dark:text-red-200"}`}
            >
              <span className="truncate">{recipient.name || recipient.address}</span>
              {!valid && <span className="sr-only">{t("invalidAddress", { address: recipient.address })}</span>}
              <button
                type="button"
                onClick={() => onChange(value.filter((_, other) => other !== index))}
                aria-label={t("removeRecipient", { recipient: formatAddress(recipient) })}
                className="inline-flex size-6 items-center justify-center rounded-full hover:bg-slate-200 dark:hover:bg-slate-700"
              >
                <X aria-hidden="true" className="size-3.5" />
              </button>
            </li>
          );
        })}
        <li className="min-w-32 flex-1">
          <input
            id={id}
            type="text"
            inputMode="email"
            autoComplete="off"
            autoFocus={autoFocus}
            value={typed}
            onChange={(event) => setTyped(event.target.value)}
            onKeyDown={onKeyDown}
            onPaste={onPaste}
            onBlur={() => commit()}
            className="h-9 w-full bg-transparent text-sm outline-none"
          />
        </li>
      </ul>
    </div>
  );
}
