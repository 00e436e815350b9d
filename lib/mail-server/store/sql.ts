// A thin SQL runner for the store's hot paths (delivery, recipient lookup, and later the
// IMAP reads), beside Prisma. Prisma prepares every statement anew and costs more CPU per
// query than the whole rest of an SMTP delivery; here statements are prepared once and a
// batch of deliveries runs as plain SQL in one transaction. The schema stays Prisma's: this
// runner only reads and writes the tables prisma/schema.prisma defines.
//
// SQL is written once with "?" placeholders; the PostgreSQL runner numbers them.
import { promises as fs } from "node:fs";
import Database from "better-sqlite3";
import pg from "pg";
import type { Config } from "@/lib/config";
import { sqliteFile } from "@/lib/migrate";

export type SqlValue = string | number | bigint | boolean | Date | null | Buffer;

export interface SqlRunner {
  readonly dialect: Config["databaseProvider"];
  query<T>(sql: string, params?: SqlValue[]): Promise<T[]>;
  /** Runs fn in one transaction; transactions never interleave. */
  transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T>;
  /**
   * Runs fn (which writes through Prisma, on its own connection) while no transaction of this
   * runner is open. On SQLite two connections of one process must never wait for each
   * other's write lock: better-sqlite3 waits synchronously, so the event loop would stop
   * with the other transaction still holding the lock.
   */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Dates as Prisma stores them, so that both can read what the other wrote. */
function sqliteValue(value: SqlValue): unknown {
  if (value instanceof Date) return value.toISOString().replace("Z", "+00:00");
  if (typeof value === "boolean") return value ? 1 : 0;
  return value;
}

/** "?, ?, ?": the placeholders of an IN list of n values. */
export const placeholders = (n: number) => Array.from({ length: n }, () => "?").join(", ");

/**
 * A date column as read back: PostgreSQL's driver gives a Date; SQLite gives the text this
 * runner (ISO with an offset) or Prisma (ISO, sometimes without a zone: UTC) wrote.
 */
export function readDate(value: Date | string): Date {
  if (value instanceof Date) return value;
  return new Date(value.endsWith("Z") || /[+-]\d\d:\d\d$/.test(value) ? value : `${value.replace(" ", "T")}Z`);
}

class SqliteRunner implements SqlRunner {
  readonly dialect = "sqlite" as const;
  private readonly statements = new Map<string, Database.Statement>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: Database.Database,
    private readonly walFile: string,
  ) {}

  /**
   * Makes the commits so far durable. The connection runs with synchronous=NORMAL, so
   * COMMIT only writes the WAL; fsync'ing the WAL file afterwards is what
   * synchronous=FULL would do inside COMMIT, but on a libuv thread instead of blocking the
   * event loop, so other sessions keep being served (and batched) during the fsync.
   */
  private async syncWal() {
    const handle = await fs.open(this.walFile, "r");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  async query<T>(sql: string, params: SqlValue[] = []): Promise<T[]> {
    const statement = this.statement(sql);
    const values = params.map(sqliteValue);
    if (statement.reader) return statement.all(...values) as T[];
    statement.run(...values);
    return [];
  }

  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.queue.then(fn, fn);
    this.queue = result.catch(() => undefined);
    return result;
  }

  transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T> {
    const run = async () => {
      // IMMEDIATE: take the write lock now rather than fail to upgrade a read lock later.
      this.db.exec("BEGIN IMMEDIATE");
      try {
        const result = await fn(this);
        this.db.exec("COMMIT");
        await this.syncWal();
        return result;
      } catch (error) {
        if (this.db.inTransaction) this.db.exec("ROLLBACK");
        throw error;
      }
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  async close() {
    this.db.close();
  }
}

function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

function pgValue(value: SqlValue): unknown {
  // TIMESTAMP(3) columns hold UTC without a zone, as Prisma writes them.
  if (value instanceof Date) return value.toISOString().replace("Z", "");
  if (typeof value === "bigint") return value.toString();
  return value;
}

class PostgresRunner implements SqlRunner {
  readonly dialect = "postgresql" as const;
  constructor(
    private readonly pool: pg.Pool,
    private readonly client: pg.PoolClient | null = null,
    private readonly names = new Map<string, string>(),
  ) {}

  /** Named statements are prepared once per connection by pg. */
  private name(sql: string): string {
    let name = this.names.get(sql);
    if (!name) {
      name = `s${this.names.size + 1}`;
      this.names.set(sql, name);
    }
    return name;
  }

  async query<T>(sql: string, params: SqlValue[] = []): Promise<T[]> {
    const text = numbered(sql);
    const config = { name: this.name(text), text, values: params.map(pgValue) };
    const result = this.client ? await this.client.query(config) : await this.pool.query(config);
    return result.rows as T[];
  }

  /** PostgreSQL's connections wait for each other's locks without stopping the process. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return fn();
  }

  async transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    const tx = new PostgresRunner(this.pool, client, this.names);
    try {
      await client.query("BEGIN");
      const result = await fn(tx);
      await client.query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async close() {
    await this.pool.end();
  }
}

export function openSqlRunner(config: Config): SqlRunner {
  if (config.databaseProvider === "sqlite") {
    const file = sqliteFile(config.databaseUrl);
    const db = new Database(file, { timeout: 10_000 });
    db.pragma("journal_mode = WAL");
    // Durability comes from SqliteRunner.syncWal after each commit (see there).
    db.pragma("synchronous = NORMAL");
    db.pragma("foreign_keys = ON");
    // Reads through a memory map instead of a pread(2) per page: messages up to 128 KiB live
    // in the database, and a POP3 RETR or IMAP BODY[] of one read several overflow pages
    // (retrieving a maildrop went from ~8,000 to ~16,000 messages/s). The mapped pages are the
    // kernel's page cache, shared and reclaimable, not the process's own memory.
    db.pragma("mmap_size = 268435456");
    return new SqliteRunner(db, `${file}-wal`);
  }
  const pool = new pg.Pool({
    connectionString: config.databaseUrl,
    max: 8,
    // TIMESTAMP columns hold UTC (as Prisma writes them); pg would read them as local time.
    types: { getTypeParser: ((oid: number, format?: "text" | "binary") => (oid === 1114 ? (text: string) => new Date(`${text.replace(" ", "T")}Z`) : pg.types.getTypeParser(oid, format))) as typeof pg.types.getTypeParser },
  });
  // An idle connection dropped by the server is replaced on the next query; don't crash on it.
  pool.on("error", () => undefined);
  return new PostgresRunner(pool);
}
