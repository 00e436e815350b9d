// Bundles the mail server (scripts/mail-server.ts and the lib/ code it imports) into one
// CommonJS file, .build/mail-server.cjs, that plain Node runs. `npm start` and
// `npm run mail-server` use it: without the TypeScript loader a serving process is ~45 MB
// smaller and starts faster. Packages stay in node_modules (not bundled); tests and
// development keep running the sources through tsx. Takes well under a second.
import { build } from "esbuild";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const MAIL_SERVER_BUNDLE = path.join(ROOT, ".build", "mail-server.cjs");

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

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  buildMailServer().catch((error) => {
    console.error(`mail server build failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
