"use client";

// A To, Cc or Bcc field: each address a chip, typed ones become chips at Enter, comma, semicolon or when
// the field is left; a chip whose address cannot be mailed is marked before anything is sent. While
// typing, the address book suggests contacts, groups (which stand for their members) and recent
// correspondents: ↑/↓ or the mouse choose, Enter or Tab take one. A complete address typed as it is
// stays as typed unless ↑/↓ chose a suggestion.
import { Clock, Users, UserRound, X } from "lucide-react";
import { useTranslations } from "next-intl";
import { useId, useState, type ClipboardEvent, type KeyboardEvent } from "react";
import { isValidAddress, parseRecipient } from "@/lib/user-agent/compose/types";
import type { Suggestion } from "@/lib/user-agent/contacts/types";
import type { Address } from "@/lib/user-agent/mail/types";
import { formatAddress } from "@/components/mail/format";
import { useRecipientSuggestions } from "./use-recipient-suggestions";

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
  const words = useTranslations("Contacts");
  const id = useId();
  const [typed, setTyped] = useState("");
  const offered = useRecipientSuggestions(typed);
  const open = offered.suggestions.length > 0;

  const commit = (text = typed) => {
    // A group's name typed in full stands for its members.
    const group = offered.suggestions.find((suggestion) => suggestion.kind === "group" && suggestion.name.toLowerCase() === text.trim().toLowerCase());
    const added = group?.kind === "group" ? group.members : splitRecipients(text);
    if (added.length > 0) onChange([...value, ...added]);
    setTyped("");
    offered.close();
  };

  const take = (suggestion: Suggestion) => {
    onChange([...value, ...(suggestion.kind === "group" ? suggestion.members : [{ name: suggestion.name, address: suggestion.address }])]);
    setTyped("");
    offered.close();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (open && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
      event.preventDefault();
      offered.move(event.key === "ArrowDown" ? 1 : -1);
    } else if (open && event.key === "Escape") {
      // Closes the list only; a second Escape reaches the composer.
      event.preventDefault();
      event.stopPropagation();
      offered.close();
    } else if (open && (event.key === "Enter" || event.key === "Tab") && offered.active >= 0 && (offered.chosen || !isValidAddress(parseRecipient(typed).address))) {
      event.preventDefault();
      take(offered.suggestions[offered.active]);
    } else if ((event.key === "Enter" || event.key === "," || event.key === ";") && typed.trim()) {
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
    <div className="relative flex min-h-11 items-center gap-2 border-b border-slate-200 px-3 dark:border-slate-800">
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
            role="combobox"
            aria-expanded={open}
            aria-controls={`${id}-suggestions`}
            aria-autocomplete="list"
            aria-activedescendant={open && offered.active >= 0 ? `${id}-suggestion-${offered.active}` : undefined}
            value={typed}
            onChange={(event) => setTyped(event.target.value)}
            onKeyDown={onKeyDown}
            onPaste={onPaste}
            onBlur={() => commit()}
            className="h-9 w-full bg-transparent text-sm outline-none"
          />
        </li>
      </ul>
      {open && (
        <ul id={`${id}-suggestions`} role="listbox" aria-label={words("suggestions")} className="absolute top-full right-0 left-0 z-20 mt-px max-h-80 overflow-y-auto rounded-b-lg border border-slate-200 bg-white py-1 shadow-lg sm:left-12 dark:border-slate-700 dark:bg-slate-900">
          {offered.suggestions.map((suggestion, index) => (
            <SuggestionOption key={`${suggestion.kind}\0${suggestion.kind === "group" ? suggestion.id : suggestion.address}`} id={`${id}-suggestion-${index}`} suggestion={suggestion} active={index === offered.active} onTake={() => take(suggestion)} />
          ))}
        </ul>
      )}
    </div>
  );
}

function SuggestionOption({ id, suggestion, active, onTake }: { id: string; suggestion: Suggestion; active: boolean; onTake: () => void }) {
  const words = useTranslations("Contacts");
  const Icon = suggestion.kind === "group" ? Users : suggestion.kind === "recent" ? Clock : UserRound;
  const detail = suggestion.kind === "group" ? words("group", { count: suggestion.members.length }) : suggestion.address;
  return (
    <li
      id={id}
      role="option"
      aria-selected={active}
      // mousedown, not click: the field must keep focus, or leaving it would first make a chip of the typed text.
      onMouseDown={(event) => {
        event.preventDefault();
        onTake();
      }}
      title={suggestion.kind === "recent" ? words("recent") : undefined}
      className={`flex min-h-11 cursor-pointer items-center gap-3 px-3 text-sm ${active ? "bg-indigo-50 dark:bg-indigo-950" : "hover:bg-slate-50 dark:hover:bg-slate-800"}`}
    >
      <Icon aria-hidden="true" className="size-4 shrink-0 text-slate-400" />
      <span className="min-w-0 flex-1 truncate">
        {suggestion.name && <span className="font-medium">{suggestion.name} </span>}
        <span className="text-slate-500 dark:text-slate-400">{suggestion.name && suggestion.kind !== "group" ? `<${detail}>` : detail}</span>
      </span>
    </li>
  );
}
