// The webmail's own database (address book, settings, external accounts): the same as the mail server's
// by default, opened once per process and migrated before first use.
import "server-only";
import { loadConfig, type Config } from "@/lib/config";
import { openDatabase, type Database, type Prisma } from "@/lib/db";
import { applyMigrations } from "@/lib/migrate";

// Kept on globalThis: Next.js bundles route handlers and the instrumentation hook separately, and each
// copy of this module would otherwise open its own connections.
const globalKey = Symbol.for("webmail.database");
type Holder = typeof globalThis & { [globalKey]?: { database: Database; migrated: Promise<unknown> | null } };

export async function webmailDatabase(config: Config = loadConfig()): Promise<Prisma> {
  const holder = globalThis as Holder;
  const state = (holder[globalKey] ??= { database: openDatabase(config), migrated: null });
  // npm run web may run without the mail server (or before it): it applies its own models' migrations.
  state.migrated ??= applyMigrations(config).catch((error: unknown) => {
    state.migrated = null;
    throw error;
  });
  await state.migrated;
  return state.database.prisma();
}
