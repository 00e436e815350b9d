"use client";

// What every Settings section may need, handed down once by the page: who is signed in and the display
// preferences kept in cookies (applied at once, like the mail page does).
import { createContext, useContext, type ReactNode } from "react";
import { usePreferences, type SetPreference } from "@/components/mail/use-preferences";
import type { Preferences } from "@/lib/web/preferences";

export interface SettingsContextValue {
  address: string;
  preferences: Preferences;
  setPreference: SetPreference;
}

const SettingsContext = createContext<SettingsContextValue | null>(null);

export function SettingsProvider({ address, initialPreferences, children }: { address: string; initialPreferences: Preferences; children: ReactNode }) {
  const [preferences, setPreference] = usePreferences(initialPreferences);
  return <SettingsContext value={{ address, preferences, setPreference }}>{children}</SettingsContext>;
}

export function useSettings(): SettingsContextValue {
  const value = useContext(SettingsContext);
  if (!value) throw new Error("useSettings outside the Settings page");
  return value;
}
