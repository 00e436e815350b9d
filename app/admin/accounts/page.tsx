import { getTranslations } from "next-intl/server";
import { ActionButton } from "@/components/admin/action-button";
import { ActionForm, Field, INPUT_CLASS } from "@/components/admin/action-form";
import { AdminPage, Section } from "@/components/admin/admin-page";
import { ConfirmAction } from "@/components/admin/confirm-action";
import { UsageBar } from "@/components/admin/usage-bar";
import { adminLoad, requireAdministrator } from "@/lib/web/admin";
import { titleMetadata } from "@/lib/web/i18n/metadata";
import { createAccount, deleteAccount, resetPassword, setAdmin, setDisabled, setQuota } from "./actions";

export const generateMetadata = titleMetadata("admin");

interface AccountRow {
  address: string;
  displayName: string;
  isAdmin: boolean;
  disabled: boolean;
  messageCount: number;
  usedBytes: string;
  quotaBytes: string;
}

export default async function AccountsPage() {
  const user = await requireAdministrator();
  const t = await getTranslations("Admin.accounts");
  const loaded = await adminLoad(user, "/api/v1/accounts");
  if ("problem" in loaded) return <AdminPage title={t("title")} problem={loaded.problem} />;
  const accounts = (loaded.body.accounts ?? []) as AccountRow[];
  return (
    <AdminPage title={t("title")}>
      <Section title={t("createTitle")}>
        <ActionForm action={createAccount} submit={t("create")}>
          <div className="flex flex-col gap-3 sm:flex-row">
            <Field label={t("address")}>
              <input name="address" type="email" required autoCapitalize="none" spellCheck={false} placeholder="name@example.org" className={INPUT_CLASS} />
            </Field>
            <Field label={t("displayName")}>
              <input name="displayName" type="text" autoComplete="off" className={INPUT_CLASS} />
            </Field>
          </div>
          <div className="flex flex-col gap-3 sm:flex-row">
            <Field label={t("password")}>
              <input name="password" type="password" required autoComplete="new-password" className={INPUT_CLASS} />
            </Field>
            <Field label={t("quota")}>
              <input name="quota" type="text" placeholder={t("quotaPlaceholder")} className={INPUT_CLASS} />
            </Field>
          </div>
          <label className="inline-flex min-h-11 items-center gap-2 text-sm md:min-h-9">
            <input name="isAdmin" type="checkbox" className="size-4" />
            {t("makeAdmin")}
          </label>
        </ActionForm>
      </Section>
      <Section title={t("listTitle", { count: accounts.length })}>
        <ul className="flex flex-col divide-y divide-slate-100 dark:divide-slate-800">
          {accounts.map((account) => (
            <li key={account.address} className="flex flex-col gap-2 py-3">
              <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
                <span className="font-medium break-all">{account.address}</span>
                {account.displayName ? <span className="text-sm text-slate-600 dark:text-slate-400">{account.displayName}</span> : null}
                {account.isAdmin ? <span className="rounded bg-indigo-50 px-1.5 text-xs text-indigo-700 dark:bg-indigo-950 dark:text-indigo-300">{t("admin")}</span> : null}
                {account.disabled ? <span className="rounded bg-red-50 px-1.5 text-xs text-red-700 dark:bg-red-950 dark:text-red-300">{t("disabled")}</span> : null}
              </div>
              <UsageBar used={account.usedBytes} quota={account.quotaBytes} label={t("messages", { count: account.messageCount })} />
              <details className="group">
                <summary className="inline-flex min-h-11 cursor-pointer items-center text-sm text-indigo-700 md:min-h-9 dark:text-indigo-300">{t("manage", { address: account.address })}</summary>
                <div className="mt-2 grid gap-4 sm:grid-cols-2">
                  {account.address.toLowerCase() !== user.address.toLowerCase() ? (
                    <ActionForm action={resetPassword} submit={t("resetPassword")}>
                      <input type="hidden" name="address" value={account.address} />
                      <Field label={t("newPassword")}>
                        <input name="password" type="password" autoComplete="new-password" className={INPUT_CLASS} />
                      </Field>
                    </ActionForm>
                  ) : (
                    <p className="text-sm text-slate-600 dark:text-slate-400">{t("ownPasswordInSettings")}</p>
                  )}
                  <ActionForm action={setQuota} submit={t("setQuota")}>
                    <input type="hidden" name="address" value={account.address} />
                    <Field label={t("quota")}>
                      <input name="quota" type="text" placeholder={t("quotaPlaceholder")} className={INPUT_CLASS} />
                    </Field>
                  </ActionForm>
                  <div className="flex flex-wrap items-start gap-2">
                    <ActionButton action={setDisabled} fields={{ address: account.address, disabled: String(!account.disabled) }} label={account.disabled ? t("enable") : t("disable")} />
                    <ActionButton action={setAdmin} fields={{ address: account.address, isAdmin: String(!account.isAdmin) }} label={account.isAdmin ? t("unadmin") : t("makeAdminButton")} />
                    {account.address !== user.address ? (
                      <ConfirmAction action={deleteAccount} fields={{ address: account.address }} label={t("delete")} question={t("deleteQuestion", { address: account.address, count: account.messageCount })} />
                    ) : null}
                  </div>
                </div>
              </details>
            </li>
          ))}
        </ul>
      </Section>
    </AdminPage>
  );
}
