// The languages of the webmail's own words, and how one is chosen: the reader's choice in Settings (a
// cookie), else the browser's Accept-Language, else English. Shared by the server and the settings dialog.

export const LOCALES = ["en", "zh-CN"] as const;
export type AppLocale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: AppLocale = "en";
export const LOCALE_COOKIE = "webmail-locale";

/** Each language named in itself, as language pickers do, so anyone can find their own. */
export const LOCALE_NAMES: Record<AppLocale, string> = { en: "English", "zh-CN": "简体中文" };

export function isLocale(value: string | undefined): value is AppLocale {
  return LOCALES.some((locale) => locale === value);
}

// zh, zh-CN, zh-SG and any zh-Hans tag read Simplified Chinese; zh-TW, zh-HK and zh-Hant do not.
const SIMPLIFIED_CHINESE = /^zh(-cn|-sg|-hans(-[a-z0-9]+)*)?$/;

/** The first language of an Accept-Language header, by weight and then by order, that the webmail speaks. */
export function negotiateLocale(acceptLanguage: string | null): AppLocale {
  const ranges = (acceptLanguage ?? "")
    .split(",")
    .map((range, order) => {
      const [tag = "", ...parameters] = range.split(";").map((part) => part.trim());
      const weight = parameters.find((parameter) => /^q=/i.test(parameter));
      return { tag: tag.toLowerCase(), q: weight ? Number(weight.slice(2)) : 1, order };
    })
    .filter((range) => range.tag !== "" && range.q > 0)
    .sort((a, b) => b.q - a.q || a.order - b.order);
  for (const { tag } of ranges) {
    if (tag === "en" || tag.startsWith("en-")) return "en";
    if (SIMPLIFIED_CHINESE.test(tag)) return "zh-CN";
  }
  return DEFAULT_LOCALE;
}
