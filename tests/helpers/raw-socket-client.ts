// The socket plumbing the raw-socket protocol clients (SmtpClient, ImapClient) share: connecting
// with a timeout, collecting every received byte in a buffer, noticing close and error, waiting
// for input up to a deadline, and moving onto TLS mid-connection. The protocol framing (replies,
// responses, literals) stays in the subclasses.
import net from "node:net";
import tls from "node:tls";

export interface OpenSocketOptions {
  /** Implicit TLS (certificates are not checked). */
  tls?: boolean;
  host?: string;
  timeoutMs?: number;
  /** SNI name for implicit TLS. */
  servername?: string;
}

export abstract class RawSocketClient {
  protected socket: net.Socket;
  /** Bytes received and not yet consumed by the subclass. */
  protected buffer = Buffer.alloc(0);
  private waiter: (() => void) | null = null;
  /** The peer closed (or reset) the connection. */
  closed = false;
  error: Error | null = null;

  protected constructor(socket: net.Socket) {
    this.socket = socket;
    this.attach(socket);
  }

  /** A connected socket (after the TLS handshake with tls); rejects on error or after timeoutMs (5 s). */
  protected static openSocket(port: number, options: OpenSocketOptions = {}): Promise<net.Socket> {
    const host = options.host ?? "127.0.0.1";
    return new Promise((resolve, reject) => {
      const socket = options.tls
        ? tls.connect({ port, host, rejectUnauthorized: false, servername: options.servername ?? "localhost" })
        : net.connect({ port, host });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`connect to ${host}:${port} timed out`));
      }, options.timeoutMs ?? 5000);
      socket.once(options.tls ? "secureConnect" : "connect", () => {
        clearTimeout(timer);
        resolve(socket);
      });
      socket.once("error", (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
  }

  private onData = (chunk: Buffer) => {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    this.wake();
  };
  private onClose = () => {
    this.closed = true;
    this.wake();
  };
  private onError = (error: Error) => {
    this.error = error;
    this.closed = true;
    this.wake();
  };

  protected attach(socket: net.Socket) {
    socket.on("data", this.onData);
    socket.on("end", this.onClose);
    socket.on("close", this.onClose);
    socket.on("error", this.onError);
  }

  protected detach(socket: net.Socket) {
    socket.off("data", this.onData);
    socket.off("end", this.onClose);
    socket.off("close", this.onClose);
    socket.off("error", this.onError);
  }

  protected wake() {
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.();
  }

  /** Resolves true when something arrives (data, close, error), false once deadline has passed. */
  protected waitForInput(deadline: number): Promise<boolean> {
    const left = deadline - Date.now();
    if (left <= 0) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        resolve(false);
      }, left);
      this.waiter = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });
  }

  /** The TLS handshake on the current connection, which then continues over it; certificates are not checked. */
  protected async upgradeTls(servername: string): Promise<tls.TLSSocket> {
    const plain = this.socket;
    this.detach(plain);
    const secure = tls.connect({ socket: plain, rejectUnauthorized: false, servername });
    await new Promise<void>((resolve, reject) => {
      secure.once("secureConnect", () => resolve());
      secure.once("error", reject);
    });
    this.socket = secure;
    this.attach(secure);
    return secure;
  }

  /** Waits ms and returns whatever arrived unasked (should be "" for a well-behaved server). */
  async unsolicited(ms: number): Promise<string> {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline && !this.closed) await this.waitForInput(deadline);
    return this.buffer.toString("utf8");
  }

  destroy() {
    this.socket.destroy();
  }
}
