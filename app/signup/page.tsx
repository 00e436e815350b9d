import Link from "next/link";
import { connection } from "next/server";
import { getTranslations } from "next-intl/server";
import { CenteredPage } from "@/components/centered-page";
import { SignupForm } from "@/components/signup/signup-form";
import { getSignupInfoOrClosed } from "@/lib/user-agent/signup-api";

export async function generateMetadata() {
  return { title: (await getTranslations("Signup"))("title") };
}

const LINK_CLASS = "font-medium text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300";

/** /signup, and /signup?invite=TOKEN from an invite link. */
export default async function SignupPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await connection();
  const raw = (await searchParams).invite;
  const invite = typeof raw === "string" && raw.trim() ? raw.trim().slice(0, 100) : null;
  const info = await getSignupInfoOrClosed(invite ?? undefined);
  const t = await getTranslations("Signup");

  // Why there is no form, when there is none.
  let refusal: string | null = null;
  if (info.mode === "closed" || !info.domains.length) refusal = t("closedText");
  else if (invite && info.invite && info.invite !== "valid") refusal = t(`inviteState.${info.invite}`);
  else if (info.mode === "invite" && !invite) refusal = t("inviteOnlyText");

  return (
    <CenteredPage>
      <h1 className="text-2xl font-semibold tracking-tight">{t("title")}</h1>
      {refusal ? (
        <p className="mt-4 text-base text-slate-700 dark:text-slate-300" role="status">
          {refusal}
        </p>
      ) : (
        <>
          <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">{invite ? t("introInvite") : t("intro")}</p>
          <SignupForm domains={info.domains} invite={invite} />
        </>
      )}
      <p className="mt-6 text-sm text-slate-600 dark:text-slate-400">
        {t("haveAccount")}{" "}
        <Link href="/login" className={LINK_CLASS}>
          {t("signInLink")}
        </Link>
      </p>
    </CenteredPage>
  );
}
