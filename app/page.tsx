import { redirect } from "next/navigation";
import { connection } from "next/server";
import { SignOutButton } from "@/components/auth/sign-out-button";
import { MailServerProblem } from "@/components/mail-server-problem";
import { getSetupStatusOrProblem } from "@/lib/user-agent/admin-api";
import { getSignedInUser } from "@/lib/web/auth/session";

export default async function HomePage() {
  // The answer depends on the mail server and the session at request time, never on the build.
  await connection();
  const user = await getSignedInUser();
  if (!user) {
    const status = await getSetupStatusOrProblem();
    if ("problem" in status) return <MailServerProblem message={status.problem} />;
    redirect(status.needed ? "/setup" : "/login");
  }
  return (
    <main className="p-4">
      <p>{user.address}</p>
      <SignOutButton />
    </main>
  );
}
