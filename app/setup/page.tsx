import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { connection } from "next/server";
import { CenteredPage } from "@/components/centered-page";
import { MailServerProblem } from "@/components/mail-server-problem";
import { FirstAccountForm } from "@/components/setup/first-account-form";
import { getSetupStatusOrProblem } from "@/lib/user-agent/admin-api";

export const metadata: Metadata = { title: "Set up" };

export default async function SetupPage() {
  await connection();
  const status = await getSetupStatusOrProblem();
  if ("problem" in status) return <MailServerProblem message={status.problem} />;
  // Once an account exists this page must not offer to create another.
  if (!status.needed) redirect("/");

  return (
    <CenteredPage>
      <h1 className="text-2xl font-semibold tracking-tight">Create the first account</h1>
      <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">
        Your mail server has no accounts yet. The domain of the address you choose becomes one of its mail domains.
      </p>
      <FirstAccountForm />
    </CenteredPage>
  );
}
