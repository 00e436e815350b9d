// Recipients of sent mail, remembered for autocomplete ("recent correspondents") unless the user turned
// it off in the address book's settings; the address book's own settings live here too.
import "server-only";
import type { Prisma } from "@/lib/db";
import type { Address } from "@/lib/user-agent/mail/types";
import type { AdminCredentials } from "@/lib/user-agent/admin-api";
import { sendableAddresses } from "@/lib/user-agent/settings/addresses";
import { webmailDatabase } from "@/lib/user-agent/webmail-database";
import { ownerKey } from "./store";
import { LIMITS, type AddressBookSettings } from "./types";
import { lineText } from "./validate";

export async function addressBookSettings(prisma: Prisma, owner: string): Promise<AddressBookSettings> {
  const row = await prisma.addressBookSettings.findUnique({ where: { owner: ownerKey(owner) } });
  return { collectRecipients: row?.collectRecipients ?? true };
}

export async function saveAddressBookSettings(prisma: Prisma, owner: string, settings: AddressBookSettings): Promise<void> {
  const key = ownerKey(owner);
  await prisma.addressBookSettings.upsert({ where: { owner: key }, create: { owner: key, ...settings }, update: settings });
}

/**
 * Counts one more message to each recipient, keeping the LIMITS.collected most recent. Not the owner, nor
 * the owner's other addresses (`ownAddresses`, the aliases they send from): a reply to all that copies
 * one of them would otherwise offer it back as a correspondent.
 */
export async function collectRecipients(prisma: Prisma, owner: string, recipients: Address[], now = new Date(), ownAddresses: readonly string[] = []): Promise<void> {
  const key = ownerKey(owner);
  if (!(await addressBookSettings(prisma, key)).collectRecipients) return;
  const own = new Set([key, ...ownAddresses.map((address) => address.trim().toLowerCase())]);
  const seen = new Map<string, string>();
  for (const recipient of recipients) {
    const address = recipient.address.trim().toLowerCase();
    if (address && !own.has(address) && address.length <= LIMITS.address) seen.set(address, lineText(recipient.name, LIMITS.name) || seen.get(address) || "");
  }
  if (seen.size === 0) return;
  await prisma.$transaction(async (tx) => {
    for (const [address, name] of seen) {
      await tx.collectedRecipient.upsert({
        where: { owner_address: { owner: key, address } },
        create: { owner: key, address, name, lastUsedAt: now },
        update: { useCount: { increment: 1 }, lastUsedAt: now, ...(name ? { name } : {}) },
      });
    }
    const stale = await tx.collectedRecipient.findMany({ where: { owner: key }, orderBy: { lastUsedAt: "desc" }, skip: LIMITS.collected, select: { id: true } });
    if (stale.length > 0) await tx.collectedRecipient.deleteMany({ where: { id: { in: stale.map((row) => row.id) } } });
  });
}

/** What the send path calls: never fails a send that went out, only logs. */
export async function rememberRecipients(credentials: AdminCredentials, recipients: Address[]): Promise<void> {
  try {
    const { addresses } = await sendableAddresses(credentials);
    await collectRecipients(await webmailDatabase(), credentials.address, recipients, new Date(), addresses);
  } catch (error) {
    console.error(`webmail: could not collect recipients: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export async function forgetCollected(prisma: Prisma, owner: string): Promise<void> {
  await prisma.collectedRecipient.deleteMany({ where: { owner: ownerKey(owner) } });
}
