// Mailboxes of an account. UIDVALIDITY must differ whenever a name is re-created, so it is
// derived from the creation time plus the row id, both of which only grow.
import type { Prisma } from "@/lib/db";
import { StoreError } from "./errors";

type Tx = Parameters<Parameters<Prisma["$transaction"]>[0]>[0] | Prisma;

export const DEFAULT_MAILBOXES: readonly { name: string; specialUse: string }[] = [
  { name: "INBOX", specialUse: "" },
  { name: "Drafts", specialUse: "\\Drafts" },
  { name: "Sent", specialUse: "\\Sent" },
  { name: "Trash", specialUse: "\\Trash" },
  { name: "Junk", specialUse: "\\Junk" },
  { name: "Archive", specialUse: "\\Archive" },
];

const MAX_NAME_LENGTH = 1000;

export async function createMailbox(tx: Tx, accountId: number, name: string, specialUse = "") {
  if (!name || name.length > MAX_NAME_LENGTH || /[\x00-\x1f\x7f]/.test(name) || name.startsWith("/") || name.endsWith("/") || name.includes("//")) {
    throw new StoreError("invalid", `"${name}" is not a valid mailbox name`);
  }
  const normalized = /^inbox$/i.test(name) ? "INBOX" : name;
  const existing = await tx.mailbox.findUnique({ where: { accountId_name: { accountId, name: normalized } } });
  if (existing) throw new StoreError("exists", `mailbox ${normalized} already exists`);
  const created = await tx.mailbox.create({ data: { accountId, name: normalized, specialUse, uidValidity: 0 } });
  const uidValidity = (Math.floor(created.createdAt.getTime() / 1000) + created.id) % 0x7fffffff || 1;
  return tx.mailbox.update({ where: { id: created.id }, data: { uidValidity } });
}

export async function createDefaultMailboxes(tx: Tx, accountId: number) {
  for (const mailbox of DEFAULT_MAILBOXES) await createMailbox(tx, accountId, mailbox.name, mailbox.specialUse);
}
