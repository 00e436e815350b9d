import { redirect } from "next/navigation";
import { connection } from "next/server";
import { Suspense } from "react";
import { MailApp } from "@/components/mail/mail-app";
import { UserSettingsProvider } from "@/components/mail/user-settings";
import { loadConfig } from "@/lib/config";
import { MailServerProblem } from "@/components/mail-server-problem";
import { getSetupStatusOrProblem } from "@/lib/user-agent/admin-api";
import { readSettings } from "@/lib/user-agent/settings/store";
import { webmailDatabase } from "@/lib/user-agent/webmail-database";
import { isAdministrator } from "@/lib/web/admin";
import { getSignedInUser } from "@/lib/web/auth/session";
import { titleMetadata } from "@/lib/web/i18n/metadata";
import { requestPreferences } from "@/lib/web/request-preferences";

export const generateMetadata = titleMetadata("mail");

export default async function HomePage() {
  // The answer depends on the mail server and the session at request time, never on the build.
  await connection();
  const user = await getSignedInUser();
  if (!user) {
    const status = await getSetupStatusOrProblem();
    // Pointed at another server's IMAP (IMAP_URL), the webmail has no admin API to ask: sign in there.
    if ("problem" in status && !loadConfig().imapUrl) return <MailServerProblem message={status.problem} />;
    redirect("needed" in status && status.needed ? "/setup" : "/login");
  }
  return (
    <Suspense>
      <UserSettingsProvider settings={await readSettings(await webmailDatabase(), user.address)}>
        <MailApp address={user.address} initialPreferences={await requestPreferences()} isAdmin={await isAdministrator(user)} />
      </UserSettingsProvider>
    </Suspense>
  );
}
