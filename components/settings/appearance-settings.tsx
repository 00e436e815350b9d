"use client";

// Theme and reading pane are cookies, so the next page renders right from its first paint; list density
// and page size follow the user to other devices (server-side).
import { useTranslations } from "next-intl";
import { DENSITIES, PAGE_SIZES } from "@/lib/user-agent/settings/types";
import { READING_PANES, THEMES } from "@/lib/web/preferences";
import { Choice, FIELD, Field, SaveStatus } from "./controls";
import { useSaveStatus, useSettings } from "./settings-context";

export function AppearanceSettings() {
  const t = useTranslations("Settings");
  const page = useTranslations("SettingsPage");
  const { preferences, setPreference, view, saveSettings } = useSettings();
  const { status, run } = useSaveStatus();
  return (
    <>
      <Choice legend={t("theme")} name="theme" values={THEMES} label={(theme) => t(`themes.${theme}`)} value={preferences.theme} onChange={(theme) => setPreference("theme", theme)} />
      <Choice
        legend={t("readingPane")}
        hint={t("readingPaneHint")}
        name="reading-pane"
        values={READING_PANES}
        label={(position) => t(`panes.${position}`)}
        value={preferences.readingPane}
        onChange={(position) => setPreference("readingPane", position)}
      />
      <Choice
        legend={page("density")}
        name="density"
        values={DENSITIES}
        label={(density) => page(`densities.${density}`)}
        value={view.settings.density}
        onChange={(density) => void run(() => saveSettings({ density }))}
      />
      <Field label={page("pageSize")} hint={page("pageSizeHint")}>
        {(id) => (
          <select id={id} className={FIELD} value={view.settings.pageSize} onChange={(event) => void run(() => saveSettings({ pageSize: Number(event.target.value) }))}>
            {PAGE_SIZES.map((size) => (
              <option key={size} value={size}>
                {size}
              </option>
            ))}
          </select>
        )}
      </Field>
      <SaveStatus status={status} />
    </>
  );
}
