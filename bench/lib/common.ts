/**
 * What every benchmark script shares: settings from the environment, a registry of things to
 * stop (so a failure or Ctrl-C leaves no server or temp dir behind), medians, machine facts
 * for the report, and writing one section of bench/RESULTS.md without touching the others.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem, tmpdir } from "node:os";
import { join } from "node:path";

// bench/run.sh runs every script from the repository root (no __dirname/import.meta: works as CJS or ESM).
export const ROOT = process.cwd();

export function positive(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

// Everything started is registered here, so a failure or Ctrl-C still stops it.
const cleanups = new Set<() => Promise<void> | void>();

/** Registers fn to run at exit (newest first); returns a function that runs and unregisters it. */
export function onCleanup(fn: () => Promise<void> | void): () => Promise<void> {
  cleanups.add(fn);
  return async () => {
    if (!cleanups.delete(fn)) return;
    await fn();
  };
}

export async function cleanupAll(): Promise<void> {
  for (const fn of [...cleanups].reverse()) {
    cleanups.delete(fn);
    try {
      await fn();
    } catch (error) {
      console.error("cleanup:", error);
    }
  }
}

let signalsHandled = false;
/** Ctrl-C and SIGTERM stop what was started before the process exits. */
export function handleSignals(): void {
  if (signalsHandled) return;
  signalsHandled = true;
  for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: stopping everything the bench started`);
      void cleanupAll().finally(() => process.exit(code));
    });
  }
}

/** main() with clean-up on the way out, whatever happens. */
export function runMain(main: () => Promise<void>): void {
  handleSignals();
  main()
    .catch((error: unknown) => {
      console.error("bench failed:", error instanceof Error ? (error.stack ?? error.message) : error);
      process.exitCode = 1;
    })
    .finally(cleanupAll);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export const fmt = (n: number | undefined, digits = 0) => (n === undefined ? "–" : n.toFixed(digits));

export function tryRun(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return "?";
  }
}

/** CPU, RAM, disk, OS, Node and commit, as lines of a Markdown list; peers add their own versions. */
export function machineFacts(peer: string, loadAtStart: number, loadAtEnd: number): string[] {
  const cpu = /^model name\s*:\s*(.*)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? "?";
  const [fsType, source] = tryRun("findmnt", ["-no", "FSTYPE,SOURCE", "--target", tmpdir()]).split(/\s+/);
  const device = /^\/dev\/([a-z]+)/.exec(source ?? "")?.[1];
  const flag = device ? `/sys/block/${device}/queue/rotational` : "";
  const rotational = flag && existsSync(flag) ? `, rotational=${readFileSync(flag, "utf8").trim()}` : "";
  return [
    `- date: ${new Date().toISOString()}`,
    `- CPU: ${cpu}, ${cpus().length} cores; RAM ${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `- load average (1 min): ${loadAtStart.toFixed(1)} at start, ${loadAtEnd.toFixed(1)} at end`,
    `- disk: ${tmpdir()} is ${fsType} on ${source}${rotational}; both sides write there`,
    `- OS: Debian ${tryRun("cat", ["/etc/debian_version"])}, kernel ${tryRun("uname", ["-r"])}`,
    // BENCH_COMMIT: set when running from an exported snapshot of a commit, which has no .git.
    `- Node ${process.version}, ${peer}, commit ${process.env.BENCH_COMMIT ?? tryRun("git", ["-C", ROOT, "rev-parse", "--short", "HEAD"])}`,
    `- database: ${process.env.BENCH_DATABASE_URL ? "PostgreSQL (BENCH_DATABASE_URL)" : "SQLite in DATA_DIR (default)"}`,
  ];
}

const RESULTS = join(ROOT, "bench", "RESULTS.md");
const PREAMBLE = ["# Benchmark results", "", "Written by `npm run bench` (bench/*.ts); rerun it rather than editing this file.", ""].join("\n");

/**
 * Replaces the section that starts with `## title` in bench/RESULTS.md (or appends it), so each
 * benchmark rewrites its own figures and leaves the others' as they were.
 */
export function writeResultsSection(title: string, body: string): void {
  const text = existsSync(RESULTS) ? readFileSync(RESULTS, "utf8") : PREAMBLE;
  const lines = text.split("\n");
  const heading = `## ${title}`;
  const start = lines.findIndex((line) => line.trim() === heading);
  const section = [heading, "", ...body.replace(/\n+$/, "").split("\n"), ""];
  if (start === -1) {
    const head = lines.join("\n").replace(/\n+$/, "");
    writeFileSync(RESULTS, `${head}\n\n${section.join("\n")}`);
    return;
  }
  let end = lines.findIndex((line, i) => i > start && /^## /.test(line));
  if (end === -1) end = lines.length;
  const out = [...lines.slice(0, start), ...section, ...lines.slice(end)];
  writeFileSync(RESULTS, `${out.join("\n").replace(/\n+$/, "")}\n`);
}
