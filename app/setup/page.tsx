import { redirect } from "next/navigation";
import { connection } from "next/server";
import { getTranslations } from "next-intl/server";
import { CenteredPage } from "@/components/centered-page";
import { MailServerProblem } from "@/components/mail-server-problem";
import { FirstAccountForm } from "@/components/setup/first-account-form";
import { getSetupStatusOrProblem } from "@/lib/user-agent/admin-api";
import { titleMetadata } from "@/lib/web/i18n/metadata";

export const generateMetadata = titleMetadata("setup");

export default async function SetupPage() {
  await connection();
  const status = await getSetupStatusOrProblem();
  if ("problem" in status) return <MailServerProblem message={status.problem} />;
  // Once an account exists this page must not offer to create another.
  if (!status.needed) redirect("/");
  const t = await getTranslations("Setup");

  return (
    <CenteredPage>
      <h1 className="text-2xl font-semibold tracking-tight">{t("title")}</h1>
      <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">{t("intro")}</p>
      <FirstAccountForm />
    </CenteredPage>
  );
}
