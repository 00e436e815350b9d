/**
 * Our mail server as the benchmarks run it: its own process, as in production, with its own
 * DATA_DIR, on loopback ports, and mailctl for administration with the same configuration.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort } from "../../tests/support/postfix";
import { buildMailServer, MAIL_SERVER_NODE_FLAGS } from "../../scripts/build-mail-server.mjs";
import { onCleanup, ROOT, sleep } from "./common";

export const SERVER = join(ROOT, "scripts", "mail-server.ts");
export const MAILCTL = join(ROOT, "scripts", "mailctl.ts");

const LISTENERS = ["SMTP", "SUBMISSION", "SUBMISSIONS", "IMAP", "IMAPS", "POP3", "POP3S", "WEB"] as const;
type Listener = (typeof LISTENERS)[number];

/** The server's environment: only the listeners asked for, the rest off; DATABASE_URL only if the bench was given one. */
export async function serverEnv(dataDir: string, listeners: Listener[]): Promise<NodeJS.ProcessEnv> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, ADMIN_PORT: `${await freePort()}` };
  for (const name of LISTENERS) env[`${name}_PORT`] = listeners.includes(name) ? `${await freePort()}` : "0";
  // The default (SQLite in DATA_DIR) unless asked otherwise; never a DATABASE_URL left in the shell.
  delete env.DATABASE_URL;
  if (process.env.BENCH_DATABASE_URL) env.DATABASE_URL = process.env.BENCH_DATABASE_URL;
  return env;
}

export function mailctl(env: NodeJS.ProcessEnv, args: string[], input?: string): string {
  return execFileSync(process.execPath, ["--import", "tsx", MAILCTL, ...args], { cwd: ROOT, env, input, encoding: "utf8", maxBuffer: 64 * 2 ** 20 });
}

/** mailctl without blocking the event loop (imports take minutes; the bench keeps sampling meanwhile). */
export async function mailctlAsync(env: NodeJS.ProcessEnv, args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", MAILCTL, ...args], { cwd: ROOT, env, encoding: "utf8", maxBuffer: 64 * 2 ** 20 });
  return stdout;
}

/** The kernel's own counters for a process: VmRSS now, VmHWM its peak. 0 once it has exited. */
export function rssKiB(pid: number | undefined, field: "VmRSS" | "VmHWM" = "VmRSS"): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

function waitForReady(server: ChildProcess, output: { text: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`mail server not ready after 60 s:\n${output.text}`)), 60_000);
    const onData = (d: Buffer) => {
      output.text = (output.text + d.toString()).slice(-10_000);
      if (output.text.includes("mail server ready")) {
        clearTimeout(timer);
        resolve();
      }
    };
    server.stdout?.on("data", onData);
    server.stderr?.on("data", onData);
    server.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`mail server exited (${code}) before it was ready:\n${output.text}`));
    });
  });
}

export interface OurServer {
  pid: number;
  env: NodeJS.ProcessEnv;
  /** Its last output, for error messages. */
  output: { text: string };
  exited: boolean;
  /** Stops the server; removes DATA_DIR too unless keepData. */
  stop(options?: { keepData?: boolean }): Promise<void>;
}

/**
 * Starts the mail server as `npm start` and `npm run mail-server` do: its bundle under plain
 * Node (scripts/build-mail-server.mjs), so the pid is the server itself and its RSS is the
 * production process's. Own process group so one kill stops anything it spawned. Extra Node
 * flags (e.g. --cpu-prof) via nodeArgs.
 */
export async function startOurs(env: NodeJS.ProcessEnv, nodeArgs: string[] = []): Promise<OurServer> {
  const bundle = await buildMailServer();
  const server = spawn(process.execPath, [...nodeArgs, ...MAIL_SERVER_NODE_FLAGS, bundle], {
    cwd: ROOT,
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<void>((resolve) => server.once("exit", () => resolve()));
  const output = { text: "" };
  let keepData = false;
  const dataDir = env.DATA_DIR!;
  const stopNow = async () => {
    if (server.exitCode === null && server.signalCode === null && server.pid) {
      process.kill(-server.pid, "SIGTERM");
      const stopped = await Promise.race([exited.then(() => true), sleep(15_000).then(() => false)]);
      if (!stopped) process.kill(-server.pid, "SIGKILL");
      await exited;
    }
    if (!keepData) rmSync(dataDir, { recursive: true, force: true });
  };
  const stop = onCleanup(stopNow);
  await waitForReady(server, output);
  // Keep collecting output after ready: a crash under load is reported with its last words.
  return {
    pid: server.pid!,
    env,
    output,
    get exited() {
      return server.exitCode !== null || server.signalCode !== null;
    },
    async stop(options) {
      keepData = options?.keepData ?? false;
      await stop();
    },
  };
}
