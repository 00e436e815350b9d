// DNS health (administrators): each local domain's records, checked by the mail server against live DNS.
import Link from "next/link";
import { redirect } from "next/navigation";
import { connection } from "next/server";
import { getTranslations } from "next-intl/server";
import { DnsHealthReport, type DomainHealth } from "@/components/admin/dns-health";
import { MailServerUnreachableError, adminErrorText, adminRequest, isRecord } from "@/lib/user-agent/admin-api";
import { getSignedInUser } from "@/lib/web/auth/session";
import { titleMetadata } from "@/lib/web/i18n/metadata";

export const generateMetadata = titleMetadata("dnsHealth");

async function loadHealth(credentials: { address: string; password: string }): Promise<{ domains: DomainHealth[]; hostname: string } | { problem: string; forbidden: boolean }> {
  try {
    const { status, body } = await adminRequest("/api/v1/dns", { credentials });
    if (status === 200 && isRecord(body) && Array.isArray(body.domains) && typeof body.hostname === "string") {
      return { domains: body.domains as DomainHealth[], hostname: body.hostname };
    }
    return { problem: adminErrorText(status, body), forbidden: status === 403 };
  } catch (error) {
    if (error instanceof MailServerUnreachableError) return { problem: error.message, forbidden: false };
    throw error;
  }
}

export default async function DnsHealthPage() {
  await connection();
  const user = await getSignedInUser();
  if (!user) redirect("/login");
  const t = await getTranslations("DnsHealth");
  const health = await loadHealth(user);
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
      {"problem" in health ? (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          {health.forbidden ? t("adminsOnly") : t("failed", { reason: health.problem })}
        </p>
      ) : (
        <DnsHealthReport domains={health.domains} hostname={health.hostname} />
      )}
    </main>
  );
}
