"use client";

// Settings reached from the header: how the webmail looks and speaks. Each choice applies at once and is kept.
import { useLocale, useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { LOCALE_COOKIE, LOCALE_NAMES, LOCALES } from "@/lib/web/i18n/locales";
import { preferenceCookie, READING_PANES, THEMES, type Preferences } from "@/lib/web/preferences";
import { ExternalAccounts } from "@/components/settings/external-accounts";
import { Modal, buttonStyles } from "./modal";
import type { SetPreference } from "./use-preferences";

function Choice<V extends string>({
  legend,
  hint,
  name,
  values,
  label,
  value,
  onChange,
}: {
  legend: string;
  hint?: string;
  name: string;
  values: readonly V[];
  label: (value: V) => string;
  value: V;
  onChange: (value: V) => void;
}) {
  return (
    <fieldset className="flex flex-col gap-1">
      <legend className="mb-1 text-sm font-medium">{legend}</legend>
      {hint && <p className="mb-1 text-xs text-slate-500 dark:text-slate-400">{hint}</p>}
      {values.map((option) => (
        <label key={option} className="flex min-h-11 cursor-pointer items-center gap-3 rounded-lg px-2 text-sm hover:bg-slate-100 md:min-h-9 dark:hover:bg-slate-800">
          <input
            type="radio"
            name={name}
            value={option}
            checked={value === option}
            onChange={() => onChange(option)}
            className="size-4 accent-indigo-600 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
          />
          {label(option)}
        </label>
      ))}
    </fieldset>
  );
}

export function SettingsDialog({ preferences, onChange, onClose, onShortcuts }: { preferences: Preferences; onChange: SetPreference; onClose: () => void; onShortcuts: () => void }) {
  const t = useTranslations("Settings");
  const router = useRouter();
  // Shown as chosen at once; the words follow when the server has rendered the page in that language.
  const [language, setLanguage] = useState(useLocale());
  return (
    <Modal title={t("title")} onClose={onClose}>
      <Choice legend={t("theme")} name="theme" values={THEMES} label={(theme) => t(`themes.${theme}`)} value={preferences.theme} onChange={(theme) => onChange("theme", theme)} />
      <Choice
        legend={t("readingPane")}
        hint={t("readingPaneHint")}
        name="reading-pane"
        values={READING_PANES}
        label={(position) => t(`panes.${position}`)}
        value={preferences.readingPane}
        onChange={(position) => onChange("readingPane", position)}
      />
      <Choice
        legend={t("language")}
        name="language"
        values={LOCALES}
        label={(option) => LOCALE_NAMES[option]}
        value={language}
        onChange={(option) => {
          setLanguage(option);
          document.cookie = preferenceCookie(LOCALE_COOKIE, option);
          // The server renders the page again in the new language; what is open stays open.
          router.refresh();
        }}
      />
      <ExternalAccounts />
      <div className="flex flex-wrap items-center justify-between gap-2">
        <button type="button" className={buttonStyles.quiet} onClick={onShortcuts}>
          {t("shortcuts")} <kbd className="ml-1 font-mono text-xs text-slate-500">?</kbd>
        </button>
        <button type="button" className={buttonStyles.primary} onClick={onClose}>
          {t("done")}
        </button>
      </div>
    </Modal>
  );
}
