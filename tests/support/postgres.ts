import { randomBytes } from "node:crypto";
import pg from "pg";

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

function serverUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    throw new Error(
      "TEST_DATABASE_URL is not set: run the suite with `npm test`, which starts PostgreSQL and sets it " +
        "(or point TEST_DATABASE_URL at a server where the role may CREATE DATABASE).",
    );
  }
  return url;
}

async function withAdmin<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A throwaway database on the TEST_DATABASE_URL server, so parallel test files never share state. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const admin = serverUrl();
  const name = `test_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
  await withAdmin(admin, (c) => c.query(`CREATE DATABASE "${name}"`));

  const url = new URL(admin);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    url: url.toString(),
    async drop() {
      if (dropped) return;
      dropped = true;
      await withAdmin(admin, (c) => dropDatabase(c, name));
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * FORCE ends the connections a test left open (a pool not closed, a killed server's). But PostgreSQL
 * first checks that it may end every backend on the database, and an autovacuum worker (busy after a
 * test that wrote a lot) belongs to no role: unless the test role is superuser or in pg_signal_backend,
 * the whole DROP is refused (42501). Then the test's own connections are ended by hand and the plain
 * DROP is retried: it asks autovacuum to stop and waits for it.
 */
async function dropDatabase(client: pg.Client, name: string): Promise<void> {
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    return;
  } catch (error) {
    if ((error as { code?: string }).code !== "42501") throw error;
  }
  const deadline = Date.now() + 15_000;
  for (;;) {
    await client.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND usename = current_user AND pid <> pg_backend_pid()",
      [name],
    );
    try {
      await client.query(`DROP DATABASE IF EXISTS "${name}"`);
      return;
    } catch (error) {
      // 55006: still in use (autovacuum not yet gone, or a connection that just arrived).
      if ((error as { code?: string }).code !== "55006" || Date.now() > deadline) throw error;
    }
    await sleep(100);
  }
}
