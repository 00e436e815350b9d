import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL("./", import.meta.url));

export default defineConfig({
  // Same "@/" mapping as tsconfig paths; a regex so "@prisma/…" and other scoped packages are left alone.
  resolve: { alias: [{ find: /^@\//, replacement: root }] },
  test: {
    include: ["tests/**/*.test.ts"],
    environment: "node",
    // Protocol tests start real servers and child processes (Postfix, PostgreSQL clients); forks isolate
    // them better than worker threads and let native modules (better-sqlite3, argon2) load safely.
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    watch: false,
  },
});
