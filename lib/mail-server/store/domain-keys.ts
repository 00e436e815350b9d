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

  /** The records to publish for a domain, as zone-file lines. */
  async dnsRecords(name: string, hostname: string): Promise<string[]> {
    const key = await this.signingKey(name);
    if (!key) throw new Error(`${name} is not a local domain`);
    const publicKey = createPublicKey(key.privateKey).export({ type: "spki", format: "der" }).toString("base64");
    // TXT strings are at most 255 characters each; a 2048-bit key needs two.
    const dkim = `v=DKIM1; k=rsa; p=${publicKey}`;
    const strings = dkim.match(/.{1,250}/g)!.map((part) => `"${part}"`).join(" ");
    return [
      `${key.domain}.\tIN\tMX\t10 ${hostname}.`,
      `${key.domain}.\tIN\tTXT\t"v=spf1 mx a:${hostname} -all"`,
      `${key.selector}._domainkey.${key.domain}.\tIN\tTXT\t${strings}`,
      `_dmarc.${key.domain}.\tIN\tTXT\t"v=DMARC1; p=quarantine; adkim=r; aspf=r; rua=mailto:postmaster@${key.domain}"`,
    ];
  }
}
