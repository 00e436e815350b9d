"use client";

// Theme and reading pane: cookies, so the next page renders right from its first paint.
import { useTranslations } from "next-intl";
import { READING_PANES, THEMES } from "@/lib/web/preferences";
import { Choice } from "./controls";
import { useSettings } from "./settings-context";

export function AppearanceSettings() {
  const t = useTranslations("Settings");
  const { preferences, setPreference } = useSettings();
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
    </>
  );
}
