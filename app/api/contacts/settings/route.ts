import { NextResponse } from "next/server";
import { forgetCollected, saveAddressBookSettings } from "@/lib/user-agent/contacts/collect";
import { jsonError } from "@/lib/web/mail-route";
import { noStore, readChange, withAddressBook } from "../address-book";

/** { collectRecipients: boolean }: whether sent mail's recipients are remembered for autocomplete. */
export async function PATCH(request: Request) {
  const fields = await readChange(request);
  if (fields instanceof Response) return fields;
  if (typeof fields.collectRecipients !== "boolean") return jsonError(400, "Expected { collectRecipients: true or false }.");
  const collectRecipients = fields.collectRecipients;
  return withAddressBook(async (prisma, owner) => {
    await saveAddressBookSettings(prisma, owner, { collectRecipients });
    return NextResponse.json({ settings: { collectRecipients } }, { headers: noStore });
  });
}

/** Forgets the collected recipients (the contacts stay). */
export async function DELETE(request: Request) {
  const fields = await readChange(request);
  if (fields instanceof Response) return fields;
  return withAddressBook(async (prisma, owner) => {
    await forgetCollected(prisma, owner);
    return NextResponse.json({ ok: true }, { headers: noStore });
  });
}
