/**
 * Ingest benchmark: how fast our SMTP server durably accepts mail, next to Postfix on the same machine.
 *
 * Both sides get the same smtp-source load. Ours is done when smtp-source exits (it waits for the last
 * 250, and 250 means stored); Postfix is done when the last file appears in its Maildir's new/. Sides
 * alternate, RUNS times each, and the medians go to bench/RESULTS.md: the disk here is noisy, so only
 * numbers from the same run are compared.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { freePort, startPostfix } from "../tests/support/postfix";

// bench/run.sh runs this from the repository root (no __dirname/import.meta: works as CJS or ESM).
const ROOT = process.cwd();
const MESSAGES = positive("BENCH_MESSAGES", 5000);
const SESSIONS = positive("BENCH_SESSIONS", 20);
const SIZE = positive("BENCH_SIZE", 4096);
const RUNS = positive("BENCH_RUNS", 3);
const DOMAIN = "bench.test";
const RECIPIENT = `user@${DOMAIN}`;
const SMTP_SOURCE = existsSync("/usr/sbin/smtp-source") ? "/usr/sbin/smtp-source" : "smtp-source";
// Generous: a stalled side should fail the bench, not hang it.
const TIMEOUT_MS = 120_000 + MESSAGES * 20;

function positive(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

// Everything started is registered here, so a failure or Ctrl-C still stops it.
const cleanups = new Set<() => Promise<void>>();
async function cleanupAll(): Promise<void> {
  for (const fn of [...cleanups].reverse()) await fn().catch((e: unknown) => console.error("cleanup:", e));
  cleanups.clear();
}
for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping everything the bench started`);
    void cleanupAll().finally(() => process.exit(code));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function smtpSource(port: number): Promise<void> {
  const args = ["-s", `${SESSIONS}`, "-m", `${MESSAGES}`, "-l", `${SIZE}`, "-t", RECIPIENT, `127.0.0.1:${port}`];
  return new Promise((resolve, reject) => {
    const child = spawn(SMTP_SOURCE, args, { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), TIMEOUT_MS);
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`smtp-source failed (${signal ?? `exit ${code}`}): ${stderr.trim()}`));
    });
  });
}

interface Sample {
  side: "ours" | "postfix";
  seconds: number;
  perSecond: number;
  peakRssMiB?: number;
}

async function benchPostfix(): Promise<Sample> {
  const postfix = await startPostfix({ mode: "maildir", domain: DOMAIN });
  cleanups.add(postfix.stop);
  try {
    const start = performance.now();
    await smtpSource(postfix.port);
    const deadline = Date.now() + TIMEOUT_MS;
    while (postfix.delivered().length < MESSAGES) {
      if (Date.now() > deadline) throw new Error(`Postfix delivered only ${postfix.delivered().length}/${MESSAGES}`);
      await sleep(10);
    }
    const seconds = (performance.now() - start) / 1000;
    return { side: "postfix", seconds, perSecond: MESSAGES / seconds };
  } finally {
    cleanups.delete(postfix.stop);
    await postfix.stop();
  }
}

const SERVER = join(ROOT, "scripts", "mail-server.ts");
const MAILCTL = join(ROOT, "scripts", "mailctl.ts");

function serverEnv(dataDir: string, smtpPort: number, adminPort: number): NodeJS.ProcessEnv {
  const off = ["SUBMISSION", "SUBMISSIONS", "IMAP", "IMAPS", "POP3", "POP3S", "WEB"];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    SMTP_PORT: `${smtpPort}`,
    ADMIN_PORT: `${adminPort}`,
    ...Object.fromEntries(off.map((name) => [`${name}_PORT`, "0"])),
  };
  // The default (SQLite in DATA_DIR) unless asked otherwise; never a DATABASE_URL left in the shell.
  delete env.DATABASE_URL;
  if (process.env.BENCH_DATABASE_URL) env.DATABASE_URL = process.env.BENCH_DATABASE_URL;
  return env;
}

function mailctl(env: NodeJS.ProcessEnv, args: string[], input?: string): string {
  return execFileSync("npx", ["tsx", MAILCTL, ...args], { cwd: ROOT, env, input, encoding: "utf8" });
}

// VmHWM is the kernel's own peak-RSS counter for the process; gone once it exits, so read it before.
function peakRssKiB(pid: number | undefined): number {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0; // exited; the failure surfaces elsewhere
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

async function benchOurs(): Promise<Sample> {
  const dataDir = mkdtempSync(join(tmpdir(), "bench-data-"));
  const env = serverEnv(dataDir, await freePort(), await freePort());
  // node --import tsx is what `npx tsx` runs, minus the wrapper processes: the pid is the server itself,
  // so its VmHWM is the server's peak RSS. Own process group so one kill stops anything it spawned.
  const server = spawn(process.execPath, ["--import", "tsx", SERVER], {
    cwd: ROOT,
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<void>((resolve) => server.once("exit", () => resolve()));
  const stop = async () => {
    if (server.exitCode === null && server.signalCode === null && server.pid) {
      process.kill(-server.pid, "SIGTERM");
      const killed = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]);
      if (!killed) process.kill(-server.pid, "SIGKILL");
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  cleanups.add(stop);
  try {
    const output = { text: "" };
    await waitForReady(server, output);
    mailctl(env, ["domain", "add", DOMAIN]);
    mailctl(env, ["user", "add", RECIPIENT, "--password-stdin"], "bench-password\n");

    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, peakRssKiB(server.pid))), 250);
    const start = performance.now();
    try {
      await smtpSource(Number(env.SMTP_PORT));
    } finally {
      clearInterval(sampler);
    }
    const seconds = (performance.now() - start) / 1000;
    peak = Math.max(peak, peakRssKiB(server.pid));

    const stored = storedCount(mailctl(env, ["user", "list"]));
    if (stored !== MESSAGES) throw new Error(`smtp-source got 250 for ${MESSAGES} messages but ${stored} are stored`);
    return { side: "ours", seconds, perSecond: MESSAGES / seconds, peakRssMiB: peak / 1024 };
  } finally {
    cleanups.delete(stop);
    await stop();
  }
}

// `mailctl user list`: one account a line, "ADDRESS<TAB>messages=N<TAB>used=…<TAB>quota=…".
function storedCount(list: string): number {
  const line = list.split("\n").find((l) => l.startsWith(`${RECIPIENT}\t`));
  const count = line && /\bmessages=(\d+)/.exec(line);
  if (!count) throw new Error(`no message count for ${RECIPIENT} in mailctl user list:\n${list}`);
  return Number(count[1]);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (n: number | undefined, digits = 0) => (n === undefined ? "–" : n.toFixed(digits));

function tryRun(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return "?";
  }
}

// Other work on the machine skews both sides; the load average says how much to trust a run.
const loadAtStart = loadavg()[0];

function machine(): string[] {
  const cpu = /^model name\s*:\s*(.*)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? "?";
  const [fsType, source] = tryRun("findmnt", ["-no", "FSTYPE,SOURCE", "--target", tmpdir()]).split(/\s+/);
  const device = /^\/dev\/([a-z]+)/.exec(source ?? "")?.[1];
  const flag = device ? `/sys/block/${device}/queue/rotational` : "";
  const rotational = flag && existsSync(flag) ? `, rotational=${readFileSync(flag, "utf8").trim()}` : "";
  return [
    `- date: ${new Date().toISOString()}`,
    `- CPU: ${cpu}, ${cpus().length} cores; RAM ${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `- load average (1 min): ${loadAtStart.toFixed(1)} at start, ${loadavg()[0].toFixed(1)} at end`,
    `- disk: ${tmpdir()} is ${fsType} on ${source}${rotational}; both sides write there`,
    `- OS: Debian ${tryRun("cat", ["/etc/debian_version"])}, kernel ${tryRun("uname", ["-r"])}`,
    `- Node ${process.version}, Postfix ${tryRun("postconf", ["-d", "-h", "mail_version"])}, commit ${tryRun("git", ["-C", ROOT, "rev-parse", "--short", "HEAD"])}`,
    `- database: ${process.env.BENCH_DATABASE_URL ? "PostgreSQL (BENCH_DATABASE_URL)" : "SQLite in DATA_DIR (default)"}`,
  ];
}

function report(samples: Sample[], oursMissing: boolean): string {
  const of = (side: Sample["side"]) => samples.filter((s) => s.side === side);
  const ours = of("ours");
  const postfix = of("postfix");
  const oursRate = ours.length ? median(ours.map((s) => s.perSecond)) : undefined;
  const postfixRate = median(postfix.map((s) => s.perSecond));
  const rss = ours.length ? median(ours.map((s) => s.peakRssMiB ?? 0)) : undefined;
  const rows = Array.from({ length: RUNS }, (_, i) =>
    `| ${i + 1} | ${fmt(ours[i]?.perSecond)} | ${fmt(ours[i]?.peakRssMiB)} | ${fmt(postfix[i]?.perSecond)} |`,
  );
  return [
    "# Benchmark results",
    "",
    "Written by `npm run bench` (bench/ingest.ts); rerun it rather than editing this file.",
    "",
    "## Ingest: SMTP into a mailbox",
    "",
    `\`smtp-source -s ${SESSIONS} -m ${MESSAGES} -l ${SIZE} -t ${RECIPIENT}\` against each side, ${RUNS} runs each, alternating.`,
    "Ours: until smtp-source exits (the last 250; 250 means durably stored), then the count is checked with",
    "`mailctl user list`. Postfix: a private instance delivering with virtual(8) into one Maildir, until all",
    "files are in new/. Peak RSS is the mail-server process's VmHWM.",
    "",
    "How each side makes mail durable: Postfix fsyncs a queue file, then virtual(8) fsyncs a Maildir file",
    "per message. Ours fsyncs the SQLite WAL once per group commit (messages up to 128 KiB live in the",
    "database with their metadata and index entry; larger ones are fsync'd files), and answers 250 after it.",
    "",
    "| run | ours (msg/s) | ours peak RSS (MiB) | Postfix (msg/s) |",
    "|---|---|---|---|",
    ...rows,
    `| **median** | **${fmt(oursRate)}** | **${fmt(rss)}** | **${fmt(postfixRate)}** |`,
    "",
    oursRate === undefined
      ? `Ours/Postfix: not measured${oursMissing ? " (scripts/mail-server.ts does not exist yet)" : ""}.`
      : `Ours/Postfix: **${(oursRate / postfixRate).toFixed(2)}×**.`,
    "",
    "Machine:",
    "",
    ...machine(),
    "",
  ].join("\n");
}

async function main(): Promise<void> {
  const oursMissing = !existsSync(SERVER) || !existsSync(MAILCTL);
  if (oursMissing) console.error("bench: scripts/mail-server.ts or scripts/mailctl.ts missing, measuring Postfix only");
  console.error(`bench: ${MESSAGES} messages of ${SIZE} bytes over ${SESSIONS} sessions, ${RUNS} runs per side`);
  const samples: Sample[] = [];
  for (let run = 1; run <= RUNS; run++) {
    for (const side of oursMissing ? (["postfix"] as const) : (["ours", "postfix"] as const)) {
      const sample = side === "ours" ? await benchOurs() : await benchPostfix();
      samples.push(sample);
      const rss = sample.peakRssMiB === undefined ? "" : `, peak RSS ${fmt(sample.peakRssMiB)} MiB`;
      console.error(`run ${run} ${side}: ${fmt(sample.perSecond)} msg/s (${sample.seconds.toFixed(2)} s${rss})`);
    }
  }
  const markdown = report(samples, oursMissing);
  writeFileSync(join(ROOT, "bench", "RESULTS.md"), markdown);
  mkdirSync(join(ROOT, "bench", "out"), { recursive: true });
  writeFileSync(join(ROOT, "bench", "out", `ingest-${Date.now()}.json`), JSON.stringify(samples, null, 2));
  console.log(markdown);
}

main()
  .catch(async (error: unknown) => {
    console.error("bench failed:", error instanceof Error ? error.message : error);
    process.exitCode = 1;
  })
  .finally(cleanupAll);
