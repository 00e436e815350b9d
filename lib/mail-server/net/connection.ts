// One client connection as the protocol sessions see it: lines with a length limit, exact
// byte counts (BDAT, IMAP literals), streamed consumers (SMTP DATA), STARTTLS, idle
// timeouts, and output corked while pipelined input is still being answered.
import net from "node:net";
import tls from "node:tls";
import { isLoopback } from "./sasl";

export type LineResult = { line: string } | { tooLong: true } | null;

/** Takes bytes from the input; returns how many it consumed and whether it is finished. */
export type ByteConsumer = (chunk: Buffer) => { used: number; done: boolean };

const PAUSE_ABOVE = 1024 * 1024;
/** Replies queued for a client that doesn't read: past this, stop reading its commands. */
const MAX_UNSENT = 256 * 1024;

export class Connection {
  socket: net.Socket;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localPort: number;
  secure: boolean;
  closed = false;

  private buffer: Buffer = Buffer.alloc(0);
  private ended = false;
  private wake: (() => void) | null = null;
  private corked = false;
  private discardingLongLine = false;
  private idleTimer: NodeJS.Timeout | null = null;
  private idleMs = 0;
  private onIdle: (() => void) | null = null;

  constructor(socket: net.Socket, secure: boolean) {
    this.socket = socket;
    this.remoteAddress = (socket.remoteAddress ?? "").replace(/^::ffff:/, "");
    this.remotePort = socket.remotePort ?? 0;
    this.localPort = socket.localPort ?? 0;
    this.secure = secure;
    this.attach(socket);
  }

  get loopback(): boolean {
    return isLoopback(this.remoteAddress);
  }

  private attach(socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on("data", this.onData);
    socket.on("end", this.onEnd);
    socket.on("close", this.onClose);
    socket.on("error", this.onClose);
  }

  private detach(socket: net.Socket) {
    socket.off("data", this.onData);
    socket.off("end", this.onEnd);
    socket.off("close", this.onClose);
    socket.off("error", this.onClose);
  }

  private onData = (chunk: Buffer) => {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    if (this.buffer.length > PAUSE_ABOVE) this.socket.pause();
    this.touch();
    this.notify();
  };

  private onEnd = () => {
    this.ended = true;
    this.notify();
  };

  private onClose = () => {
    this.ended = true;
    this.closed = true;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.notify();
  };

  private notify() {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  /** Waits for more input; false when the peer is gone. Output is flushed first. */
  private async more(): Promise<boolean> {
    if (this.ended) return false;
    this.flush();
    if (this.socket.isPaused()) this.socket.resume();
    await new Promise<void>((resolve) => (this.wake = resolve));
    return true;
  }

  private take(n: number): Buffer {
    const head = this.buffer.subarray(0, n);
    this.buffer = this.buffer.subarray(n);
    return head;
  }

  /** Calls back after ms without input (the protocol answers and closes). */
  setIdleTimeout(ms: number, onIdle: () => void) {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    this.idleMs = ms;
    this.onIdle = onIdle;
    this.touch();
  }

  private touch() {
    if (!this.idleMs || this.closed) return;
    if (this.idleTimer) {
      this.idleTimer.refresh();
      return;
    }
    this.idleTimer = setTimeout(() => this.onIdle?.(), this.idleMs);
    this.idleTimer.unref();
  }

  /** True when a complete line is already waiting (pipelined input). */
  hasBufferedLine(): boolean {
    return this.buffer.includes(10);
  }

  /**
   * The next line without its CRLF (or bare LF), decoded as UTF-8. A line longer than
   * maxLength is skipped up to its end and reported as tooLong, so one huge line costs
   * no memory. null when the connection is gone.
   */
  async readLine(maxLength: number): Promise<LineResult> {
    await this.drained();
    for (;;) {
      const lf = this.buffer.indexOf(10);
      if (this.discardingLongLine) {
        if (lf === -1) {
          this.buffer = Buffer.alloc(0);
        } else {
          this.take(lf + 1);
          this.discardingLongLine = false;
          return { tooLong: true };
        }
      } else if (lf !== -1) {
        const contentLength = lf > 0 && this.buffer[lf - 1] === 13 ? lf - 1 : lf;
        if (contentLength > maxLength) {
          this.take(lf + 1);
          return { tooLong: true };
        }
        const raw = this.take(lf + 1);
        const end = raw.length >= 2 && raw[raw.length - 2] === 13 ? raw.length - 2 : raw.length - 1;
        return { line: raw.toString("utf8", 0, end) };
      } else if (this.buffer.length > maxLength + 1) {
        this.discardingLongLine = true;
        this.buffer = Buffer.alloc(0);
      }
      if (!(await this.more())) return null;
    }
  }

  /**
   * Waits while the client has not read what was written to it, so that a client that
   * pipelines commands and never reads its replies can't make us hold them all.
   */
  async drained(): Promise<void> {
    if (this.socket.writableLength <= MAX_UNSENT || this.closed) return;
    this.flush();
    await new Promise<void>((resolve) => {
      const done = () => {
        this.socket.off("drain", done);
        this.socket.off("close", done);
        resolve();
      };
      this.socket.on("drain", done);
      this.socket.on("close", done);
    });
  }

  /** Feeds input to the consumer until it is done; false if the connection ended first. */
  async consume(consumer: ByteConsumer): Promise<boolean> {
    for (;;) {
      if (this.buffer.length) {
        const { used, done } = consumer(this.buffer);
        this.take(used);
        if (done) return true;
      }
      if (!(await this.more())) return false;
    }
  }

  /** Exactly n bytes to the sink in pieces (BDAT chunks, literals); false if the peer left. */
  async readExact(n: number, sink: (piece: Buffer) => void): Promise<boolean> {
    let left = n;
    if (left === 0) return true;
    return this.consume((chunk) => {
      const used = Math.min(left, chunk.length);
      sink(chunk.subarray(0, used));
      left -= used;
      return { used, done: left === 0 };
    });
  }

  write(data: string | Buffer) {
    if (this.closed) return;
    if (!this.corked) {
      this.socket.cork();
      this.corked = true;
      // Whatever a handler writes in this turn goes out in one segment.
      queueMicrotask(() => this.flush());
    }
    this.socket.write(data);
  }

  flush() {
    if (this.corked) {
      this.corked = false;
      this.socket.uncork();
    }
  }

  /**
   * Upgrades to TLS in place. Input that arrived before the handshake is discarded: a
   * command pipelined after STARTTLS in plain text must never run (CVE-2011-0411).
   */
  async startTls(context: tls.SecureContext): Promise<boolean> {
    this.flush();
    this.buffer = Buffer.alloc(0);
    this.detach(this.socket);
    const plain = this.socket;
    const secure = new tls.TLSSocket(plain, { isServer: true, secureContext: context });
    this.socket = secure;
    this.attach(secure);
    const ok = await new Promise<boolean>((resolve) => {
      secure.once("secure", () => resolve(true));
      secure.once("error", () => resolve(false));
      secure.once("close", () => resolve(false));
    });
    // Anything decrypted before the handshake finished belongs to no one; start clean.
    this.buffer = Buffer.alloc(0);
    if (ok) this.secure = true;
    return ok;
  }

  get tlsProtocol(): string | null {
    return this.socket instanceof tls.TLSSocket ? this.socket.getProtocol() : null;
  }

  get tlsCipher(): string | null {
    return this.socket instanceof tls.TLSSocket ? (this.socket.getCipher()?.name ?? null) : null;
  }

  /** Sends what is pending, then closes. */
  close() {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 2000).unref();
  }

  destroy() {
    this.closed = true;
    this.socket.destroy();
  }
}
