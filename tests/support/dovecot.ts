/**
 * A private Dovecot (imapd) for tests, benchmarks and the e2e run against Dovecot: its own temp
 * directory (config, passwd-file, one Maildir per user, indexes, logs), one loopback port, never the
 * system instance. Dovecot must start as root; it drops privileges itself (mail as nobody, auth as
 * dovecot, login as dovenull). `dovecotAvailable()` says whether this machine can
 * (`apt-get install -y dovecot-imapd`, run as root).
 *
 * The callers differ in what they put around it (tests/unit/imap-fetch/dovecot.ts: one user and a raw
 * client; bench/lib/dovecot.ts: a 100,000-message Maildir and a thousand sessions; e2e/support/dovecot.ts:
 * special-use folders for the webmail), not in how Dovecot is laid out, started and stopped: that is here.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, chownSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The uid and gid the mail processes run as (Debian's nobody/nogroup). */
export const NOBODY = 65534;

export function dovecotAvailable(): boolean {
  if (process.getuid?.() !== 0) return false;
  return spawnSync("dovecot", ["--version"], { stdio: "ignore" }).status === 0;
}

export function dovecotVersion(): string {
  try {
    return execFileSync("dovecot", ["--version"], { encoding: "utf8" }).trim();
  } catch {
    return "?";
  }
}

export interface DovecotUser {
  user: string;
  password: string;
  /** PLAIN writes the password as it is; any other is hashed by `doveadm pw -s SCHEME` (SHA512-CRYPT, ARGON2ID …). */
  scheme: string;
}

export interface DovecotDir {
  dir: string;
  /** The passwd-file (passdb and userdb). */
  passwd: string;
  /** A user's Maildir (cur/ new/ tmp/), owned by nobody; mail_location is ~/Maildir. */
  maildir(user: string): string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A fresh temp directory with a passwd-file for `users` and an empty Maildir each; no config yet. */
export function makeDovecotDir(prefix: string, users: DovecotUser[]): DovecotDir {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  // mkdtemp makes it 0700; the auth and imap processes run as other users and must get in.
  chmodSync(dir, 0o755);
  for (const sub of ["run", "state", "home"]) mkdirSync(join(dir, sub));
  const home = (user: string) => join(dir, "home", user);
  const lines: string[] = [];
  for (const { user, password, scheme } of users) {
    const maildir = join(home(user), "Maildir");
    for (const sub of ["cur", "new", "tmp"]) mkdirSync(join(maildir, sub), { recursive: true });
    for (const path of [home(user), maildir, ...["cur", "new", "tmp"].map((sub) => join(maildir, sub))]) chownSync(path, NOBODY, NOBODY);
    const hash = scheme === "PLAIN" ? `{PLAIN}${password}` : execFileSync("doveadm", ["pw", "-s", scheme, "-p", password], { encoding: "utf8" }).trim();
    lines.push(`${user}:${hash}:${NOBODY}:${NOBODY}::${home(user)}`);
  }
  const passwd = join(dir, "passwd");
  writeFileSync(passwd, lines.map((line) => `${line}\n`).join(""));
  // Read by the auth process, which runs as dovecot.
  chmodSync(passwd, 0o644);
  return { dir, passwd, maildir: (user) => join(home(user), "Maildir") };
}

/**
 * dovecot.conf for an instance in `dir`: IMAP only, on 127.0.0.1:port, no TLS, plaintext logins allowed
 * (loopback), users from the passwd-file, Maildir in each home. `extra` lines are appended (limits,
 * namespaces). Returns the file's path.
 */
export function writeDovecotConfig(dovecot: DovecotDir, port: number, extra: string[] = []): string {
  const { dir, passwd } = dovecot;
  const config = join(dir, "dovecot.conf");
  writeFileSync(
    config,
    [
      `base_dir = ${join(dir, "run")}`,
      `state_dir = ${join(dir, "state")}`,
      "protocols = imap",
      "listen = 127.0.0.1",
      "ssl = no",
      "disable_plaintext_auth = no",
      "auth_mechanisms = plain login",
      `log_path = ${join(dir, "dovecot.log")}`,
      `passdb {\n  driver = passwd-file\n  args = ${passwd}\n}`,
      `userdb {\n  driver = passwd-file\n  args = ${passwd}\n}`,
      "mail_location = maildir:~/Maildir",
      "first_valid_uid = 100",
      "default_internal_user = dovecot",
      "default_login_user = dovenull",
      // Only this listener; no stats or anvil sockets outside the temp directory.
      // IMAPS off: with "ssl = yes" (a test that wants TLS) Dovecot would otherwise take port 993 too.
      `service imap-login {\n  inet_listener imap {\n    address = 127.0.0.1\n    port = ${port}\n  }\n  inet_listener imaps {\n    port = 0\n  }\n}`,
      ...extra,
      "",
    ].join("\n"),
  );
  return config;
}

/** The process `root` and every process below it, from /proc. */
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

export interface RunningDovecot {
  port: number;
  log(): string;
  /** Every process of this instance: the master and all it started (imap, imap-login, auth, anvil, log, config, stats). */
  pids(): number[];
  /** SIGTERM to this instance's master, without waiting (for synchronous clean-ups). */
  kill(): void;
  /** Stops this instance and waits until all its processes are gone (SIGKILL for any left after 15 s). */
  stop(): Promise<void>;
}

/** Starts Dovecot on `config` and returns once it accepts connections on `port`. */
export async function launchDovecot(dovecot: DovecotDir, config: string, port: number): Promise<RunningDovecot> {
  const { dir } = dovecot;
  const pidFile = join(dir, "run", "master.pid");
  const logFile = join(dir, "dovecot.log");
  const readLog = () => (existsSync(logFile) ? readFileSync(logFile, "utf8") : "");
  rmSync(pidFile, { force: true });
  // The master daemonizes and its children keep the descriptors they inherit: pipes would make
  // execFileSync wait for the daemon to exit, so its start-up output goes to a file.
  const startLog = openSync(join(dir, "start.log"), "w");
  try {
    execFileSync("dovecot", ["-c", config], { stdio: ["ignore", startLog, startLog] });
  } catch (error) {
    throw new Error(`dovecot did not start: ${readFileSync(join(dir, "start.log"), "utf8")}`, { cause: error });
  } finally {
    closeSync(startLog);
  }
  // The pid file may appear a moment after the command returns.
  const masterPid = () => (existsSync(pidFile) ? Number(readFileSync(pidFile, "utf8").trim()) : 0);
  for (let i = 0; !masterPid(); i++) {
    if (i > 100) throw new Error(`dovecot wrote no pid file: ${readFileSync(join(dir, "start.log"), "utf8")}`);
    await sleep(50);
  }
  const master = masterPid();
  const kill = () => {
    try {
      // This instance's master only, by the pid it wrote; it stops its children.
      process.kill(master, "SIGTERM");
    } catch {
      // Already gone.
    }
  };
  for (let i = 0; ; i++) {
    const connected = await new Promise<boolean>((resolve) => {
      const socket = createConnection(port, "127.0.0.1", () => {
        socket.end();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (connected) break;
    if (i > 100) {
      kill();
      throw new Error(`dovecot does not listen on ${port}: ${readLog().slice(-2000)}`);
    }
    await sleep(100);
  }
  return {
    port,
    log: readLog,
    pids: () => (alive(master) ? descendants(master) : []),
    kill,
    async stop() {
      const all = alive(master) ? descendants(master) : [];
      kill();
      for (let i = 0; i < 150 && all.some(alive); i++) await sleep(100);
      for (const pid of all.filter(alive)) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // Gone meanwhile.
        }
      }
    },
  };
}
