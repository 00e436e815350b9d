// The reader's display preferences (theme, reading pane). They live in cookies rather than in
// localStorage because the server needs them to render the first paint right: the theme on <html>
// (no flash of the wrong colours) and where the reading pane sits (no layout shift).
// Shared by the server (app/layout.tsx, app/page.tsx) and the settings dialog; no server-only imports.

export const THEMES = ["system", "light", "dark"] as const;
export type Theme = (typeof THEMES)[number];

/** Beside the list, below it, or none: then a message opens in the list's place. */
export const READING_PANES = ["right", "bottom", "off"] as const;
export type ReadingPanePosition = (typeof READING_PANES)[number];

export interface Preferences {
  theme: Theme;
  readingPane: ReadingPanePosition;
}

export const PREFERENCE_COOKIES: Record<keyof Preferences, string> = {
  theme: "webmail-theme",
  readingPane: "webmail-reading-pane",
};

const CHOICES: { [K in keyof Preferences]: readonly Preferences[K][] } = { theme: THEMES, readingPane: READING_PANES };
const DEFAULTS: Preferences = { theme: "system", readingPane: "right" };

function choice<K extends keyof Preferences>(name: K, value: string | undefined): Preferences[K] {
  return CHOICES[name].find((candidate) => candidate === value) ?? DEFAULTS[name];
}

/** The preferences from the request's cookies; a missing or unknown value is the default. */
export function readPreferences(cookie: (name: string) => string | undefined): Preferences {
  return {
    theme: choice("theme", cookie(PREFERENCE_COOKIES.theme)),
    readingPane: choice("readingPane", cookie(PREFERENCE_COOKIES.readingPane)),
  };
}

/** The Set-Cookie words for document.cookie: a year, the whole site, not sent cross-site. */
export function preferenceCookie(name: string, value: string): string {
  return `${name}=${encodeURIComponent(value)}; Path=/; Max-Age=31536000; SameSite=Lax`;
}
