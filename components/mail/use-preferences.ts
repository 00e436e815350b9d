"use client";

// The display preferences while the page is open: the server's values at first, then the reader's
// changes, each written to its cookie for the next page load and applied at once.
import { useCallback, useState } from "react";
import { PREFERENCE_COOKIES, preferenceCookie, type Preferences } from "@/lib/web/preferences";

export type SetPreference = <K extends keyof Preferences>(name: K, value: Preferences[K]) => void;

export function usePreferences(initial: Preferences): [Preferences, SetPreference] {
  const [preferences, setPreferences] = useState(initial);
  const set = useCallback<SetPreference>((name, value) => {
    document.cookie = preferenceCookie(PREFERENCE_COOKIES[name], value);
    // The root layout renders this attribute from the cookie; until the next load it is set here.
    if (name === "theme") document.documentElement.dataset.theme = value;
    setPreferences((current) => ({ ...current, [name]: value }));
  }, []);
  return [preferences, set];
}
