// The addresses the caller may send from besides their account's: the aliases that deliver to it
// (submission accepts these in MAIL FROM and From). Catch-alls ("@domain") are not addresses to write from.
import type { Reply, RouteContext } from "../request";

export async function getOwnAddresses({ store, caller }: RouteContext): Promise<Reply> {
  if (!caller) return { status: 401, body: { error: "Sign in first." } };
  const key = caller.address.toLowerCase();
  const aliases = (await store.accounts.listAliases()).filter((alias) => alias.destination === key && !alias.addressKey.startsWith("@")).map((alias) => alias.addressKey);
  return { status: 200, body: { address: caller.address, displayName: caller.displayName, aliases } };
}
