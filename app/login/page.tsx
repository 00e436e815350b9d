import Link from "next/link";
import { redirect } from "next/navigation";
import { connection } from "next/server";
import { getTranslations } from "next-intl/server";
import { LoginForm } from "@/components/auth/login-form";
import { CenteredPage } from "@/components/centered-page";
import { getSetupStatusOrProblem } from "@/lib/user-agent/admin-api";
import { getSignupInfoOrClosed } from "@/lib/user-agent/signup-api";
import { getSignedInUser } from "@/lib/web/auth/session";
import { titleMetadata } from "@/lib/web/i18n/metadata";

export const generateMetadata = titleMetadata("signIn");

export default async function LoginPage() {
  await connection();
  if (await getSignedInUser()) redirect("/");
  // Nobody to sign in as yet: the first account comes first. (An unreachable admin API is no reason to
  // hide the form: the webmail may be pointed at another server's IMAP.)
  const status = await getSetupStatusOrProblem();
  if ("needed" in status && status.needed) redirect("/setup");
  const t = await getTranslations("Login");
  // No second wait for a management API that just failed to answer.
  const signup = "problem" in status ? null : await getSignupInfoOrClosed();
  const signupWords = await getTranslations("Signup");
  return (
    <CenteredPage>
      <h1 className="text-2xl font-semibold tracking-tight">{t("title")}</h1>
      <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">{t("intro")}</p>
      <LoginForm />
      {/* With SIGNUP=invite the way in is the invite link itself. */}
      {signup?.mode === "open" && signup.domains.length > 0 && (
        <p className="mt-6 text-sm text-slate-600 dark:text-slate-400">
          {signupWords("noAccount")}{" "}
          <Link href="/signup" className="font-medium text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300">
            {signupWords("createLink")}
          </Link>
        </p>
      )}
    </CenteredPage>
  );
}
