// Derives the PostgreSQL schema from prisma/schema.prisma (the one source) and generates
// both Prisma clients. Runs at `npm install`. Prisma's CLI would download a schema-engine
// binary first, which this project never needs: generation works without it.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const source = path.join(root, "prisma/schema.prisma");
const derived = path.join(root, "prisma/postgresql/schema.prisma");

export function derivePostgresSchema(text) {
  return (
    "// GENERATED from prisma/schema.prisma by scripts/prisma-generate.mjs: do not edit.\n" +
    text
      .replace('provider = "sqlite"', 'provider = "postgresql"')
      .replace('output   = "../lib/generated/sqlite"', 'output   = "../../lib/generated/postgresql"')
  );
}

function main() {
  mkdirSync(path.dirname(derived), { recursive: true });
  writeFileSync(derived, derivePostgresSchema(readFileSync(source, "utf8")));
  const env = {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: "/bin/false",
    CHECKPOINT_DISABLE: "1",
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
  };
  const prisma = path.join(root, "node_modules/.bin/prisma");
  for (const schema of [source, derived]) {
    execFileSync(prisma, ["generate", "--schema", schema], { cwd: root, env, stdio: ["ignore", "ignore", "inherit"] });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) main();
