// The user's settings and identities in the webmail's database (WebmailSettings, WebmailIdentity),
// keyed by the lower-cased address. A user who never changed anything has no row: the defaults hold.
import "server-only";
import { loadConfig } from "@/lib/config";
import type { Prisma } from "@/lib/db";
import { DEFAULT_SETTINGS, DENSITIES, REMOTE_IMAGE_POLICIES, sameAddress, type Identity, type UserSettings } from "./types";

function ownerKey(owner: string): string {
  return owner.trim().toLowerCase();
}

/** The settings of a user who chose nothing: the operator picks the undo-send delay (UNDO_SEND_DEFAULT). */
function defaults(): UserSettings {
  return { ...DEFAULT_SETTINGS, undoSendSeconds: loadConfig().undoSendDefault };
}

export async function readSettings(prisma: Prisma, owner: string): Promise<UserSettings> {
  const row = await prisma.webmailSettings.findUnique({ where: { owner: ownerKey(owner) } });
  if (!row) return defaults();
  return {
    displayName: row.displayName,
    timeZone: row.timeZone,
    // A value written by a later version and unknown here falls back to the default.
    density: DENSITIES.find((value) => value === row.density) ?? DEFAULT_SETTINGS.density,
    pageSize: row.pageSize,
    remoteImages: REMOTE_IMAGE_POLICIES.find((value) => value === row.remoteImages) ?? DEFAULT_SETTINGS.remoteImages,
    undoSendSeconds: row.undoSendSeconds,
  };
}

export async function updateSettings(prisma: Prisma, owner: string, change: Partial<UserSettings>): Promise<UserSettings> {
  const key = ownerKey(owner);
  // The first change writes the operator's default delay too: the column's own default is fixed.
  await prisma.webmailSettings.upsert({ where: { owner: key }, create: { owner: key, undoSendSeconds: defaults().undoSendSeconds, ...change }, update: change });
  return readSettings(prisma, owner);
}

/**
 * The identities for the addresses the user may send from (the account's first): what they saved for
 * each, or a fresh one with the account's name. Saved identities of addresses no longer theirs (an alias
 * removed) are left out, not deleted, so they come back with the alias.
 */
export async function listIdentities(prisma: Prisma, owner: string, addresses: string[], accountName: string): Promise<Identity[]> {
  const rows = await prisma.webmailIdentity.findMany({ where: { owner: ownerKey(owner) } });
  const identities = addresses.map((address): Identity => {
    const row = rows.find((candidate) => sameAddress(candidate.address, address));
    return row
      ? { address, displayName: row.displayName, signature: row.signature, signatureHtml: row.signatureHtml, isDefault: row.isDefault }
      : { address, displayName: accountName, signature: "", signatureHtml: false, isDefault: false };
  });
  if (!identities.some((identity) => identity.isDefault) && identities.length > 0) identities[0].isDefault = true;
  return identities;
}

/** Saves one identity; made the default, it stops the others being it. */
export async function saveIdentity(prisma: Prisma, owner: string, identity: Identity): Promise<void> {
  const key = ownerKey(owner);
  const address = identity.address.trim().toLowerCase();
  const data = { displayName: identity.displayName, signature: identity.signature, signatureHtml: identity.signatureHtml, isDefault: identity.isDefault };
  await prisma.$transaction(async (tx) => {
    if (identity.isDefault) await tx.webmailIdentity.updateMany({ where: { owner: key, NOT: { address } }, data: { isDefault: false } });
    await tx.webmailIdentity.upsert({ where: { owner_address: { owner: key, address } }, create: { owner: key, address, ...data }, update: data });
  });
}
