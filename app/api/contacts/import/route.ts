import { NextResponse } from "next/server";
import { getTranslations } from "next-intl/server";
import { ImportRefused, readAddressBook, type ImportedFile, type ImportRefusal } from "@/lib/user-agent/contacts/import";
import { mergeContacts } from "@/lib/user-agent/contacts/store";
import { LIMITS } from "@/lib/user-agent/contacts/types";
import { readLimitedBody } from "@/lib/web/json-body";
import { jsonError } from "@/lib/web/mail-route";
import { isSameOrigin } from "@/lib/web/same-origin";
import { noStore, withAddressBook } from "../address-book";

/**
 * Imports a vCard (3.0, 4.0) or CSV (Gmail, Outlook, plain) file sent as the request body. Answers what
 * was done: { format, added, merged, skipped, leftOut, refused, legacyEncoding }; a file that cannot be
 * taken is refused with the reason in the user's language and `reason` for the page.
 */
export async function POST(request: Request) {
  if (!isSameOrigin(request.headers)) return jsonError(403, "Cross-site request refused.");
  const t = await getTranslations("Contacts");
  const refuse = (reason: ImportRefusal, status = 400) => {
    const error = reason === "too-large" ? t("refused.too-large", { megabytes: LIMITS.importBytes / 1024 / 1024 }) : t(`refused.${reason}`);
    return NextResponse.json({ error, reason }, { status, headers: noStore });
  };
  return withAddressBook(async (prisma, owner) => {
    // Read only for someone signed in: a stranger's 5 MB costs nothing but the refusal.
    const bytes = await readLimitedBody(request, LIMITS.importBytes);
    if (bytes === null) return refuse("too-large", 413);
    if (bytes.length === 0) return refuse("unknown-format");
    let file: ImportedFile;
    try {
      file = readAddressBook(bytes);
    } catch (error) {
      if (error instanceof ImportRefused) return refuse(error.reason, error.reason === "too-large" ? 413 : 400);
      throw error;
    }
    const result = await mergeContacts(prisma, owner, file.contacts);
    return NextResponse.json({ format: file.format, legacyEncoding: file.legacyEncoding, skipped: file.skipped, leftOut: file.leftOut, ...result }, { headers: noStore });
  });
}
