// Each account's delivery rules (forwarding, vacation, filters) and the record of vacation replies
// sent. Plain SQL: delivery reads the rules of every recipient account on its hot path.
import { defaultRules, readStoredFilters, type DeliveryRules } from "../rules/model";
import { placeholders, readDate, type SqlRunner } from "./sql";

interface RulesRow {
  accountId: number;
  forwardTo: string;
  forwardKeepCopy: number | boolean;
  vacationEnabled: number | boolean;
  vacationSubject: string;
  vacationBody: string;
  vacationStart: Date | string | null;
  vacationEnd: Date | string | null;
  vacationDays: number;
  filters: string;
}

/** What delivery needs of an account besides its rules: who it is, to write a reply in its name. */
export interface AccountRules {
  accountId: number;
  address: string;
  displayName: string;
  rules: DeliveryRules;
}

function toRules(row: RulesRow): DeliveryRules {
  return {
    forwarding: { to: row.forwardTo, keepCopy: Boolean(row.forwardKeepCopy) },
    vacation: {
      enabled: Boolean(row.vacationEnabled),
      subject: row.vacationSubject,
      body: row.vacationBody,
      start: row.vacationStart ? readDate(row.vacationStart).toISOString() : null,
      end: row.vacationEnd ? readDate(row.vacationEnd).toISOString() : null,
      days: row.vacationDays,
    },
    filters: readStoredFilters(row.filters),
  };
}

/** What makes it another vacation (not the days between replies). */
const vacationTerms = (v: DeliveryRules["vacation"]) => JSON.stringify([v.enabled, v.subject, v.body, v.start, v.end]);

const COLUMNS = `r."accountId", r."forwardTo", r."forwardKeepCopy", r."vacationEnabled", r."vacationSubject", r."vacationBody",
  r."vacationStart", r."vacationEnd", r."vacationDays", r."filters"`;

export class DeliveryRulesStore {
  constructor(private readonly sql: SqlRunner) {}

  async get(accountId: number): Promise<DeliveryRules> {
    const [row] = await this.sql.query<RulesRow>(`SELECT ${COLUMNS} FROM "DeliveryRules" r WHERE r."accountId" = ?`, [accountId]);
    return row ? toRules(row) : defaultRules();
  }

  /** The rules of those of these accounts that have any (one query for a whole transaction). */
  async forAccounts(accountIds: number[]): Promise<AccountRules[]> {
    if (!accountIds.length) return [];
    const rows = await this.sql.query<RulesRow & { address: string; displayName: string }>(
      `SELECT ${COLUMNS}, a."address", a."displayName" FROM "DeliveryRules" r JOIN "Account" a ON a."id" = r."accountId"
       WHERE r."accountId" IN (${placeholders(accountIds.length)})`,
      accountIds,
    );
    return rows.map((row) => ({ accountId: row.accountId, address: row.address, displayName: row.displayName, rules: toRules(row) }));
  }

  /**
   * Replaces the account's rules. A vacation whose words or dates changed starts afresh: senders
   * answered during the last one get the new reply.
   */
  async save(accountId: number, rules: DeliveryRules): Promise<void> {
    const { forwarding, vacation, filters } = rules;
    const before = await this.get(accountId);
    await this.sql.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO "DeliveryRules" ("accountId", "forwardTo", "forwardKeepCopy", "vacationEnabled", "vacationSubject", "vacationBody",
           "vacationStart", "vacationEnd", "vacationDays", "filters", "updatedAt") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT ("accountId") DO UPDATE SET "forwardTo" = excluded."forwardTo", "forwardKeepCopy" = excluded."forwardKeepCopy",
           "vacationEnabled" = excluded."vacationEnabled", "vacationSubject" = excluded."vacationSubject", "vacationBody" = excluded."vacationBody",
           "vacationStart" = excluded."vacationStart", "vacationEnd" = excluded."vacationEnd", "vacationDays" = excluded."vacationDays",
           "filters" = excluded."filters", "updatedAt" = excluded."updatedAt"`,
        [
          accountId, forwarding.to, forwarding.keepCopy, vacation.enabled, vacation.subject, vacation.body,
          vacation.start ? new Date(vacation.start) : null, vacation.end ? new Date(vacation.end) : null, vacation.days,
          JSON.stringify(filters), new Date(),
        ],
      );
      if (vacationTerms(before.vacation) !== vacationTerms(vacation)) {
        await tx.query(`DELETE FROM "VacationReply" WHERE "accountId" = ?`, [accountId]);
      }
    });
  }

  /**
   * Records a reply to this sender now, unless one went out within `days`: true when the caller
   * should send it. One statement, so two messages arriving together still get one reply.
   */
  async claimVacationReply(accountId: number, sender: string, days: number, now: Date): Promise<boolean> {
    const since = new Date(now.getTime() - days * 86_400_000);
    const rows = await this.sql.query<{ sentAt: Date | string }>(
      `INSERT INTO "VacationReply" ("accountId", "sender", "sentAt") VALUES (?, ?, ?)
       ON CONFLICT ("accountId", "sender") DO UPDATE SET "sentAt" = excluded."sentAt" WHERE "VacationReply"."sentAt" <= ?
       RETURNING "sentAt"`,
      [accountId, sender.toLowerCase(), now, since],
    );
    return rows.length > 0;
  }

  /** The addresses of aliases that lead straight to this account (its other names for the vacation check). */
  async aliasesOf(addressKey: string): Promise<string[]> {
    const rows = await this.sql.query<{ addressKey: string }>(`SELECT "addressKey" FROM "Alias" WHERE "destination" = ?`, [addressKey]);
    return rows.map((row) => row.addressKey).filter((key) => !key.startsWith("@"));
  }
}
