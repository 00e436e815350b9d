// A TCP listener for one protocol port: implicit TLS or plain, a connection limit (past it
// the protocol's "busy" greeting, then close), and a graceful stop that lets sessions
// finish what they are doing.
import net from "node:net";
import tls from "node:tls";
import type { Config } from "@/lib/config";
import { Connection } from "./connection";
import type { TlsIdentity } from "./tls";

export interface Session {
  /** Runs the conversation; resolves when the connection is done. */
  run(): Promise<void>;
  /**
   * Asked to stop: finish the current command, answer "shutting down" (or `reason`, when the
   * account was disabled or deleted), close.
   */
  shutdown(reason?: string): void;
  /** The account signed in on this connection, or null (net/account-guard.ts ends disabled ones). */
  signedInAccountId(): number | null;
}

export interface ListenerOptions {
  name: string;
  host: string;
  port: number;
  /** Implicit TLS (SMTPS 465, IMAPS 993, POP3S 995). */
  tls?: { cert: string; key: string };
  maxConnections: number;
  createSession(connection: Connection): Session;
  /** The line sent to a client refused for load or shutdown, e.g. "421 4.7.0 …\r\n". */
  busyGreeting: string;
}

export class Listener {
  private server: net.Server | null = null;
  private readonly sessions = new Map<Session, Connection>();
  private stopping = false;

  constructor(readonly options: ListenerOptions) {}

  get connectionCount(): number {
    return this.sessions.size;
  }

  get openSessions(): Session[] {
    return [...this.sessions.keys()];
  }

  /** The port actually bound (useful when 0 was asked of the OS in tests via listen on port). */
  get port(): number {
    const address = this.server?.address();
    return typeof address === "object" && address ? address.port : this.options.port;
  }

  async start(): Promise<void> {
    const { tls: identity } = this.options;
    const server = identity
      ? tls.createServer({ cert: identity.cert, key: identity.key, minVersion: "TLSv1.2" }, (socket) => this.accept(socket, true))
      : net.createServer((socket) => this.accept(socket, false));
    if (identity) server.on("tlsClientError", (_error, socket) => socket.destroy());
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen({ host: this.options.host, port: this.options.port }, () => {
        server.off("error", reject);
        resolve();
      });
    });
    server.on("error", () => undefined);
  }

  private accept(socket: net.Socket, secure: boolean) {
    socket.on("error", () => undefined);
    if (this.stopping || this.sessions.size >= this.options.maxConnections) {
      socket.end(this.options.busyGreeting);
      setTimeout(() => socket.destroy(), 1000).unref();
      return;
    }
    const connection = new Connection(socket, secure);
    const session = this.options.createSession(connection);
    this.sessions.set(session, connection);
    session
      .run()
      .catch((error: unknown) => {
        console.error(`${this.options.name}: session failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      })
      .finally(() => {
        this.sessions.delete(session);
        // Not destroy(): the last words (a BYE) may still be in the deflater; close() waits
        // for them, and destroys the socket after 2 s whatever happens.
        connection.close();
      });
  }

  /** Stops accepting, asks every session to finish, and waits up to graceMs for them. */
  async stop(graceMs = 20_000): Promise<void> {
    this.stopping = true;
    const closed = new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    for (const session of this.sessions.keys()) session.shutdown();
    const deadline = Date.now() + graceMs;
    while (this.sessions.size && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    for (const connection of this.sessions.values()) connection.destroy();
    await closed;
  }
}

/**
 * A protocol's listener as the configuration asks for it: on BIND_ADDRESS, with the server's
 * certificate for implicit TLS (the SMTPS, IMAPS and POP3S ports).
 */
export function configuredListener(
  context: { config: Config; tls: TlsIdentity | null },
  options: Pick<ListenerOptions, "name" | "port" | "maxConnections" | "busyGreeting" | "createSession"> & { implicitTls: boolean },
): Listener {
  const { implicitTls, ...rest } = options;
  return new Listener({
    ...rest,
    host: context.config.bindAddress,
    tls: implicitTls && context.tls ? { cert: context.tls.cert, key: context.tls.key } : undefined,
  });
}
