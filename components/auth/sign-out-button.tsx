"use client";

import { LogOut } from "lucide-react";
import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useState } from "react";

/** next-auth's own sign-out, without its client library (next-auth/react) in the mail page's JavaScript:
 *  the CSRF token from /api/auth/csrf, then the form POST its signOut() sends. */
async function signOut(): Promise<void> {
  const response = await fetch("/api/auth/csrf", { cache: "no-store" });
  const body: unknown = await response.json();
  const csrfToken = typeof body === "object" && body !== null && "csrfToken" in body && typeof body.csrfToken === "string" ? body.csrfToken : "";
  await fetch("/api/auth/signout", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ csrfToken, callbackUrl: "/login", json: "true" }),
  });
}

export function SignOutButton({ className = "" }: { className?: string }) {
  const router = useRouter();
  const t = useTranslations("Login");
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      disabled={busy}
      onClick={async () => {
        setBusy(true);
        // Through next-auth's POST (CSRF-checked); its signOut event closes the IMAP session.
        await signOut().catch(() => undefined);
        router.replace("/login");
        router.refresh();
      }}
      className={`inline-flex min-h-11 min-w-11 items-center justify-center gap-2 rounded-lg px-3 text-sm font-medium text-slate-700 hover:bg-slate-200/70 focus-visible:outline-2 focus-visible:outline-indigo-600 dark:text-slate-300 dark:hover:bg-slate-800 ${className}`}
    >
      <LogOut aria-hidden="true" className="size-4" />
      {/* On phones the icon alone, the words still its name. */}
      <span className="max-sm:sr-only">{t("signOut")}</span>
    </button>
  );
}
