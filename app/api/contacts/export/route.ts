import { exportAddressBook } from "@/lib/user-agent/contacts/export";
import { listContacts } from "@/lib/user-agent/contacts/store";
import { EXPORT_FORMATS } from "@/lib/user-agent/contacts/types";
import { contentDisposition } from "@/lib/web/content-disposition";
import { jsonError } from "@/lib/web/mail-route";
import { withAddressBook } from "../address-book";

/** The address book as a download: ?format=vcard4 (default), vcard3, gmail-csv or outlook-csv. */
export async function GET(request: Request) {
  const requested = new URL(request.url).searchParams.get("format") ?? "vcard4";
  const format = EXPORT_FORMATS.find((known) => known === requested);
  if (!format) return jsonError(400, `Choose format=${EXPORT_FORMATS.join(", ")}.`);
  return withAddressBook(async (prisma, owner) => {
    const file = exportAddressBook(await listContacts(prisma, owner), format);
    return new Response(file.body, {
      headers: { "content-type": file.contentType, "content-disposition": contentDisposition("attachment", file.filename), "cache-control": "no-store", "x-content-type-options": "nosniff" },
    });
  });
}
