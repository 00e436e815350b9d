/**
 * POP3 benchmark: retrieving a whole maildrop (RETR of every message) from our server and from a
 * private Dovecot POP3 on the same machine, in the same run, with the same messages.
 *
 * One seeded corpus (bench/lib/corpus.ts) goes into Dovecot's Maildir (files straight to disk,
 * then `doveadm index`) and through `mailctl import` into ours. Per side and alternating, after
 * a warm-up pass that is not counted, RUNS passes each log in on a fresh connection, send RETR
 * 1..n pipelined (a window of WINDOW commands in flight, as fetchmail and getmail do with
 * PIPELINING), read every reply to its final ".", and QUIT without deleting. The bytes each side
 * sends are checked against the corpus, so a fast wrong answer can't pass.
 */
import { rmSync, mkdtempSync } from "node:fs";
import { createConnection, type Socket } from "node:net";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { Corpus, type CorpusMessage } from "./lib/corpus";
import { fmt, machineFacts, median, onCleanup, positive, runMain, writeResultsSection } from "./lib/common";
import { dovecotVersion, MaildirWriter } from "./lib/dovecot";
import { writeMboxFiles } from "./lib/mbox";
import { mailctl, mailctlAsync, serverEnv, startOurs } from "./lib/ours";
import { launchDovecot, makeDovecotDir, writeDovecotConfig } from "../tests/support/dovecot";
import { freePort } from "../tests/support/postfix";

const MESSAGES = positive("BENCH_POP3_MESSAGES", 10_000);
const RUNS = positive("BENCH_RUNS", 3);
/** RETR commands in flight at once. */
const WINDOW = positive("BENCH_POP3_WINDOW", 16);
const USER = "pop@bench.test";
const PASSWORD = "bench-password-2026";

const log = (text: string) => console.error(`[pop3 ${new Date().toISOString().slice(11, 19)}] ${text}`);

type Side = "ours" | "dovecot";

interface Pass {
  side: Side;
  run: number;
  ms: number;
  messages: number;
  /** Message bytes received, dot-stuffing undone. */
  bytes: number;
  /** CPU the client itself used in the pass: it must stay well below the pass's time to measure the server. */
  clientCpuMs: number;
}

const CRLF = Buffer.from("\r\n");
/** The end of a multi-line reply: the message's last CRLF, then ".CRLF". */
const REPLY_END = Buffer.from("\r\n.\r\n");
const STUFFED_LINE = Buffer.from("\n..");
const OK = Buffer.from("+OK");

/**
 * Reads pipelined RETR replies (status line, dot-stuffed message, ".CRLF") off the stream of
 * chunks with Buffer.indexOf over whole chunks, and counts each message's bytes with the
 * dot-stuffing undone. A client that split every line into a JavaScript string (the first
 * version of this benchmark) spent as much CPU as the server it measured, on a machine with
 * two cores: the rate was then the client's and the two servers' share of the CPU.
 */
class RetrReplies {
  messages = 0;
  bytes = 0;
  private pending: Buffer = Buffer.alloc(0);
  /** Where the search for REPLY_END resumes in pending: what was searched found none. */
  private searchedTo = 0;

  push(chunk: Buffer) {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    for (;;) {
      const statusEnd = this.pending.indexOf(CRLF);
      if (statusEnd === -1) return;
      if (!this.pending.subarray(0, 3).equals(OK)) throw new Error(`POP3 answered ${this.pending.toString("latin1", 0, statusEnd)}`);
      // The status line's CRLF may be the one before ".CRLF" (an empty message).
      const end = this.pending.indexOf(REPLY_END, Math.max(statusEnd, this.searchedTo));
      if (end === -1) {
        this.searchedTo = Math.max(statusEnd, this.pending.length - REPLY_END.length + 1);
        return;
      }
      // From the status line's LF (a first line starting with "." is stuffed too) to the last line's.
      const body = this.pending.subarray(statusEnd + 1, end + 2);
      let stuffed = 0;
      for (let at = body.indexOf(STUFFED_LINE); at !== -1; at = body.indexOf(STUFFED_LINE, at + 1)) stuffed++;
      this.bytes += end + 2 - (statusEnd + 2) - stuffed;
      this.messages++;
      this.pending = this.pending.subarray(end + REPLY_END.length);
      this.searchedTo = 0;
    }
  }
}

/**
 * Logs in, retrieves every message with pipelined RETRs, and QUITs. Raw socket, no library:
 * the client's cost is the same for both sides, and small next to theirs (RetrReplies).
 */
async function retrieveAll(port: number): Promise<{ ms: number; messages: number; bytes: number }> {
  const socket: Socket = createConnection({ port, host: "127.0.0.1", noDelay: true });
  let text = "";
  let replies: RetrReplies | null = null;
  let waiting: (() => void) | null = null;
  let failed: Error | null = null;
  socket.on("data", (chunk: Buffer) => {
    if (replies) {
      try {
        replies.push(chunk);
      } catch (error) {
        failed = error as Error;
        socket.destroy();
      }
    } else text += chunk.toString("latin1");
    waiting?.();
  });
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  socket.on("error", () => undefined);
  const next = async (ready: () => boolean) => {
    while (!ready()) {
      if (socket.destroyed) throw failed ?? new Error("POP3 server closed the connection");
      await new Promise<void>((resolve) => (waiting = resolve));
      waiting = null;
    }
  };
  /** The next status line, outside the RETR burst. */
  const line = async (): Promise<string> => {
    await next(() => text.includes("\r\n"));
    const end = text.indexOf("\r\n");
    const status = text.slice(0, end);
    text = text.slice(end + 2);
    return status;
  };
  const expectOk = async () => {
    const status = await line();
    if (!status.startsWith("+OK")) throw new Error(`POP3 answered ${status}`);
  };
  await expectOk();
  socket.write(`USER ${USER}\r\n`);
  await expectOk();
  socket.write(`PASS ${PASSWORD}\r\n`);
  await expectOk();
  socket.write("STAT\r\n");
  const count = Number((await line()).split(" ")[1]);
  const burst = (replies = new RetrReplies());
  const start = performance.now();
  let sent = 0;
  const sendMore = () => {
    let commands = "";
    while (sent < count && sent - burst.messages < WINDOW) commands += `RETR ${++sent}\r\n`;
    if (commands) socket.write(commands);
  };
  sendMore();
  while (burst.messages < count) {
    const done = burst.messages;
    await next(() => burst.messages > done);
    sendMore();
  }
  const ms = performance.now() - start;
  replies = null;
  socket.write("QUIT\r\n");
  await expectOk();
  socket.end();
  await closed;
  return { ms, messages: burst.messages, bytes: burst.bytes };
}

function report(passes: Pass[], expectedBytes: number, loadAtStart: number): string {
  const rate = (side: Side) => median(passes.filter((p) => p.side === side && p.run > 0).map((p) => (p.messages / p.ms) * 1000));
  const clientCpu = (side: Side) => median(passes.filter((p) => p.side === side && p.run > 0).map((p) => p.clientCpuMs));
  const ours = rate("ours");
  const dovecot = rate("dovecot");
  const rows = [1, ...Array.from({ length: RUNS - 1 }, (_, i) => i + 2)].map((run) => {
    const of = (side: Side) => passes.find((p) => p.side === side && p.run === run);
    const cell = (p: Pass | undefined) => (p ? `${fmt((p.messages / p.ms) * 1000)} (${fmt(p.ms)} ms)` : "–");
    return `| ${run} | ${cell(of("ours"))} | ${cell(of("dovecot"))} |`;
  });
  const wrong = passes.filter((p) => p.messages !== MESSAGES || p.bytes !== expectedBytes);
  return [
    `${MESSAGES.toLocaleString("en")} messages (${fmt(expectedBytes / 2 ** 20)} MiB, the IMAP benchmark's corpus generator) in each maildrop. Each pass logs in on a fresh connection, sends \`RETR 1\` … \`RETR ${MESSAGES}\` with ${WINDOW} in flight (PIPELINING), reads every message to its final \`.\`, and QUITs without deleting; one warm-up pass per side first, then ${RUNS} passes each, sides alternating. Rate = messages / time from the first RETR to the last message's end.`,
    "",
    "| run | ours (msg/s) | Dovecot (msg/s) |",
    "|---|---|---|",
    ...rows,
    `| **median** | **${fmt(ours)}** | **${fmt(dovecot)}** |`,
    "",
    `Ours/Dovecot: **${fmt(ours / dovecot, 2)}×** (target ≥ 1.0: ${ours >= dovecot ? "met" : "**missed**"}).`,
    "",
    `The client's own CPU per pass (login to QUIT), median: ${fmt(clientCpu("ours"))} ms beside ours, ${fmt(clientCpu("dovecot"))} ms beside Dovecot.`,
    "",
    wrong.length
      ? `**Answers differ from the corpus:** ${wrong.map((p) => `${p.side} run ${p.run}: ${p.messages} messages, ${p.bytes} bytes`).join("; ")} (expected ${MESSAGES} and ${expectedBytes}).`
      : `Answers checked: every pass received all ${MESSAGES} messages, ${expectedBytes} bytes, on both sides.`,
    "",
    "Machine:",
    "",
    ...machineFacts(`Dovecot ${dovecotVersion()} (pop3, Maildir, indexes in the Maildir)`, loadAtStart, loadavg()[0]),
  ].join("\n");
}

async function main(): Promise<void> {
  const loadAtStart = loadavg()[0];
  log(`${MESSAGES} messages, ${RUNS} runs (+1 warm-up)`);
  const dovecot = makeDovecotDir("bench-pop3-dovecot-", [{ user: USER, password: PASSWORD, scheme: "PLAIN" }]);
  const removeDovecotDir = onCleanup(() => rmSync(dovecot.dir, { recursive: true, force: true }));
  const dataDir = mkdtempSync(join(tmpdir(), "bench-pop3-data-"));
  const removeDataDir = onCleanup(() => rmSync(dataDir, { recursive: true, force: true }));
  const mboxDir = mkdtempSync(join(tmpdir(), "bench-pop3-mbox-"));
  const removeMboxDir = onCleanup(() => rmSync(mboxDir, { recursive: true, force: true }));

  // One pass over the corpus feeds both sides; bare LFs are CRLF on the wire, as both servers send them.
  const maildir = new MaildirWriter(dovecot.maildir(USER));
  let expectedBytes = 0;
  function* both(): Generator<CorpusMessage> {
    for (const message of new Corpus(MESSAGES).messages()) {
      maildir.add(message.raw, message.received);
      expectedBytes += message.raw.toString("latin1").replace(/\r?\n/g, "\r\n").length + (message.raw.toString("latin1").endsWith("\n") ? 0 : 2);
      yield message;
    }
  }
  const mbox = writeMboxFiles(both(), mboxDir, MESSAGES, (n) => log(`corpus: ${n}/${MESSAGES} messages written`));

  const env = await serverEnv(dataDir, ["POP3"]);
  mailctl(env, ["domain", "add", "bench.test"]);
  mailctl(env, ["user", "add", USER, "--password-stdin"], `${PASSWORD}\n`);
  for (const file of mbox.files) log(`ours: ${(await mailctlAsync(env, ["import", USER, file])).trim()}`);
  await removeMboxDir();

  const imapPort = await freePort();
  const pop3Port = await freePort();
  const config = writeDovecotConfig(dovecot, imapPort, [
    "protocols = imap pop3",
    `service pop3-login {\n  inet_listener pop3 {\n    address = 127.0.0.1\n    port = ${pop3Port}\n  }\n}`,
  ]);
  const peer = await launchDovecot(dovecot, config, imapPort);
  onCleanup(() => peer.stop());
  const ours = await startOurs(env);
  const ports: Record<Side, number> = { ours: Number(env.POP3_PORT), dovecot: pop3Port };

  const passes: Pass[] = [];
  for (let run = 0; run <= RUNS; run++) {
    for (const side of ["ours", "dovecot"] as const) {
      const cpuBefore = process.cpuUsage();
      const result = await retrieveAll(ports[side]);
      const cpu = process.cpuUsage(cpuBefore);
      const clientCpuMs = (cpu.user + cpu.system) / 1000;
      passes.push({ side, run, ...result, clientCpuMs });
      log(`run ${run === 0 ? "warm-up" : run} ${side}: ${result.messages} messages in ${fmt(result.ms)} ms (${fmt((result.messages / result.ms) * 1000)} msg/s), client CPU ${fmt(clientCpuMs)} ms`);
    }
  }
  await ours.stop();
  await peer.stop();
  const markdown = report(passes, expectedBytes, loadAtStart);
  writeResultsSection("POP3 vs Dovecot", markdown);
  console.log(markdown);
  await removeDataDir();
  await removeDovecotDir();
}

runMain(main);
