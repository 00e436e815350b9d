"use client";

// How long a sent message waits, undoable, before it leaves.
import { useTranslations } from "next-intl";
import { MAX_UNDO_SEND_SECONDS } from "@/lib/user-agent/settings/types";
import { FIELD, Field, SaveStatus } from "./controls";
import { useSaveStatus, useSettings } from "./settings-context";

const DELAYS = [0, 5, 10, 20, MAX_UNDO_SEND_SECONDS];

export function SendingSettings() {
  const t = useTranslations("SettingsPage");
  const { view, saveSettings } = useSettings();
  const { status, run } = useSaveStatus();
  const current = view.settings.undoSendSeconds;
  // A value set elsewhere (the API takes any second from 0 to 30) is offered too.
  const delays = DELAYS.includes(current) ? DELAYS : [...DELAYS, current].sort((a, b) => a - b);
  return (
    <>
      <Field label={t("undoSend")} hint={t("undoSendHint")}>
        {(id) => (
          <select id={id} className={FIELD} value={current} onChange={(event) => void run(() => saveSettings({ undoSendSeconds: Number(event.target.value) }))}>
            {delays.map((seconds) => (
              <option key={seconds} value={seconds}>
                {seconds === 0 ? t("undoSendOff") : t("seconds", { count: seconds })}
              </option>
            ))}
          </select>
        )}
      </Field>
      <SaveStatus status={status} />
    </>
  );
}
