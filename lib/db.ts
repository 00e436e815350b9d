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
  prisma: Prisma;
  provider: Config["databaseProvider"];
  close(): Promise<void>;
}

export async function openDatabase(config: Config): Promise<Database> {
  if (config.databaseProvider === "sqlite") {
    const prisma = new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: sqliteFile(config.databaseUrl), timeout: 10_000 }) });
    // synchronous=FULL: a commit is on disk before SMTP answers 250 (WAL's NORMAL could lose
    // the last commits to a power cut).
    await prisma.$queryRawUnsafe("PRAGMA journal_mode = WAL");
    await prisma.$executeRawUnsafe("PRAGMA synchronous = FULL");
    await prisma.$executeRawUnsafe("PRAGMA foreign_keys = ON");
    return { prisma, provider: "sqlite", close: () => prisma.$disconnect() };
  }
  // Loaded only when used: each generated client carries its own query compiler.
  const { PrismaClient: PostgresPrismaClient } = await import("./generated/postgresql/client");
  const postgres = new PostgresPrismaClient({ adapter: new PrismaPg({ connectionString: config.databaseUrl, max: 10 }) });
  try {
    await postgres.$queryRawUnsafe("SELECT 1");
  } catch (error) {
    throw new ConfigError("DATABASE_URL", `cannot connect to PostgreSQL: ${(error as Error).message}`);
  }
  const prisma = postgres as unknown as Prisma;
  return { prisma, provider: "postgresql", close: () => prisma.$disconnect() };
}
