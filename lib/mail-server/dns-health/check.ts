// Checks a domain's records against live DNS (DNS_SERVERS, or the system's resolvers): each one is
// published as expected, missing, different, or could not be looked up. Lookups are bounded: a short
// timeout each, a few at a time, and one deadline for the whole check, after which the rest are cancelled.
import { Resolver } from "node:dns/promises";
import type { DnsRecord } from "../store/domain-keys";

export type RecordStatus = "ok" | "missing" | "wrong" | "error";

export interface CheckedRecord extends DnsRecord {
  status: RecordStatus;
  /** What DNS holds now at that name and type (TXT strings joined), for the page to show. */
  found: string[];
  /** Why it isn't "ok", as a code the page puts in words: spf-multiple, spf-not-us, dkim-other-key, mta-sts-old-id, timeout, servfail … */
  reason: string | null;
}

export interface CheckOptions {
  servers: string[];
  timeoutMs?: number;
  /** For the whole check: the management API's caller waits 5 s. */
  deadlineMs?: number;
  concurrency?: number;
}

const NOT_THERE = new Set(["ENOTFOUND", "ENODATA"]);

class Lookups {
  private readonly resolver: Resolver;
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly concurrency: number;
  private expired = false;
  private readonly cache = new Map<string, Promise<string[]>>();

  constructor(options: CheckOptions) {
    this.resolver = new Resolver({ timeout: options.timeoutMs ?? 1500, tries: 1 });
    if (options.servers.length) this.resolver.setServers(options.servers);
    this.concurrency = options.concurrency ?? 6;
  }

  expire(): void {
    this.expired = true;
    this.resolver.cancel();
    for (const wake of this.waiting.splice(0)) wake();
  }

  /** Answers as strings; an empty list when the name or type has none. Throws the lookup's error code otherwise. */
  lookup(name: string, type: DnsRecord["type"] | "A" | "AAAA"): Promise<string[]> {
    const key = `${type} ${name}`;
    let answer = this.cache.get(key);
    if (!answer) {
      answer = this.limited(() => this.resolve(name, type)).catch((error: unknown) => {
        const code = typeof error === "object" && error !== null && "code" in error ? String(error.code) : "EFAIL";
        if (NOT_THERE.has(code)) return [];
        throw new Error(code);
      });
      this.cache.set(key, answer);
    }
    return answer;
  }

  private async resolve(name: string, type: DnsRecord["type"] | "A" | "AAAA"): Promise<string[]> {
    switch (type) {
      case "MX":
        return (await this.resolver.resolveMx(name)).map((mx) => `${mx.priority} ${mx.exchange}.`);
      case "TXT":
        return (await this.resolver.resolveTxt(name)).map((strings) => strings.join(""));
      case "SRV":
        return (await this.resolver.resolveSrv(name)).map((srv) => `${srv.priority} ${srv.weight} ${srv.port} ${srv.name}.`);
      case "CNAME":
        return (await this.resolver.resolveCname(name)).map((target) => `${target}.`);
      case "A":
        return this.resolver.resolve4(name);
      case "AAAA":
        return this.resolver.resolve6(name);
    }
  }

  private async limited<T>(task: () => Promise<T>): Promise<T> {
    while (this.running >= this.concurrency && !this.expired) await new Promise<void>((wake) => this.waiting.push(wake));
    if (this.expired) throw Object.assign(new Error("deadline"), { code: "ECANCELLED" });
    this.running++;
    try {
      return await task();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}

const sameHost = (a: string, b: string) => a.replace(/\.$/, "").toLowerCase() === b.replace(/\.$/, "").toLowerCase();

/** Tag=value pairs of a DKIM/DMARC/MTA-STS record, names lower-cased and whitespace dropped from values. */
function tags(record: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const part of record.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0) map.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).replace(/\s+/g, ""));
  }
  return map;
}

function startsWithTag(record: string, version: string): boolean {
  return new RegExp(`^\\s*v\\s*=\\s*${version}(;|\\s|$)`, "i").test(record);
}

type Verdict = { status: RecordStatus; reason: string | null };
const OK: Verdict = { status: "ok", reason: null };

/** Compares what DNS holds with the record expected; TXT records may share a name with others (SPF at the apex). */
function judge(expected: DnsRecord, found: string[]): Verdict {
  switch (expected.kind) {
    case "mx":
      return found.some((mx) => sameHost(mx.split(" ")[1] ?? "", expected.value.split(" ")[1])) ? OK : { status: found.length ? "wrong" : "missing", reason: found.length ? "mx-not-us" : null };
    case "spf": {
      const spf = found.filter((txt) => startsWithTag(txt, "spf1"));
      if (!spf.length) return { status: "missing", reason: null };
      // RFC 7208 §4.5: more than one SPF record is a permanent error for every receiver.
      if (spf.length > 1) return { status: "wrong", reason: "spf-multiple" };
      const host = expected.value.match(/a:(\S+)/)![1];
      const terms = spf[0].toLowerCase().split(/\s+/);
      const allowsUs = terms.some((term) => term === "mx" || term === "+mx" || term === `a:${host}` || term === `+a:${host}`);
      if (!allowsUs) return { status: "wrong", reason: "spf-not-us" };
      return terms.includes("+all") ? { status: "wrong", reason: "spf-allows-all" } : OK;
    }
    case "dkim": {
      const ours = tags(expected.value).get("p");
      const keys = found.filter((txt) => /(^|;)\s*p\s*=/i.test(txt)).map((txt) => tags(txt).get("p"));
      if (!keys.length) return { status: "missing", reason: null };
      return keys.includes(ours) ? OK : { status: "wrong", reason: "dkim-other-key" };
    }
    case "dmarc": {
      const dmarc = found.filter((txt) => startsWithTag(txt, "DMARC1"));
      if (!dmarc.length) return { status: "missing", reason: null };
      return dmarc.length > 1 ? { status: "wrong", reason: "dmarc-multiple" } : OK;
    }
    case "mta-sts": {
      const sts = found.filter((txt) => startsWithTag(txt, "STSv1"));
      if (!sts.length) return { status: "missing", reason: null };
      if (sts.length > 1) return { status: "wrong", reason: "mta-sts-multiple" };
      // A different id makes senders keep the policy they cached: it must change with the policy.
      return tags(sts[0]).get("id") === tags(expected.value).get("id") ? OK : { status: "wrong", reason: "mta-sts-old-id" };
    }
    case "srv": {
      const [, , port, target] = expected.value.split(" ");
      if (!found.length) return { status: "missing", reason: null };
      return found.some((srv) => srv.split(" ")[2] === port && sameHost(srv.split(" ")[3] ?? "", target)) ? OK : { status: "wrong", reason: "srv-other-target" };
    }
    default:
      // A name that must lead to the mail host (CNAME records).
      if (!found.length) return { status: "missing", reason: null };
      return found.some((target) => sameHost(target, expected.value)) ? OK : { status: "wrong", reason: "points-elsewhere" };
  }
}

async function checkOne(lookups: Lookups, record: DnsRecord, hostname: string): Promise<CheckedRecord> {
  try {
    let found = await lookups.lookup(record.name, record.type);
    let verdict = judge(record, found);
    // A CNAME's place may hold addresses instead: fine when they are the mail host's own.
    if (record.type === "CNAME" && verdict.status === "missing") {
      const [ours, theirs] = await Promise.all([lookups.lookup(hostname, "A"), lookups.lookup(record.name, "A")]);
      found = theirs;
      if (theirs.length) verdict = theirs.some((address) => ours.includes(address)) ? OK : { status: "wrong", reason: "points-elsewhere" };
    }
    return { ...record, status: verdict.status, found, reason: verdict.reason };
  } catch (error) {
    const code = error instanceof Error ? error.message : "EFAIL";
    const reason = code === "ETIMEOUT" || code === "ECANCELLED" ? "timeout" : code === "ESERVFAIL" ? "servfail" : code === "ECONNREFUSED" ? "refused" : "lookup-failed";
    return { ...record, status: "error", found: [], reason };
  }
}

/** Each record checked; the order is kept. */
export async function checkRecords(records: DnsRecord[], hostname: string, options: CheckOptions): Promise<CheckedRecord[]> {
  const lookups = new Lookups(options);
  const deadline = setTimeout(() => lookups.expire(), options.deadlineMs ?? 4000);
  try {
    return await Promise.all(records.map((record) => checkOne(lookups, record, hostname)));
  } finally {
    clearTimeout(deadline);
  }
}
