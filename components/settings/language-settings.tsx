"use client";

// The UI's language: a cookie the server reads, then the page is rendered again in it.
import { useLocale, useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { LOCALE_COOKIE, LOCALE_NAMES, LOCALES } from "@/lib/web/i18n/locales";
import { preferenceCookie } from "@/lib/web/preferences";
import { Choice } from "./controls";

export function LanguageSettings() {
  const t = useTranslations("Settings");
  const router = useRouter();
  // Shown as chosen at once; the words follow when the server has rendered the page in that language.
  const [language, setLanguage] = useState(useLocale());
  return (
    <Choice
      legend={t("language")}
      name="language"
      values={LOCALES}
      label={(option) => LOCALE_NAMES[option]}
      value={language}
      onChange={(option) => {
        setLanguage(option);
        document.cookie = preferenceCookie(LOCALE_COOKIE, option);
        router.refresh();
      }}
    />
  );
}
