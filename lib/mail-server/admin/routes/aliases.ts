// Administration of aliases and catch-alls (an alias written @domain): list, add, delete.
import { StoreError } from "../../store";
import { field, readJson, type Reply, type RouteContext } from "../request";

export async function listAliases({ store }: RouteContext): Promise<Reply> {
  const aliases = await store.accounts.listAliases();
  return { status: 200, body: { aliases: aliases.map((a) => ({ alias: a.addressKey, target: a.destination, catchAll: a.addressKey.startsWith("@") })) } };
}

export async function addAlias({ store, request }: RouteContext): Promise<Reply> {
  const body = await readJson(request);
  const alias = field(body, "alias").trim();
  const target = field(body, "target").trim();
  if (!alias) throw new StoreError("invalid", "enter the alias: an address, or @domain for a catch-all");
  if (!target) throw new StoreError("invalid", "enter the account the alias delivers to");
  const created = await store.accounts.addAlias(alias, target);
  return { status: 201, body: { alias: created.addressKey, target: created.destination } };
}

/** DELETE /api/v1/aliases?alias=…[&target=…]: one target, or every target of the alias. */
export async function deleteAlias({ store, url }: RouteContext): Promise<Reply> {
  const alias = url.searchParams.get("alias")?.trim() ?? "";
  const target = url.searchParams.get("target")?.trim() || undefined;
  if (!alias) throw new StoreError("invalid", "name the alias to delete (alias=…)");
  await store.accounts.deleteAlias(alias, target);
  return { status: 200, body: { deleted: alias } };
}
