/**
 * A private Dovecot (imapd) as the IMAP benchmark's peer: its own temp directory (config,
 * passwd-file, Maildir, indexes, logs), one loopback port, never the system instance, no FTS
 * plugin (the instance itself is tests/support/dovecot.ts, shared with the tests). Unlike the test
 * harness in tests/unit/imap-fetch/dovecot.ts (one user, a handful of messages), this one is sized for a 100,000-message Maildir written straight to disk and for
 * a thousand concurrent sessions: process and client limits, per-user connection limit, and an
 * ARGON2ID password like ours (so every LOGIN costs both sides the same kind of work).
 *
 * Dovecot must start as root; it drops privileges itself (mail as nobody, auth as dovecot).
 */
import { execFile } from "node:child_process";
import { closeSync, openSync, readFileSync, rmSync, utimesSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { launchDovecot, makeDovecotDir, writeDovecotConfig } from "../../tests/support/dovecot";
import { freePort } from "../../tests/support/postfix";
import { onCleanup } from "./common";

export { dovecotVersion } from "../../tests/support/dovecot";

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

/**
 * A directory with config, passwd-file (one user) and an empty Maildir; start() runs Dovecot on
 * it. Separate so the Maildir can be filled before the first start, and so the same mailbox and
 * indexes are reused across restarts.
 */
export function prepareDovecot(options: { user: string; password: string; maxConnections: number }): { dir: string; maildir: string } {
  // Dovecot's own ARGON2ID (libsodium: 64 MiB); ours hashes new passwords with 19 MiB, t=2, p=1.
  const dovecot = makeDovecotDir("bench-dovecot-", [{ user: options.user, password: options.password, scheme: "ARGON2ID" }]);
  const limit = options.maxConnections + 100;
  // No mail_plugins: no FTS, SEARCH TEXT reads the messages, as a default install does. The port is chosen at each start.
  writeDovecotConfig(dovecot, 0, [
    // A thousand sessions of one user from one address: Dovecot's defaults allow 100 processes and 10 sessions per user and IP.
    `default_process_limit = ${limit}`,
    `default_client_limit = ${limit * 4}`,
    `protocol imap {\n  mail_max_userip_connections = ${limit}\n}`,
    `service imap {\n  process_limit = ${limit}\n}`,
    `service anvil {\n  client_limit = ${limit * 4}\n}`,
    `service auth {\n  client_limit = ${limit * 4}\n}`,
  ]);
  return { dir: dovecot.dir, maildir: dovecot.maildir(options.user) };
}

export async function startDovecot(dir: string, maildir: string): Promise<Dovecot> {
  const config = join(dir, "dovecot.conf");
  const port = await freePort();
  writeFileSync(config, readFileSync(config, "utf8").replace(/(inet_listener imap \{\n\s+address = 127\.0\.0\.1\n\s+port = )\d+/, `$1${port}`));
  let removeDir = true;
  let running: Awaited<ReturnType<typeof launchDovecot>> | null = null;
  const stop = onCleanup(async () => {
    await running?.stop();
    if (removeDir) rmSync(dir, { recursive: true, force: true });
  });
  running = await launchDovecot({ dir, passwd: join(dir, "passwd"), maildir: () => maildir }, config, port);
  const instance = running;
  return {
    port,
    dir,
    config,
    maildir,
    log: instance.log,
    pids: instance.pids,
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
