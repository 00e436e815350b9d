import { NextResponse } from "next/server";
import { AddressBookFullError, createGroup, deleteGroup, GroupExistsError, listGroups, renameGroup } from "@/lib/user-agent/contacts/store";
import { LIMITS } from "@/lib/user-agent/contacts/types";
import { lineText } from "@/lib/user-agent/contacts/validate";
import { jsonError } from "@/lib/web/mail-route";
import { idField, noStore, readChange, withAddressBook, type Fields } from "../address-book";

function groupName(fields: Fields): string | null {
  if (typeof fields.name !== "string" || fields.name.length > LIMITS.groupName) return null;
  return lineText(fields.name, LIMITS.groupName) || null;
}

const refused = (error: unknown) => {
  if (error instanceof GroupExistsError) return jsonError(409, "There is already a group of that name.");
  if (error instanceof AddressBookFullError) return jsonError(409, `The address book holds at most ${LIMITS.groups} groups.`);
  throw error;
};

/** Adds a group: { name }. Answers the groups. */
export async function POST(request: Request) {
  const fields = await readChange(request);
  if (fields instanceof Response) return fields;
  const name = groupName(fields);
  if (name === null) return jsonError(400, `Give a group name of at most ${LIMITS.groupName} characters.`);
  return withAddressBook(async (prisma, owner) => {
    try {
      await createGroup(prisma, owner, name);
    } catch (error) {
      return refused(error);
    }
    return NextResponse.json({ groups: await listGroups(prisma, owner) }, { headers: noStore });
  });
}

/** Renames a group: { id, name }. */
export async function PATCH(request: Request) {
  const fields = await readChange(request);
  if (fields instanceof Response) return fields;
  const id = idField(fields.id);
  const name = groupName(fields);
  if (id === null || name === null) return jsonError(400, `Expected { id, name } with a name of at most ${LIMITS.groupName} characters.`);
  return withAddressBook(async (prisma, owner) => {
    try {
      if (!(await renameGroup(prisma, owner, id, name))) return jsonError(404, "No such group.");
    } catch (error) {
      return refused(error);
    }
    return NextResponse.json({ groups: await listGroups(prisma, owner) }, { headers: noStore });
  });
}

/** Removes a group (its contacts stay): { id }. */
export async function DELETE(request: Request) {
  const fields = await readChange(request);
  if (fields instanceof Response) return fields;
  const id = idField(fields.id);
  if (id === null) return jsonError(400, "Expected { id }.");
  return withAddressBook(async (prisma, owner) => {
    if (!(await deleteGroup(prisma, owner, id))) return jsonError(404, "No such group.");
    return NextResponse.json({ groups: await listGroups(prisma, owner) }, { headers: noStore });
  });
}
