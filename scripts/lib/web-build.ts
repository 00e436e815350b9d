// Builds the webmail with `next build` when the build is missing or older than its sources, so that
// `npm run web` and `npm start` never serve a stale build and never rebuild without need.
import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "..", "..");
const NEXT_BIN = path.join(ROOT, "node_modules", "next", "dist", "bin", "next");
const SOURCES = ["app", "components", "lib", "messages", "public", "next.config.js", "postcss.config.mjs", "tsconfig.json", "tsconfig.web.json", "package.json"];
// The webmail never imports the mail server (a lint rule enforces it), so changing the server needs no web rebuild.
const NOT_WEB_SOURCES = new Set([path.join(ROOT, "lib", "mail-server")]);

/** Runs the Next.js CLI with telemetry off (it would try to reach the network). */
export function spawnNext(args: string[]): ChildProcess {
  return spawn(process.execPath, [NEXT_BIN, ...args], {
    cwd: ROOT,
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
}

function mtime(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

/** Newest modification time under `file`; directories count too, so a deleted file also triggers a build. */
function newest(file: string): number {
  if (NOT_WEB_SOURCES.has(file)) return 0;
  let time = mtime(file);
  if (time === 0) return 0;
  try {
    for (const entry of readdirSync(file)) time = Math.max(time, newest(path.join(file, entry)));
  } catch {
    // A plain file: its own time is all there is.
  }
  return time;
}

export function webBuildIsCurrent(): boolean {
  const built = mtime(path.join(ROOT, ".next", "BUILD_ID"));
  return built > 0 && SOURCES.every((source) => newest(path.join(ROOT, source)) < built);
}

export async function ensureWebBuild(log: (line: string) => void = console.log): Promise<void> {
  if (webBuildIsCurrent()) return;
  log("Building the web app (next build)…");
  const build = spawnNext(["build"]);
  // Stopping us mid-build must stop the build too, not leave it running in the background.
  const stop = (signal: NodeJS.Signals) => build.kill(signal);
  process.on("SIGINT", stop).on("SIGTERM", stop);
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      build.on("error", reject).on("exit", (exitCode) => resolve(exitCode));
    });
    if (code !== 0) throw new Error(`next build failed (exit status ${code ?? "killed"})`);
  } finally {
    process.off("SIGINT", stop).off("SIGTERM", stop);
  }
}
