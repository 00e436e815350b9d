import { redirect } from "next/navigation";
import { connection } from "next/server";
import { ContactsPage } from "@/components/contacts/contacts-page";
import { titleMetadata } from "@/lib/web/i18n/metadata";
import { getSignedInUser } from "@/lib/web/auth/session";

export const generateMetadata = titleMetadata("contacts");

export default async function ContactsRoute() {
  await connection();
  if (!(await getSignedInUser())) redirect("/login");
  return <ContactsPage />;
}
