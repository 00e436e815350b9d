// Administration of accounts: list with use and quota, create, and change one (password, quota,
// disabled, administrator) or delete it. The store keeps the last enabled administrator from being
// deleted, disabled or demoted, whoever asks (store/accounts.ts keepingAnAdministrator).
import { ConfigError, parseSize } from "@/lib/config";
import { StoreError } from "../../store";
import { parseAddress } from "../../store/addresses";
import { checkPasswordStrength } from "../../store/passwords";
import { field, readJson, type Reply, type RouteContext } from "../request";

/** A true/false field of a JSON body; undefined when absent. */
function flag(body: unknown, name: string): boolean | undefined {
  const value = typeof body === "object" && body !== null ? (body as Record<string, unknown>)[name] : undefined;
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean") throw new StoreError("invalid", `${name} must be true or false`);
  return value;
}

/** "2G", "500M", "1048576": the same sizes as DEFAULT_QUOTA and mailctl's --quota. */
export function quotaBytes(text: string): number {
  try {
    const bytes = parseSize("quota", text);
    if (bytes > 0) return bytes;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
  }
  throw new StoreError("invalid", `"${text.slice(0, 40)}" is not a quota: give a size such as 500M or 2G`);
}

export async function listAccounts({ store }: RouteContext): Promise<Reply> {
  const accounts = await store.accounts.listAccounts();
  return {
    status: 200,
    body: {
      // Byte counts as strings: they pass 2^53 on large stores, and JSON has no bigint.
      accounts: accounts.map((a) => ({ ...a, usedBytes: String(a.usedBytes), quotaBytes: String(a.quotaBytes) })),
    },
  };
}

export async function createAccount({ store, request }: RouteContext): Promise<Reply> {
  const body = await readJson(request);
  const address = field(body, "address").trim();
  const password = field(body, "password");
  const quota = field(body, "quota").trim();
  if (!address) throw new StoreError("invalid", "enter the new account's e-mail address");
  if (!password) throw new StoreError("weak-password", "enter a password for the new account");
  const account = await store.accounts.addAccount({
    address,
    password,
    displayName: field(body, "displayName"),
    isAdmin: flag(body, "isAdmin") ?? false,
    quotaBytes: quota ? quotaBytes(quota) : undefined,
  });
  return { status: 201, body: { address: account.address, isAdmin: account.isAdmin } };
}

function sameAccount(a: string, b: string): boolean {
  try {
    return parseAddress(a).key === parseAddress(b).key;
  } catch {
    return false;
  }
}

/**
 * Changes what the body names, in a fixed order; nothing when it names nothing known. What can be
 * refused from the body alone (a quota that is no size, a weak password) is checked before anything
 * changes, so such a refusal leaves the account as it was.
 */
export async function updateAccount({ store, request, params, caller }: RouteContext): Promise<Reply> {
  const body = await readJson(request);
  const password = field(body, "password");
  const quota = field(body, "quota").trim();
  const disabled = flag(body, "disabled");
  const isAdmin = flag(body, "isAdmin");
  if (!password && !quota && disabled === undefined && isAdmin === undefined) {
    throw new StoreError("invalid", "say what to change: password, quota, disabled or isAdmin");
  }
  const address = params.address;
  // One's own password is changed by giving the current one (routes/password.ts): a session that
  // holds an administrator's credentials must not be enough to take the account over.
  if (password && caller && sameAccount(caller.address, address)) {
    throw new StoreError("forbidden", "change your own password with your current one (Settings, Password), not here");
  }
  const quotaSize = quota ? quotaBytes(quota) : null;
  if (password) checkPasswordStrength(password, parseAddress(address).address);
  if (quotaSize !== null) await store.accounts.setQuota(address, quotaSize);
  if (isAdmin !== undefined) await store.accounts.setAdmin(address, isAdmin);
  if (disabled !== undefined) await store.accounts.setDisabled(address, disabled);
  if (password) await store.accounts.setPassword(address, password);
  return { status: 200, body: { address } };
}

export async function deleteAccount({ store, params }: RouteContext): Promise<Reply> {
  await store.accounts.deleteAccount(params.address);
  return { status: 200, body: { deleted: params.address } };
}
