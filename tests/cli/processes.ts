// What the command-line and crash tests share: the contract's scripts run as real child
// processes (node --import tsx scripts/…), with an environment that holds only the variables
// a test gives (none inherited from the developer's shell), free ports, temporary folders,
// and a record of every process and folder so that nothing outlives the test file.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "..", "..");

/** Every variable lib/config.ts reads: a test sets the ones it means, the rest are unset. */
export const CONTRACT_VARIABLES = [
  "DATA_DIR", "DATABASE_URL", "MAIL_HOSTNAME", "MAIL_DOMAINS", "BIND_ADDRESS", "WEB_PORT", "SMTP_PORT", "SUBMISSION_PORT",
  "SUBMISSIONS_PORT", "IMAP_PORT", "IMAPS_PORT", "POP3_PORT", "POP3S_PORT", "ADMIN_PORT", "TLS_CERT", "TLS_KEY", "RELAY_HOST", "RELAY_USER", "RELAY_PASSWORD",
  "OUTBOUND_ROUTES", "PLAINTEXT_AUTH", "MAX_MESSAGE_SIZE", "DEFAULT_QUOTA", "QUEUE_RETRY_DELAYS", "QUEUE_LIFETIME",
  "QUEUE_DELAY_NOTICE", "DNS_SERVERS", "POP3_EXPIRE", "SIGNUP", "IMAP_URL", "SMTP_URL", "ADMIN_URL", "SMTP_MAX_RECIPIENTS",
  "SMTP_MAX_CONNECTIONS", "SMTP_IDLE_TIMEOUT",
];

/** Ports that must not listen in these tests unless a test asks: every listener of the contract off. */
export const ALL_PORTS_OFF: Record<string, string> = {
  WEB_PORT: "0", SMTP_PORT: "0", SUBMISSION_PORT: "0", SUBMISSIONS_PORT: "0", IMAP_PORT: "0", IMAPS_PORT: "0",
  POP3_PORT: "0", POP3S_PORT: "0", ADMIN_PORT: "0",
};

export function cleanEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...process.env };
  for (const name of CONTRACT_VARIABLES) delete out[name];
  return { ...out, NEXT_TELEMETRY_DISABLED: "1", ...env };
}

// ---------------------------------------------------------------------------------------------
// Temporary folders and ports

const tempDirs = new Set<string>();

export function tempDir(prefix = "cli-"): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

export function removeTempDirs() {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

/** A port nobody listens on right now (the OS picks it; we close it again at once). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen({ host: "127.0.0.1", port: 0 }, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Occupies a port until closed: for "address already in use". */
export async function occupyPort(): Promise<{ port: number; close(): Promise<void> }> {
  const server = net.createServer((socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host: "127.0.0.1", port: 0 }, () => resolve());
  });
  return { port: (server.address() as net.AddressInfo).port, close: () => new Promise((r) => server.close(() => r())) };
}

// ---------------------------------------------------------------------------------------------
// Processes

const live = new Set<ChildProcess>();

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  /** Killed by the test's timeout: the command hung. */
  timedOut: boolean;
}

export interface RunOptions {
  env?: Record<string, string>;
  /** Written to stdin, which is then closed (unless keepStdinOpen). */
  stdin?: string | Buffer;
  keepStdinOpen?: boolean;
  timeoutMs?: number;
}

function nodeArgs(script: string, args: string[]): string[] {
  return ["--import", "tsx", path.join(ROOT, "scripts", script), ...args];
}

/** Runs scripts/<script> to its end (or kills it after timeoutMs and says so). */
export function runScript(script: string, args: string[] = [], options: RunOptions = {}): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, nodeArgs(script, args), { cwd: ROOT, env: cleanEnv(options.env ?? {}), stdio: ["pipe", "pipe", "pipe"] });
    live.add(child);
    child.stdin.on("error", () => undefined);
    if (options.stdin !== undefined) child.stdin.write(options.stdin);
    if (!options.keepStdinOpen) child.stdin.end();
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => out.push(c));
    child.stderr.on("data", (c: Buffer) => err.push(c));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, options.timeoutMs ?? 20_000);
    child.once("error", (error) => {
      clearTimeout(timer);
      live.delete(child);
      reject(error);
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      live.delete(child);
      resolve({ code, signal, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8"), ms: Date.now() - started, timedOut });
    });
  });
}

/** stderr as lines, without the empty one after the final newline. */
export function stderrLines(result: RunResult): string[] {
  return result.stderr.split("\n").filter((line, i, all) => !(line === "" && i === all.length - 1));
}

/** A long-running script (the mail server, npm start) whose output the test watches. */
export class ScriptProcess {
  readonly child: ChildProcess;
  readonly lines: string[] = [];
  readonly errLines: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  private waiters: (() => void)[] = [];

  constructor(script: string, env: Record<string, string>, args: string[] = []) {
    this.child = spawn(process.execPath, nodeArgs(script, args), { cwd: ROOT, env: cleanEnv(env), stdio: ["ignore", "pipe", "pipe"] });
    live.add(this.child);
    const collect = (stream: NodeJS.ReadableStream, into: string[]) => {
      let partial = "";
      stream.setEncoding("utf8");
      stream.on("data", (chunk: string) => {
        const parts = (partial + chunk).split("\n");
        partial = parts.pop()!;
        into.push(...parts);
        this.wake();
      });
      stream.on("end", () => {
        if (partial) into.push(partial);
        partial = "";
        this.wake();
      });
    };
    collect(this.child.stdout!, this.lines);
    collect(this.child.stderr!, this.errLines);
    this.exited = new Promise((resolve) => {
      // "close": the exit, and all of its output read.
      this.child.once("close", (code, signal) => {
        this.exit = { code, signal };
        live.delete(this.child);
        this.wake();
        resolve({ code, signal });
      });
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  private wake() {
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((w) => w());
  }

  /** The first stdout line matching re; fails if the process exits or time runs out first. */
  async waitForLine(re: RegExp, timeoutMs = 20_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.lines.find((line) => re.test(line));
      if (found !== undefined) return found;
      if (this.exit) throw new Error(`process exited (${this.exit.signal ?? this.exit.code}) before printing ${re}; stderr: ${this.errLines.join(" | ")}; stdout: ${this.lines.join(" | ")}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no line matching ${re} within ${timeoutMs} ms; stdout: ${this.lines.join(" | ")}; stderr: ${this.errLines.join(" | ")}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  kill(signal: NodeJS.Signals) {
    if (!this.exit) this.child.kill(signal);
  }

  /** Waits for the exit; SIGKILLs it (and fails) after timeoutMs. */
  async waitExit(timeoutMs = 25_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.child.kill("SIGKILL");
        reject(new Error(`process ${this.pid} still running after ${timeoutMs} ms`));
      }, timeoutMs);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Starts scripts/mail-server.ts and waits for "mail server ready". */
export async function startServerProcess(env: Record<string, string>): Promise<ScriptProcess> {
  const server = new ScriptProcess("mail-server.ts", env);
  try {
    await server.waitForLine(/^mail server ready/);
  } catch (error) {
    server.kill("SIGKILL");
    await server.exited;
    throw error;
  }
  return server;
}

// ---------------------------------------------------------------------------------------------
// The process table (Linux /proc)

export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // A zombie has exited; only its parent's wait() is missing.
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

function parentOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return null;
  }
}

/** Every process below pid (children, grandchildren, …). */
export function descendants(pid: number): number[] {
  const all = readdirSync("/proc").filter((name) => /^\d+$/.test(name)).map(Number);
  const found: number[] = [];
  let frontier = [pid];
  while (frontier.length) {
    const next = all.filter((p) => frontier.includes(parentOf(p) ?? -1));
    found.push(...next);
    frontier = next;
  }
  return found;
}

/** The TCP ports a process listens on, from its socket descriptors and /proc/net/tcp{,6}. */
export function listeningPorts(pid: number): number[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match) inodes.add(match[1]);
    } catch {
      // closed meanwhile
    }
  }
  const ports = new Set<number>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text = "";
    try {
      text = readFileSync(table, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10 || fields[3] !== "0A") continue; // 0A = LISTEN
      if (inodes.has(fields[9])) ports.add(parseInt(fields[1].split(":")[1], 16));
    }
  }
  return [...ports].sort((a, b) => a - b);
}

/** SIGKILLs every process these helpers started that is still running, and their descendants. */
export async function killAll(): Promise<void> {
  const children = [...live];
  for (const child of children) {
    if (child.pid) for (const pid of descendants(child.pid)) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // gone
      }
    }
    child.kill("SIGKILL");
  }
  await Promise.all(children.map((child) => (child.exitCode !== null || child.signalCode !== null ? null : new Promise((r) => child.once("exit", r)))));
}
