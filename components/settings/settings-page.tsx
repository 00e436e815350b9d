"use client";

// The Settings page: one column of sections, each its own component under components/settings/ with a
// stable anchor (/settings#identities). Wide screens list the sections beside them.
import { ArrowLeft } from "lucide-react";
import Link from "next/link";
import { useTranslations, type MessageKeys, type Messages, type NestedKeyOf } from "next-intl";
import type { ComponentType } from "react";
import { SignOutButton } from "@/components/auth/sign-out-button";
import type { SettingsView } from "@/lib/user-agent/settings/view";
import type { Preferences } from "@/lib/web/preferences";
import { AccountSettings } from "./account-settings";
import { AppearanceSettings } from "./appearance-settings";
import { ClientSettingsSection } from "./client-settings";
import { ExternalAccounts } from "./external-accounts";
import { GeneralSettings } from "./general-settings";
import { IdentitiesSettings } from "./identities-settings";
import { LanguageSettings } from "./language-settings";
import { RulesSettings } from "./rules-settings";
import { PasswordSettings } from "./password-settings";
import { ReadingSettings } from "./reading-settings";
import { SendingSettings } from "./sending-settings";
import { SettingsProvider } from "./settings-context";

interface SettingsSection {
  /** The anchor: /settings#id. Keep it once published, links point at it. */
  id: string;
  /** The heading's message key, in any namespace ("Contacts.title"). */
  title: MessageKeys<Messages, NestedKeyOf<Messages>>;
  /** Reads what it needs from useSettings(). */
  Component: ComponentType;
}

/** The sections in page order. Adding one is a component under components/settings/ and a line here. */
const SECTIONS: SettingsSection[] = [
  { id: "general", title: "SettingsPage.general", Component: GeneralSettings },
  { id: "language", title: "Settings.language", Component: LanguageSettings },
  { id: "identities", title: "SettingsPage.identities", Component: IdentitiesSettings },
  { id: "appearance", title: "SettingsPage.appearance", Component: AppearanceSettings },
  { id: "reading", title: "SettingsPage.reading", Component: ReadingSettings },
  { id: "sending", title: "SettingsPage.sending", Component: SendingSettings },
  { id: "password", title: "SettingsPage.password", Component: PasswordSettings },
  { id: "account", title: "Account.title", Component: AccountSettings },
  { id: "other-accounts", title: "SettingsPage.otherAccounts", Component: ExternalAccounts },
  { id: "rules", title: "Rules.title", Component: RulesSettings },
  { id: "clients", title: "Clients.title", Component: ClientSettingsSection },
];

export function SettingsPage({ address, initialPreferences, initialView, back = "/" }: { address: string; initialPreferences: Preferences; initialView: SettingsView; back?: string }) {
  const t = useTranslations("Settings");
  const words = useTranslations();
  return (
    <SettingsProvider address={address} initialPreferences={initialPreferences} initialView={initialView}>
      <div className="flex min-h-dvh flex-col">
        <header className="sticky top-0 z-10 flex h-14 shrink-0 items-center gap-2 border-b border-slate-200 bg-white/95 px-2 backdrop-blur sm:px-4 dark:border-slate-800 dark:bg-slate-900/95">
          <Link href={back} aria-label={t("backToMail")} title={t("backToMail")} className="inline-flex size-11 items-center justify-center rounded-lg hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-600 dark:hover:bg-slate-800">
            <ArrowLeft aria-hidden="true" className="size-5" />
          </Link>
          <h1 id="settings-title" className="flex-1 truncate text-lg font-semibold">
            {t("title")}
          </h1>
          <span className="hidden truncate text-sm text-slate-600 sm:inline dark:text-slate-400">{address}</span>
          <Link href={back} className="inline-flex min-h-11 items-center rounded-lg bg-indigo-600 px-4 text-sm font-medium text-white hover:bg-indigo-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 md:min-h-9">
            {t("done")}
          </Link>
          <SignOutButton />
        </header>
        <div className="mx-auto flex w-full max-w-5xl flex-1 gap-8 px-4 py-6 sm:px-6">
          <nav aria-label={t("sections")} className="sticky top-20 hidden w-48 shrink-0 self-start md:block">
            <ul className="flex flex-col gap-1">
              {SECTIONS.map((section) => (
                <li key={section.id}>
                  <a href={`#${section.id}`} className="block rounded-lg px-3 py-2 text-sm text-slate-700 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800">
                    {words(section.title)}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          <main aria-labelledby="settings-title" className="flex min-w-0 flex-1 flex-col gap-6">
            {SECTIONS.map(({ id, title, Component }) => (
              <section key={id} id={id} aria-labelledby={`${id}-title`} className="flex scroll-mt-20 flex-col gap-4 rounded-xl border border-slate-200 bg-white p-4 sm:p-5 dark:border-slate-800 dark:bg-slate-900">
                <h2 id={`${id}-title`} className="text-base font-semibold">
                  {words(title)}
                </h2>
                <Component />
              </section>
            ))}
          </main>
        </div>
      </div>
    </SettingsProvider>
  );
}
