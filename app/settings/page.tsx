import { redirect } from "next/navigation";
import { connection } from "next/server";
import { SettingsPage } from "@/components/settings/settings-page";
import { settingsView } from "@/lib/user-agent/settings/view";
import { webmailDatabase } from "@/lib/user-agent/webmail-database";
import { getSignedInUser } from "@/lib/web/auth/session";
import { titleMetadata } from "@/lib/web/i18n/metadata";
import { requestPreferences } from "@/lib/web/request-preferences";

export const generateMetadata = titleMetadata("settings");

/** Where Done leads: the mail page with the query it was left with (only a query: never another site). */
function backTo(back: string | string[] | undefined): string {
  return typeof back === "string" && back.startsWith("?") && back.length <= 2000 ? `/${back}` : "/";
}

export default async function SettingsRoute({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await connection();
  const user = await getSignedInUser();
  if (!user) redirect("/login");
  const view = await settingsView(await webmailDatabase(), user);
  return <SettingsPage address={user.address} initialPreferences={await requestPreferences()} initialView={view} back={backTo((await searchParams).back)} />;
}
