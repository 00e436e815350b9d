// The default mailboxes of a new account (created with Prisma, in the account's transaction);
// everything else about mailboxes is in folders.ts.
import type { Prisma } from "@/lib/db";
import { uidValidityFor } from "./folders";

type Tx = Parameters<Parameters<Prisma["$transaction"]>[0]>[0] | Prisma;

export const DEFAULT_MAILBOXES: readonly { name: string; specialUse: string }[] = [
  { name: "INBOX", specialUse: "" },
  { name: "Drafts", specialUse: "\\Drafts" },
  { name: "Sent", specialUse: "\\Sent" },
  { name: "Trash", specialUse: "\\Trash" },
  { name: "Junk", specialUse: "\\Junk" },
  { name: "Archive", specialUse: "\\Archive" },
];

/** The mailboxes every new account starts with, created inside the account's own transaction. */
export async function createDefaultMailboxes(tx: Tx, accountId: number) {
  for (const { name, specialUse } of DEFAULT_MAILBOXES) {
    const created = await tx.mailbox.create({ data: { accountId, name, specialUse, uidValidity: 0 } });
    await tx.mailbox.update({ where: { id: created.id }, data: { uidValidity: uidValidityFor(created.createdAt, created.id) } });
  }
}
