// Invites (administrators): sign-up links that work once, made, listed and withdrawn here.
import { redirect } from "next/navigation";
import { connection } from "next/server";
import { getTranslations } from "next-intl/server";
import { InvitesManager } from "@/components/admin/invites-manager";
import { adminErrorText, isRecord, MailServerUnreachableError } from "@/lib/user-agent/admin-api";
import { getSignupInfoOrClosed, inviteRequest, type InviteRow } from "@/lib/user-agent/signup-api";
import { getSignedInUser, type SignedInUser } from "@/lib/web/auth/session";

export async function generateMetadata() {
  return { title: (await getTranslations("Invites"))("title") };
}

async function loadInvites(user: SignedInUser): Promise<{ invites: InviteRow[] } | { problem: string; forbidden: boolean }> {
  try {
    const { status, body } = await inviteRequest(user, { method: "GET" });
    if (status === 200 && isRecord(body) && Array.isArray(body.invites)) return { invites: body.invites as InviteRow[] };
    return { problem: adminErrorText(status, body), forbidden: status === 403 };
  } catch (error) {
    if (error instanceof MailServerUnreachableError) return { problem: error.message, forbidden: false };
    throw error;
  }
}

export default async function InvitesPage() {
  await connection();
  const user = await getSignedInUser();
  if (!user) redirect("/login");
  const t = await getTranslations("Invites");
  const [loaded, signup] = await Promise.all([loadInvites(user), getSignupInfoOrClosed()]);
  return (
    <main className="mx-auto flex w-full max-w-5xl flex-col gap-4 px-4 py-6 sm:px-6" aria-labelledby="invites-title">
      <h1 id="invites-title" className="text-xl font-semibold">
        {t("title")}
      </h1>
      {"problem" in loaded ? (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          {loaded.forbidden ? t("adminsOnly") : t("failed", { reason: loaded.problem })}
        </p>
      ) : (
        <>
          <p className="text-sm text-slate-600 dark:text-slate-400">{t(`mode.${signup.mode}`)}</p>
          <InvitesManager initial={loaded.invites} />
        </>
      )}
    </main>
  );
}
