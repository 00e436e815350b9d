// A fresh store for a test: SQLite in a temporary DATA_DIR, or a throwaway PostgreSQL database.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadConfig, type Config } from "@/lib/config";
import { MailStore } from "@/lib/mail-server/store";
import { createTestDatabase } from "../support/postgres";

export type Provider = "sqlite" | "postgresql";
export const PROVIDERS: Provider[] = ["sqlite", "postgresql"];

export interface TestStore {
  store: MailStore;
  config: Config;
  dataDir: string;
  cleanup(): Promise<void>;
}

export async function testConfig(provider: Provider, env: Record<string, string> = {}): Promise<{ config: Config; dataDir: string; drop: () => Promise<void> }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "mailstore-"));
  const database = provider === "postgresql" ? await createTestDatabase() : null;
  const config = loadConfig({
    DATA_DIR: dataDir,
    MAIL_DOMAINS: "example.test",
    ...(database ? { DATABASE_URL: database.url } : {}),
    ...env,
  });
  return {
    config,
    dataDir,
    drop: async () => {
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function openTestStore(provider: Provider, env: Record<string, string> = {}): Promise<TestStore> {
  const { config, dataDir, drop } = await testConfig(provider, env);
  const store = await MailStore.open(config);
  return {
    store,
    config,
    dataDir,
    cleanup: async () => {
      await store.close();
      await drop();
    },
  };
}
