// Bundles the mail server (scripts/mail-server.ts and the lib/ code it imports) into one
// CommonJS file, .build/mail-server.cjs, that plain Node runs. `npm start` and
// `npm run mail-server` (this script with --start) use it: without the TypeScript loader a
// serving process is ~45 MB smaller and starts faster. Packages stay in node_modules (not
// bundled); tests and development keep running the sources through tsx. Takes well under a second.
import { spawn } from "node:child_process";
import { constants } from "node:os";
import { build } from "esbuild";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const MAIL_SERVER_BUNDLE = path.join(ROOT, ".build", "mail-server.cjs");

/**
 * How Node runs the bundle, for every launcher (`npm start`, `npm run mail-server`, bench/).
 * A mail server is mostly quiet between a user's clicks, and its answers after a quiet spell
 * are what people wait for; V8's defaults favour a quiet process's memory instead:
 * - --no-memory-reducer: after a few seconds with little allocation V8 runs full collections
 *   to shrink the heap and keeps the young generation small for a while, so the commands that
 *   end the quiet spell ran through dozens of scavenges (a 100,000-message UID FETCH twice as
 *   slow, SORT three times). The heap then stays as large as the load made it.
 * - --always-sparkplug: one command runs each function of its path a few times, seldom enough
 *   for V8 to compile it, so sessions ran in the bytecode interpreter; baseline code from the
 *   first call made SELECT after a pause ~40 % faster, for ~5 MB more code.
 * (bench/RESULTS.md, "where the time goes", has the measurements.)
 */
export const MAIL_SERVER_NODE_FLAGS = ["--enable-source-maps", "--no-memory-reducer", "--always-sparkplug"];

export async function buildMailServer() {
  await build({
    entryPoints: [path.join(ROOT, "scripts", "mail-server.ts")],
    outfile: MAIL_SERVER_BUNDLE,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    packages: "external",
    tsconfig: path.join(ROOT, "tsconfig.json"),
    sourcemap: "linked",
    logLevel: "warning",
    // The generated Prisma client reads import.meta.url, which CommonJS lacks: give it this file's.
    define: { "import.meta.url": "__bundleUrl" },
    banner: { js: 'const __bundleUrl = require("node:url").pathToFileURL(__filename).href;' },
  });
  return MAIL_SERVER_BUNDLE;
}

/** Runs the bundle with MAIL_SERVER_NODE_FLAGS, passing on stop signals and its exit status. */
function runMailServer(bundle) {
  const server = spawn(process.execPath, [...MAIL_SERVER_NODE_FLAGS, bundle], { stdio: "inherit" });
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
  server.on("exit", (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 0)));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  buildMailServer().then(
    (bundle) => {
      if (process.argv.includes("--start")) runMailServer(bundle);
    },
    (error) => {
      console.error(`mail server build failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
