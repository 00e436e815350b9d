import { redirect } from "next/navigation";
import { connection } from "next/server";
import { SettingsPage } from "@/components/settings/settings-page";
import { settingsView } from "@/lib/user-agent/settings/view";
import { webmailDatabase } from "@/lib/user-agent/webmail-database";
import { getSignedInUser } from "@/lib/web/auth/session";
import { titleMetadata } from "@/lib/web/i18n/metadata";
import { requestPreferences } from "@/lib/web/request-preferences";

export const generateMetadata = titleMetadata("settings");

export default async function SettingsRoute() {
  await connection();
  const user = await getSignedInUser();
  if (!user) redirect("/login");
  const view = await settingsView(await webmailDatabase(), user);
  return <SettingsPage address={user.address} initialPreferences={await requestPreferences()} initialView={view} />;
}
