/**
 * Ingest benchmark: how fast our SMTP server durably accepts mail, next to Postfix on the same machine.
 *
 * Both sides get the same smtp-source load. Ours is done when smtp-source exits (it waits for the last
 * 250, and 250 means stored); Postfix is done when the last file appears in its Maildir's new/. Sides
 * alternate, RUNS times each, and the medians go to bench/RESULTS.md: the disk here is noisy, so only
 * numbers from the same run are compared.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { startPostfix } from "../tests/support/postfix";
import { fmt, machineFacts, median, onCleanup, positive, ROOT, runMain, sleep, tryRun, writeResultsSection } from "./lib/common";
import { MAILCTL, mailctl, rssKiB, SERVER, serverEnv, startOurs } from "./lib/ours";

const MESSAGES = positive("BENCH_MESSAGES", 5000);
const SESSIONS = positive("BENCH_SESSIONS", 20);
const SIZE = positive("BENCH_SIZE", 4096);
const RUNS = positive("BENCH_RUNS", 3);
const DOMAIN = "bench.test";
const RECIPIENT = `user@${DOMAIN}`;
const SMTP_SOURCE = existsSync("/usr/sbin/smtp-source") ? "/usr/sbin/smtp-source" : "smtp-source";
// Generous: a stalled side should fail the bench, not hang it.
const TIMEOUT_MS = 120_000 + MESSAGES * 20;

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
  const stop = onCleanup(postfix.stop);
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
    await stop();
  }
}

async function benchOurs(): Promise<Sample> {
  const env = await serverEnv(mkdtempSync(join(tmpdir(), "bench-data-")), ["SMTP"]);
  const server = await startOurs(env);
  try {
    mailctl(env, ["domain", "add", DOMAIN]);
    mailctl(env, ["user", "add", RECIPIENT, "--password-stdin"], "bench-password\n");

    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, rssKiB(server.pid, "VmHWM"))), 250);
    const start = performance.now();
    try {
      await smtpSource(Number(env.SMTP_PORT));
    } finally {
      clearInterval(sampler);
    }
    const seconds = (performance.now() - start) / 1000;
    peak = Math.max(peak, rssKiB(server.pid, "VmHWM"));

    const stored = storedCount(mailctl(env, ["user", "list"]));
    if (stored !== MESSAGES) throw new Error(`smtp-source got 250 for ${MESSAGES} messages but ${stored} are stored`);
    return { side: "ours", seconds, perSecond: MESSAGES / seconds, peakRssMiB: peak / 1024 };
  } finally {
    await server.stop();
  }
}

// `mailctl user list`: one account a line, "ADDRESS<TAB>messages=N<TAB>used=…<TAB>quota=…".
function storedCount(list: string): number {
  const line = list.split("\n").find((l) => l.startsWith(`${RECIPIENT}\t`));
  const count = line && /\bmessages=(\d+)/.exec(line);
  if (!count) throw new Error(`no message count for ${RECIPIENT} in mailctl user list:\n${list}`);
  return Number(count[1]);
}

// Other work on the machine skews both sides; the load average says how much to trust a run.
const loadAtStart = loadavg()[0];

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
    ...machineFacts(`Postfix ${tryRun("postconf", ["-d", "-h", "mail_version"])}`, loadAtStart, loadavg()[0]),
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
  writeResultsSection("Ingest: SMTP into a mailbox", markdown);
  mkdirSync(join(ROOT, "bench", "out"), { recursive: true });
  writeFileSync(join(ROOT, "bench", "out", `ingest-${Date.now()}.json`), JSON.stringify(samples, null, 2));
  console.log(markdown);
}

runMain(main);
