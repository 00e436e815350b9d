// Administration of the local domains: list, add (answering with the DNS records to publish, as
// `mailctl domain add` prints them), the records again, and delete once no account is left.
import { StoreError } from "../../store";
import { field, readJson, type Reply, type RouteContext } from "../request";

export async function listDomains({ store, config }: RouteContext): Promise<Reply> {
  const configured = new Set(config.domains.map((d) => d.toLowerCase()));
  const domains = await store.accounts.listDomains();
  return {
    status: 200,
    body: { domains: domains.map((d) => ({ name: d.name, accounts: d._count.accounts, aliases: d._count.aliases, configured: configured.has(d.name) })) },
  };
}

export async function addDomain({ store, config, request }: RouteContext): Promise<Reply> {
  const name = field(await readJson(request), "name").trim();
  if (!name) throw new StoreError("invalid", "enter a domain name such as example.org");
  const domain = await store.accounts.addDomain(name);
  return { status: 201, body: { name: domain.name, records: await store.domainKeys.dnsRecords(domain.name, config.hostname) } };
}

export async function domainRecords({ store, config, params }: RouteContext): Promise<Reply> {
  if (!(await store.accounts.isLocalDomain(params.name))) throw new StoreError("not-found", `${params.name} is not a local domain`);
  const records = await store.domainKeys.dnsRecords(params.name.toLowerCase(), config.hostname);
  return { status: 200, body: { name: params.name.toLowerCase(), records } };
}

export async function deleteDomain({ store, params }: RouteContext): Promise<Reply> {
  await store.accounts.deleteDomain(params.name);
  return { status: 200, body: { deleted: params.name.toLowerCase() } };
}
