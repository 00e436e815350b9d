// DNS health (administrators): each local domain's records, checked by the mail server against live DNS.
import Link from "next/link";
import { connection } from "next/server";
import { getTranslations } from "next-intl/server";
import { DnsHealthReport, type DomainHealth } from "@/components/admin/dns-health";
import { adminLoad, requireAdministrator } from "@/lib/web/admin";
import { titleMetadata } from "@/lib/web/i18n/metadata";

export const generateMetadata = titleMetadata("dnsHealth");

export default async function DnsHealthPage() {
  await connection();
  const user = await requireAdministrator();
  const t = await getTranslations("DnsHealth");
  const loaded = await adminLoad(user, "/api/v1/dns");
  const report = "body" in loaded && Array.isArray(loaded.body.domains) && typeof loaded.body.hostname === "string" ? { domains: loaded.body.domains as DomainHealth[], hostname: loaded.body.hostname } : null;
  return (
    <main className="mx-auto flex w-full max-w-5xl flex-col gap-4 px-4 py-6 sm:px-6" aria-labelledby="dns-health-title">
      <div className="flex flex-wrap items-center gap-3">
        <h1 id="dns-health-title" className="flex-1 text-xl font-semibold">
          {t("title")}
        </h1>
        <Link href="/admin/dns" prefetch={false} className="inline-flex min-h-11 items-center rounded-lg border border-slate-300 px-3 text-sm font-medium hover:bg-slate-100 md:min-h-9 dark:border-slate-700 dark:hover:bg-slate-800">
          {t("checkAgain")}
        </Link>
      </div>
      {report ? (
        <DnsHealthReport domains={report.domains} hostname={report.hostname} />
      ) : (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          {t("failed", { reason: "problem" in loaded ? loaded.problem : t("unexpected") })}
        </p>
      )}
    </main>
  );
}
