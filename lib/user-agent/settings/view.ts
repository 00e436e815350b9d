// Everything the Settings page shows of the webmail's own settings, for the page's first render and
// for GET /api/settings.
import "server-only";
import type { Prisma } from "@/lib/db";
import type { AdminCredentials } from "@/lib/user-agent/admin-api";
import { managesAccounts, sendableAddresses } from "./addresses";
import { trustedSenders } from "./remote-content";
import { listIdentities, readSettings } from "./store";
import type { Identity, UserSettings } from "./types";

export interface SettingsView {
  settings: UserSettings;
  identities: Identity[];
  /** "Always show images from" these senders. */
  trustedSenders: string[];
  /** The bundled server's account: its password can be changed here. */
  passwordChange: boolean;
}

/** The identities for the addresses the user may send from, named by their settings where unsaved. */
export async function userIdentities(prisma: Prisma, user: AdminCredentials, settings?: UserSettings): Promise<Identity[]> {
  const { addresses, accountName } = await sendableAddresses(user);
  const { displayName } = settings ?? (await readSettings(prisma, user.address));
  return listIdentities(prisma, user.address, addresses, displayName || accountName);
}

export async function settingsView(prisma: Prisma, user: AdminCredentials): Promise<SettingsView> {
  const settings = await readSettings(prisma, user.address);
  return {
    settings,
    identities: await userIdentities(prisma, user, settings),
    trustedSenders: [...(await trustedSenders(user.address))].sort(),
    passwordChange: managesAccounts(),
  };
}
