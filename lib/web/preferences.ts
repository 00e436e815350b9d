// The reader's display preferences (theme for now). They live in cookies rather than in
// localStorage because the server needs them to render the first paint right: the theme on <html>
// (no flash of the wrong colours).
// Shared by the server (app/layout.tsx, app/page.tsx) and the settings dialog; no server-only imports.

export const THEMES = ["system", "light", "dark"] as const;
export type Theme = (typeof THEMES)[number];

export interface Preferences {
  theme: Theme;
}

export const PREFERENCE_COOKIES: Record<keyof Preferences, string> = {
  theme: "webmail-theme",
};

const CHOICES: { [K in keyof Preferences]: readonly Preferences[K][] } = { theme: THEMES };
const DEFAULTS: Preferences = { theme: "system" };

function choice<K extends keyof Preferences>(name: K, value: string | undefined): Preferences[K] {
  return CHOICES[name].find((candidate) => candidate === value) ?? DEFAULTS[name];
}

/** The preferences from the request's cookies; a missing or unknown value is the default. */
export function readPreferences(cookie: (name: string) => string | undefined): Preferences {
  return { theme: choice("theme", cookie(PREFERENCE_COOKIES.theme)) };
}

/** The Set-Cookie words for document.cookie: a year, the whole site, not sent cross-site. */
export function preferenceCookie(name: string, value: string): string {
  return `${name}=${encodeURIComponent(value)}; Path=/; Max-Age=31536000; SameSite=Lax`;
}
