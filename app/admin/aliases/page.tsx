import { getTranslations } from "next-intl/server";
import { ActionForm, Field, INPUT_CLASS } from "@/components/admin/action-form";
import { AdminPage, Section } from "@/components/admin/admin-page";
import { ConfirmAction } from "@/components/admin/confirm-action";
import { adminLoad, requireAdministrator } from "@/lib/web/admin";
import { titleMetadata } from "@/lib/web/i18n/metadata";
import { addAlias, deleteAlias } from "./actions";

export const generateMetadata = titleMetadata("admin");

interface AliasRow {
  alias: string;
  target: string;
  catchAll: boolean;
}

export default async function AliasesPage() {
  const user = await requireAdministrator();
  const t = await getTranslations("Admin.aliases");
  const loaded = await adminLoad(user, "/api/v1/aliases");
  if ("problem" in loaded) return <AdminPage title={t("title")} problem={loaded.problem} />;
  const aliases = (loaded.body.aliases ?? []) as AliasRow[];
  return (
    <AdminPage title={t("title")}>
      <Section title={t("addTitle")}>
        <p className="text-sm text-slate-600 dark:text-slate-400">{t("intro")}</p>
        <ActionForm action={addAlias} submit={t("add")}>
          <div className="flex flex-col gap-3 sm:flex-row">
            <Field label={t("alias")}>
              <input name="alias" type="text" required autoCapitalize="none" spellCheck={false} placeholder="team@example.org" className={INPUT_CLASS} />
            </Field>
            <Field label={t("target")}>
              <input name="target" type="email" required autoCapitalize="none" spellCheck={false} placeholder="name@example.org" className={INPUT_CLASS} />
            </Field>
          </div>
        </ActionForm>
      </Section>
      <Section title={t("listTitle", { count: aliases.length })}>
        {aliases.length ? (
          <ul className="flex flex-col divide-y divide-slate-100 dark:divide-slate-800">
            {aliases.map((alias) => (
              <li key={`${alias.alias} ${alias.target}`} className="flex flex-wrap items-center gap-x-3 gap-y-2 py-3">
                <span className="font-medium break-all">{alias.catchAll ? t("catchAll", { domain: alias.alias.slice(1) }) : alias.alias}</span>
                <span aria-hidden="true">→</span>
                <span className="break-all">{alias.target}</span>
                <span className="flex-1" />
                <ConfirmAction action={deleteAlias} fields={{ alias: alias.alias, target: alias.target }} label={t("delete")} question={t("deleteQuestion", { alias: alias.alias, target: alias.target })} />
              </li>
            ))}
          </ul>
        ) : (
          <p className="text-sm">{t("none")}</p>
        )}
      </Section>
    </AdminPage>
  );
}
