/**
 * IMAP benchmark: our server next to a private Dovecot on the same machine, in the same run,
 * with the same mailbox.
 *
 * One seeded corpus (bench/lib/corpus.ts) is written once into Dovecot's Maildir (files
 * straight to disk, then `doveadm index`) and once into mbox files that `mailctl import` (the
 * product's bulk import) loads into ours. Both import times are reported, not compared.
 *
 * Then, per side and alternating, after one warm-up pass that is not counted, RUNS passes of:
 * SELECT INBOX; UID FETCH 1:* (UID FLAGS); FETCH of the newest 50 (ENVELOPE BODYSTRUCTURE);
 * UID SORT (REVERSE DATE) UTF-8 ALL; SEARCH TEXT for a common and a rare word. Each pass logs in
 * on a fresh connection; the clock runs from writing the command to the tagged status line with
 * every byte before it read (bench/lib/imap-client.ts). Results are checked against each other
 * and against what the corpus planted, so a fast wrong answer can't pass.
 *
 * Last, with both servers restarted, IDLE_CONNECTIONS sessions each LOGIN, SELECT INBOX and IDLE:
 * our one process's RSS against the sum over every Dovecot process (master, auth, anvil, log,
 * config, stats, and one imap process per session), read from /proc.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, type Dirent } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { COMMON_WORD, Corpus, RARE_WORD, type CorpusMessage } from "./lib/corpus";
import { writeMboxFiles } from "./lib/mbox";
import { fmt, machineFacts, median, onCleanup, positive, ROOT, runMain, sleep, writeResultsSection } from "./lib/common";
import { dovecotVersion, MaildirWriter, prepareDovecot, startDovecot, type Dovecot } from "./lib/dovecot";
import { ImapClient, type Response } from "./lib/imap-client";
import { mailctl, mailctlAsync, rssKiB, serverEnv, startOurs, type OurServer } from "./lib/ours";

const MESSAGES = positive("BENCH_IMAP_MESSAGES", 100_000);
const IDLE_CONNECTIONS = positive("BENCH_IDLE_CONNECTIONS", 1000);
const RUNS = positive("BENCH_RUNS", 5);
// Sessions opened at once while building up the IDLE crowd: clients arrive over time, not in one burst.
const IDLE_PARALLEL = positive("BENCH_IDLE_PARALLEL", 20);
// Messages per mbox file and per mailctl run: the CLI reads its files whole.
const IMPORT_BATCH = positive("BENCH_IMPORT_BATCH", 10_000);
// BENCH_PROFILE=1: our server runs the command passes under --cpu-prof (profile in bench/out/).
const PROFILE = process.env.BENCH_PROFILE === "1";
// BENCH_KEEP_DATA=1: our imported DATA_DIR stays (path printed) to profile against it afterwards.
const KEEP_DATA = process.env.BENCH_KEEP_DATA === "1";
const USER = "user@bench.test";
const PASSWORD = "bench-password-2026";

type Side = "ours" | "dovecot";
const SIDES: Side[] = ["ours", "dovecot"];

interface Command {
  key: string;
  label: string;
  /** The command text; the newest-50 FETCH needs the EXISTS count of the SELECT before it. */
  text: (exists: number) => string;
  keepLines?: boolean;
}

const COMMANDS: Command[] = [
  { key: "select", label: "SELECT INBOX", text: () => "SELECT INBOX", keepLines: true },
  { key: "uidFetchFlags", label: "UID FETCH 1:* (UID FLAGS)", text: () => "UID FETCH 1:* (UID FLAGS)" },
  { key: "fetchNewest", label: "FETCH newest 50 (ENVELOPE BODYSTRUCTURE)", text: (n) => `FETCH ${Math.max(1, n - 49)}:${n} (ENVELOPE BODYSTRUCTURE)` },
  { key: "sort", label: "UID SORT (REVERSE DATE) UTF-8 ALL", text: () => "UID SORT (REVERSE DATE) UTF-8 ALL", keepLines: true },
  { key: "searchCommon", label: `SEARCH TEXT "${COMMON_WORD}"`, text: () => `SEARCH TEXT "${COMMON_WORD}"`, keepLines: true },
  { key: "searchRare", label: `SEARCH TEXT "${RARE_WORD}"`, text: () => `SEARCH TEXT "${RARE_WORD}"`, keepLines: true },
];

interface Sample {
  side: Side;
  run: number;
  command: string;
  ms: number;
  status: string;
  /** What the answer says: messages listed, matches found. */
  count: number;
}

interface IdleResult {
  side: Side;
  connected: number;
  seconds: number;
  /** Ours: the process's VmRSS with every session idling; Dovecot: the sum over its processes. */
  steadyRssMiB: number;
  /** Ours: VmHWM of the fresh process; Dovecot: the highest sum seen while sampling. */
  peakRssMiB: number;
  /** Dovecot: proportional set size (shared pages split among the processes sharing them). */
  steadyPssMiB?: number;
  processes: number;
  /** The same reading before the first session: what the per-session cost is counted from. */
  baselineRssMiB: number;
  error?: string;
}

const log = (text: string) => console.error(`[imap ${new Date().toISOString().slice(11, 19)}] ${text}`);

// --- The corpus, written for both sides ---------------------------------------------------------

interface CorpusFacts {
  messages: number;
  totalBytes: number;
  medianBytes: number;
  p90Bytes: number;
  p99Bytes: number;
  maxBytes: number;
  common: number;
  rare: number;
  generateSeconds: number;
  maildirSeconds: number;
  mboxFiles: string[];
}

function writeCorpus(maildir: string, mboxDir: string): CorpusFacts {
  const writer = new MaildirWriter(maildir);
  const sizes: number[] = [];
  let common = 0;
  let rare = 0;
  let maildirMs = 0;
  const start = performance.now();
  // One pass over the corpus feeds both sides.
  function* counted(): Generator<CorpusMessage> {
    for (const message of new Corpus(MESSAGES).messages()) {
      const t = performance.now();
      writer.add(message.raw, message.received);
      maildirMs += performance.now() - t;
      sizes.push(message.raw.length);
      if (message.hasCommon) common++;
      if (message.hasRare) rare++;
      yield message;
    }
  }
  const mbox = writeMboxFiles(counted(), mboxDir, IMPORT_BATCH, (n) => log(`corpus: ${n}/${MESSAGES} messages written`));
  sizes.sort((a, b) => a - b);
  const q = (p: number) => sizes[Math.min(sizes.length - 1, Math.floor(p * sizes.length))];
  return {
    messages: MESSAGES,
    totalBytes: mbox.bytes,
    medianBytes: median(sizes),
    p90Bytes: q(0.9),
    p99Bytes: q(0.99),
    maxBytes: sizes[sizes.length - 1],
    common,
    rare,
    generateSeconds: (performance.now() - start - maildirMs) / 1000,
    maildirSeconds: maildirMs / 1000,
    mboxFiles: mbox.files,
  };
}

// --- Measuring commands --------------------------------------------------------------------------

function countOf(command: Command, response: Response): number {
  if (command.key === "select") return Number(/^\* (\d+) EXISTS/m.exec(response.lines?.join("") ?? "")?.[1] ?? -1);
  if (command.key === "sort" || command.key.startsWith("search")) {
    const line = response.lines?.find((l) => /^\* (SORT|SEARCH)\b/.test(l)) ?? "";
    return line.trim().split(/\s+/).length - 2;
  }
  return response.untagged;
}

/** One pass of every command on a fresh, logged-in connection. */
async function pass(side: Side, port: number, run: number): Promise<{ samples: Sample[]; sortResult?: string }> {
  const client = await ImapClient.connect(port);
  const samples: Sample[] = [];
  let sortResult: string | undefined;
  try {
    await client.login(USER, PASSWORD);
    let exists = 0;
    for (const command of COMMANDS) {
      const response = await client.command(command.text(exists), { keepLines: command.keepLines });
      const count = response.status === "OK" ? countOf(command, response) : -1;
      if (command.key === "select") {
        if (response.status !== "OK") throw new Error(`${side}: SELECT INBOX failed: ${response.text}`);
        exists = count;
      }
      if (command.key === "sort" && response.status === "OK") sortResult = response.lines?.find((l) => l.startsWith("* SORT"))?.trim();
      samples.push({ side, run, command: command.key, ms: response.ms, status: response.status, count });
    }
    await client.command("LOGOUT", { timeoutMs: 10_000 }).catch(() => undefined);
  } finally {
    client.close();
  }
  return { samples, sortResult };
}

// --- Memory of many idle sessions -----------------------------------------------------------------

/** Sum of RSS (and PSS) over processes, from /proc; processes that exit meanwhile count 0. */
function memoryOf(pids: number[]): { rssKiB: number; pssKiB: number } {
  let rss = 0;
  let pss = 0;
  for (const pid of pids) {
    rss += rssKiB(pid);
    try {
      pss += Number(/^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"))?.[1] ?? 0);
    } catch {
      // Gone meanwhile.
    }
  }
  return { rssKiB: rss, pssKiB: pss };
}

async function idleCrowd(side: Side, port: number, pids: () => number[]): Promise<IdleResult> {
  const clients: ImapClient[] = [];
  // A freshly started Dovecot is still forking its services for a moment; read "before" once they run.
  await sleep(2000);
  const baseline = side === "ours" ? rssKiB(pids()[0]) : memoryOf(pids()).rssKiB;
  let peak = 0;
  const sample = () => {
    peak = Math.max(peak, side === "ours" ? rssKiB(pids()[0], "VmHWM") : memoryOf(pids()).rssKiB);
  };
  const sampler = setInterval(sample, 250);
  const start = performance.now();
  let error: string | undefined;
  let next = 0;
  const logged = new Set<number>();
  const open = async () => {
    while (next < IDLE_CONNECTIONS && !error) {
      next++;
      try {
        const client = await ImapClient.connect(port, 300_000);
        clients.push(client);
        await client.login(USER, PASSWORD);
        const selected = await client.command("SELECT INBOX", { timeoutMs: 300_000 });
        if (selected.status !== "OK") throw new Error(`SELECT: ${selected.text}`);
        await client.idle(300_000);
      } catch (e) {
        error ??= `after ${clients.length - 1} sessions: ${e instanceof Error ? e.message : String(e)}`;
      }
      if (clients.length % 100 === 0 && !logged.has(clients.length)) {
        logged.add(clients.length);
        log(`${side}: ${clients.length} sessions`);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: IDLE_PARALLEL }, open));
    const seconds = (performance.now() - start) / 1000;
    // Let the servers settle (GC, login processes exiting) before the steady reading.
    await sleep(3000);
    sample();
    const steady = side === "ours" ? { rssKiB: rssKiB(pids()[0]), pssKiB: 0 } : memoryOf(pids());
    const connected = error ? clients.length - 1 : clients.length;
    return {
      side,
      connected,
      seconds,
      steadyRssMiB: steady.rssKiB / 1024,
      peakRssMiB: peak / 1024,
      steadyPssMiB: side === "dovecot" ? steady.pssKiB / 1024 : undefined,
      processes: pids().length,
      baselineRssMiB: baseline / 1024,
      error,
    };
  } finally {
    clearInterval(sampler);
    for (const client of clients) client.close();
  }
}

// --- Report ---------------------------------------------------------------------------------------

const TARGET_RATIO: Record<string, number> = { searchCommon: 10, searchRare: 10 };

function report(facts: CorpusFacts, imports: Record<string, number>, samples: Sample[], idle: IdleResult[], notes: string[], loadAtStart: number): string {
  const timed = samples.filter((s) => s.run > 0);
  const rows: string[] = [];
  const summary: Record<string, { ours?: number; dovecot?: number; ratio?: number }> = {};
  for (const command of COMMANDS) {
    const of = (side: Side) => timed.filter((s) => s.side === side && s.command === command.key);
    const ours = of("ours");
    const dovecot = of("dovecot");
    const unsupported = ours.some((s) => s.status !== "OK");
    const oursMs = ours.length && !unsupported ? median(ours.map((s) => s.ms)) : undefined;
    const dovecotMs = dovecot.length ? median(dovecot.map((s) => s.ms)) : undefined;
    const ratio = oursMs !== undefined && dovecotMs !== undefined ? dovecotMs / oursMs : undefined;
    summary[command.key] = { ours: oursMs, dovecot: dovecotMs, ratio };
    const target = TARGET_RATIO[command.key] ?? 1;
    const verdict = ratio === undefined ? "–" : ratio >= target ? "yes" : "**no**";
    const warm = (side: Side) => samples.find((s) => s.run === 0 && s.side === side && s.command === command.key);
    const warmText = (["ours", "dovecot"] as const).map((side) => (warm(side)?.status === "OK" ? fmt(warm(side)!.ms, 0) : "–")).join(" / ");
    const oursText = unsupported ? `not supported yet (${ours.find((s) => s.status !== "OK")!.status})` : `${fmt(oursMs, 1)} (${ours.map((s) => fmt(s.ms, 0)).join(", ")})`;
    rows.push(`| ${command.label} | ${oursText} | ${fmt(dovecotMs, 1)} (${dovecot.map((s) => fmt(s.ms, 0)).join(", ")}) | ${ratio === undefined ? "–" : `${ratio.toFixed(2)}×`} | ≥ ${target}× | ${verdict} | ${warmText} |`);
  }
  const idleRows = idle.map((r) => {
    const pss = r.steadyPssMiB === undefined ? "" : ` (PSS ${fmt(r.steadyPssMiB)})`;
    // Below zero when the collector returned more than the sessions took: the cost is lost in the noise.
    const perSession = r.connected ? Math.max(0, ((r.steadyRssMiB - r.baselineRssMiB) * 1024) / r.connected) : undefined;
    return `| ${r.side === "ours" ? "ours (1 process)" : `Dovecot (${r.processes} processes)`} | ${r.connected}/${IDLE_CONNECTIONS}${r.error ? ` — ${r.error.replace(/\|/g, "/").slice(0, 200)}` : ""} | ${fmt(r.seconds, 1)} | ${fmt(r.baselineRssMiB)} | ${fmt(r.steadyRssMiB)}${pss} | ${perSession === 0 ? "≈ 0" : fmt(perSession)} | ${fmt(r.peakRssMiB)} |`;
  });
  const oursIdle = idle.find((r) => r.side === "ours");
  const idleVerdict = oursIdle
    ? oursIdle.connected === IDLE_CONNECTIONS && oursIdle.peakRssMiB <= 150
      ? `met (peak ${fmt(oursIdle.peakRssMiB)} MiB ≤ 150 MiB)`
      : `**missed** (${oursIdle.connected} sessions, peak ${fmt(oursIdle.peakRssMiB)} MiB, steady ${fmt(oursIdle.steadyRssMiB)} MiB; target ≤ 150 MiB)`
    : "not measured";
  const mib = (n: number) => `${(n / 2 ** 20).toFixed(0)} MiB`;
  return [
    `The same ${facts.messages.toLocaleString("en")}-message mailbox in both, ${RUNS} timed runs per side after one warm-up run, sides alternating; ` +
      "each run logs in on a fresh connection and sends the commands below in order. Time: from writing the command to the tagged " +
      "OK with every byte before it read (raw socket client, bench/lib/imap-client.ts). Ratio = Dovecot time / our time (above 1: we are faster).",
    "",
    "| command | ours (ms): median (runs) | Dovecot (ms): median (runs) | ratio | target | met | warm-up run, ours / Dovecot (ms) |",
    "|---|---|---|---|---|---|---|",
    ...rows,
    "",
    `Answers checked: UID FETCH lists ${facts.messages} messages on both; SEARCH TEXT finds ${facts.common} and ${facts.rare} messages (the corpus planted exactly those) on both. ${notes.join(" ")}`.trim(),
    "",
    `**${IDLE_CONNECTIONS} IDLE sessions** (each LOGIN, SELECT INBOX, IDLE; opened ${IDLE_PARALLEL} at a time, both servers freshly restarted). ` +
      "Ours: the mail-server process's VmRSS with all sessions idling, and its VmHWM (peak since start). Dovecot: the sum of VmRSS over all its processes " +
      "(shared pages count once per process; PSS splits them), and the highest sum sampled every 250 ms. Both verify ARGON2ID passwords: Dovecot's (libsodium) at 64 MiB, ours at 19 MiB (t=2, p=1). Ours remembers a verified password for 15 minutes (an HMAC of stored hash and password), so the logins after the first skip the hash; Dovecot's auth cache is off by default (auth_cache_size = 0).",
    "",
    "| server | sessions | seconds to open all | RSS before (MiB) | RSS idling (MiB) | KiB per session | peak RSS (MiB) |",
    "|---|---|---|---|---|---|---|",
    ...idleRows,
    "",
    `Target ≤ 150 MiB for ours: ${idleVerdict}.`,
    "",
    "Import (reported, not compared):",
    "",
    `- corpus: ${facts.messages.toLocaleString("en")} messages, ${mib(facts.totalBytes)}; size median ${(facts.medianBytes / 1024).toFixed(1)} KiB, p90 ${(facts.p90Bytes / 1024).toFixed(0)} KiB, ` +
      `p99 ${(facts.p99Bytes / 1024).toFixed(0)} KiB, max ${(facts.maxBytes / 2 ** 20).toFixed(1)} MiB; ~64 % text/plain, 26 % multipart/alternative, 10 % with attachments; ` +
      "threads with Re:/Fwd: and References, 2019–2025, ~12 % with non-ASCII text (8bit, quoted-printable, encoded words); seeded generator bench/lib/corpus.ts (generated in " +
      `${facts.generateSeconds.toFixed(0)} s)`,
    `- Dovecot: Maildir files written directly in ${facts.maildirSeconds.toFixed(0)} s, then \`doveadm index\` ${fmt(imports.dovecotIndex, 1)} s`,
    `- ours: \`mailctl import\` of ${facts.mboxFiles.length} mbox files (${IMPORT_BATCH} messages each, one mailctl run per file) ${fmt(imports.ours, 1)} s ` +
      `(${fmt(facts.messages / (imports.ours ?? Infinity), 0)} msg/s); database + blobs afterwards ${mib(imports.oursDiskBytes ?? 0)}`,
    "",
    "Machine:",
    "",
    ...machineFacts(`Dovecot ${dovecotVersion()} (no FTS plugin; Maildir, indexes in the Maildir)`, loadAtStart, loadavg()[0]),
    "",
  ].join("\n");
}

// --- Orchestration -------------------------------------------------------------------------------

function duBytes(dir: string): number {
  let total = 0;
  const walk = (path: string) => {
    for (const entry of readdirSyncSafe(path)) {
      const full = join(path, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) total += statSize(full);
    }
  };
  walk(dir);
  return total;
}

function readdirSyncSafe(path: string): Dirent[] {
  try {
    return readdirSync(path, { withFileTypes: true });
  } catch {
    return [];
  }
}
function statSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

async function main(): Promise<void> {
  const loadAtStart = loadavg()[0];
  log(`${MESSAGES} messages, ${RUNS} runs (+1 warm-up), ${IDLE_CONNECTIONS} IDLE sessions`);

  // Both sides' directories exist from the start so every exit path removes them.
  const { dir: dovecotDir, maildir } = prepareDovecot({ user: USER, password: PASSWORD, maxConnections: IDLE_CONNECTIONS });
  const removeDovecotDir = onCleanup(() => rmSync(dovecotDir, { recursive: true, force: true }));
  const dataDir = mkdtempSync(join(tmpdir(), "bench-imap-data-"));
  const removeDataDir = onCleanup(() => {
    if (KEEP_DATA) log(`kept our DATA_DIR: ${dataDir}`);
    else rmSync(dataDir, { recursive: true, force: true });
  });
  const mboxDir = mkdtempSync(join(tmpdir(), "bench-imap-mbox-"));
  const removeMboxDir = onCleanup(() => rmSync(mboxDir, { recursive: true, force: true }));

  log("writing the corpus (Maildir for Dovecot, mbox for mailctl import)");
  const facts = writeCorpus(maildir, mboxDir);
  log(`corpus: ${(facts.totalBytes / 2 ** 20).toFixed(0)} MiB, median ${facts.medianBytes} B, ${facts.common} × "${COMMON_WORD}", ${facts.rare} × "${RARE_WORD}"`);

  const imports: Record<string, number> = {};
  const env = await serverEnv(dataDir, ["IMAP"]);
  mailctl(env, ["domain", "add", "bench.test"]);
  mailctl(env, ["user", "add", USER, "--password-stdin"], `${PASSWORD}\n`);
  log("importing into ours with mailctl import");
  let start = performance.now();
  for (const [i, file] of facts.mboxFiles.entries()) {
    const out = await mailctlAsync(env, ["import", USER, file]);
    log(`ours: ${out.trim()} (${i + 1}/${facts.mboxFiles.length})`);
  }
  imports.ours = (performance.now() - start) / 1000;
  await removeMboxDir();
  imports.oursDiskBytes = duBytes(dataDir);
  log(`ours: imported in ${imports.ours.toFixed(1)} s`);

  let dovecot: Dovecot = await startDovecot(dovecotDir, maildir);
  log("Dovecot: doveadm index");
  start = performance.now();
  await dovecot.doveadm(["index", "-u", USER, "INBOX"]);
  imports.dovecotIndex = (performance.now() - start) / 1000;
  log(`Dovecot: indexed in ${imports.dovecotIndex.toFixed(1)} s`);

  const profileDir = join(ROOT, "bench", "out", `profile-${Date.now()}`);
  if (PROFILE) mkdirSync(profileDir, { recursive: true });
  let ours: OurServer = await startOurs(env, PROFILE ? ["--cpu-prof", "--cpu-prof-dir", profileDir] : []);
  const ports: Record<Side, () => number> = { ours: () => Number(env.IMAP_PORT), dovecot: () => dovecot.port };

  const samples: Sample[] = [];
  const sortResults: Partial<Record<Side, string>> = {};
  for (let run = 0; run <= RUNS; run++) {
    for (const side of SIDES) {
      const result = await pass(side, ports[side](), run);
      samples.push(...result.samples);
      if (result.sortResult) sortResults[side] = result.sortResult;
      log(`run ${run === 0 ? "warm-up" : run} ${side}: ${result.samples.map((s) => `${s.command} ${s.status === "OK" ? `${s.ms.toFixed(0)} ms` : s.status} [${s.count}]`).join(", ")}`);
    }
  }

  // Both must say the same thing; a mismatch is a bug to report, not a number to print.
  const notes: string[] = [];
  for (const command of COMMANDS) {
    const expected: Record<string, number> = { select: MESSAGES, uidFetchFlags: MESSAGES, fetchNewest: Math.min(50, MESSAGES), sort: MESSAGES, searchCommon: facts.common, searchRare: facts.rare };
    for (const side of SIDES) {
      const wrong = samples.filter((s) => s.side === side && s.command === command.key && s.status === "OK" && s.count !== expected[command.key]);
      if (wrong.length) notes.push(`**${side} answered ${command.label} with ${wrong[0].count} messages, expected ${expected[command.key]}.**`);
    }
  }
  if (sortResults.ours && sortResults.dovecot) {
    notes.push(sortResults.ours === sortResults.dovecot ? "UID SORT: the same order on both." : "UID SORT: **the orders differ** (ties or Date parsing).");
  }

  if (PROFILE) await ours.stop({ keepData: true }).then(() => log(`CPU profile of our server in ${profileDir}`));
  else await ours.stop({ keepData: true });
  await dovecot.stop();

  const idle: IdleResult[] = [];
  for (const side of SIDES) {
    log(`${side}: ${IDLE_CONNECTIONS} IDLE sessions`);
    if (side === "ours") {
      ours = await startOurs(env);
      idle.push(await idleCrowd("ours", ports.ours(), () => [ours.pid]));
      if (ours.exited) idle[idle.length - 1].error ??= `server exited: ${ours.output.text.slice(-300)}`;
      await ours.stop({ keepData: true });
    } else {
      dovecot = await startDovecot(dovecotDir, maildir);
      idle.push(await idleCrowd("dovecot", ports.dovecot(), () => dovecot.pids()));
      await dovecot.stop();
    }
    const r = idle[idle.length - 1];
    log(`${side}: ${r.connected} sessions in ${r.seconds.toFixed(1)} s, RSS idling ${r.steadyRssMiB.toFixed(0)} MiB, peak ${r.peakRssMiB.toFixed(0)} MiB${r.error ? `; ${r.error}` : ""}`);
  }

  const markdown = report(facts, imports, samples, idle, notes, loadAtStart);
  writeResultsSection("IMAP vs Dovecot", markdown);
  mkdirSync(join(ROOT, "bench", "out"), { recursive: true });
  writeFileSync(join(ROOT, "bench", "out", `imap-${Date.now()}.json`), JSON.stringify({ facts, imports, samples, idle, notes }, null, 2));
  console.log(markdown);
  await removeDataDir();
  await removeDovecotDir();
}

runMain(main);
