// First run: is an account needed, and create the first administrator (only while no account exists).
import { StoreError } from "../../store";
import { field, readJson, type Reply, type RouteContext } from "../request";

export async function getSetup({ store }: RouteContext): Promise<Reply> {
  return { status: 200, body: { needed: (await store.accounts.count()) === 0 } };
}

export async function createFirstAccount({ store, request }: RouteContext): Promise<Reply> {
  const body = await readJson(request);
  const address = field(body, "address");
  const password = field(body, "password");
  if (!address) throw new StoreError("invalid", "enter an e-mail address such as you@example.org");
  if (!password) throw new StoreError("weak-password", "enter a password");
  const account = await store.accounts.addFirstAccount({ address, password, displayName: field(body, "displayName") });
  return { status: 201, body: { address: account.address, domain: account.address.split("@")[1] } };
}
