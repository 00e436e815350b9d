// The addresses the signed-in user may send from. On the bundled server the management API says (the
// account and the aliases that deliver to it, as submission accepts them); pointed at another server
// (IMAP_URL) there is no such API, and the account's address is the one From the webmail offers.
import "server-only";
import { loadConfig } from "@/lib/config";
import { adminRequest, isRecord, type AdminCredentials } from "@/lib/user-agent/admin-api";

export interface SendableAddresses {
  /** The account's own address first. */
  addresses: string[];
  /** The account's name on the bundled server, "" elsewhere. */
  accountName: string;
}

const CACHE_MS = 60_000;
const cache = new Map<string, { until: number; value: SendableAddresses }>();

/** Whether the account is the bundled server's, whose password the webmail can change. */
export function managesAccounts(): boolean {
  return !loadConfig().imapUrl;
}

export async function sendableAddresses(credentials: AdminCredentials): Promise<SendableAddresses> {
  const own = { addresses: [credentials.address], accountName: "" };
  if (!managesAccounts()) return own;
  const key = credentials.address.toLowerCase();
  const cached = cache.get(key);
  if (cached && cached.until > Date.now()) return cached.value;
  const { status, body } = await adminRequest("/api/v1/account/addresses", { credentials }).catch(() => ({ status: 0, body: null }));
  // Unreachable or refused: the account's own address still works; aliases come back with the API.
  if (status !== 200 || !isRecord(body) || !Array.isArray(body.aliases)) return own;
  const aliases = body.aliases.filter((alias): alias is string => typeof alias === "string" && alias.toLowerCase() !== key);
  const value = { addresses: [credentials.address, ...aliases], accountName: typeof body.displayName === "string" ? body.displayName : "" };
  cache.set(key, { until: Date.now() + CACHE_MS, value });
  return value;
}

/** After a change that alters the list (none from the webmail yet) or a password change. */
export function forgetSendableAddresses(address: string): void {
  cache.delete(address.toLowerCase());
}
