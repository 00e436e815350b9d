"use client";

// Changing the account's password (the bundled server's accounts; elsewhere the provider's business).
// The session goes on with the new password: the server seals it into the session cookie.
import { useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";
import { buttonStyles } from "@/components/mail/modal";
import { FIELD, Field, HINT, SaveStatus } from "./controls";
import { settingsRequest, useSaveStatus, useSettings } from "./settings-context";

export function PasswordSettings() {
  const t = useTranslations("SettingsPage");
  const common = useTranslations("Common");
  const { view } = useSettings();
  const { status, run } = useSaveStatus();
  const [fields, setFields] = useState({ current: "", next: "", again: "" });

  if (!view.passwordChange) return <p className="text-sm">{t("passwordElsewhere")}</p>;

  function change(event: FormEvent) {
    event.preventDefault();
    void run(async () => {
      if (fields.next !== fields.again) return t("passwordsDiffer");
      const answer = await settingsRequest("POST", "/api/settings/password", { currentPassword: fields.current, newPassword: fields.next }, common("noAnswer"));
      if (!answer.ok) return answer.error;
      setFields({ current: "", next: "", again: "" });
      return null;
    });
  }

  function input(name: keyof typeof fields, autoComplete: string) {
    return function PasswordInput(id: string) {
      return <input id={id} type="password" required autoComplete={autoComplete} className={FIELD} value={fields[name]} onChange={(event) => setFields({ ...fields, [name]: event.target.value })} />;
    };
  }
  return (
    <form onSubmit={change} className="flex flex-col gap-3">
      <p className={HINT}>{t("passwordHint")}</p>
      <Field label={t("currentPassword")}>{input("current", "current-password")}</Field>
      <Field label={t("newPassword")}>{input("next", "new-password")}</Field>
      <Field label={t("newPasswordAgain")}>{input("again", "new-password")}</Field>
      <div className="flex flex-wrap items-center gap-3">
        <button type="submit" className={buttonStyles.primary} disabled={status.kind === "saving"}>
          {t("changePassword")}
        </button>
        <SaveStatus status={status} savedText={t("passwordChanged")} />
      </div>
    </form>
  );
}
