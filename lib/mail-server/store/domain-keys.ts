// Each local domain's DKIM key (RFC 6376): made the first time it is needed (by `mailctl
// domain add`, or the first message the domain sends), kept in the Domain row, and the DNS
// records an operator publishes for the domain: MX, SPF, DKIM, DMARC.
import { createPublicKey, generateKeyPairSync } from "node:crypto";
import type { SqlRunner } from "./sql";
import { normalizeDomain } from "./addresses";

export interface SigningKey {
  domain: string;
  selector: string;
  privateKey: string;
}

/** A selector per key generation: a new key can be published beside the old one. */
function newSelector(now: Date): string {
  return `mail${now.getUTCFullYear()}${String(now.getUTCMonth() + 1).padStart(2, "0")}`;
}

export class DomainKeys {
  constructor(private readonly sql: SqlRunner) {}

  /** The domain's key, made now if it has none; null for a domain that isn't ours. */
  async signingKey(name: string): Promise<SigningKey | null> {
    let domain: string;
    try {
      domain = normalizeDomain(name);
    } catch {
      return null;
    }
    const [row] = await this.sql.query<{ dkimSelector: string; dkimPrivateKey: string }>(`SELECT "dkimSelector", "dkimPrivateKey" FROM "Domain" WHERE "name" = ?`, [domain]);
    if (!row) return null;
    if (row.dkimPrivateKey) return { domain, selector: row.dkimSelector, privateKey: row.dkimPrivateKey };
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs8", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } });
    const selector = newSelector(new Date());
    // Two processes making a key at once: the first one written wins, both use it.
    await this.sql.transaction((tx) => tx.query(`UPDATE "Domain" SET "dkimSelector" = ?, "dkimPrivateKey" = ? WHERE "name" = ? AND "dkimPrivateKey" = ''`, [selector, privateKey, domain]));
    const [stored] = await this.sql.query<{ dkimSelector: string; dkimPrivateKey: string }>(`SELECT "dkimSelector", "dkimPrivateKey" FROM "Domain" WHERE "name" = ?`, [domain]);
    return { domain, selector: stored.dkimSelector, privateKey: stored.dkimPrivateKey };
  }

  /** The records to publish for a domain: MX, SPF, DKIM, DMARC, with the values they must hold. */
  async publishedRecords(name: string, hostname: string): Promise<DnsRecord[]> {
    const key = await this.signingKey(name);
    if (!key) throw new Error(`${name} is not a local domain`);
    const publicKey = createPublicKey(key.privateKey).export({ type: "spki", format: "der" }).toString("base64");
    return [
      { kind: "mx", name: key.domain, type: "MX", value: `10 ${hostname}.` },
      { kind: "spf", name: key.domain, type: "TXT", value: `v=spf1 mx a:${hostname} -all` },
      { kind: "dkim", name: `${key.selector}._domainkey.${key.domain}`, type: "TXT", value: `v=DKIM1; k=rsa; p=${publicKey}` },
      { kind: "dmarc", name: `_dmarc.${key.domain}`, type: "TXT", value: `v=DMARC1; p=quarantine; adkim=r; aspf=r; rua=mailto:postmaster@${key.domain}` },
    ];
  }

  /** The records to publish for a domain, as zone-file lines. */
  async dnsRecords(name: string, hostname: string): Promise<string[]> {
    return (await this.publishedRecords(name, hostname)).map(zoneLine);
  }
}

export interface DnsRecord {
  /** What the record is for: mx, spf, dkim, dmarc (and, from the DNS health check, mta-sts, srv …). */
  kind: string;
  /** Owner name, without the final dot. */
  name: string;
  type: "MX" | "TXT" | "SRV" | "CNAME";
  /** The record data; TXT as one string, unquoted. */
  value: string;
}

/** A zone-file line; TXT data quoted, in strings of at most 255 characters (a 2048-bit DKIM key needs two). */
export function zoneLine(record: DnsRecord): string {
  const data = record.type === "TXT" ? record.value.match(/.{1,250}/g)!.map((part) => `"${part.replace(/["\\]/g, "\\$&")}"`).join(" ") : record.value;
  return `${record.name}.\tIN\t${record.type}\t${data}`;
}
