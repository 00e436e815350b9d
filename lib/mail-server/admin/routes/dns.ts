// DNS health for administrators: each local domain's records to publish, checked against live DNS.
import { checkRecords, type CheckedRecord } from "../../dns-health/check";
import { expectedRecords } from "../../dns-health/records";
import { zoneLine } from "../../store/domain-keys";
import type { Reply, RouteContext } from "../request";

/** Bounds one check: ~17 lookups a domain, a few at a time, all within the caller's 5 s. */
const MAX_DOMAINS = 20;

export interface DomainHealth {
  domain: string;
  records: (CheckedRecord & { zone: string })[];
}

export async function getDnsHealth({ store, config, url }: RouteContext): Promise<Reply> {
  const only = url.searchParams.get("domain")?.trim().toLowerCase();
  const all = (await store.accounts.listDomains()).map((domain) => domain.name);
  if (only && !all.includes(only)) return { status: 404, body: { error: `${only} is not a local domain.` } };
  const domains = only ? [only] : all.slice(0, MAX_DOMAINS);
  const expected = await Promise.all(domains.map((domain) => expectedRecords(store, config, domain)));
  const checked = await checkRecords(expected.flat(), config.hostname, { servers: config.dnsServers });
  let next = 0;
  const health: DomainHealth[] = domains.map((domain, index) => ({
    domain,
    records: expected[index].map(() => {
      const record = checked[next++];
      return { ...record, zone: zoneLine(record) };
    }),
  }));
  return {
    status: 200,
    body: { hostname: config.hostname, checkedAt: new Date().toISOString(), domains: health, omitted: all.length - domains.length },
  };
}
