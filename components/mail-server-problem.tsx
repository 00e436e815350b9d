import { getTranslations } from "next-intl/server";
import { CenteredPage } from "@/components/centered-page";

/** Shown instead of a page when the mail server's management API cannot answer. */
export async function MailServerProblem({ message }: { message: string }) {
  const t = await getTranslations("ServerProblem");
  return (
    <CenteredPage>
      <div role="alert" className="space-y-4">
        <h1 className="text-xl font-semibold tracking-tight text-red-700 dark:text-red-400">{t("title")}</h1>
        <p className="rounded-lg bg-red-50 px-3 py-2 font-mono text-sm break-words text-red-900 dark:bg-red-950/50 dark:text-red-200">
          {message}
        </p>
        <p className="text-sm text-slate-600 dark:text-slate-400">{t.rich("help", { code: (text) => <code className="font-mono">{text}</code> })}</p>
      </div>
    </CenteredPage>
  );
}
