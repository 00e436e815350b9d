"use client";

// The user's server-side settings (time zone, list density, page size…) for the mail page's components,
// given once by the page; outside a provider (tests, other pages) the defaults hold.
import { createContext, useContext, type ReactNode } from "react";
import { DEFAULT_SETTINGS, type UserSettings } from "@/lib/user-agent/settings/types";

const UserSettingsContext = createContext<UserSettings>(DEFAULT_SETTINGS);

export function UserSettingsProvider({ settings, children }: { settings: UserSettings; children: ReactNode }) {
  return <UserSettingsContext value={settings}>{children}</UserSettingsContext>;
}

export function useUserSettings(): UserSettings {
  return useContext(UserSettingsContext);
}

/** A message row's height in the list, by density. */
export function rowHeight(density: UserSettings["density"]): number {
  return density === "compact" ? 52 : 72;
}
