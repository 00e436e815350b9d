// Where mail for a domain goes (RFC 5321 §5.1): a per-domain route (OUTBOUND_ROUTES, like
// Postfix transport maps) first, then the smarthost (RELAY_HOST), else the domain's MX
// records, lowest preference first (equal ones shuffled), every one tried; no MX means the
// domain's own A/AAAA; a null MX (RFC 7505) means the domain accepts no mail at all.
import { Resolver } from "node:dns/promises";
import net from "node:net";
import type { Config } from "@/lib/config";

export interface Hop {
  host: string;
  port: number;
  /** Credentials for a smarthost. */
  auth?: { user: string; password: string };
}

export type RouteResult = { kind: "hops"; hops: Hop[] } | { kind: "permanent"; reason: string } | { kind: "temporary"; reason: string };

/** DNS answers that mean "no such data" rather than "try later". */
const NO_DATA = new Set(["ENODATA", "ENOTFOUND", "NXDOMAIN"]);

export interface RouterOptions {
  /** One DNS query's timeout (c-ares doubles it for the retry); tests make it short. */
  dnsTimeoutMs?: number;
}

export class Router {
  private readonly resolver: Resolver;

  constructor(
    private readonly config: Config,
    options: RouterOptions = {},
  ) {
    this.resolver = new Resolver({ timeout: options.dnsTimeoutMs ?? 5000, tries: 2 });
    if (config.dnsServers.length) this.resolver.setServers(config.dnsServers);
  }

  async route(domain: string): Promise<RouteResult> {
    const fixed = this.config.outboundRoutes.get(domain);
    if (fixed) return { kind: "hops", hops: [fixed] };
    if (this.config.relayHost) return { kind: "hops", hops: [{ ...this.config.relayHost, auth: this.config.relayAuth ?? undefined }] };
    // An address literal (RFC 5321 §4.1.3) names the host itself.
    const literal = /^\[(?:ipv6:)?([^\]]+)\]$/i.exec(domain);
    if (literal) return net.isIP(literal[1]) ? { kind: "hops", hops: [{ host: literal[1], port: 25 }] } : { kind: "permanent", reason: `${domain} is not an address` };

    let records: { exchange: string; priority: number }[];
    try {
      records = await this.resolver.resolveMx(domain);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? "";
      if (code === "ENOTFOUND" || code === "NXDOMAIN") return { kind: "permanent", reason: `the domain ${domain} does not exist (DNS NXDOMAIN)` };
      if (!NO_DATA.has(code)) return { kind: "temporary", reason: `DNS lookup of ${domain} MX failed: ${code || (error as Error).message}` };
      records = [];
    }
    if (records.length === 1 && (records[0].exchange === "" || records[0].exchange === ".")) {
      return { kind: "permanent", reason: `${domain} accepts no mail (null MX, RFC 7505)` };
    }
    if (!records.length) return this.addressHops(domain, domain);

    // Lowest preference first; equal preferences in random order to spread the load.
    const ordered = records
      .filter((r) => r.exchange && r.exchange !== ".")
      .map((r) => ({ ...r, tie: Math.random() }))
      .sort((a, b) => a.priority - b.priority || a.tie - b.tie);
    const hops: Hop[] = [];
    for (const record of ordered) {
      const resolved = await this.addressHops(record.exchange, domain);
      if (resolved.kind === "hops") hops.push(...resolved.hops);
    }
    if (!hops.length) return { kind: "temporary", reason: `no address found for the mail servers of ${domain}` };
    return { kind: "hops", hops };
  }

  /** The host's addresses (AAAA and A) as hops on port 25. */
  private async addressHops(host: string, domain: string): Promise<RouteResult> {
    if (net.isIP(host)) return { kind: "hops", hops: [{ host, port: 25 }] };
    const lookups = await Promise.allSettled([this.resolver.resolve6(host), this.resolver.resolve4(host)]);
    const addresses = lookups.flatMap((r) => (r.status === "fulfilled" ? r.value : []));
    if (addresses.length) return { kind: "hops", hops: addresses.map((address) => ({ host: address, port: 25 })) };
    const codes = lookups.map((r) => (r.status === "rejected" ? ((r.reason as NodeJS.ErrnoException).code ?? "") : ""));
    if (host === domain && codes.every((c) => NO_DATA.has(c))) return { kind: "permanent", reason: `${domain} has no MX and no address record` };
    return { kind: "temporary", reason: `no address found for ${host}` };
  }
}
