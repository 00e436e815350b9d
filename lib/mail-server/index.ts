// Starts the bundled mail server: the store, then every enabled listener. A port set to 0
// in the configuration disables its listener.
import type http from "node:http";
import type { Config } from "@/lib/config";
import { MailStore } from "./store";
import { loadTlsIdentity } from "./net/tls";
import type { Listener } from "./net/listener";
import { smtpListener } from "./smtp/server";
import { startAdminServer } from "./admin/http";

export interface RunningMailServer {
  store: MailStore;
  /** What listens where, for the start-up banner and for tests. */
  endpoints: { name: string; port: number }[];
  port(name: string): number;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Bind every enabled listener to a port the OS picks (tests). */
  anyFreePort?: boolean;
  log?: (line: string) => void;
}

export async function startMailServer(config: Config, options: StartOptions = {}): Promise<RunningMailServer> {
  const log = options.log ?? ((line: string) => console.log(`${new Date().toISOString()} ${line}`));
  const store = await MailStore.open(config);
  const tls = await loadTlsIdentity(config);
  const portFor = (configured: number) => (options.anyFreePort ? 0 : configured);

  const listeners: Listener[] = [];
  if (config.ports.smtp) listeners.push(smtpListener({ config, store, tls, role: "mx", log }, portFor(config.ports.smtp)));

  let admin: http.Server | null = null;
  try {
    for (const listener of listeners) await listener.start();
    if (config.ports.admin) admin = await startAdminServer(config, store, portFor(config.ports.admin));
  } catch (error) {
    await Promise.all(listeners.map((l) => l.stop(0)));
    await store.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE" || code === "EACCES") throw new Error(`cannot listen: ${(error as Error).message}`);
    throw error;
  }

  const endpoints = listeners.map((l) => ({ name: l.options.name, port: l.port }));
  if (admin) {
    const address = admin.address();
    endpoints.push({ name: "admin", port: typeof address === "object" && address ? address.port : config.ports.admin });
  }
  let stopped: Promise<void> | null = null;
  return {
    store,
    endpoints,
    port(name) {
      const found = endpoints.find((e) => e.name === name);
      if (!found) throw new Error(`no ${name} listener`);
      return found.port;
    },
    stop() {
      stopped ??= (async () => {
        await Promise.all(listeners.map((l) => l.stop()));
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
