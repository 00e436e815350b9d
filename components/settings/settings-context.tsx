"use client";

// What every Settings section may need, handed down once by the page: who is signed in, the display
// preferences kept in cookies (applied at once, like the mail page does), and the settings kept on the
// server, with the calls that change them.
import { useTranslations } from "next-intl";
import { createContext, useCallback, useContext, useState, type ReactNode } from "react";
import { usePreferences, type SetPreference } from "@/components/mail/use-preferences";
import type { SettingsView } from "@/lib/user-agent/settings/view";
import type { Identity, UserSettings } from "@/lib/user-agent/settings/types";
import type { Preferences } from "@/lib/web/preferences";

/** null when done, else the words of what went wrong. */
export type Outcome = string | null;

export interface SettingsContextValue {
  address: string;
  preferences: Preferences;
  setPreference: SetPreference;
  view: SettingsView;
  saveSettings: (change: Partial<UserSettings>) => Promise<Outcome>;
  saveIdentity: (identity: Identity) => Promise<Outcome>;
  setTrustedSenders: (senders: string[]) => void;
}

const SettingsContext = createContext<SettingsContextValue | null>(null);

/** A JSON request of the settings routes: the answer's body, or the words of its error. */
export async function settingsRequest<T>(method: "PATCH" | "PUT" | "POST", url: string, body: unknown, noAnswer: string): Promise<{ ok: true; data: T } | { ok: false; error: string }> {
  try {
    const response = await fetch(url, { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body), cache: "no-store" });
    const data: unknown = await response.json().catch(() => null);
    if (response.ok) return { ok: true, data: data as T };
    const error = typeof data === "object" && data !== null && "error" in data && typeof data.error === "string" ? data.error : noAnswer;
    return { ok: false, error };
  } catch {
    return { ok: false, error: noAnswer };
  }
}

export function SettingsProvider({ address, initialPreferences, initialView, children }: { address: string; initialPreferences: Preferences; initialView: SettingsView; children: ReactNode }) {
  const common = useTranslations("Common");
  const [preferences, setPreference] = usePreferences(initialPreferences);
  const [view, setView] = useState(initialView);
  const noAnswer = common("noAnswer");

  const saveSettings = useCallback(
    async (change: Partial<UserSettings>) => {
      // Shown as chosen at once; put back if the server refuses it.
      const before = view.settings;
      setView((current) => ({ ...current, settings: { ...current.settings, ...change } }));
      const answer = await settingsRequest<{ settings: UserSettings }>("PATCH", "/api/settings", change, noAnswer);
      if (!answer.ok) {
        setView((current) => ({ ...current, settings: before }));
        return answer.error;
      }
      setView((current) => ({ ...current, settings: answer.data.settings }));
      return null;
    },
    [noAnswer, view.settings],
  );
  const saveIdentity = useCallback(
    async (identity: Identity) => {
      const answer = await settingsRequest<{ identities: Identity[] }>("PUT", "/api/settings/identities", identity, noAnswer);
      if (!answer.ok) return answer.error;
      setView((current) => ({ ...current, identities: answer.data.identities }));
      return null;
    },
    [noAnswer],
  );
  const setTrustedSenders = useCallback((senders: string[]) => setView((current) => ({ ...current, trustedSenders: senders })), []);

  return <SettingsContext value={{ address, preferences, setPreference, view, saveSettings, saveIdentity, setTrustedSenders }}>{children}</SettingsContext>;
}

export function useSettings(): SettingsContextValue {
  const value = useContext(SettingsContext);
  if (!value) throw new Error("useSettings outside the Settings page");
  return value;
}

export type SaveState = { kind: "idle" | "saving" | "saved" } | { kind: "error"; error: string };

/** A save in progress or done: run() shows "Saving…", then "Saved" or the error (see SaveStatus). */
export function useSaveStatus(): { status: SaveState; run: (save: () => Promise<Outcome>) => Promise<boolean> } {
  const [status, setStatus] = useState<SaveState>({ kind: "idle" });
  const run = useCallback(async (save: () => Promise<Outcome>) => {
    setStatus({ kind: "saving" });
    const error = await save();
    setStatus(error === null ? { kind: "saved" } : { kind: "error", error });
    return error === null;
  }, []);
  return { status, run };
}
