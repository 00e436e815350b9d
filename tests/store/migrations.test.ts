// Migrations keep the data they find: a mailbox table rebuilt by a later migration (Prisma's
// way to alter SQLite tables) must not take the messages with it.
import { afterAll, describe, expect, it } from "vitest";
import Database from "better-sqlite3";
import pg from "pg";
import { applyMigrations, listMigrations, sqliteFile } from "@/lib/migrate";
import { testConfig, PROVIDERS } from "../helpers/store";

describe.each(PROVIDERS)("migrations on %s", (provider) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  it("keep accounts, mailboxes and messages written under the first schema", async () => {
    const { config, drop } = await testConfig(provider);
    cleanups.push(drop);
    const first = listMigrations(provider)[0].name;
    expect(await applyMigrations(config, first)).toEqual([first]);
    const now = new Date().toISOString();
    const statements = [
      `INSERT INTO "Domain" ("id", "name", "createdAt") VALUES (1, 'old.test', '${now}')`,
      `INSERT INTO "Account" ("id", "address", "addressKey", "domainId", "passwordHash", "quotaBytes", "createdAt") VALUES (1, 'a@old.test', 'a@old.test', 1, 'x', 1000, '${now}')`,
      `INSERT INTO "Mailbox" ("id", "accountId", "name", "uidValidity", "uidNext", "createdAt") VALUES (1, 1, 'INBOX', 7, 2, '${now}')`,
      `INSERT INTO "MessageContent" ("id", "blobHash", "size", "headerSize", "lines", "envelope", "bodyStructure", "createdAt") VALUES (1, 'h', 10, 5, 1, '{}', '{}', '${now}')`,
      `INSERT INTO "MailboxMessage" ("mailboxId", "uid", "modSeq", "contentId", "internalDate") VALUES (1, 1, 1, 1, '${now}')`,
    ];
    const count = async (): Promise<number> => {
      if (provider === "sqlite") {
        const db = new Database(sqliteFile(config.databaseUrl));
        try {
          return (db.prepare(`SELECT COUNT(*) AS n FROM "MailboxMessage"`).get() as { n: number }).n;
        } finally {
          db.close();
        }
      }
      const client = new pg.Client({ connectionString: config.databaseUrl });
      await client.connect();
      try {
        return Number((await client.query(`SELECT COUNT(*) AS n FROM "MailboxMessage"`)).rows[0].n);
      } finally {
        await client.end();
      }
    };
    if (provider === "sqlite") {
      const db = new Database(sqliteFile(config.databaseUrl));
      for (const sql of statements) db.exec(sql);
      db.close();
    } else {
      const client = new pg.Client({ connectionString: config.databaseUrl });
      await client.connect();
      for (const sql of statements) await client.query(sql);
      await client.end();
    }
    expect(await count()).toBe(1);
    const rest = await applyMigrations(config);
    expect(rest.length).toBe(listMigrations(provider).length - 1);
    expect(await count()).toBe(1);
  });
});
