import { redirect } from "next/navigation";
import { connection } from "next/server";
import { SettingsPage } from "@/components/settings/settings-page";
import { titleMetadata } from "@/lib/web/i18n/metadata";
import { getSignedInUser } from "@/lib/web/auth/session";
import { requestPreferences } from "@/lib/web/request-preferences";

export const generateMetadata = titleMetadata("settings");

export default async function SettingsRoute() {
  await connection();
  const user = await getSignedInUser();
  if (!user) redirect("/login");
  return <SettingsPage address={user.address} initialPreferences={await requestPreferences()} />;
}
