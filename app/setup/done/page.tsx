import Link from "next/link";
import { redirect } from "next/navigation";
import { connection } from "next/server";
import { getTranslations } from "next-intl/server";
import { CenteredPage } from "@/components/centered-page";
import { MailServerProblem } from "@/components/mail-server-problem";
import { loadConfig } from "@/lib/config";
import { getSetupStatusOrProblem } from "@/lib/user-agent/admin-api";
import { titleMetadata } from "@/lib/web/i18n/metadata";

export const generateMetadata = titleMetadata("accountReady");

interface Server {
  protocol: string;
  role: string;
  /** Implicit TLS first: it is what mail clients should prefer (RFC 8314). */
  ports: { port: number; security: string }[];
}

async function ServerSettings({ server, host }: { server: Server; host: string }) {
  const t = await getTranslations("SetupDone");
  const ports = server.ports.filter((p) => p.port !== 0);
  return (
    <div className="rounded-xl bg-slate-50 p-4 dark:bg-slate-800/60">
      <h3 className="font-medium">
        {server.protocol} <span className="font-normal text-slate-500 dark:text-slate-400">· {server.role}</span>
      </h3>
      {ports.length === 0 ? (
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">{t("turnedOff")}</p>
      ) : (
        <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
          <dt className="text-slate-500 dark:text-slate-400">{t("server")}</dt>
          <dd className="font-mono wrap-anywhere">{host}</dd>
          {ports.map(({ port, security }) => (
            <div key={port} className="contents">
              <dt className="text-slate-500 dark:text-slate-400">{t("port")}</dt>
              <dd>
                <span className="font-mono">{port}</span> · {security}
              </dd>
            </div>
          ))}
        </dl>
      )}
    </div>
  );
}

export default async function SetupDonePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await connection();
  const { address } = await searchParams;
  const status = await getSetupStatusOrProblem();
  if ("problem" in status) return <MailServerProblem message={status.problem} />;
  if (status.needed) redirect("/setup");
  // Only reachable from the form, which always passes the address; anything else has nothing to show.
  if (typeof address !== "string" || !address.includes("@")) redirect("/");

  const config = loadConfig();
  const t = await getTranslations("SetupDone");
  const servers: Server[] = [
    {
      protocol: "IMAP",
      role: t("incoming"),
      ports: [
        { port: config.ports.imaps, security: "SSL/TLS" },
        { port: config.ports.imap, security: "STARTTLS" },
      ],
    },
    {
      protocol: "SMTP",
      role: t("outgoing"),
      ports: [
        { port: config.ports.submissions, security: "SSL/TLS" },
        { port: config.ports.submission, security: "STARTTLS" },
      ],
    },
  ];

  return (
    <CenteredPage>
      <h1 className="text-2xl font-semibold tracking-tight">
        {t.rich("title", { address: () => <span className="wrap-anywhere text-indigo-600 dark:text-indigo-400">{address}</span> })}
      </h1>
      <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">{t("intro")}</p>
      <section aria-labelledby="settings" className="mt-6 space-y-3">
        <h2 id="settings" className="sr-only">
          {t("clientSettings")}
        </h2>
        {servers.map((server) => (
          <ServerSettings key={server.protocol} server={server} host={config.hostname} />
        ))}
      </section>
      {config.tls.certFile === null && (
        <p className="mt-4 text-sm text-slate-600 dark:text-slate-400">{t.rich("selfSigned", { code: (text) => <code className="font-mono">{text}</code> })}</p>
      )}
      <Link
        href="/"
        className="mt-6 inline-flex min-h-11 w-full items-center justify-center rounded-lg bg-indigo-600 px-4 font-medium text-white hover:bg-indigo-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 sm:w-auto"
      >
        {t("continue")}
      </Link>
    </CenteredPage>
  );
}
