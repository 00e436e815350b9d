// One table per domain: each record with a green or red mark, what DNS holds now, and the exact record
// to publish when it isn't right. A server component: nothing here runs in the browser.
import { getTranslations } from "next-intl/server";

export interface CheckedRecord {
  kind: string;
  name: string;
  type: string;
  value: string;
  zone: string;
  status: "ok" | "missing" | "wrong" | "error";
  found: string[];
  reason: string | null;
}

export interface DomainHealth {
  domain: string;
  records: CheckedRecord[];
}

const REASONS = ["mx-not-us", "spf-multiple", "spf-not-us", "spf-allows-all", "dkim-other-key", "dmarc-multiple", "mta-sts-multiple", "mta-sts-old-id", "srv-other-target", "points-elsewhere", "timeout", "servfail", "refused", "lookup-failed"] as const;
const KINDS = ["mx", "spf", "dkim", "dmarc", "mta-sts", "mta-sts-host", "autoconfig", "autodiscover", "srv"] as const;

/** A code the page has words for (a newer mail server may send others: shown as they are). */
function known<T extends string>(values: readonly T[], value: string | null): value is T {
  return values.some((v) => v === value);
}

export async function DnsHealthReport({ domains, hostname }: { domains: DomainHealth[]; hostname: string }) {
  const t = await getTranslations("DnsHealth");
  if (!domains.length) return <p className="text-sm">{t("noDomains")}</p>;
  return (
    <>
      <p className="text-sm text-slate-600 dark:text-slate-400">{t("intro", { hostname })}</p>
      {domains.map(({ domain, records }) => {
        const bad = records.filter((record) => record.status !== "ok").length;
        return (
          <section key={domain} aria-labelledby={`dns-${domain}`} className="flex flex-col gap-2 rounded-xl border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
            <h2 id={`dns-${domain}`} className="text-base font-semibold">
              {domain} <span className="text-sm font-normal text-slate-600 dark:text-slate-400">{bad ? t("toFix", { count: bad }) : t("allGood")}</span>
            </h2>
            <ul className="flex flex-col divide-y divide-slate-100 dark:divide-slate-800">
              {records.map((record) => {
                const ok = record.status === "ok";
                return (
                  <li key={`${record.type} ${record.name}`} data-status={record.status} className="flex gap-3 py-2 text-sm">
                    <span aria-hidden="true" className={`mt-0.5 inline-flex size-5 shrink-0 items-center justify-center rounded-full text-xs font-bold text-white ${ok ? "bg-green-600" : "bg-red-600"}`}>
                      {ok ? "✓" : "✗"}
                    </span>
                    <div className="flex min-w-0 flex-1 flex-col gap-1">
                      <p>
                        <span className="font-medium">{known(KINDS, record.kind) ? t(`kind.${record.kind}`) : record.kind}</span>{" "}
                        <span className="font-mono text-xs break-all text-slate-600 dark:text-slate-400">
                          {record.type} {record.name}
                        </span>{" "}
                        <span className={ok ? "text-green-700 dark:text-green-400" : "text-red-700 dark:text-red-400"}>
                          {t(`status.${record.status}`)}
                          {known(REASONS, record.reason) ? ` — ${t(`reason.${record.reason}`)}` : ""}
                        </span>
                      </p>
                      {!ok && record.found.length > 0 && (
                        <p className="text-xs break-all text-slate-600 dark:text-slate-400">
                          {t("found")} <span className="font-mono">{record.found.join(" · ")}</span>
                        </p>
                      )}
                      {!ok && (
                        <div className="flex flex-col gap-0.5">
                          <span className="text-xs font-medium">{t("fix")}</span>
                          <code className="block rounded bg-slate-100 p-2 text-xs break-all whitespace-pre-wrap dark:bg-slate-800">{record.zone}</code>
                        </div>
                      )}
                    </div>
                  </li>
                );
              })}
            </ul>
          </section>
        );
      })}
    </>
  );
}
