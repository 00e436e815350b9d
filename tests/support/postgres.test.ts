import pg from "pg";
import { describe, expect, it } from "vitest";
import { createTestDatabase } from "./postgres";

describe("createTestDatabase", () => {
  it("creates a database that answers queries and is gone after drop()", async () => {
    const db = await createTestDatabase();
    const name = new URL(db.url).pathname.slice(1);
    // Left open on purpose: drop() must terminate it rather than fail.
    const lingering = new pg.Client({ connectionString: db.url });
    lingering.on("error", () => {});
    await lingering.connect();
    try {
      const { rows } = await lingering.query<{ one: number }>("select 1 as one");
      expect(rows).toEqual([{ one: 1 }]);
    } finally {
      await db.drop();
    }

    const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await admin.connect();
    try {
      const { rowCount } = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
      expect(rowCount).toBe(0);
    } finally {
      await admin.end();
    }
  });
});
