// The calling account's delivery rules: forwarding, vacation auto-reply and filters (issue 8 §3).
// PUT replaces them all, checked first: the shape and limits (rules/model.ts), then what only the
// store knows: the folders exist, and nothing forwards to the account itself.
import { StoreError, type MailStore } from "../../store";
import { DeliveryRulesStore } from "../../store/delivery-rules";
import { parseRules, type DeliveryRules } from "../../rules/model";
import { readJson, type Caller, type Reply, type RouteContext } from "../request";

function rulesStore(store: MailStore) {
  return new DeliveryRulesStore(store.sql);
}

export async function getOwnRules({ store, caller }: RouteContext): Promise<Reply> {
  if (!caller) return { status: 401, body: { error: "Sign in first." } };
  return { status: 200, body: await rulesStore(store).get(caller.id) };
}

export async function putOwnRules({ store, caller, request }: RouteContext): Promise<Reply> {
  if (!caller) return { status: 401, body: { error: "Sign in first." } };
  const rules = parseRules(await readJson(request));
  await checkAgainstAccount(store, caller, rules);
  await rulesStore(store).save(caller.id, rules);
  return { status: 200, body: await rulesStore(store).get(caller.id) };
}

/** True when mail to this address reaches the account itself (its address, a subaddress, an alias of it). */
async function reachesSelf(store: MailStore, caller: Caller, address: string): Promise<boolean> {
  const at = address.lastIndexOf("@");
  if (!(await store.accounts.isLocalDomain(address.slice(at + 1)))) return false;
  const found = await store.accounts.resolve(address.slice(0, at), address.slice(at + 1));
  return found.some((recipient) => recipient.accountId === caller.id);
}

async function checkAgainstAccount(store: MailStore, caller: Caller, rules: DeliveryRules) {
  if (rules.forwarding.to && (await reachesSelf(store, caller, rules.forwarding.to))) {
    throw new StoreError("invalid", `forwarding to ${rules.forwarding.to} would send your mail back to you: choose another address`);
  }
  for (const [index, filter] of rules.filters.entries()) {
    for (const action of filter.actions) {
      if (action.type === "move" && !(await store.folders.get(caller.id, action.folder))) {
        throw new StoreError("invalid", `filter ${index + 1}: there is no folder "${action.folder}"`);
      }
      if (action.type === "forward" && (await reachesSelf(store, caller, action.to))) {
        throw new StoreError("invalid", `filter ${index + 1}: forwarding to ${action.to} would send the mail back to you`);
      }
    }
  }
}
