/**
 * Private Postfix instances for tests and benchmarks: the real MTA as a peer of our server.
 *
 * Each instance lives in its own temp directory (main.cf, master.cf, queue, data, Maildir, maillog) with
 * smtpd on its own loopback port, so any number run side by side and none touches the system Postfix.
 * Postfix must run as root (`postfix -c DIR start` drops to `mail_owner` itself).
 *
 * Modes:
 * - relay: everything received on `port` is relayed to 127.0.0.1:relayPort (our server). TLS is
 *   opportunistic (`smtp_tls_security_level = may`), so STARTTLS is used when offered, unverified.
 *   BDAT: Postfix's SMTP *client* (3.7 here) never sends BDAT, it has no `smtp_use_chunking` or similar
 *   parameter; CHUNKING support (RFC 3030) exists only in smtpd. Against a server advertising CHUNKING it
 *   still sends DATA (asserted in postfix.test.ts). Test BDAT with another client.
 * - maildir: every recipient in `domain` is delivered by virtual(8) into one Maildir (`maildir`),
 *   anything else is rejected. The benchmark's peer.
 */
import { execFile, execFileSync } from "node:child_process";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export type PostfixOptions =
  | { mode: "relay"; relayPort: number; relayHost?: string; hostname?: string; extra?: Record<string, string> }
  | { mode: "maildir"; domain: string; hostname?: string; extra?: Record<string, string> };

export interface PostfixInstance {
  dir: string;
  /** for `postfix -c`, `postqueue -c`, `postconf -c` */
  configDir: string;
  host: "127.0.0.1";
  /** smtpd's port on 127.0.0.1 */
  port: number;
  /** Postfix's own log, the first place to look when a test fails */
  maillog: string;
  /** maildir mode: the Maildir every message for the domain lands in (new/ holds delivered mail) */
  maildir: string;
  /** Files in the Maildir's new/ (maildir mode). */
  delivered(): string[];
  /** Queue IDs still in any queue (incoming, active, deferred, hold). */
  queued(): Promise<string[]>;
  waitForQueueEmpty(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

// The uid/gid virtual(8) writes the Maildir as; it refuses uids below virtual_minimum_uid (100).
const NOBODY = 65534;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function mainCf(dir: string, port: number, options: PostfixOptions): Record<string, string> {
  const common: Record<string, string> = {
    compatibility_level: "3.6",
    queue_directory: join(dir, "queue"),
    data_directory: join(dir, "data"),
    mail_owner: "postfix",
    myhostname: options.hostname ?? `postfix-${port}.test`,
    mydomain: "test",
    myorigin: "$myhostname",
    mydestination: "",
    mynetworks: "127.0.0.0/8",
    inet_interfaces: "loopback-only",
    inet_protocols: "ipv4",
    // No system aliases, no local(8): nothing may leave the temp directory.
    alias_maps: "",
    alias_database: "",
    local_transport: "error:5.1.1 local delivery is disabled",
    // This network has no DNS; 127.0.0.1 would resolve via /etc/hosts, other lookups would only time out.
    smtpd_peername_lookup: "no",
    smtp_dns_support_level: "disabled",
    biff: "no",
    maillog_file: join(dir, "maillog"),
    maillog_file_prefixes: dir,
    // Tests want retries in seconds, not minutes.
    queue_run_delay: "1s",
    minimal_backoff_time: "1s",
    maximal_backoff_time: "5s",
  };
  const mode: Record<string, string> =
    options.mode === "relay"
      ? {
          relayhost: `[${options.relayHost ?? "127.0.0.1"}]:${options.relayPort}`,
          smtpd_relay_restrictions: "permit_mynetworks, reject",
          smtp_tls_security_level: "may",
          smtp_tls_loglevel: "1",
        }
      : {
          virtual_mailbox_domains: options.domain,
          virtual_mailbox_base: join(dir, "mail"),
          // Catch-all: every address of the domain maps to the same Maildir (trailing slash = Maildir).
          virtual_mailbox_maps: "static:inbox/",
          virtual_uid_maps: `static:${NOBODY}`,
          virtual_gid_maps: `static:${NOBODY}`,
          smtpd_relay_restrictions: "reject_unauth_destination",
          default_transport: "error:5.7.1 this test instance delivers only locally",
        };
  return { ...common, ...mode, ...options.extra };
}

// No chroot (the queue is in a temp dir without the chroot's copies of /etc files) and no local(8).
function masterCf(port: number): string {
  return [
    `127.0.0.1:${port} inet n - n - - smtpd`,
    "pickup unix n - n 60 1 pickup",
    "cleanup unix n - n - 0 cleanup",
    "qmgr unix n - n 300 1 qmgr",
    "tlsmgr unix - - n 1000? 1 tlsmgr",
    "rewrite unix - - n - - trivial-rewrite",
    "bounce unix - - n - 0 bounce",
    "defer unix - - n - 0 bounce",
    "trace unix - - n - 0 bounce",
    "verify unix - - n - 1 verify",
    "flush unix n - n 1000? 0 flush",
    "proxymap unix - - n - - proxymap",
    "proxywrite unix - - n - 1 proxymap",
    "smtp unix - - n - - smtp",
    "relay unix - - n - - smtp",
    "showq unix n - n - - showq",
    "error unix - - n - - error",
    "retry unix - - n - - error",
    "discard unix - - n - - discard",
    "virtual unix - n n - - virtual",
    "anvil unix - - n - 1 anvil",
    "scache unix - - n - 1 scache",
    "postlog unix-dgram n - n - 1 postlogd",
    "",
  ].join("\n");
}

// Instances a crashed test never stopped; stopped synchronously when the process exits.
const running = new Set<string>();
process.once("exit", () => {
  for (const dir of running) {
    try {
      execFileSync("postfix", ["-c", join(dir, "etc"), "stop"], { stdio: "ignore" });
    } catch {
      // already gone
    }
    rmSync(dir, { recursive: true, force: true });
  }
});

export async function startPostfix(options: PostfixOptions): Promise<PostfixInstance> {
  if (process.getuid?.() !== 0) {
    throw new Error("a private Postfix instance must be started as root (postfix -c DIR start); run `npm test` as root");
  }
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "postfix-"));
  // Postfix daemons and virtual(8) run as other users and open absolute paths under dir.
  chmodSync(dir, 0o755);
  const maildir = join(dir, "mail", "inbox");
  if (options.mode === "maildir") {
    mkdirSync(join(dir, "mail"));
    chownSync(join(dir, "mail"), NOBODY, NOBODY);
  }
  // Config apart from the queue: `postfix check` wants everything under the config dir owned by root,
  // while queue subdirectories belong to mail_owner. Postfix creates those, but not the queue dir itself.
  const etc = join(dir, "etc");
  mkdirSync(etc);
  mkdirSync(join(dir, "queue"));
  const main = Object.entries(mainCf(dir, port, options)).map(([k, v]) => `${k} = ${v}`);
  writeFileSync(join(etc, "main.cf"), main.join("\n") + "\n");
  writeFileSync(join(etc, "master.cf"), masterCf(port));
  writeFileSync(join(dir, "maillog"), "");

  running.add(dir);
  const stop = async () => {
    if (!running.delete(dir)) return;
    try {
      await run("postfix", ["-c", etc, "stop"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  try {
    // `start` creates the queue directories with the right owners and returns once master listens.
    await run("postfix", ["-c", etc, "start"]);
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }

  const queued = async () => {
    const { stdout } = await run("postqueue", ["-c", etc, "-j"]);
    return stdout
      .split("\n")
      .filter(Boolean)
      .map((line) => (JSON.parse(line) as { queue_id: string }).queue_id);
  };

  return {
    dir,
    configDir: etc,
    host: "127.0.0.1",
    port,
    maillog: join(dir, "maillog"),
    maildir,
    delivered() {
      try {
        return readdirSync(join(maildir, "new"));
      } catch {
        return []; // virtual(8) creates the Maildir on first delivery
      }
    },
    queued,
    async waitForQueueEmpty(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const ids = await queued();
        if (ids.length === 0) return;
        if (Date.now() > deadline) {
          throw new Error(`Postfix queue in ${dir} still holds ${ids.length} message(s) after ${timeoutMs} ms`);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    stop,
  };
}
