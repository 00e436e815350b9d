// One Prisma client per process, on SQLite (embedded default) or PostgreSQL.
// The two providers need two generated clients; their APIs are the same because the
// PostgreSQL schema is derived from the SQLite one, so the rest of the code is written
// against one type.
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/sqlite/client";
import { ConfigError, type Config } from "./config";
import { sqliteFile } from "./migrate";

export type Prisma = PrismaClient;

export interface Database {
  provider: Config["databaseProvider"];
  /**
   * The Prisma client, made on first use. The mail server's hot paths run on its own SQL
   * runner (lib/mail-server/store/sql.ts); Prisma is for administration, and its query
   * engine costs some 70 MB of memory that a server nobody administers never needs.
   */
  prisma(): Promise<Prisma>;
  close(): Promise<void>;
}

async function connect(config: Config): Promise<Prisma> {
  if (config.databaseProvider === "sqlite") {
    const prisma = new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: sqliteFile(config.databaseUrl), timeout: 10_000 }) });
    // synchronous=FULL: a commit is on disk before SMTP answers 250 (WAL's NORMAL could lose
    // the last commits to a power cut).
    await prisma.$queryRawUnsafe("PRAGMA journal_mode = WAL");
    await prisma.$executeRawUnsafe("PRAGMA synchronous = FULL");
    await prisma.$executeRawUnsafe("PRAGMA foreign_keys = ON");
    return prisma;
  }
  // Loaded only when used: each generated client carries its own query compiler.
  const { PrismaClient: PostgresPrismaClient } = await import("./generated/postgresql/client");
  const postgres = new PostgresPrismaClient({ adapter: new PrismaPg({ connectionString: config.databaseUrl, max: 10 }) });
  try {
    await postgres.$queryRawUnsafe("SELECT 1");
  } catch (error) {
    throw new ConfigError("DATABASE_URL", `cannot connect to PostgreSQL: ${(error as Error).message}`);
  }
  return postgres as unknown as Prisma;
}

export function openDatabase(config: Config): Database {
  let client: Promise<Prisma> | null = null;
  return {
    provider: config.databaseProvider,
    prisma() {
      client ??= connect(config);
      // A failed connection is not remembered: the next use tries again.
      client.catch(() => {
        client = null;
      });
      return client;
    },
    async close() {
      if (client) await (await client.catch(() => null))?.$disconnect();
      client = null;
    },
  };
}
