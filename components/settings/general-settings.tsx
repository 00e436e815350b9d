"use client";

// The name on sent mail (identities without their own) and the time zone dates are shown in.
import { useTranslations } from "next-intl";
import { useState, useSyncExternalStore, type FormEvent } from "react";
import { buttonStyles } from "@/components/mail/modal";
import { MAX_DISPLAY_NAME } from "@/lib/user-agent/settings/types";
import { FIELD, Field, SaveStatus } from "./controls";
import { useSaveStatus, useSettings } from "./settings-context";

const NONE: string[] = [];
let knownZones: string[] | null = null;

/** The zones this browser knows, listed once (a stable array for useSyncExternalStore). */
function timeZones(): string[] {
  try {
    knownZones ??= Intl.supportedValuesOf("timeZone");
  } catch {
    knownZones = NONE;
  }
  return knownZones;
}

const noSubscription = () => () => undefined;

export function GeneralSettings() {
  const t = useTranslations("SettingsPage");
  const { view, saveSettings } = useSettings();
  const { status, run } = useSaveStatus();
  const [name, setName] = useState(view.settings.displayName);
  const zones = useSyncExternalStore(noSubscription, timeZones, () => NONE);
  // The browser's zone is known only in the browser: the server renders the option without it.
  const browserZone = useSyncExternalStore(
    noSubscription,
    () => Intl.DateTimeFormat().resolvedOptions().timeZone,
    () => "",
  );

  function saveName(event: FormEvent) {
    event.preventDefault();
    void run(() => saveSettings({ displayName: name }));
  }

  return (
    <>
      <form onSubmit={saveName} className="flex flex-col gap-2">
        <Field label={t("displayName")} hint={t("displayNameHint")}>
          {(id) => (
            <div className="flex flex-col gap-2 sm:flex-row">
              <input id={id} className={FIELD} value={name} maxLength={MAX_DISPLAY_NAME} autoComplete="name" onChange={(event) => setName(event.target.value)} />
              <button type="submit" className={buttonStyles.primary}>
                {t("save")}
              </button>
            </div>
          )}
        </Field>
      </form>
      <Field label={t("timeZone")} hint={t("timeZoneHint")}>
        {(id) => (
          <select id={id} className={FIELD} value={view.settings.timeZone} onChange={(event) => void run(() => saveSettings({ timeZone: event.target.value }))}>
            <option value="">{t("browserTimeZone", { zone: browserZone })}</option>
            {(zones.includes(view.settings.timeZone) || !view.settings.timeZone ? zones : [view.settings.timeZone, ...zones]).map((zone) => (
              <option key={zone} value={zone}>
                {zone}
              </option>
            ))}
          </select>
        )}
      </Field>
      <SaveStatus status={status} />
    </>
  );
}
