// Domains, accounts and aliases, and the question SMTP asks of them: who receives mail
// sent to this address?
import type { Config } from "@/lib/config";
import type { Database } from "@/lib/db";
import { normalizeDomain, parseAddress } from "./addresses";
import { StoreError } from "./errors";
import { createDefaultMailboxes } from "./mailboxes";
import { checkPasswordStrength, hashPassword, verifyPassword } from "./passwords";
import type { StoreEvents } from "./events";
import type { SqlRunner } from "./sql";

export interface AccountSummary {
  address: string;
  displayName: string;
  isAdmin: boolean;
  disabled: boolean;
  messageCount: number;
  usedBytes: bigint;
  quotaBytes: bigint;
}

/** A local account that receives a message, with the address that led to it. */
export interface Recipient {
  accountId: number;
  address: string;
  usedBytes: bigint;
  quotaBytes: bigint;
}

const MAX_ALIAS_DEPTH = 8;

export class Accounts {
  constructor(
    private readonly database: Database,
    private readonly sql: SqlRunner,
    private readonly config: Config,
    private readonly events: StoreEvents,
  ) {}

  async addDomain(name: string) {
    const domain = normalizeDomain(name);
    const existing = await (await this.database.prisma()).domain.findUnique({ where: { name: domain } });
    if (existing) throw new StoreError("exists", `domain ${domain} already exists`);
    return this.sql.exclusive(async () => (await this.database.prisma()).domain.create({ data: { name: domain } }));
  }

  /**
   * The domains of MAIL_DOMAINS exist in the store from the first start on. Plain SQL with ON
   * CONFLICT: processes starting together (server, mailctl) may race here, and Prisma's
   * upsert is a read then a write.
   */
  async ensureDomains(names: string[]) {
    for (const name of names) {
      await this.sql.query(`INSERT INTO "Domain" ("name", "createdAt") VALUES (?, ?) ON CONFLICT ("name") DO NOTHING`, [normalizeDomain(name), new Date()]);
    }
  }

  async listDomains() {
    return (await this.database.prisma()).domain.findMany({ orderBy: { name: "asc" }, include: { _count: { select: { accounts: true, aliases: true } } } });
  }

  async isLocalDomain(domain: string): Promise<boolean> {
    let name: string;
    try {
      name = normalizeDomain(domain);
    } catch {
      return false;
    }
    return (await this.sql.query(`SELECT 1 FROM "Domain" WHERE "name" = ?`, [name])).length > 0;
  }

  /** Plain SQL: the first-run page asks this often, and it needs no Prisma. */
  async count(): Promise<number> {
    const [row] = await this.sql.query<{ n: number | string | bigint }>(`SELECT COUNT(*) AS "n" FROM "Account"`);
    return Number(row.n);
  }

  async addAccount(input: { address: string; password: string; displayName?: string; isAdmin?: boolean; quotaBytes?: number; createDomain?: boolean }) {
    const parsed = parseAddress(input.address);
    checkPasswordStrength(input.password, parsed.address);
    const passwordHash = await hashPassword(input.password);
    return this.sql.exclusive(async () => (await this.database.prisma()).$transaction(async (tx) => {
        let domain = await tx.domain.findUnique({ where: { name: parsed.domain } });
        if (!domain) {
          if (!input.createDomain) throw new StoreError("not-found", `unknown domain ${parsed.domain}: add it first (mailctl domain add ${parsed.domain})`);
          domain = await tx.domain.create({ data: { name: parsed.domain } });
        }
        if (await tx.account.findUnique({ where: { addressKey: parsed.key } })) throw new StoreError("exists", `account ${parsed.address} already exists`);
        if (await tx.alias.findFirst({ where: { addressKey: parsed.key } })) throw new StoreError("exists", `${parsed.address} is already an alias`);
        const account = await tx.account.create({
          data: {
            address: parsed.address,
            addressKey: parsed.key,
            domainId: domain.id,
            passwordHash,
            displayName: input.displayName?.trim() ?? "",
            isAdmin: input.isAdmin ?? false,
            quotaBytes: BigInt(input.quotaBytes ?? this.config.defaultQuota),
          },
        });
        await createDefaultMailboxes(tx, account.id);
        return account;
      }),
    );
  }

  /** The first account of a new installation: an administrator, its domain created with it. */
  async addFirstAccount(input: { address: string; password: string; displayName?: string }) {
    if ((await this.count()) > 0) throw new StoreError("forbidden", "the first account exists already");
    return this.addAccount({ ...input, isAdmin: true, createDomain: true });
  }

  async setPassword(address: string, password: string) {
    const parsed = parseAddress(address);
    checkPasswordStrength(password, parsed.address);
    const account = await (await this.database.prisma()).account.findUnique({ where: { addressKey: parsed.key } });
    if (!account) throw new StoreError("not-found", `no account ${parsed.address}`);
    const passwordHash = await hashPassword(password);
    await this.sql.exclusive(async () => (await this.database.prisma()).account.update({ where: { id: account.id }, data: { passwordHash } }));
    this.events.emit("account", { kind: "password", accountId: account.id });
  }

  async deleteAccount(address: string) {
    const account = await this.keepingAnAdministrator(address, "delete", async (tx, id, key) => {
      await tx.query(`DELETE FROM "Alias" WHERE "destination" = ?`, [key]);
      await tx.query(`DELETE FROM "Account" WHERE "id" = ?`, [id]);
    });
    this.events.emit("account", { kind: "deleted", accountId: account.id });
  }

  /** A disabled account keeps its mail but can't sign in by any protocol, and receives nothing. */
  async setDisabled(address: string, disabled: boolean) {
    const account = await this.keepingAnAdministrator(address, disabled ? "disable" : null, (tx, id) => tx.query(`UPDATE "Account" SET "disabled" = ? WHERE "id" = ?`, [disabled, id]));
    if (disabled) this.events.emit("account", { kind: "disabled", accountId: account.id });
  }

  async setAdmin(address: string, isAdmin: boolean) {
    await this.keepingAnAdministrator(address, isAdmin ? null : "demote", (tx, id) => tx.query(`UPDATE "Account" SET "isAdmin" = ? WHERE "id" = ?`, [isAdmin, id]));
  }

  async setQuota(address: string, quotaBytes: number) {
    if (!Number.isSafeInteger(quotaBytes) || quotaBytes <= 0) throw new StoreError("invalid", "the quota must be a positive size such as 500M or 2G");
    await this.keepingAnAdministrator(address, null, (tx, id) => tx.query(`UPDATE "Account" SET "quotaBytes" = ? WHERE "id" = ?`, [BigInt(quotaBytes), id]));
  }

  /**
   * Runs a change of one account in a transaction that first makes sure that, after it, an enabled
   * administrator remains (`change` names what would remove one; null when nothing would). The enabled
   * administrators' rows are locked on PostgreSQL, so two administrators demoting each other at once
   * can't both succeed; SQLite's transactions are serial already.
   */
  private async keepingAnAdministrator(address: string, change: "delete" | "disable" | "demote" | null, apply: (tx: SqlRunner, id: number, key: string) => Promise<unknown>) {
    const parsed = parseAddress(address);
    return this.sql.transaction(async (tx) => {
      const [account] = await tx.query<{ id: number; isAdmin: number | boolean; disabled: number | boolean }>(`SELECT "id", "isAdmin", "disabled" FROM "Account" WHERE "addressKey" = ?`, [parsed.key]);
      if (!account) throw new StoreError("not-found", `no account ${parsed.address}`);
      if (change && account.isAdmin && !account.disabled) {
        const lock = tx.dialect === "postgresql" ? " FOR UPDATE" : "";
        const admins = await tx.query<{ id: number }>(`SELECT "id" FROM "Account" WHERE "isAdmin" = ? AND "disabled" = ?${lock}`, [true, false]);
        if (!admins.some((a) => a.id !== account.id)) {
          throw new StoreError("forbidden", `${parsed.address} is the last administrator: make another account an administrator before you ${change} this one`);
        }
      }
      await apply(tx, account.id, parsed.key);
      return { id: account.id };
    });
  }

  /** Removes a local domain that has no accounts left; its aliases and catch-all go with it. */
  async deleteDomain(name: string) {
    const domain = normalizeDomain(name);
    if (this.config.domains.some((d) => normalizeDomain(d) === domain)) {
      throw new StoreError("forbidden", `${domain} is in MAIL_DOMAINS: remove it there first, or it comes back at the next start`);
    }
    await this.sql.transaction(async (tx) => {
      const [row] = await tx.query<{ id: number }>(`SELECT "id" FROM "Domain" WHERE "name" = ?`, [domain]);
      if (!row) throw new StoreError("not-found", `${domain} is not a local domain`);
      const [accounts] = await tx.query<{ n: number | string | bigint }>(`SELECT COUNT(*) AS "n" FROM "Account" WHERE "domainId" = ?`, [row.id]);
      const count = Number(accounts.n);
      if (count) throw new StoreError("forbidden", `${domain} still has ${count} account${count === 1 ? "" : "s"}: delete ${count === 1 ? "it" : "them"} first`);
      await tx.query(`DELETE FROM "Alias" WHERE "domainId" = ?`, [row.id]);
      await tx.query(`DELETE FROM "Domain" WHERE "id" = ?`, [row.id]);
    });
  }

  async listAccounts(): Promise<AccountSummary[]> {
    const accounts = await (await this.database.prisma()).account.findMany({ orderBy: { addressKey: "asc" }, include: { mailboxes: { select: { messageCount: true } } } });
    return accounts.map((a) => ({
      address: a.address,
      displayName: a.displayName,
      isAdmin: a.isAdmin,
      disabled: a.disabled,
      messageCount: a.mailboxes.reduce((sum, m) => sum + m.messageCount, 0),
      usedBytes: a.usedBytes,
      quotaBytes: a.quotaBytes,
    }));
  }

  async usage(accountId: number): Promise<{ usedBytes: bigint; quotaBytes: bigint } | null> {
    const [row] = await this.sql.query<{ usedBytes: number | string; quotaBytes: number | string }>(`SELECT "usedBytes", "quotaBytes" FROM "Account" WHERE "id" = ?`, [accountId]);
    return row ? { usedBytes: BigInt(row.usedBytes), quotaBytes: BigInt(row.quotaBytes) } : null;
  }

  /** The account for these credentials, or null; a disabled account never authenticates. */
  async authenticate(address: string, password: string) {
    let key: string;
    try {
      key = parseAddress(address).key;
    } catch {
      return null;
    }
    // Plain SQL: every IMAP and SMTP login comes here, and needs no Prisma client loaded for it.
    const [account] = await this.sql.query<{ id: number; address: string; displayName: string; isAdmin: number | boolean; disabled: number | boolean; passwordHash: string }>(
      `SELECT "id", "address", "displayName", "isAdmin", "disabled", "passwordHash" FROM "Account" WHERE "addressKey" = ?`,
      [key],
    );
    if (!account || account.disabled) return null;
    if (!(await verifyPassword(account.passwordHash, password))) return null;
    return { id: account.id, address: account.address, displayName: account.displayName, isAdmin: Boolean(account.isAdmin) };
  }

  async addAlias(address: string, destination: string) {
    const source = address.trim().startsWith("@") ? { key: `@${normalizeDomain(address.trim().slice(1))}`, domain: normalizeDomain(address.trim().slice(1)) } : parseAddress(address);
    const target = parseAddress(destination);
    const domain = await (await this.database.prisma()).domain.findUnique({ where: { name: source.domain } });
    if (!domain) throw new StoreError("not-found", `unknown domain ${source.domain}: aliases are for local domains`);
    if (!(await (await this.database.prisma()).domain.findUnique({ where: { name: target.domain } }))) {
      throw new StoreError("invalid", `${target.address} is not local: an alias delivers to local accounts; to send mail on to other domains, the account's owner sets up forwarding (Settings → Rules)`);
    }
    if (await (await this.database.prisma()).account.findUnique({ where: { addressKey: source.key } })) throw new StoreError("exists", `${source.key} is an account`);
    if (await (await this.database.prisma()).alias.findUnique({ where: { addressKey_destination: { addressKey: source.key, destination: target.key } } })) {
      throw new StoreError("exists", `alias ${source.key} → ${target.address} already exists`);
    }
    return this.sql.exclusive(async () => (await this.database.prisma()).alias.create({ data: { addressKey: source.key, destination: target.key, domainId: domain.id } }));
  }

  async listAliases() {
    return (await this.database.prisma()).alias.findMany({ orderBy: [{ addressKey: "asc" }, { destination: "asc" }] });
  }

  async deleteAlias(address: string, destination?: string) {
    const key = address.trim().startsWith("@") ? `@${normalizeDomain(address.trim().slice(1))}` : parseAddress(address).key;
    const where = destination ? { addressKey: key, destination: parseAddress(destination).key } : { addressKey: key };
    const { count } = await this.sql.exclusive(async () => (await this.database.prisma()).alias.deleteMany({ where }));
    if (count === 0) throw new StoreError("not-found", `no alias ${key}${destination ? ` → ${destination}` : ""}`);
  }

  /** Postmaster of every local domain (RFC 5321 §4.5.1) reaches the administrators unless an alias says otherwise. */
  private async administrators(): Promise<Recipient[]> {
    const admins = await this.sql.query<{ id: number; address: string; usedBytes: number | string; quotaBytes: number | string }>(
      `SELECT "id", "address", "usedBytes", "quotaBytes" FROM "Account" WHERE "isAdmin" = ? AND "disabled" = ?`,
      [true, false],
    );
    return admins.map((a) => ({ accountId: a.id, address: a.address, usedBytes: BigInt(a.usedBytes), quotaBytes: BigInt(a.quotaBytes) }));
  }

  private aliasTargets(key: string) {
    return this.sql.query<{ destination: string }>(`SELECT "destination" FROM "Alias" WHERE "addressKey" = ?`, [key]);
  }

  /**
   * The local accounts that mail to this address reaches: the account itself, its
   * subaddress (user+tag@), aliases (followed to a bounded depth), or the domain's
   * catch-all. Empty when nobody here receives it.
   */
  async resolve(local: string, domain: string): Promise<Recipient[]> {
    let asciiDomain: string;
    try {
      asciiDomain = normalizeDomain(domain);
    } catch {
      return [];
    }
    const found = new Map<number, Recipient>();
    const visit = async (key: string, depth: number, allowCatchAll: boolean): Promise<void> => {
      if (depth > MAX_ALIAS_DEPTH) return;
      const [account] = await this.sql.query<{ id: number; address: string; disabled: number | boolean; usedBytes: number | string; quotaBytes: number | string }>(
        `SELECT "id", "address", "disabled", "usedBytes", "quotaBytes" FROM "Account" WHERE "addressKey" = ?`,
        [key],
      );
      if (account) {
        if (!account.disabled) {
          found.set(account.id, { accountId: account.id, address: account.address, usedBytes: BigInt(account.usedBytes), quotaBytes: BigInt(account.quotaBytes) });
        }
        return;
      }
      const aliases = await this.aliasTargets(key);
      if (aliases.length) {
        for (const alias of aliases) await visit(alias.destination, depth + 1, false);
        return;
      }
      const at = key.lastIndexOf("@");
      const plus = key.indexOf("+");
      if (plus > 0 && plus < at) return visit(key.slice(0, plus) + key.slice(at), depth + 1, allowCatchAll);
      if (allowCatchAll) {
        for (const alias of await this.aliasTargets(key.slice(at))) await visit(alias.destination, depth + 1, false);
      }
    };
    await visit(`${local}@${asciiDomain}`.toLowerCase(), 0, true);
    if (!found.size && local.toLowerCase() === "postmaster") return this.administrators();
    return [...found.values()];
  }
}
