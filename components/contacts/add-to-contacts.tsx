"use client";

// "Add to contacts" in the reading pane: a menu of the message's people (sender first); choosing one
// adds them, or says they were already there.
import { UserPlus } from "lucide-react";
import { useTranslations } from "next-intl";
import { useState } from "react";
import type { Address } from "@/lib/user-agent/mail/types";
import { formatAddress } from "@/components/mail/format";
import { addAddress } from "./api";

export function AddToContacts({ people }: { people: Address[] }) {
  const t = useTranslations("Contacts");
  const [open, setOpen] = useState(false);
  const [said, setSaid] = useState<{ text: string; error: boolean } | null>(null);
  const unique = people.filter((person, index) => person.address && people.findIndex((other) => other.address.toLowerCase() === person.address.toLowerCase()) === index);
  if (unique.length === 0) return null;

  const add = (person: Address) => {
    setOpen(false);
    addAddress(person.name, person.address).then(
      (added) => setSaid({ text: t(added ? "added" : "alreadyThere", { address: person.address }), error: false }),
      (failure: unknown) => setSaid({ text: failure instanceof Error ? failure.message : String(failure), error: true }),
    );
  };

  return (
    <div className="relative">
      <button type="button" aria-expanded={open} onClick={() => setOpen(!open)} className="inline-flex min-h-11 items-center gap-2 rounded-lg border border-slate-200 px-3 text-sm hover:bg-slate-50 dark:border-slate-700 dark:hover:bg-slate-900">
        <UserPlus aria-hidden="true" className="size-4" />
        {t("addToContacts")}
      </button>
      {open && (
        <ul aria-label={t("addToContacts")} className="absolute left-0 z-20 mt-1 w-max max-w-[min(24rem,calc(100vw-2rem))] rounded-lg border border-slate-200 bg-white p-1 shadow-lg dark:border-slate-700 dark:bg-slate-900">
          {unique.map((person) => (
            <li key={person.address}>
              <button type="button" onClick={() => add(person)} aria-label={t("addPerson", { address: person.address })} className="flex min-h-11 w-full items-center rounded-md px-3 text-left text-sm break-all hover:bg-slate-100 dark:hover:bg-slate-800">
                {formatAddress(person)}
              </button>
            </li>
          ))}
        </ul>
      )}
      {said && (
        <p role={said.error ? "alert" : "status"} className={`mt-1 text-xs ${said.error ? "text-red-700 dark:text-red-400" : "text-slate-600 dark:text-slate-400"}`}>
          {said.text}
        </p>
      )}
    </div>
  );
}
