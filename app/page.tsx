import { redirect } from "next/navigation";
import { connection } from "next/server";
import { CenteredPage } from "@/components/centered-page";
import { MailServerProblem } from "@/components/mail-server-problem";
import { getSetupStatusOrProblem } from "@/lib/user-agent/admin-api";
import { PRODUCT_NAME } from "@/lib/web/product";

export default async function HomePage() {
  // The answer depends on the mail server at request time, never on the build.
  await connection();
  const status = await getSetupStatusOrProblem();
  if ("problem" in status) return <MailServerProblem message={status.problem} />;
  if (status.needed) redirect("/setup");

  return (
    <CenteredPage>
      <h1 className="text-2xl font-semibold tracking-tight">Welcome to {PRODUCT_NAME}</h1>
      <p className="mt-2 text-slate-600 dark:text-slate-400">Your own mail server, with webmail on top.</p>
      <section aria-labelledby="sign-in" className="mt-6 rounded-xl border border-dashed border-slate-300 p-4 dark:border-slate-700">
        <h2 id="sign-in" className="font-medium">
          Sign in
        </h2>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
          Signing in arrives with the webmail. Until then, read and send your mail with any mail client (Thunderbird,
          your phone&apos;s mail app) using your full e-mail address and password.
        </p>
      </section>
    </CenteredPage>
  );
}
