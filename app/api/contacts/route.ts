import { NextResponse } from "next/server";
import { addressBookSettings } from "@/lib/user-agent/contacts/collect";
import { AddressBookFullError, createContact, deleteContact, listContacts, listGroups, updateContact } from "@/lib/user-agent/contacts/store";
import { LIMITS } from "@/lib/user-agent/contacts/types";
import { parseContactForm } from "@/lib/user-agent/contacts/validate";
import { jsonError } from "@/lib/web/mail-route";
import { idField, noStore, readChange, withAddressBook } from "./address-book";

/** The whole address book: { contacts, groups, settings }. */
export async function GET() {
  return withAddressBook(async (prisma, owner) => {
    const [contacts, groups, settings] = await Promise.all([listContacts(prisma, owner), listGroups(prisma, owner), addressBookSettings(prisma, owner)]);
    return NextResponse.json({ contacts, groups, settings }, { headers: noStore });
  });
}

/** Adds a contact: { name, emails: [{ value, label }], phones, notes, groups: [names] }. */
export async function POST(request: Request) {
  const fields = await readChange(request);
  if (fields instanceof Response) return fields;
  const contact = parseContactForm(fields);
  if (typeof contact === "string") return jsonError(400, contact);
  return withAddressBook(async (prisma, owner) => {
    try {
      return NextResponse.json({ contact: await createContact(prisma, owner, contact) }, { headers: noStore });
    } catch (error) {
      if (error instanceof AddressBookFullError) return jsonError(409, `The address book holds at most ${LIMITS.contacts} contacts.`);
      throw error;
    }
  });
}

/** Replaces a contact's fields: { id, …contact }. */
export async function PATCH(request: Request) {
  const fields = await readChange(request);
  if (fields instanceof Response) return fields;
  const id = idField(fields.id);
  if (id === null) return jsonError(400, "Expected { id, … }.");
  const contact = parseContactForm(fields);
  if (typeof contact === "string") return jsonError(400, contact);
  return withAddressBook(async (prisma, owner) => {
    const updated = await updateContact(prisma, owner, id, contact);
    return updated ? NextResponse.json({ contact: updated }, { headers: noStore }) : jsonError(404, "No such contact.");
  });
}

/** Removes a contact: { id }. */
export async function DELETE(request: Request) {
  const fields = await readChange(request);
  if (fields instanceof Response) return fields;
  const id = idField(fields.id);
  if (id === null) return jsonError(400, "Expected { id }.");
  return withAddressBook(async (prisma, owner) => ((await deleteContact(prisma, owner, id)) ? NextResponse.json({ ok: true }, { headers: noStore }) : jsonError(404, "No such contact.")));
}
