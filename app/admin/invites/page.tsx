// Invites (administrators): sign-up links that work once, made, listed and withdrawn here.
import { connection } from "next/server";
import { getTranslations } from "next-intl/server";
import { AdminPage } from "@/components/admin/admin-page";
import { InvitesManager } from "@/components/admin/invites-manager";
import { getSignupInfoOrClosed, type InviteRow } from "@/lib/user-agent/signup-api";
import { adminLoad, requireAdministrator } from "@/lib/web/admin";

export async function generateMetadata() {
  return { title: (await getTranslations("Invites"))("title") };
}

export default async function InvitesPage() {
  await connection();
  const user = await requireAdministrator();
  const t = await getTranslations("Invites");
  const [loaded, signup] = await Promise.all([adminLoad(user, "/api/v1/invites"), getSignupInfoOrClosed()]);
  const invites = "body" in loaded && Array.isArray(loaded.body.invites) ? (loaded.body.invites as InviteRow[]) : null;
  return (
    <AdminPage title={t("title")} problem={invites ? undefined : t("failed", { reason: "problem" in loaded ? loaded.problem : "?" })}>
      <p className="text-sm text-slate-600 dark:text-slate-400">{t(`mode.${signup.mode}`)}</p>
      <InvitesManager initial={invites ?? []} />
    </AdminPage>
  );
}
