import { getTranslations } from "next-intl/server";
import { AdminPage, Section } from "@/components/admin/admin-page";
import { humanBytes } from "@/lib/format-bytes";
import { TrafficChart, type HourTraffic } from "@/components/admin/traffic-chart";
import { UsageBar } from "@/components/admin/usage-bar";
import { adminLoad, requireAdministrator } from "@/lib/web/admin";
import { titleMetadata } from "@/lib/web/i18n/metadata";

export const generateMetadata = titleMetadata("admin");

interface Status {
  hostname: string;
  listeners: { name: string; address: string; port: number }[];
  queue: { messages: number; waitingRecipients: number };
  today: { in: number; out: number };
  hours: HourTraffic[];
  disk: { dataDir: string; usedBytes: string; freeBytes?: string; totalBytes?: string };
  quota: { accounts: number; usedBytes: string; quotaBytes: string; overQuota: number };
}

function Figure({ label, value }: { label: string; value: string | number }) {
  return (
    <div className="flex flex-col rounded-lg bg-slate-50 px-3 py-2 dark:bg-slate-950">
      <dt className="text-xs text-slate-600 dark:text-slate-400">{label}</dt>
      <dd className="text-lg font-semibold">{value}</dd>
    </div>
  );
}

export default async function StatusPage() {
  const user = await requireAdministrator();
  const t = await getTranslations("Admin.status");
  const loaded = await adminLoad(user, "/api/v1/status");
  if ("problem" in loaded) return <AdminPage title={t("title")} problem={loaded.problem} />;
  const status = loaded.body as unknown as Status;
  return (
    <AdminPage title={t("title")}>
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4">
        <Figure label={t("inToday")} value={status.today.in} />
        <Figure label={t("outToday")} value={status.today.out} />
        <Figure label={t("queueDepth")} value={status.queue.messages} />
        <Figure label={t("waiting")} value={status.queue.waitingRecipients} />
      </dl>
      <Section title={t("chartTitle")}>
        <TrafficChart hours={status.hours} />
      </Section>
      <Section title={t("listenersTitle", { hostname: status.hostname })}>
        <ul className="grid gap-2 sm:grid-cols-2">
          {status.listeners.map((listener) => (
            <li key={listener.name} className="flex justify-between gap-3 rounded-lg bg-slate-50 px-3 py-2 text-sm dark:bg-slate-950">
              <span className="font-medium">{t(`listener.${listener.name}` as "listener.smtp")}</span>
              <span className="font-mono">{listener.address}:{listener.port}</span>
            </li>
          ))}
        </ul>
      </Section>
      <Section title={t("storageTitle")}>
        <p className="text-sm">
          {t("dataDir", { dir: status.disk.dataDir, used: humanBytes(status.disk.usedBytes) })}
          {status.disk.freeBytes ? ` ${t("free", { free: humanBytes(status.disk.freeBytes), total: humanBytes(status.disk.totalBytes ?? "0") })}` : ""}
        </p>
        <UsageBar used={status.quota.usedBytes} quota={status.quota.quotaBytes} label={t("quotaUse", { accounts: status.quota.accounts })} />
        {status.quota.overQuota ? <p className="text-sm text-red-700 dark:text-red-400">{t("overQuota", { count: status.quota.overQuota })}</p> : null}
      </Section>
    </AdminPage>
  );
}
