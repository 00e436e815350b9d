// The address book in the webmail's database: contacts with their addresses, phones and groups, per owner.
// Imports merge into what is there (a card whose address is already known adds to that contact), so
// importing the same file twice, or a file and then its export, does not double anyone.
import "server-only";
import type { Prisma } from "@/lib/db";
import type { Prisma as PrismaTypes } from "@/lib/generated/sqlite/client";
import { LIMITS, type ContactInput, type ContactView, type GroupView, type LabelledValue } from "./types";

type Db = Prisma | PrismaTypes.TransactionClient;

export class AddressBookFullError extends Error {}

export function ownerKey(owner: string): string {
  return owner.trim().toLowerCase();
}

const CONTACT_PARTS = {
  emails: { orderBy: { position: "asc" } },
  phones: { orderBy: { position: "asc" } },
  groups: { include: { group: { select: { name: true } } } },
} as const;

type ContactRow = PrismaTypes.ContactGetPayload<{ include: typeof CONTACT_PARTS }>;

function viewOf(row: ContactRow): ContactView {
  return {
    id: row.id,
    name: row.name,
    notes: row.notes,
    emails: row.emails.map((email) => ({ value: email.address, label: email.label })),
    phones: row.phones.map((phone) => ({ value: phone.number, label: phone.label })),
    groups: row.groups.map((member) => member.group.name).sort((a, b) => a.localeCompare(b)),
  };
}

const byName = (a: { name: string; emails: LabelledValue[] }, b: { name: string; emails: LabelledValue[] }) =>
  (a.name || a.emails[0]?.value || "").localeCompare(b.name || b.emails[0]?.value || "", undefined, { sensitivity: "base" });

export async function listContacts(prisma: Db, owner: string): Promise<ContactView[]> {
  const rows = await prisma.contact.findMany({ where: { owner: ownerKey(owner) }, include: CONTACT_PARTS });
  return rows.map(viewOf).sort(byName);
}

export async function listGroups(prisma: Db, owner: string): Promise<GroupView[]> {
  const rows = await prisma.contactGroup.findMany({ where: { owner: ownerKey(owner) }, include: { members: { select: { contactId: true } } }, orderBy: { name: "asc" } });
  return rows.map((row) => ({ id: row.id, name: row.name, members: row.members.map((member) => member.contactId) }));
}

/** The ids of the named groups, made when missing while the owner has room for more. */
async function groupIds(tx: Db, owner: string, names: string[]): Promise<number[]> {
  const ids: number[] = [];
  for (const name of names) {
    const existing = await tx.contactGroup.findUnique({ where: { owner_name: { owner, name } } });
    if (existing) ids.push(existing.id);
    else if ((await tx.contactGroup.count({ where: { owner } })) < LIMITS.groups) ids.push((await tx.contactGroup.create({ data: { owner, name } })).id);
  }
  return ids;
}

function parts(input: Pick<ContactInput, "emails" | "phones">) {
  return {
    emails: { create: input.emails.map((email, position) => ({ address: email.value, label: email.label, position })) },
    phones: { create: input.phones.map((phone, position) => ({ number: phone.value, label: phone.label, position })) },
  };
}

async function create(tx: Db, owner: string, input: ContactInput): Promise<number> {
  const groups = await groupIds(tx, owner, input.groups);
  const row = await tx.contact.create({
    data: { owner, name: input.name, notes: input.notes, ...parts(input), groups: { create: groups.map((groupId) => ({ groupId })) } },
  });
  return row.id;
}

async function replace(tx: Db, owner: string, id: number, input: ContactInput): Promise<void> {
  const groups = await groupIds(tx, owner, input.groups);
  await tx.contact.update({
    where: { id },
    data: {
      name: input.name,
      notes: input.notes,
      emails: { deleteMany: {}, ...parts(input).emails },
      phones: { deleteMany: {}, ...parts(input).phones },
      groups: { deleteMany: {}, create: groups.map((groupId) => ({ groupId })) },
    },
  });
}

async function findOne(prisma: Db, owner: string, id: number): Promise<ContactView | null> {
  const row = await prisma.contact.findFirst({ where: { id, owner: ownerKey(owner) }, include: CONTACT_PARTS });
  return row ? viewOf(row) : null;
}

export async function createContact(prisma: Prisma, owner: string, input: ContactInput): Promise<ContactView> {
  const key = ownerKey(owner);
  const id = await prisma.$transaction(async (tx) => {
    if ((await tx.contact.count({ where: { owner: key } })) >= LIMITS.contacts) throw new AddressBookFullError();
    return create(tx, key, input);
  });
  return (await findOne(prisma, key, id)) as ContactView;
}

/** Replaces a contact's fields; null when the owner has no such contact. */
export async function updateContact(prisma: Prisma, owner: string, id: number, input: ContactInput): Promise<ContactView | null> {
  const key = ownerKey(owner);
  const found = await prisma.$transaction(async (tx) => {
    if (!(await tx.contact.findFirst({ where: { id, owner: key }, select: { id: true } }))) return false;
    await replace(tx, key, id, input);
    return true;
  });
  return found ? findOne(prisma, key, id) : null;
}

export async function deleteContact(prisma: Prisma, owner: string, id: number): Promise<boolean> {
  const { count } = await prisma.contact.deleteMany({ where: { id, owner: ownerKey(owner) } });
  return count > 0;
}

export class GroupExistsError extends Error {}

export async function createGroup(prisma: Prisma, owner: string, name: string): Promise<void> {
  const key = ownerKey(owner);
  if (await prisma.contactGroup.findUnique({ where: { owner_name: { owner: key, name } } })) throw new GroupExistsError();
  if ((await prisma.contactGroup.count({ where: { owner: key } })) >= LIMITS.groups) throw new AddressBookFullError();
  await prisma.contactGroup.create({ data: { owner: key, name } });
}

/** Renames a group; false when the owner has no such group. */
export async function renameGroup(prisma: Prisma, owner: string, id: number, name: string): Promise<boolean> {
  const key = ownerKey(owner);
  const clash = await prisma.contactGroup.findUnique({ where: { owner_name: { owner: key, name } } });
  if (clash && clash.id !== id) throw new GroupExistsError();
  const { count } = await prisma.contactGroup.updateMany({ where: { id, owner: key }, data: { name } });
  return count > 0;
}

/** Removes a group; its contacts stay. */
export async function deleteGroup(prisma: Prisma, owner: string, id: number): Promise<boolean> {
  const { count } = await prisma.contactGroup.deleteMany({ where: { id, owner: ownerKey(owner) } });
  return count > 0;
}

export interface MergeResult {
  added: number;
  /** Cards whose address (or, without addresses, whose name) was already in the address book. */
  merged: number;
  /** Cards not added because the address book is full. */
  refused: number;
}

function union(existing: LabelledValue[], more: LabelledValue[], key: (value: string) => string, max: number): LabelledValue[] {
  const known = new Set(existing.map((entry) => key(entry.value)));
  return [...existing, ...more.filter((entry) => !known.has(key(entry.value)) && known.add(key(entry.value)))].slice(0, max);
}

const addressKey = (value: string) => value.toLowerCase();
const phoneKey = (value: string) => value.replace(/[^\d+]/g, "") || value;

function merged(existing: ContactView, input: ContactInput): ContactInput {
  return {
    name: existing.name || input.name,
    notes: existing.notes || input.notes,
    emails: union(existing.emails, input.emails, addressKey, LIMITS.emailsPerContact),
    phones: union(existing.phones, input.phones, phoneKey, LIMITS.phonesPerContact),
    groups: [...new Set([...existing.groups, ...input.groups])].slice(0, LIMITS.groupsPerContact),
  };
}

const fieldsOf = ({ name, emails, phones, notes, groups }: ContactInput): ContactInput => ({ name, emails, phones, notes, groups });
const unchanged = (a: ContactInput, b: ContactInput) => JSON.stringify(fieldsOf(a)) === JSON.stringify(fieldsOf(b));

/** Adds cards (already made to fit), merging each into the contact that has one of its addresses. */
export async function mergeContacts(prisma: Prisma, owner: string, inputs: ContactInput[]): Promise<MergeResult> {
  const key = ownerKey(owner);
  const contacts = await listContacts(prisma, key);
  const byAddress = new Map<string, ContactView>();
  const byName = new Map<string, ContactView>();
  const remember = (contact: ContactView) => {
    for (const email of contact.emails) byAddress.set(addressKey(email.value), contact);
    if (contact.name) byName.set(contact.name.toLowerCase(), contact);
  };
  contacts.forEach(remember);
  let count = contacts.length;
  const result: MergeResult = { added: 0, merged: 0, refused: 0 };
  // In batches: each commit is a disk sync, and thousands of them would make a large import crawl.
  for (let start = 0; start < inputs.length; start += 200) {
    await prisma.$transaction(
      async (tx) => {
        for (const input of inputs.slice(start, start + 200)) {
          const existing = input.emails.map((email) => byAddress.get(addressKey(email.value))).find(Boolean) ?? (input.emails.length === 0 && input.name ? byName.get(input.name.toLowerCase()) : undefined);
          if (existing) {
            const next = merged(existing, input);
            if (!unchanged(next, existing)) await replace(tx, key, existing.id, next);
            remember(Object.assign(existing, next));
            result.merged += 1;
          } else if (count >= LIMITS.contacts) {
            result.refused += 1;
          } else {
            const id = await create(tx, key, input);
            remember({ id, ...input });
            count += 1;
            result.added += 1;
          }
        }
      },
      { timeout: 120_000 },
    );
  }
  return result;
}
