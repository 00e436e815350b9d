"use client";

// The addresses the user writes from (the account and its aliases), each with its name and signature,
// and which one new messages start with.
import { useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";
import { buttonStyles } from "@/components/mail/modal";
import { MAX_DISPLAY_NAME, MAX_SIGNATURE, type Identity } from "@/lib/user-agent/settings/types";
import { FIELD, Field, HINT, SaveStatus } from "./controls";
import { useSaveStatus, useSettings } from "./settings-context";

function IdentityForm({ identity }: { identity: Identity }) {
  const t = useTranslations("SettingsPage");
  const { saveIdentity } = useSettings();
  const { status, run } = useSaveStatus();
  const [draft, setDraft] = useState(identity);
  // Being the default is the server's to say (choosing another takes it from this one).
  const [makeDefault, setMakeDefault] = useState(false);
  const isDefault = identity.isDefault || makeDefault;

  function save(event: FormEvent) {
    event.preventDefault();
    void run(async () => {
      const outcome = await saveIdentity({ ...draft, isDefault });
      // Saved: from now on the server's list says which one is the default.
      if (outcome === null) setMakeDefault(false);
      return outcome;
    });
  }

  return (
    <form onSubmit={save} role="group" aria-label={identity.address} className="flex flex-col gap-3 rounded-lg border border-slate-200 p-3 dark:border-slate-800">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <span className="min-w-0 truncate text-sm font-medium">{identity.address}</span>
        <label className="flex min-h-11 items-center gap-2 text-sm md:min-h-9">
          <input
            type="checkbox"
            className="size-4 accent-indigo-600"
            checked={isDefault}
            // The default is moved, not removed: another identity is chosen instead.
            disabled={identity.isDefault}
            onChange={(event) => setMakeDefault(event.target.checked)}
          />
          {t("defaultIdentity")}
        </label>
      </div>
      <Field label={t("identityName")}>
        {(id) => <input id={id} className={FIELD} value={draft.displayName} maxLength={MAX_DISPLAY_NAME} onChange={(event) => setDraft({ ...draft, displayName: event.target.value })} />}
      </Field>
      <Field label={t("signature")} hint={draft.signatureHtml ? t("signatureHtmlHint") : undefined}>
        {(id) => (
          <textarea
            id={id}
            rows={4}
            className={`${FIELD} py-2 font-mono`}
            value={draft.signature}
            maxLength={MAX_SIGNATURE}
            onChange={(event) => setDraft({ ...draft, signature: event.target.value })}
          />
        )}
      </Field>
      <label className="flex min-h-11 items-center gap-2 text-sm md:min-h-9">
        <input type="checkbox" className="size-4 accent-indigo-600" checked={draft.signatureHtml} onChange={(event) => setDraft({ ...draft, signatureHtml: event.target.checked })} />
        {t("signatureIsHtml")}
      </label>
      <div className="flex flex-wrap items-center gap-3">
        <button type="submit" className={buttonStyles.primary}>
          {t("save")}
        </button>
        <SaveStatus status={status} />
      </div>
    </form>
  );
}

export function IdentitiesSettings() {
  const t = useTranslations("SettingsPage");
  const { view } = useSettings();
  return (
    <>
      <p className={HINT}>{t("identitiesHint")}</p>
      {view.identities.map((identity) => (
        <IdentityForm key={identity.address} identity={identity} />
      ))}
    </>
  );
}
