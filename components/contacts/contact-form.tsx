"use client";

// One contact, edited: name, any number of addresses and phones each with a label, groups, notes.
import { Plus, Trash2, X } from "lucide-react";
import { useTranslations } from "next-intl";
import { useId, useState, type FormEvent } from "react";
import { buttonStyles } from "@/components/mail/modal";
import { LIMITS, type ContactInput, type ContactView, type GroupView, type LabelledValue } from "@/lib/user-agent/contacts/types";

const LABELS = ["", "home", "work", "mobile", "other"] as const;
const FIELD = "min-h-11 w-full rounded-lg border border-slate-300 bg-white px-3 text-sm dark:border-slate-700 dark:bg-slate-950";
const ICON_BUTTON = "inline-flex size-11 shrink-0 items-center justify-center rounded-lg text-slate-600 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800";

function ValueList({ legend, fieldLabel, addLabel, type, values, max, onChange }: { legend: string; fieldLabel: string; addLabel: string; type: "email" | "tel"; values: LabelledValue[]; max: number; onChange: (next: LabelledValue[]) => void }) {
  const t = useTranslations("Contacts");
  const set = (index: number, change: Partial<LabelledValue>) => onChange(values.map((entry, other) => (other === index ? { ...entry, ...change } : entry)));
  return (
    <fieldset className="space-y-2">
      <legend className="mb-1 text-sm font-medium">{legend}</legend>
      {values.map((entry, index) => (
        <div key={index} className="flex gap-2">
          <input type={type} aria-label={`${fieldLabel} ${index + 1}`} value={entry.value} maxLength={type === "email" ? LIMITS.address : LIMITS.phone} onChange={(event) => set(index, { value: event.target.value })} className={FIELD} />
          <select aria-label={t("label")} value={entry.label} onChange={(event) => set(index, { label: event.target.value })} className="min-h-11 rounded-lg border border-slate-300 bg-white px-2 text-sm dark:border-slate-700 dark:bg-slate-950">
            {LABELS.map((label) => (
              <option key={label} value={label}>
                {t(`labels.${label || "none"}`)}
              </option>
            ))}
          </select>
          <button type="button" aria-label={t("remove", { what: entry.value || `${fieldLabel} ${index + 1}` })} onClick={() => onChange(values.filter((_, other) => other !== index))} className={ICON_BUTTON}>
            <X aria-hidden="true" className="size-4" />
          </button>
        </div>
      ))}
      {values.length < max && (
        <button type="button" onClick={() => onChange([...values, { value: "", label: "" }])} className={`${buttonStyles.quiet} gap-2`}>
          <Plus aria-hidden="true" className="size-4" />
          {addLabel}
        </button>
      )}
    </fieldset>
  );
}

export function ContactForm({ contact, groups, onSave, onDelete, onCancel }: { contact: ContactView | null; groups: GroupView[]; onSave: (input: ContactInput) => Promise<void>; onDelete: (() => void) | null; onCancel: () => void }) {
  const t = useTranslations("Contacts");
  const id = useId();
  const [draft, setDraft] = useState<ContactInput>(() => contact ?? { name: "", emails: [{ value: "", label: "" }], phones: [], notes: "", groups: [] });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    onSave({ ...draft, emails: draft.emails.filter((email) => email.value.trim()), phones: draft.phones.filter((phone) => phone.value.trim()) })
      .catch((failure: unknown) => setError(failure instanceof Error ? failure.message : String(failure)))
      .finally(() => setBusy(false));
  };
  const toggleGroup = (name: string, on: boolean) => setDraft((state) => ({ ...state, groups: on ? [...state.groups, name] : state.groups.filter((group) => group !== name) }));

  return (
    <form onSubmit={submit} aria-label={t("editor")} className="space-y-5 p-4 sm:p-6">
      <div className="space-y-1">
        <label htmlFor={`${id}-name`} className="text-sm font-medium">
          {t("name")}
        </label>
        <input id={`${id}-name`} value={draft.name} maxLength={LIMITS.name} autoFocus onChange={(event) => setDraft({ ...draft, name: event.target.value })} className={FIELD} />
      </div>
      <ValueList legend={t("addresses")} fieldLabel={t("address")} addLabel={t("addAddress")} type="email" values={draft.emails} max={LIMITS.emailsPerContact} onChange={(emails) => setDraft({ ...draft, emails })} />
      <ValueList legend={t("phones")} fieldLabel={t("phone")} addLabel={t("addPhone")} type="tel" values={draft.phones} max={LIMITS.phonesPerContact} onChange={(phones) => setDraft({ ...draft, phones })} />
      {groups.length > 0 && (
        <fieldset>
          <legend className="mb-1 text-sm font-medium">{t("memberOf")}</legend>
          <div className="flex flex-wrap gap-x-4">
            {groups.map((group) => (
              <label key={group.id} className="inline-flex min-h-11 items-center gap-2 text-sm">
                <input type="checkbox" className="size-4" checked={draft.groups.includes(group.name)} onChange={(event) => toggleGroup(group.name, event.target.checked)} />
                {group.name}
              </label>
            ))}
          </div>
        </fieldset>
      )}
      <div className="space-y-1">
        <label htmlFor={`${id}-notes`} className="text-sm font-medium">
          {t("notes")}
        </label>
        <textarea id={`${id}-notes`} value={draft.notes} maxLength={LIMITS.notes} rows={4} onChange={(event) => setDraft({ ...draft, notes: event.target.value })} className={`${FIELD} py-2`} />
      </div>
      {error && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          {error}
        </p>
      )}
      <div className="flex flex-wrap gap-2">
        <button type="submit" disabled={busy} className={buttonStyles.primary}>
          {t("save")}
        </button>
        <button type="button" onClick={onCancel} className={buttonStyles.quiet}>
          {t("cancel")}
        </button>
        <span className="flex-1" />
        {onDelete && (
          <button type="button" onClick={onDelete} className={`${buttonStyles.quiet} gap-2 text-red-700 dark:text-red-400`}>
            <Trash2 aria-hidden="true" className="size-4" />
            {t("delete")}
          </button>
        )}
      </div>
    </form>
  );
}
