import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { connection } from "next/server";
import { LoginForm } from "@/components/auth/login-form";
import { CenteredPage } from "@/components/centered-page";
import { getSetupStatusOrProblem } from "@/lib/user-agent/admin-api";
import { getSignedInUser } from "@/lib/web/auth/session";

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage() {
  await connection();
  if (await getSignedInUser()) redirect("/");
  // Nobody to sign in as yet: the first account comes first. (An unreachable admin API is no reason to
  // hide the form: the webmail may be pointed at another server's IMAP.)
  const status = await getSetupStatusOrProblem();
  if ("needed" in status && status.needed) redirect("/setup");
  return (
    <CenteredPage>
      <h1 className="text-2xl font-semibold tracking-tight">Sign in</h1>
      <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">Use your full e-mail address and your mail password.</p>
      <LoginForm />
    </CenteredPage>
  );
}
