// Starts the bundled mail server: the store, then every enabled listener. A port set to 0
// in the configuration disables its listener.
import type http from "node:http";
import { ConfigError, type Config } from "@/lib/config";
import { MailStore } from "./store";
import { loadTlsIdentity } from "./net/tls";
import type { Listener } from "./net/listener";
import { smtpListener } from "./smtp/server";
import { imapListener } from "./imap/server";
import { pop3Listener } from "./pop3/server";
import { startAdminServer } from "./admin/http";
import { OutboundQueue, type QueueOptions } from "./queue";
import { InboundAuthenticator } from "./smtp/authentication-results";
import { AccountGuard } from "./net/account-guard";

/** The variable behind each listener, to name it when its port can't be had. */
const VARIABLES: Record<string, string> = {
  smtp: "SMTP_PORT",
  submission: "SUBMISSION_PORT",
  submissions: "SUBMISSIONS_PORT",
  imap: "IMAP_PORT",
  imaps: "IMAPS_PORT",
  pop3: "POP3_PORT",
  pop3s: "POP3S_PORT",
};
const PORT_KEYS: Record<string, keyof Config["ports"]> = {
  SMTP_PORT: "smtp",
  SUBMISSION_PORT: "submission",
  SUBMISSIONS_PORT: "submissions",
  IMAP_PORT: "imap",
  IMAPS_PORT: "imaps",
  POP3_PORT: "pop3",
  POP3S_PORT: "pop3s",
  ADMIN_PORT: "admin",
};

export interface RunningMailServer {
  store: MailStore;
  queue: OutboundQueue;
  /** What listens where, for the start-up banner and for tests. */
  endpoints: { name: string; port: number }[];
  port(name: string): number;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Bind every enabled listener to a port the OS picks (tests). */
  anyFreePort?: boolean;
  log?: (line: string) => void;
  /** Outbound concurrency and SMTP timeouts (tests shorten the timeouts). */
  queue?: Omit<QueueOptions, "log">;
  /** How often open sessions are checked for accounts disabled elsewhere (net/account-guard.ts). */
  accountCheckIntervalMs?: number;
}

export async function startMailServer(config: Config, options: StartOptions = {}): Promise<RunningMailServer> {
  const log = options.log ?? ((line: string) => console.log(`${new Date().toISOString()} ${line}`));
  const store = await MailStore.open(config);
  const tls = await loadTlsIdentity(config);
  const portFor = (configured: number) => (options.anyFreePort ? 0 : configured);

  const queue = new OutboundQueue(config, store, { maxConcurrent: config.queueConcurrency.overall, maxPerDomain: config.queueConcurrency.perDomain, ...options.queue, log });
  const authenticator = new InboundAuthenticator(config);

  const listeners: Listener[] = [];
  if (config.ports.smtp) listeners.push(smtpListener({ config, store, tls, role: "mx", queue, authenticator, log }, "smtp", portFor(config.ports.smtp)));
  for (const name of ["submission", "submissions"] as const) {
    if (config.ports[name]) listeners.push(smtpListener({ config, store, tls, role: "submission", queue, authenticator: null, log }, name, portFor(config.ports[name])));
  }
  if (config.ports.imap) listeners.push(imapListener({ config, store, tls, log }, "imap", portFor(config.ports.imap)));
  if (config.ports.imaps) listeners.push(imapListener({ config, store, tls, log }, "imaps", portFor(config.ports.imaps)));
  for (const name of ["pop3", "pop3s"] as const) {
    if (config.ports[name]) listeners.push(pop3Listener({ config, store, tls, log }, name, portFor(config.ports[name])));
  }
  if (!listeners.length && !config.ports.admin) {
    await store.close();
    throw new ConfigError("SMTP_PORT", "every listener is disabled (port 0): there is nothing to serve");
  }

  let admin: http.Server | null = null;
  const endpoints: { name: string; port: number }[] = [];
  let starting = "SMTP_PORT";
  try {
    for (const listener of listeners) {
      starting = VARIABLES[listener.options.name] ?? "BIND_ADDRESS";
      await listener.start();
    }
    starting = "ADMIN_PORT";
    if (config.ports.admin) admin = await startAdminServer(config, store, portFor(config.ports.admin), { queue, endpoints: () => endpoints });
    await queue.start();
  } catch (error) {
    await queue.stop(0);
    await Promise.all(listeners.map((l) => l.stop(0)));
    await store.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") throw new ConfigError(starting, `${config.bindAddress}:${config.ports[PORT_KEYS[starting]]} is already in use`);
    if (code === "EACCES") throw new ConfigError(starting, `no permission to listen on port ${config.ports[PORT_KEYS[starting]]} (ports below 1024 need root or CAP_NET_BIND_SERVICE)`);
    if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND") throw new ConfigError("BIND_ADDRESS", `${config.bindAddress} is not an address of this machine`);
    throw error;
  }

  endpoints.push(...listeners.map((l) => ({ name: l.options.name, port: l.port })));
  const guard = new AccountGuard(store, listeners, options.accountCheckIntervalMs);
  if (admin) {
    const address = admin.address();
    endpoints.push({ name: "admin", port: typeof address === "object" && address ? address.port : config.ports.admin });
  }
  let stopped: Promise<void> | null = null;
  return {
    store,
    queue,
    endpoints,
    port(name) {
      const found = endpoints.find((e) => e.name === name);
      if (!found) throw new Error(`no ${name} listener`);
      return found.port;
    },
    stop() {
      stopped ??= (async () => {
        guard.stop();
        await Promise.all(listeners.map((l) => l.stop()));
        await queue.stop();
        if (admin) {
          const closed = new Promise<void>((resolve) => admin!.close(() => resolve()));
          admin.closeAllConnections();
          await closed;
        }
        await store.close();
      })();
      return stopped;
    },
  };
}
