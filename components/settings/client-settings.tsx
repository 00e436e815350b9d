"use client";

// Settings → Clients: what to type into Thunderbird, Outlook, a phone's mail app (IMAP, POP3, SMTP:
// host, port, TLS mode, user name), and the Apple profile that sets an iPhone or Mac up in one step.
import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import type { ClientSettings, ServerSetting } from "@/lib/web/client-config/settings";
import { HINT } from "./controls";

const PROTOCOLS = ["imap", "pop3", "smtp"] as const;

function ServerTable({ protocol, servers, username }: { protocol: (typeof PROTOCOLS)[number]; servers: ServerSetting[]; username: string }) {
  const t = useTranslations("Clients");
  return (
    <div className="flex flex-col gap-1" data-protocol={protocol}>
      <h3 className="text-sm font-medium">{t(`protocol.${protocol}`)}</h3>
      {servers.length === 0 ? (
        <p className={HINT}>{t("notOffered")}</p>
      ) : (
        <table className="w-full text-left text-sm">
          <thead className="text-xs text-slate-500 dark:text-slate-400">
            <tr>
              <th scope="col" className="py-1 pr-3 font-medium">{t("server")}</th>
              <th scope="col" className="py-1 pr-3 font-medium">{t("port")}</th>
              <th scope="col" className="py-1 pr-3 font-medium">{t("security")}</th>
              <th scope="col" className="py-1 font-medium">{t("username")}</th>
            </tr>
          </thead>
          <tbody>
            {servers.map((server, index) => (
              <tr key={`${server.port}-${server.socketType}`} className="border-t border-slate-100 dark:border-slate-800">
                <td className="py-1 pr-3 font-mono break-all">{server.host}</td>
                <td className="py-1 pr-3 font-mono">{server.port}</td>
                <td className="py-1 pr-3">
                  {t(server.socketType === "SSL" ? "ssl" : "starttls")}
                  {index === 0 && servers.length > 1 && <span className={`ml-1 ${HINT}`}>{t("preferred")}</span>}
                </td>
                <td className="py-1 font-mono break-all">{username}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

export function ClientSettingsSection() {
  const t = useTranslations("Clients");
  const [settings, setSettings] = useState<ClientSettings | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let live = true;
    fetch("/api/clients", { cache: "no-store" })
      .then((response) => (response.ok ? (response.json() as Promise<ClientSettings>) : Promise.reject(new Error(String(response.status)))))
      .then((loaded) => live && setSettings(loaded))
      .catch(() => live && setFailed(true));
    return () => {
      live = false;
    };
  }, []);

  if (failed) return <p role="alert" className="text-sm text-red-700 dark:text-red-400">{t("loadFailed")}</p>;
  if (!settings) return <p className={HINT}>{t("loading")}</p>;
  // Rendered only after the fetch, in the browser: no server render to disagree with.
  const origin = window.location.origin;
  const canProfile = (settings.imap.length > 0 || settings.pop3.length > 0) && settings.smtp.length > 0;
  return (
    <div className="flex flex-col gap-4">
      <p className="text-sm">{t("intro")}</p>
      <div className="flex flex-col gap-1">
        <h3 className="text-sm font-medium">{t("desktopTitle")}</h3>
        <p className="text-sm">{t("desktop")}</p>
        <p className={`${HINT} break-all`}>{t("autoconfigUrl", { url: `${origin}/.well-known/autoconfig/mail/config-v1.1.xml` })}</p>
      </div>
      <div className="flex flex-col gap-1">
        <h3 className="text-sm font-medium">{t("phoneTitle")}</h3>
        <p className="text-sm">{t("phone")}</p>
        {canProfile && (
          <p>
            <a href="/api/clients/mobileconfig" download className="inline-flex min-h-11 items-center rounded-lg border border-slate-300 px-3 text-sm font-medium hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-600 md:min-h-9 dark:border-slate-700 dark:hover:bg-slate-800">
              {t("downloadProfile")}
            </a>
          </p>
        )}
        <p className={HINT}>{t("unsigned")}</p>
      </div>
      {PROTOCOLS.map((protocol) => (
        <ServerTable key={protocol} protocol={protocol} servers={settings[protocol]} username={settings.username} />
      ))}
      <p className={HINT}>{t("password")}</p>
    </div>
  );
}
