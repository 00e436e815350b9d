"use client";

// Settings → Account: storage used against the quota, and where the user is signed in to the webmail,
// with "sign out" per session and "sign out everywhere" (this browser too).
import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useState } from "react";
import { buttonStyles } from "@/components/mail/modal";
import { useMailFormat } from "@/components/mail/format";
import type { WebSessionView } from "@/lib/web/auth/web-sessions";
import { HINT } from "./controls";

type Usage = { usedBytes: number; quotaBytes: number } | "unknown" | null;

/** "Firefox on Windows" from a User-Agent, or the raw string's start when it is none of the usual ones. */
function describeBrowser(userAgent: string): { browser: string; system: string } {
  const browser =
    /Edg\//.test(userAgent) ? "Edge" : /OPR\//.test(userAgent) ? "Opera" : /Firefox\//.test(userAgent) ? "Firefox" : /Chrom(e|ium)\//.test(userAgent) ? "Chrome" : /Safari\//.test(userAgent) ? "Safari" : "";
  const system = /Android/.test(userAgent) ? "Android" : /iPhone|iPad/.test(userAgent) ? "iOS" : /Windows/.test(userAgent) ? "Windows" : /Mac OS X/.test(userAgent) ? "macOS" : /Linux/.test(userAgent) ? "Linux" : "";
  return { browser: browser || userAgent.slice(0, 40), system };
}

async function fetchSessions(): Promise<WebSessionView[] | null> {
  const response = await fetch("/api/account/sessions", { cache: "no-store" }).catch(() => null);
  const body: unknown = await response?.json().catch(() => null);
  return response?.ok && typeof body === "object" && body !== null && "sessions" in body && Array.isArray(body.sessions) ? (body.sessions as WebSessionView[]) : null;
}

export function AccountSettings() {
  const t = useTranslations("Account");
  const common = useTranslations("Common");
  const format = useMailFormat();
  const router = useRouter();
  const [usage, setUsage] = useState<Usage>(null);
  const [sessions, setSessions] = useState<WebSessionView[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const showSessions = useCallback((list: WebSessionView[] | null) => (list ? setSessions(list) : setProblem(common("noAnswer"))), [common]);

  useEffect(() => {
    void (async () => {
      const response = await fetch("/api/account", { cache: "no-store" }).catch(() => null);
      const body: unknown = await response?.json().catch(() => null);
      if (response?.ok && typeof body === "object" && body !== null && "usedBytes" in body && "quotaBytes" in body) {
        setUsage({ usedBytes: Number(body.usedBytes), quotaBytes: Number(body.quotaBytes) });
      } else setUsage("unknown");
    })();
    void (async () => showSessions(await fetchSessions()))();
  }, [showSessions]);

  async function end(id: string | null) {
    setBusy(true);
    setProblem(null);
    const response = await fetch(id ? `/api/account/sessions/${encodeURIComponent(id)}` : "/api/account/sessions", { method: "DELETE" }).catch(() => null);
    setBusy(false);
    if (!response?.ok) return setProblem(common("noAnswer"));
    const ownEnded = id === null || sessions?.some((s) => s.id === id && s.current);
    if (ownEnded) {
      router.replace("/login");
      router.refresh();
      return;
    }
    showSessions(await fetchSessions());
  }

  const percent = usage && usage !== "unknown" && usage.quotaBytes > 0 ? Math.min(100, (usage.usedBytes / usage.quotaBytes) * 100) : 0;

  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-col gap-2">
        <h3 className="text-sm font-medium">{t("storage")}</h3>
        {usage === null ? (
          <p className={HINT}>{t("loading")}</p>
        ) : usage === "unknown" ? (
          <p className={HINT}>{t("storageUnknown")}</p>
        ) : (
          <>
            <div
              role="meter"
              aria-label={t("storage")}
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={Math.round(percent)}
              className="h-2 w-full overflow-hidden rounded-full bg-slate-200 dark:bg-slate-700"
            >
              <div className={`h-full rounded-full ${percent >= 90 ? "bg-red-600" : "bg-indigo-600"}`} style={{ width: `${Math.max(percent, usage.usedBytes > 0 ? 1 : 0)}%` }} />
            </div>
            <p className="text-sm" data-testid="storage-use">
              {t("storageUse", { used: format.size(usage.usedBytes), quota: format.size(usage.quotaBytes), percent: Math.round(percent) })}
            </p>
          </>
        )}
      </div>

      <div className="flex flex-col gap-2">
        <h3 className="text-sm font-medium">{t("sessions")}</h3>
        <p className={HINT}>{t("sessionsHint")}</p>
        {sessions === null ? (
          <p className={HINT}>{t("loading")}</p>
        ) : (
          <ul className="flex flex-col divide-y divide-slate-200 rounded-lg border border-slate-200 dark:divide-slate-800 dark:border-slate-800" aria-label={t("sessions")}>
            {sessions.map((session) => {
              const { browser, system } = describeBrowser(session.userAgent);
              return (
                <li key={session.id} className="flex flex-wrap items-center gap-3 px-3 py-2" data-testid="web-session">
                  <div className="min-w-0 flex-1">
                    <p className="text-sm font-medium">
                      {system ? t("browserOn", { browser, system }) : browser || t("unknownBrowser")}
                      {session.current && <span className="ml-2 rounded bg-emerald-100 px-1.5 py-0.5 text-xs text-emerald-900 dark:bg-emerald-900/50 dark:text-emerald-100">{t("thisBrowser")}</span>}
                    </p>
                    <p className={HINT}>{t("sessionDetail", { address: session.ipAddress || "?", started: format.fullDate(session.createdAt), seen: format.fullDate(session.lastSeenAt) })}</p>
                  </div>
                  <button type="button" className={buttonStyles.quiet} disabled={busy} onClick={() => void end(session.id)}>
                    {t("signOutSession")}
                  </button>
                </li>
              );
            })}
          </ul>
        )}
        <div>
          <button type="button" className={buttonStyles.danger} disabled={busy} onClick={() => void end(null)}>
            {t("signOutEverywhere")}
          </button>
        </div>
        {problem && (
          <p role="alert" className="text-sm text-red-700 dark:text-red-400">
            {problem}
          </p>
        )}
      </div>
    </div>
  );
}
