// The calling account's own view of itself: what the webmail shows in settings and offers as From addresses.
import type { Reply, RouteContext } from "../request";

export async function getOwnAccount({ store, caller }: RouteContext): Promise<Reply> {
  if (!caller) return { status: 401, body: { error: "Sign in first." } };
  const usage = await store.accounts.usage(caller.id);
  return {
    status: 200,
    body: {
      address: caller.address,
      displayName: caller.displayName,
      isAdmin: caller.isAdmin,
      // Strings: byte counts pass 2^53 on large stores, and JSON has no bigint.
      usedBytes: String(usage?.usedBytes ?? 0n),
      quotaBytes: String(usage?.quotaBytes ?? 0n),
    },
  };
}
