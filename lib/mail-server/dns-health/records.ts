// Every record a local domain should publish: the store's MX, SPF, DKIM and DMARC, then MTA-STS
// (RFC 8461), the client auto-configuration names (Thunderbird's autoconfig.<domain>, Outlook's
// autodiscover.<domain>) and the SRV records of RFC 6186 / RFC 8314 for each listener that is on.
import type { Config } from "@/lib/config";
import { mtaStsPolicyId } from "@/lib/mta-sts";
import type { MailStore } from "../store";
import type { DnsRecord } from "../store/domain-keys";

/** SRV service labels and the listener each names; implicit TLS first, as RFC 8314 prefers. */
const SRV_SERVICES: { label: string; port: (ports: Config["ports"]) => number }[] = [
  { label: "_imaps._tcp", port: (ports) => ports.imaps },
  { label: "_imap._tcp", port: (ports) => ports.imap },
  { label: "_pop3s._tcp", port: (ports) => ports.pop3s },
  { label: "_pop3._tcp", port: (ports) => ports.pop3 },
  { label: "_submissions._tcp", port: (ports) => ports.submissions },
  { label: "_submission._tcp", port: (ports) => ports.submission },
];

export async function expectedRecords(store: MailStore, config: Config, domain: string): Promise<DnsRecord[]> {
  const host = config.hostname;
  const records = await store.domainKeys.publishedRecords(domain, host);
  records.push(
    { kind: "mta-sts", name: `_mta-sts.${domain}`, type: "TXT", value: `v=STSv1; id=${mtaStsPolicyId(config)}` },
    // The policy file is fetched over HTTPS from mta-sts.<domain>: the webmail serves it.
    { kind: "mta-sts-host", name: `mta-sts.${domain}`, type: "CNAME", value: `${host}.` },
    { kind: "autoconfig", name: `autoconfig.${domain}`, type: "CNAME", value: `${host}.` },
    { kind: "autodiscover", name: `autodiscover.${domain}`, type: "CNAME", value: `${host}.` },
  );
  for (const service of SRV_SERVICES) {
    const port = service.port(config.ports);
    if (port) records.push({ kind: "srv", name: `${service.label}.${domain}`, type: "SRV", value: `0 1 ${port} ${host}.` });
  }
  return records;
}
