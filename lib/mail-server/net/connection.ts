// One client connection as the protocol sessions see it: lines with a length limit, exact
// byte counts (BDAT, IMAP literals), streamed consumers (SMTP DATA), STARTTLS, DEFLATE
// compression (IMAP COMPRESS), idle timeouts, output corked while pipelined input is still
// being answered, and a bound on output a client leaves unread.
import net from "node:net";
import tls from "node:tls";
import { isLoopback } from "./sasl";
import { DeflateLayer } from "./deflate";
import { GatheredOutput } from "./gathered-output";

export type LineResult = { line: string } | { tooLong: true } | null;

/** Takes bytes from the input; returns how many it consumed and whether it is finished. */
export type ByteConsumer = (chunk: Buffer) => { used: number; done: boolean };

const PAUSE_ABOVE = 1024 * 1024;
/**
 * Corked output past this goes out without waiting for the burst's end: small replies still
 * share a segment, while a client fetching large messages starts on the first one while the
 * next are read, instead of waiting for the whole burst.
 */
const FLUSH_ABOVE = 64 * 1024;
/** Replies queued for a client that doesn't read: past this, stop reading its commands. */
const MAX_UNSENT = 256 * 1024;

/**
 * Timings of every connection, in one place so that tests (which run the server in their own
 * process) can shorten them; the server itself never changes them.
 */
export const connectionTimings = {
  /**
   * A client that has stopped reading: once output is over MAX_UNSENT and none of it has gone
   * out for this long, the connection is dropped rather than held (with its session) forever.
   */
  sendStallMs: 5 * 60_000,
};

export class Connection {
  socket: net.Socket;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localPort: number;
  secure: boolean;
  closed = false;

  private held: Buffer = Buffer.alloc(0);
  /**
   * Chunks received since the protocol last looked, joined once when it does: joined at every
   * chunk, a long line arriving in 16 KB pieces was copied again with each (a 1 MB line, 32 MB
   * of copies; an inflating deflate bomb, far more).
   */
  private arrived: Buffer[] = [];
  private arrivedBytes = 0;
  private ended = false;
  private wake: (() => void) | null = null;
  private corked = false;
  /** Output written since the last flush, handed on as one write (GatheredOutput). */
  private readonly gathered = new GatheredOutput();
  private discardingLongLine = false;
  private idleTimer: NodeJS.Timeout | null = null;
  private idleMs = 0;
  private onIdle: (() => void) | null = null;
  /** Set once COMPRESS is on: everything read is inflated, everything written deflated. */
  private compression: DeflateLayer | null = null;
  /** Input paused because the buffer is full (as opposed to the inflater being backed up). */
  private inputPaused = false;
  /** The socket is paused until the inflater has taken what it was given. */
  private inflaterBehind = false;

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

  /** DEFLATE compression is active in both directions. */
  get compressed(): boolean {
    return this.compression !== null;
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

  /** Bytes off the socket: the input itself, or compressed input to inflate first. */
  private onData = (chunk: Buffer) => {
    this.touch();
    const compression = this.compression;
    if (!compression) return this.receive(chunk);
    if (!compression.receive(chunk) && !this.inflaterBehind) {
      // The inflater holds what it can't hand over: stop reading until it catches up.
      this.inflaterBehind = true;
      this.socket.pause();
      compression.onInputDrain(() => {
        this.inflaterBehind = false;
        if (!this.inputPaused && !this.closed) this.socket.resume();
      });
    }
  };

  /** Input received and not yet taken by the protocol. */
  private get buffer(): Buffer {
    if (this.arrived.length) {
      this.held = this.held.length || this.arrived.length > 1 ? Buffer.concat([this.held, ...this.arrived]) : this.arrived[0];
      this.arrived = [];
      this.arrivedBytes = 0;
    }
    return this.held;
  }

  private set buffer(value: Buffer) {
    this.held = value;
    this.arrived = [];
    this.arrivedBytes = 0;
  }

  /** Input for the protocol. Past PAUSE_ABOVE nothing more is read until the protocol takes some. */
  private receive = (chunk: Buffer) => {
    this.arrived.push(chunk);
    this.arrivedBytes += chunk.length;
    if (this.held.length + this.arrivedBytes > PAUSE_ABOVE) this.pauseInput();
    this.notify();
  };

  private pauseInput() {
    this.inputPaused = true;
    this.socket.pause();
    // Inflated bytes may outnumber what came off the socket a thousand to one: stop those too.
    this.compression?.pauseInput();
  }

  private resumeInput() {
    if (!this.inputPaused) return;
    this.inputPaused = false;
    this.compression?.resumeInput();
    if (!this.inflaterBehind) this.socket.resume();
  }

  private onEnd = () => {
    this.ended = true;
    this.notify();
  };

  private onClose = () => {
    this.ended = true;
    this.closed = true;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.compression?.destroy();
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
    this.resumeInput();
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

  /** Output written and not yet handed to the kernel, compressed or not. */
  get unsent(): number {
    return this.socket.writableLength + this.gathered.size + (this.compression?.pendingOutput ?? 0);
  }

  /**
   * Waits while the client has not read what was written to it, so that a client that
   * pipelines commands, or FETCHes a whole mailbox, and never reads its replies can't make us
   * hold them all. A client that reads nothing for sendStallMs is dropped.
   */
  async drained(): Promise<void> {
    if (this.unsent <= MAX_UNSENT || this.closed) return;
    this.flush();
    let before = this.unsent;
    while (!this.closed && this.unsent > MAX_UNSENT) {
      const progressed = await this.outputProgress(connectionTimings.sendStallMs);
      if (progressed) continue;
      const now = this.unsent;
      if (now >= before) {
        this.destroy();
        return;
      }
      before = now;
    }
  }

  /** Resolves true when output drained (socket or deflater) or the connection closed, false after ms. */
  private outputProgress(ms: number): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const socket = this.socket;
      const done = (progressed: boolean) => {
        clearTimeout(timer);
        socket.off("drain", onEvent);
        socket.off("close", onEvent);
        stopDeflateWait?.();
        resolve(progressed);
      };
      const onEvent = () => done(true);
      const timer = setTimeout(() => done(false), ms);
      socket.on("drain", onEvent);
      socket.on("close", onEvent);
      const stopDeflateWait = this.compression?.onOutputDrain(onEvent);
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
    if (!this.compression && !this.corked) {
      this.socket.cork();
      this.corked = true;
      // Whatever the session writes until it next waits for I/O goes out in one segment: the
      // answers to a whole burst of pipelined commands (POP3 RETRs, SMTP PIPELINING) share one
      // writev(2). Waiting for input flushes at once (more()); FLUSH_ABOVE bounds a long burst.
      setImmediate(() => this.flush());
    }
    if (!this.gathered.add(data)) {
      this.sendGathered();
      this.send(data);
    }
    if (this.unsent <= FLUSH_ABOVE) return;
    // With compression, output goes out as the deflater fills blocks; flush() ends a burst.
    if (this.compression) this.sendGathered();
    else this.flush();
  }

  private send(data: string | Buffer) {
    if (this.compression) this.compression.send(data);
    else this.socket.write(data);
  }

  /** What was gathered since the last flush, as one write. */
  private sendGathered() {
    const gathered = this.gathered.take();
    if (gathered) this.send(gathered);
  }

  /** Sends what was written: uncorks, and with compression makes it decodable (sync flush). */
  flush() {
    this.sendGathered();
    if (this.corked) {
      this.corked = false;
      this.socket.uncork();
    }
    this.compression?.flush();
  }

  /**
   * Turns on DEFLATE (RFC 1951, raw) in both directions, inside TLS when TLS is on. Whatever
   * was written before goes out uncompressed first (IMAP's tagged OK to COMPRESS). Input
   * already received is compressed data and is inflated like the rest. Inflated input goes
   * to the same buffer with the same limits as plain input, so a small compressed stream
   * that inflates to gigabytes costs no more than gigabytes sent in the clear.
   */
  startCompression() {
    if (this.compression) throw new Error("compression is already active");
    this.flush();
    const compression = new DeflateLayer({
      output: (chunk) => {
        if (!this.socket.destroyed) this.socket.write(chunk);
      },
      input: this.receive,
      failed: () => this.destroy(),
      inputEnded: this.onEnd,
    });
    this.compression = compression;
    const early = this.buffer;
    this.buffer = Buffer.alloc(0);
    if (this.inputPaused) compression.pauseInput();
    if (early.length) this.onData(early);
  }

  /**
   * Upgrades to TLS in place. Input that arrived before the handshake is discarded: a
   * command pipelined after STARTTLS in plain text must never run (CVE-2011-0411).
   */
  async startTls(context: tls.SecureContext): Promise<boolean> {
    this.flush();
    this.buffer = Buffer.alloc(0);
    // What filled the buffer is gone, and the TLS socket starts out reading.
    this.inputPaused = false;
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
    const socket = this.socket;
    if (this.compression) this.compression.end(() => socket.end());
    else socket.end();
    setTimeout(() => socket.destroy(), 2000).unref();
  }

  destroy() {
    this.closed = true;
    this.compression?.destroy();
    this.socket.destroy();
  }
}
