/**
 * A private Dovecot (imapd) as the IMAP benchmark's peer: its own temp directory (config,
 * passwd-file, Maildir, indexes, logs), one loopback port, never the system instance, no FTS
 * plugin. Unlike the test harness in tests/unit/imap-fetch/dovecot.ts (one user, a handful of
 * messages), this one is sized for a 100,000-message Maildir written straight to disk and for
 * a thousand concurrent sessions: process and client limits, per-user connection limit, and an
 * ARGON2ID password like ours (so every LOGIN costs both sides the same kind of work).
 *
 * Dovecot must start as root; it drops privileges itself (mail as nobody, auth as dovecot).
 */
import { execFile, execFileSync } from "node:child_process";
import { chmodSync, chownSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync, writeSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort } from "../../tests/support/postfix";
import { onCleanup, sleep } from "./common";

const NOBODY = 65534;

export interface Dovecot {
  port: number;
  dir: string;
  config: string;
  /** The user's Maildir (cur/ new/ tmp/). */
  maildir: string;
  log(): string;
  /** Every process of this instance: the master and all it started (imap, imap-login, auth, anvil, log, config, stats). */
  pids(): number[];
  /** `doveadm -c CONFIG …` as root. */
  doveadm(args: string[]): Promise<string>;
  /** Stops this instance and waits until all its processes are gone; the directory stays unless removeDir. */
  stop(options?: { removeDir?: boolean }): Promise<void>;
}

export function dovecotVersion(): string {
  try {
    return execFileSync("dovecot", ["--version"], { encoding: "utf8" }).trim();
  } catch {
    return "?";
  }
}

/**
 * A directory with config, passwd-file (one user) and an empty Maildir; start() runs Dovecot on
 * it. Separate so the Maildir can be filled before the first start, and so the same mailbox and
 * indexes are reused across restarts.
 */
export function prepareDovecot(options: { user: string; password: string; maxConnections: number }): { dir: string; maildir: string } {
  const dir = mkdtempSync(join(tmpdir(), "bench-dovecot-"));
  // mkdtemp makes it 0700; the auth and imap processes run as other users and must get in.
  chmodSync(dir, 0o755);
  for (const sub of ["run", "state", "home"]) mkdirSync(join(dir, sub), { recursive: true });
  const home = join(dir, "home", options.user);
  const maildir = join(home, "Maildir");
  for (const sub of ["", "cur", "new", "tmp"]) mkdirSync(join(maildir, sub), { recursive: true });
  for (const path of [home, maildir, ...["cur", "new", "tmp"].map((s) => join(maildir, s))]) chownSync(path, NOBODY, NOBODY);
  // Dovecot's own ARGON2ID (libsodium: 64 MiB, t=3, p=1); ours hashes with 64 MiB, t=3, p=4.
  const hash = execFileSync("doveadm", ["pw", "-s", "ARGON2ID", "-p", options.password], { encoding: "utf8" }).trim();
  writeFileSync(join(dir, "passwd"), `${options.user}:${hash}:${NOBODY}:${NOBODY}::${home}\n`);
  chmodSync(join(dir, "passwd"), 0o644);
  const limit = options.maxConnections + 100;
  writeFileSync(
    join(dir, "dovecot.conf"),
    [
      `base_dir = ${join(dir, "run")}`,
      `state_dir = ${join(dir, "state")}`,
      "protocols = imap",
      "listen = 127.0.0.1",
      "ssl = no",
      "disable_plaintext_auth = no",
      "auth_mechanisms = plain login",
      `log_path = ${join(dir, "dovecot.log")}`,
      `passdb {\n  driver = passwd-file\n  args = ${join(dir, "passwd")}\n}`,
      `userdb {\n  driver = passwd-file\n  args = ${join(dir, "passwd")}\n}`,
      "mail_location = maildir:~/Maildir",
      // No mail_plugins: no FTS, SEARCH TEXT reads the messages, as a default install does.
      "first_valid_uid = 100",
      "default_internal_user = dovecot",
      "default_login_user = dovenull",
      // A thousand sessions of one user from one address: Dovecot's defaults allow 100 processes and 10 sessions per user and IP.
      `default_process_limit = ${limit}`,
      `default_client_limit = ${limit * 4}`,
      `protocol imap {\n  mail_max_userip_connections = ${limit}\n}`,
      `service imap-login {\n  inet_listener imap {\n    address = 127.0.0.1\n    port = 0\n  }\n}`,
      `service imap {\n  process_limit = ${limit}\n}`,
      `service anvil {\n  client_limit = ${limit * 4}\n}`,
      `service auth {\n  client_limit = ${limit * 4}\n}`,
      "",
    ].join("\n"),
  );
  return { dir, maildir };
}

/** The master and every process below it, from /proc. */
function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // The command name may contain spaces and parentheses: fields start after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      // Gone meanwhile.
    }
  }
  const out: number[] = [];
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    out.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return out;
}

const alive = (pid: number) => existsSync(`/proc/${pid}`);

export async function startDovecot(dir: string, maildir: string): Promise<Dovecot> {
  const config = join(dir, "dovecot.conf");
  const port = await freePort();
  writeFileSync(config, readFileSync(config, "utf8").replace(/(inet_listener imap \{\n\s+address = 127\.0\.0\.1\n\s+port = )\d+/, `$1${port}`));
  // The master daemonizes and its children keep the descriptors they inherit: pipes would make
  // execFileSync wait for the daemon to exit, so its start-up output goes to a file.
  rmSync(join(dir, "run", "master.pid"), { force: true });
  const startLog = openSync(join(dir, "start.log"), "w");
  try {
    execFileSync("dovecot", ["-c", config], { stdio: ["ignore", startLog, startLog] });
  } catch (error) {
    throw new Error(`dovecot did not start: ${readFileSync(join(dir, "start.log"), "utf8")}`, { cause: error });
  } finally {
    closeSync(startLog);
  }
  // The pid file may appear a moment after the command returns; the clean-up reads it when it runs.
  const pidFile = join(dir, "run", "master.pid");
  const masterPid = () => (existsSync(pidFile) ? Number(readFileSync(pidFile, "utf8").trim()) : 0);
  const stopNow = async () => {
    const master = masterPid();
    if (!master) return;
    const all = descendants(master);
    try {
      // This instance's master only, by the pid it wrote; it stops its children.
      process.kill(master, "SIGTERM");
    } catch {
      // Already gone.
    }
    for (let i = 0; i < 150 && all.some(alive); i++) await sleep(100);
    for (const pid of all.filter(alive)) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Gone meanwhile.
      }
    }
  };
  let removeDir = true;
  const stop = onCleanup(async () => {
    await stopNow();
    if (removeDir) rmSync(dir, { recursive: true, force: true });
  });
  for (let i = 0; !masterPid(); i++) {
    if (i > 100) throw new Error(`dovecot wrote no pid file: ${readFileSync(join(dir, "start.log"), "utf8")}`);
    await sleep(50);
  }
  const master = masterPid();
  for (let i = 0; ; i++) {
    const connected = await new Promise<boolean>((resolve) => {
      const socket = createConnection(port, "127.0.0.1", () => {
        socket.end();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (connected) break;
    if (i > 100) throw new Error(`dovecot does not listen on ${port}: ${readFileSync(join(dir, "dovecot.log"), "utf8").slice(-2000)}`);
    await sleep(100);
  }
  return {
    port,
    dir,
    config,
    maildir,
    log: () => (existsSync(join(dir, "dovecot.log")) ? readFileSync(join(dir, "dovecot.log"), "utf8") : ""),
    pids: () => (alive(master) ? descendants(master) : []),
    doveadm: async (args) => (await promisify(execFile)("doveadm", ["-c", config, ...args], { encoding: "utf8", maxBuffer: 64 * 2 ** 20 })).stdout,
    async stop(options) {
      removeDir = options?.removeDir ?? false;
      await stop();
    },
  };
}

/**
 * Writes messages into the Maildir's cur/ as Dovecot would have delivered them, seen: the file
 * name starts with the arrival time (Dovecot gives new files UIDs in that order) and carries the
 * size (S=) and the size with CRLF line ends (W=, the same: the bytes are CRLF already), and the
 * file's mtime is the arrival time (Dovecot's INTERNALDATE for Maildir).
 */
export class MaildirWriter {
  private count = 0;

  constructor(private readonly maildir: string) {}

  add(raw: Buffer, received: Date): void {
    const seconds = Math.floor(received.getTime() / 1000);
    const name = `${seconds}.M${String(this.count % 1_000_000).padStart(6, "0")}P${process.pid}Q${this.count}.bench,S=${raw.length},W=${raw.length}:2,S`;
    const path = join(this.maildir, "cur", name);
    const fd = openSync(path, "w", 0o644);
    try {
      writeSync(fd, raw);
    } finally {
      closeSync(fd);
    }
    utimesSync(path, received, received);
    this.count++;
  }
}
