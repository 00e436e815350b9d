/**
 * Outbound benchmark: how fast our queue delivers to a remote SMTP server, next to Postfix relaying the
 * same load, both into one Postfix smtp-sink on loopback (issue 4, "Benchmark").
 *
 * What is timed is delivery alone, the same way on both sides: the queue is filled first and held, then
 * released, and the rate is taken where both sides are seen alike, at the sink (its -c counters): from
 * the first message it receives to the last. Ours: QueueStore.enqueue (what submission calls) fills
 * the queue of a stopped server, in a process of its own; starting the server releases it. Postfix:
 * smtp-source into its smtpd, every message put on hold (smtpd_data_restrictions HOLD) until all are
 * queued, then `postsuper -H ALL` and `postqueue -f`. Both deliver at most 20 at once to the sink.
 * Sides alternate, RUNS times each; medians go to bench/RESULTS.md.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort, startPostfix } from "../tests/support/postfix";
import { fmt, machineFacts, median, onCleanup, positive, ROOT, runMain, sleep, tryRun, writeResultsSection } from "./lib/common";
import { mailctl, rssKiB, serverEnv, startOurs } from "./lib/ours";

const run = promisify(execFile);

const MESSAGES = positive("BENCH_OUTBOUND_MESSAGES", 2000);
const SIZE = positive("BENCH_SIZE", 4096);
const RUNS = positive("BENCH_RUNS", 3);
const CONCURRENCY = 20;
const SINK_DOMAIN = "sink.test";
const RECIPIENT = `user@${SINK_DOMAIN}`;
/** BENCH_OUTBOUND_PROFILE=DIR: our server runs with --cpu-prof, one .cpuprofile per run in DIR. */
const PROFILE_DIR = process.env.BENCH_OUTBOUND_PROFILE;
const sbin = (name: string) => (existsSync(`/usr/sbin/${name}`) ? `/usr/sbin/${name}` : name);
// Generous: a stalled side should fail the bench, not hang it.
const TIMEOUT_MS = 120_000 + MESSAGES * 20;

/** smtp-sink with -c: "sess=N quit=N mesg=N\r" on stdout each time a count changes. */
interface Sink {
  port: number;
  /** Messages received so far (the end of DATA acknowledged). */
  count(): number;
  /** SMTP sessions ended so far: how many connections a side needed shows its connection reuse. */
  sessions(): number;
  /** Resolves with when the count first passed `from` and when it reached `from + n`. */
  receive(from: number, n: number, timeoutMs: number): Promise<{ first: number; last: number }>;
  stop(): Promise<void>;
}

async function startSink(): Promise<Sink> {
  const port = await freePort();
  // Backlog 256: 20 connections from a side must never wait in the kernel's queue.
  const child: ChildProcess = spawn(sbin("smtp-sink"), ["-c", "-u", "mail", `127.0.0.1:${port}`, "256"], { stdio: ["ignore", "pipe", "pipe"] });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let messages = 0;
  let sessions = 0;
  let stderr = "";
  const times: number[] = []; // when each message count was first seen
  const listeners = new Set<() => void>();
  let pending = "";
  child.stdout!.setEncoding("latin1");
  child.stdout!.on("data", (chunk: string) => {
    const now = performance.now();
    pending += chunk;
    const records = pending.split("\r");
    pending = records.pop() ?? "";
    for (const record of records) {
      const ended = /sess=(\d+)/.exec(record);
      if (ended) sessions = Number(ended[1]);
      const match = /mesg=(\d+)/.exec(record);
      if (!match) continue;
      const n = Number(match[1]);
      while (messages < n) times[messages++] = now;
    }
    for (const listener of listeners) listener();
  });
  child.stderr!.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
  const stop = onCleanup(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
  });
  // Ready when it accepts a connection (it prints nothing until the first message).
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`smtp-sink exited: ${stderr}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => (socket.destroy(), resolve(true)));
      socket.once("error", () => resolve(false));
    });
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`smtp-sink not listening on ${port}: ${stderr}`);
    await sleep(50);
  }
  return {
    port,
    count: () => messages,
    sessions: () => sessions,
    receive(from, n, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (messages < from + n) return;
          listeners.delete(check);
          clearTimeout(timer);
          resolve({ first: times[from], last: times[from + n - 1] });
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`smtp-sink received ${messages - from}/${n} messages in ${timeoutMs} ms`));
        }, timeoutMs);
        listeners.add(check);
        check();
      });
    },
    stop,
  };
}

interface Sample {
  side: "ours" | "postfix";
  seconds: number;
  perSecond: number;
  /** Connections the sink saw end during the run. */
  connections: number;
  peakRssMiB?: number;
}

const rate = (first: number, last: number) => {
  // n messages span n - 1 intervals between the first arrival and the last.
  const seconds = (last - first) / 1000;
  return { seconds, perSecond: seconds > 0 ? (MESSAGES - 1) / seconds : Infinity };
};

/** Duplicates would count as throughput; both sides must deliver each message exactly once. */
async function expectNoMore(sink: Sink, expected: number) {
  await sleep(500);
  if (sink.count() !== expected) throw new Error(`smtp-sink received ${sink.count() - expected} messages more than were sent`);
}

async function benchOurs(sink: Sink, runIndex: number): Promise<Sample> {
  const dataDir = mkdtempSync(join(tmpdir(), "bench-data-"));
  const removeData = onCleanup(() => rmSync(dataDir, { recursive: true, force: true }));
  const env = await serverEnv(dataDir, []);
  Object.assign(env, {
    MAIL_DOMAINS: "bench.test",
    OUTBOUND_ROUTES: `${SINK_DOMAIN}=127.0.0.1:${sink.port}`,
    QUEUE_MAX_PER_DOMAIN: `${CONCURRENCY}`,
  });
  try {
    await run(process.execPath, ["--import", "tsx", join(ROOT, "bench", "lib", "outbound-inject.ts"), `${MESSAGES}`, `${SIZE}`, RECIPIENT], { cwd: ROOT, env, maxBuffer: 2 ** 24 });
    const from = sink.count();
    const sessionsBefore = sink.sessions();
    const received = sink.receive(from, MESSAGES, TIMEOUT_MS);
    if (PROFILE_DIR) mkdirSync(PROFILE_DIR, { recursive: true });
    // Node names the files itself: the tsx loader thread writes a profile of its own, and a fixed name would overwrite the main thread's.
    const nodeArgs = PROFILE_DIR ? ["--cpu-prof", "--cpu-prof-dir", join(PROFILE_DIR, `run-${runIndex}`)] : [];
    const server = await startOurs(env, nodeArgs);
    try {
      const { first, last } = await received;
      await expectNoMore(sink, from + MESSAGES);
      const peak = rssKiB(server.pid, "VmHWM");
      const left = mailctl(env, ["queue", "list"]).trim();
      if (left !== "the queue is empty") throw new Error(`our queue is not empty after delivery:\n${left.slice(0, 2000)}`);
      await server.stop();
      return { side: "ours", ...rate(first, last), connections: sink.sessions() - sessionsBefore, peakRssMiB: peak / 1024 };
    } finally {
      await server.stop();
    }
  } finally {
    await removeData();
  }
}

async function smtpSource(port: number): Promise<void> {
  const args = ["-s", `${CONCURRENCY}`, "-m", `${MESSAGES}`, "-l", `${SIZE}`, "-f", "sender@bench.test", "-t", RECIPIENT, `127.0.0.1:${port}`];
  const { stderr } = await run(sbin("smtp-source"), args, { timeout: TIMEOUT_MS });
  if (stderr.trim()) console.error(`smtp-source: ${stderr.trim()}`);
}

async function benchPostfix(sink: Sink): Promise<Sample> {
  const postfix = await startPostfix({
    mode: "relay",
    relayPort: sink.port,
    extra: {
      // The figure both sides are held to; Postfix's default too, said out loud.
      default_destination_concurrency_limit: `${CONCURRENCY}`,
      // Everything waits in the hold queue until the timed release.
      smtpd_data_restrictions: "check_client_access static:HOLD",
      // The sink offers no STARTTLS; don't make the client look for it.
      smtp_tls_security_level: "none",
    },
  });
  const stop = onCleanup(postfix.stop);
  const etc = postfix.configDir;
  try {
    await smtpSource(postfix.port);
    const deadline = Date.now() + TIMEOUT_MS;
    for (;;) {
      const { stdout } = await run("postqueue", ["-c", etc, "-j"], { maxBuffer: 2 ** 26 });
      const held = stdout.split("\n").filter((line) => line.includes('"queue_name": "hold"')).length;
      if (held === MESSAGES) break;
      if (Date.now() > deadline) throw new Error(`Postfix holds ${held}/${MESSAGES} messages`);
      await sleep(100);
    }
    const from = sink.count();
    const sessionsBefore = sink.sessions();
    const received = sink.receive(from, MESSAGES, TIMEOUT_MS);
    await run("postsuper", ["-c", etc, "-H", "ALL"]);
    await run("postqueue", ["-c", etc, "-f"]);
    const { first, last } = await received;
    await expectNoMore(sink, from + MESSAGES);
    await postfix.waitForQueueEmpty(30_000);
    // Postfix closes its cached connections within smtp_connection_cache_time_limit (2 s).
    await stop();
    await sleep(500);
    return { side: "postfix", ...rate(first, last), connections: sink.sessions() - sessionsBefore };
  } finally {
    await stop();
  }
}

// Other work on the machine skews both sides; the load average says how much to trust a run.
const loadAtStart = loadavg()[0];

function report(samples: Sample[]): string {
  const of = (side: Sample["side"]) => samples.filter((s) => s.side === side);
  const ours = of("ours");
  const postfix = of("postfix");
  const oursRate = median(ours.map((s) => s.perSecond));
  const postfixRate = median(postfix.map((s) => s.perSecond));
  const rss = median(ours.map((s) => s.peakRssMiB ?? 0));
  const rows = Array.from({ length: RUNS }, (_, i) => `| ${i + 1} | ${fmt(ours[i]?.perSecond)} | ${fmt(ours[i]?.peakRssMiB)} | ${ours[i]?.connections ?? "–"} | ${fmt(postfix[i]?.perSecond)} | ${postfix[i]?.connections ?? "–"} |`);
  const ratio = oursRate / postfixRate;
  return [
    `${MESSAGES} messages of ~${SIZE} bytes, one recipient each, delivered by each side into one \`smtp-sink\``,
    `on loopback, at most ${CONCURRENCY} deliveries at once; ${RUNS} runs per side, alternating (bench/outbound.ts).`,
    "",
    "What is timed is delivery only, measured alike on both sides at the sink (its `-c` counters): from the",
    "first message it receives to the last, rate = (messages − 1) / that time. Each side's queue is filled",
    "first and held:",
    "",
    "- ours: `QueueStore.enqueue` (what submission calls after accepting a message: blob, queue rows, one",
    "  commit each) fills the queue in a separate process while the server is stopped; starting the server",
    `  (OUTBOUND_ROUTES=${SINK_DOMAIN}=127.0.0.1:<sink>, QUEUE_MAX_PER_DOMAIN=${CONCURRENCY}) releases it. Submitting through`,
    "  port 587 instead would time ingest and delivery together (smtp-source has no AUTH, and ingest has its",
    "  own benchmark above); enqueueing directly isolates the queue, the SMTP client and their database work.",
    "- Postfix: a private instance (relayhost = the sink, `default_destination_concurrency_limit = 20`, its",
    "  other defaults: connection cache on demand, slow start from 5) gets the messages from",
    `  \`smtp-source -s ${CONCURRENCY} -m ${MESSAGES} -l ${SIZE}\`; \`smtpd_data_restrictions = check_client_access static:HOLD\``,
    "  keeps each in the hold queue until all are there, then `postsuper -H ALL` and `postqueue -f` release them.",
    "",
    "Both sides end with the message's queue entry gone: Postfix unlinks its queue file, ours commits the",
    "recipient's result and deletes the message (SQLite WAL, fsync'd, group-committed across the attempts",
    "that finish together). Each run checks the sink got exactly the messages sent and the queue is empty.",
    "Connections: SMTP sessions the sink saw from the side in that run; both reuse a session while more mail",
    "for the destination waits (Postfix's connection cache on demand; ours since this benchmark, see below).",
    "Peak RSS is our mail-server process's VmHWM.",
    "",
    "| run | ours (msg/s) | ours peak RSS (MiB) | ours: connections | Postfix (msg/s) | Postfix: connections |",
    "|---|---|---|---|---|---|",
    ...rows,
    `| **median** | **${fmt(oursRate)}** | **${fmt(rss)}** | | **${fmt(postfixRate)}** | |`,
    "",
    `Ours/Postfix: **${ratio.toFixed(2)}×** (target ≥ 1.0: ${ratio >= 1 ? "met" : "**missed**"}).`,
    "",
    "What the first runs showed, and what changed in lib/mail-server/queue/ (development runs on this machine,",
    "load average 7–10 from other work, same-run Postfix 600–1,160 msg/s; `BENCH_OUTBOUND_PROFILE=DIR` runs",
    "our server with `node --cpu-prof`):",
    "",
    "1. **~96 msg/s (0.16×).** Every message cost three serialised SQLite commits, each with its WAL fsync:",
    "   the claim (one transaction per message, awaited one after another inside the pump), the results, and",
    "   the removal of the finished message. Now one pump claims everything it starts in one transaction, and",
    "   results plus removal are one group commit shared by all attempts that finish while the previous one",
    "   is being written (`QueueStore.finish`). Messages with a report to send keep the old order (record,",
    "   report, remove). → 360–660 msg/s.",
    "2. **The pump reread the queue.** Each finished attempt woke the pump, which read the 500 oldest due",
    "   rows again to start one message: for 2,000 queued messages that query took 0.84 s of CPU, the",
    "   largest single cost in the profile. The queue now keeps the due rows it read as a backlog (Postfix's active queue in small),",
    "   fills freed slots from it, and reads the database again only when it is empty, when new mail or a",
    "   timer says so, or at most once a second while nothing in it may start.",
    "3. **A connection per message.** Afterwards the main thread was idle half the time: each message waited",
    "   for connect, greeting, EHLO, the transaction and QUIT, and made the sink do all of it too, while",
    "   Postfix sent ~90 messages per connection (22 connections for 2,000). The SMTP client now leaves a session open after a",
    "   clean transaction when more mail for the domain is waiting, and the next message starts at MAIL FROM",
    "   (`ConnectionCache`; idle sessions get QUIT after 2 s; a kept session the server dropped reruns the",
    "   transaction on a new connection; a lone message still says QUIT at once). With TLS it also saves a",
    "   handshake per message.",
    "4. **Waiting for our own commit.** A slot stayed taken until the attempt's results were committed, so",
    "   the next message waited for the group commit and its fsync (on the libuv pool, slow on a busy",
    "   machine). The slot is now free once the remote has answered; the commit follows, and the attempt",
    "   wakes the queue again after it (a retry it scheduled needs a timer).",
    "",
    "After 3, single development runs (1 pair each, load 7–10) gave ours 1,398 / 1,376 / 761 msg/s against",
    "Postfix 759 / 682 / 402 in the same run, and 3- and 7-pair runs medians of 0.85–1.05×: on this shared",
    "2-core machine a pair swings either way by up to 2×, so a single ratio near 1 is within the noise. One",
    "structural difference under contention: ours is one process, Postfix spreads the work over qmgr(8) and",
    "up to 20 smtp(8) processes, which the scheduler gives more CPU share when the cores are oversubscribed.",
    "Our main thread was still ~45 % idle during delivery (waiting on the sink and on commits).",
    "",
    "Not changed (outside the queue): the SQL runner fsyncs every commit, also the claim, which needs none",
    "(a crash puts every claimed recipient back in line at start-up anyway), and opens the WAL file anew for",
    "each fsync; and `QueueMessage.blobHash` has no index, so \"does another queued message share these",
    "bytes?\" scans the whole queue table. The group commit now asks that once per group instead of once per",
    "message (0.15 → 0.06 s of CPU per 2,000), but it stays linear in the queue's depth: an index (a",
    "migration) is the fix.",
    "",
    "Machine:",
    "",
    ...machineFacts(`Postfix ${tryRun("postconf", ["-d", "-h", "mail_version"])} (smtp-sink from the same package)`, loadAtStart, loadavg()[0]),
    `- uptime at the end: ${tryRun("uptime", [])}`,
    "",
  ].join("\n");
}

async function main(): Promise<void> {
  console.error(`bench outbound: ${MESSAGES} messages of ${SIZE} bytes, ${CONCURRENCY} at once, ${RUNS} runs per side`);
  const sink = await startSink();
  const samples: Sample[] = [];
  try {
    for (let i = 1; i <= RUNS; i++) {
      for (const side of ["ours", "postfix"] as const) {
        const sample = side === "ours" ? await benchOurs(sink, i) : await benchPostfix(sink);
        samples.push(sample);
        const rss = sample.peakRssMiB === undefined ? "" : `, peak RSS ${fmt(sample.peakRssMiB)} MiB`;
        console.error(`run ${i} ${side}: ${fmt(sample.perSecond)} msg/s (${sample.seconds.toFixed(2)} s, ${sample.connections} connections${rss})`);
      }
    }
  } finally {
    await sink.stop();
  }
  const markdown = report(samples);
  writeResultsSection("Outbound delivery vs Postfix", markdown);
  mkdirSync(join(ROOT, "bench", "out"), { recursive: true });
  writeFileSync(join(ROOT, "bench", "out", `outbound-${Date.now()}.json`), JSON.stringify(samples, null, 2));
  console.log(markdown);
}

runMain(main);
