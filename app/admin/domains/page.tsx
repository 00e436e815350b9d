import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { ActionForm, Field, INPUT_CLASS } from "@/components/admin/action-form";
import { AdminPage, Section } from "@/components/admin/admin-page";
import { ConfirmAction } from "@/components/admin/confirm-action";
import { adminLoad, requireAdministrator } from "@/lib/web/admin";
import { titleMetadata } from "@/lib/web/i18n/metadata";
import { addDomain, deleteDomain } from "./actions";

export const generateMetadata = titleMetadata("admin");

interface DomainRow {
  name: string;
  accounts: number;
  aliases: number;
  configured: boolean;
}

export default async function DomainsPage({ searchParams }: { searchParams: Promise<{ records?: string }> }) {
  const user = await requireAdministrator();
  const t = await getTranslations("Admin.domains");
  const loaded = await adminLoad(user, "/api/v1/domains");
  if ("problem" in loaded) return <AdminPage title={t("title")} problem={loaded.problem} />;
  const domains = (loaded.body.domains ?? []) as DomainRow[];
  const { records: recordsOf } = await searchParams;
  const shown = recordsOf && domains.some((d) => d.name === recordsOf) ? await adminLoad(user, `/api/v1/domains/${encodeURIComponent(recordsOf)}/records`) : null;
  return (
    <AdminPage title={t("title")}>
      <Section title={t("addTitle")}>
        <ActionForm action={addDomain} submit={t("add")}>
          <Field label={t("name")}>
            <input name="name" type="text" required autoCapitalize="none" spellCheck={false} placeholder="example.org" className={INPUT_CLASS} />
          </Field>
        </ActionForm>
      </Section>
      <Section title={t("listTitle", { count: domains.length })}>
        <ul className="flex flex-col divide-y divide-slate-100 dark:divide-slate-800">
          {domains.map((domain) => (
            <li key={domain.name} className="flex flex-col gap-2 py-3">
              <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
                <span className="font-medium break-all">{domain.name}</span>
                <span className="text-sm text-slate-600 dark:text-slate-400">{t("counts", { accounts: domain.accounts, aliases: domain.aliases })}</span>
                {domain.configured ? <span className="text-xs text-slate-500">{t("configured")}</span> : null}
              </div>
              <div className="flex flex-wrap items-start gap-2">
                <Link href={`/admin/domains?records=${encodeURIComponent(domain.name)}`} className="inline-flex min-h-11 items-center text-sm text-indigo-700 underline md:min-h-9 dark:text-indigo-300">
                  {t("records")}
                </Link>
                {!domain.configured && domain.accounts === 0 ? (
                  <ConfirmAction action={deleteDomain} fields={{ name: domain.name }} label={t("delete")} question={t("deleteQuestion", { name: domain.name, aliases: domain.aliases })} />
                ) : null}
              </div>
              {shown && recordsOf === domain.name ? (
                "problem" in shown ? (
                  <p role="alert" className="text-sm text-red-700 dark:text-red-400">{shown.problem}</p>
                ) : (
                  <div className="flex flex-col gap-1">
                    <p className="text-sm">{t("recordsIntro")}</p>
                    <pre className="overflow-x-auto rounded-lg bg-slate-50 p-3 text-xs dark:bg-slate-950">{((shown.body.records ?? []) as string[]).join("\n")}</pre>
                  </div>
                )
              ) : null}
            </li>
          ))}
        </ul>
      </Section>
    </AdminPage>
  );
}
