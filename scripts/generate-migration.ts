// Writes a new migration for both databases: `npm run migrations:generate -- NAME`.
//
// Prisma's `migrate dev` needs a downloaded schema-engine binary, which cannot be fetched
// here; the same engine built to WebAssembly (@prisma/schema-engine-wasm) diffs two schema
// files without any database of ours. Each migration keeps a copy of the schema it leads to,
// so the next one diffs from that copy. Hand-written SQL that Prisma cannot express (the
// full-text index) may be appended to a generated migration.sql before it is committed;
// the application applies migrations at start-up (lib/migrate.ts).
//
// The PostgreSQL engine insists on a connection even for a file-to-file diff: set
// MIGRATION_DATABASE_URL (any reachable database; nothing is written to it).
import { readFileSync, writeFileSync, mkdirSync, readdirSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import * as engineBindings from "@prisma/schema-engine-wasm/schema_engine_bg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { MIGRATIONS_DIR } from "../lib/migrate";
import { derivePostgresSchema } from "./prisma-generate.mjs";

const require = createRequire(import.meta.url);

async function loadEngine() {
  const wasmFile = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg").replace(/\.js$/, ".wasm");
  const { instance } = await WebAssembly.instantiate(readFileSync(wasmFile), { "./schema_engine_bg.js": engineBindings });
  engineBindings.__wbg_set_wasm(instance.exports);
  (instance.exports as { __wbindgen_start: () => void }).__wbindgen_start();
}

async function diff(provider: "sqlite" | "postgresql", from: string | null, to: string): Promise<string> {
  const adapter =
    provider === "sqlite"
      ? new PrismaBetterSqlite3({ url: ":memory:" })
      : new PrismaPg({ connectionString: process.env.MIGRATION_DATABASE_URL ?? failMissingUrl() });
  const factory = bindMigrationAwareSqlAdapterFactory(adapter);
  const engine = await engineBindings.SchemaEngine.new({ datamodels: [["schema.prisma", to]] }, () => {}, factory);
  const result = await engine.diff({
    from: from === null ? { tag: "empty" } : { tag: "schemaDatamodel", files: [{ path: "schema.prisma", content: from }] },
    to: { tag: "schemaDatamodel", files: [{ path: "schema.prisma", content: to }] },
    script: true,
    exitCode: null,
    filters: { externalTables: [], externalEnums: [] },
  });
  engine.free();
  return result.stdout ?? "";
}

function failMissingUrl(): never {
  throw new Error("MIGRATION_DATABASE_URL must name a reachable PostgreSQL database to diff the postgresql schema");
}

async function main() {
  const name = process.argv[2];
  if (!name || !/^[a-z0-9_]+$/.test(name)) throw new Error("usage: npm run migrations:generate -- name_in_snake_case");
  const sqliteSchema = readFileSync("prisma/schema.prisma", "utf8");
  const schemas = { sqlite: sqliteSchema, postgresql: derivePostgresSchema(sqliteSchema) };
  await loadEngine();
  for (const provider of ["sqlite", "postgresql"] as const) {
    const dir = path.join(MIGRATIONS_DIR, provider);
    mkdirSync(dir, { recursive: true });
    const existing = readdirSync(dir).filter((d) => /^\d{4}_/.test(d)).sort();
    const previous = existing.at(-1);
    const from = previous ? readFileSync(path.join(dir, previous, "schema.prisma"), "utf8") : null;
    const sql = await diff(provider, from, schemas[provider]);
    if (!sql.trim() || /^-- This is an empty migration/.test(sql.trim())) {
      console.log(`${provider}: schema unchanged, no migration`);
      continue;
    }
    const target = path.join(dir, `${String(existing.length + 1).padStart(4, "0")}_${name}`);
    if (existsSync(target)) throw new Error(`${target} exists`);
    mkdirSync(target);
    writeFileSync(path.join(target, "migration.sql"), sql);
    writeFileSync(path.join(target, "schema.prisma"), schemas[provider]);
    console.log(`${provider}: wrote ${target}/migration.sql`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
