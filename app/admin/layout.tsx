// Administration (issue 8): for administrators only, as the mail server says with the user's own
// credentials; anyone else gets the 404 page. Each area is a server-rendered page under this folder.
import Link from "next/link";
import { connection } from "next/server";
import { getTranslations } from "next-intl/server";
import type { ReactNode } from "react";
import { AdminNav } from "@/components/admin/admin-nav";
import { Brand } from "@/components/brand";
import { requireAdministrator } from "@/lib/web/admin";

export default async function AdminLayout({ children }: { children: ReactNode }) {
  await connection();
  const user = await requireAdministrator();
  const t = await getTranslations("Admin");
  return (
    <div className="min-h-dvh">
      <header className="border-b border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
        <div className="mx-auto flex w-full max-w-5xl flex-col gap-2 px-4 py-3 sm:px-6">
          <div className="flex flex-wrap items-center gap-3">
            <Link href="/" aria-label={t("backToMail")} title={t("backToMail")}>
              <Brand compact />
            </Link>
            <span className="text-lg font-semibold">{t("title")}</span>
            <span className="flex-1" />
            <span className="hidden truncate text-sm text-slate-600 sm:inline dark:text-slate-400">{user.address}</span>
            <Link href="/" className="inline-flex min-h-11 items-center rounded-lg px-3 text-sm font-medium text-indigo-700 hover:bg-slate-100 md:min-h-9 dark:text-indigo-300 dark:hover:bg-slate-800">
              {t("backToMail")}
            </Link>
          </div>
          <AdminNav />
        </div>
      </header>
      {children}
    </div>
  );
}
