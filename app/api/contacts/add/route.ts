import { NextResponse } from "next/server";
import { isValidAddress } from "@/lib/user-agent/compose/types";
import { mergeContacts } from "@/lib/user-agent/contacts/store";
import { LIMITS } from "@/lib/user-agent/contacts/types";
import { fitImported } from "@/lib/user-agent/contacts/validate";
import { jsonError } from "@/lib/web/mail-route";
import { noStore, readChange, withAddressBook } from "../address-book";

/** "Add to contacts" from a message: { name, address }; answers { added } (false: it was already there). */
export async function POST(request: Request) {
  const fields = await readChange(request);
  if (fields instanceof Response) return fields;
  const address = typeof fields.address === "string" ? fields.address.trim() : "";
  if (!isValidAddress(address)) return jsonError(400, "Give an e-mail address.");
  const contact = fitImported({ name: typeof fields.name === "string" ? fields.name : "", emails: [{ value: address, label: "" }], phones: [], notes: "", groups: [] });
  if (contact === null) return jsonError(400, "Give an e-mail address.");
  return withAddressBook(async (prisma, owner) => {
    const result = await mergeContacts(prisma, owner, [contact]);
    if (result.refused > 0) return jsonError(409, `The address book holds at most ${LIMITS.contacts} contacts.`);
    return NextResponse.json({ added: result.added > 0 }, { headers: noStore });
  });
}
