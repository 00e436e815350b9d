/**
 * The smallest IMAP client that times commands honestly: it writes a command and stops the
 * clock when the tagged status line has arrived, every byte before it read (literals skipped
 * by their announced length, never searched for the tag). Responses are scanned once as they
 * arrive, so a 100,000-line FETCH costs the client little and both servers the same.
 *
 * Not a library client on purpose: imapflow parses and queues, and its costs would blur the
 * servers' difference.
 */
import { createConnection, type Socket } from "node:net";

export interface Response {
  /** Milliseconds from writing the command to the end of the tagged status line. */
  ms: number;
  /** "OK", "NO" or "BAD". */
  status: string;
  /** The tagged line, without the tag and CRLF. */
  text: string;
  /** Every byte up to and including the tagged line. */
  bytes: number;
  /** Untagged lines ("* …"), counted; their text is kept only when asked for. */
  untagged: number;
  lines?: string[];
}

const LF = 10;
const CLOSE_BRACE = 0x7d;
const CR = 13;

interface Waiter {
  /** A tag's "tN " prefix, or what else ends the wait: the greeting's first line, or a continuation request. */
  tag: Buffer | "greeting" | "continuation";
  keepLines: boolean;
  start: number;
  bytes: number;
  untagged: number;
  lines: string[];
  resolve: (response: Response) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export class ImapClient {
  private partial: Buffer[] = [];
  private literalLeft = 0;
  private waiter: Waiter | null = null;
  private counter = 0;
  private closed: Error | null = null;

  private constructor(private readonly socket: Socket) {
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("error", (error) => this.fail(error));
    socket.on("close", () => this.fail(new Error("connection closed by the server")));
  }

  /** Connects and reads the greeting. */
  static async connect(port: number, timeoutMs = 60_000): Promise<ImapClient> {
    const socket = createConnection({ port, host: "127.0.0.1", noDelay: true });
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    const client = new ImapClient(socket);
    await client.wait("greeting", false, timeoutMs);
    return client;
  }

  private fail(error: Error) {
    this.closed ??= error;
    const waiter = this.waiter;
    if (waiter) {
      this.waiter = null;
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
  }

  private onData(chunk: Buffer) {
    const waiter = this.waiter;
    if (waiter) waiter.bytes += chunk.length;
    let at = 0;
    while (at < chunk.length) {
      if (this.literalLeft > 0) {
        const n = Math.min(this.literalLeft, chunk.length - at);
        this.literalLeft -= n;
        at += n;
        continue;
      }
      const lf = chunk.indexOf(LF, at);
      if (lf === -1) {
        this.partial.push(chunk.subarray(at));
        return;
      }
      const piece = chunk.subarray(at, lf + 1);
      const line = this.partial.length ? Buffer.concat([...this.partial, piece]) : piece;
      this.partial = [];
      at = lf + 1;
      this.onLine(line);
    }
  }

  private onLine(line: Buffer) {
    // A literal announced at the end of the line: its bytes follow and are not lines.
    if (line.length >= 4 && line[line.length - 3] === CLOSE_BRACE && line[line.length - 2] === CR) {
      const open = line.lastIndexOf("{");
      if (open !== -1) this.literalLeft = Number(line.toString("latin1", open + 1, line.length - 3).replace("+", ""));
    }
    const waiter = this.waiter;
    if (!waiter) return;
    const untagged = line[0] === 0x2a && line[1] === 0x20;
    const tag = waiter.tag;
    const done = tag === "greeting" ? true : tag === "continuation" ? line[0] === 0x2b : !untagged && line.subarray(0, tag.length).equals(tag);
    if (!done && untagged) {
      waiter.untagged++;
      if (waiter.keepLines) waiter.lines.push(line.toString("utf8"));
      return;
    }
    if (!done) {
      if (waiter.keepLines) waiter.lines.push(line.toString("utf8"));
      return;
    }
    const ms = performance.now() - waiter.start;
    this.waiter = null;
    clearTimeout(waiter.timer);
    const text = line.toString("utf8", Buffer.isBuffer(tag) ? tag.length : 0).replace(/\r?\n$/, "");
    const status = Buffer.isBuffer(tag) ? (text.split(" ")[0] ?? "") : tag === "continuation" ? "+" : "OK";
    waiter.resolve({ ms, status, text, bytes: waiter.bytes, untagged: waiter.untagged, lines: waiter.keepLines ? waiter.lines : undefined });
  }

  private wait(tag: string | "greeting" | "continuation", keepLines: boolean, timeoutMs: number): Promise<Response> {
    if (this.closed) return Promise.reject(this.closed);
    if (this.waiter) return Promise.reject(new Error("one command at a time"));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.fail(new Error(`IMAP: no answer (${tag}) within ${timeoutMs} ms`)), timeoutMs);
      this.waiter = { tag: tag === "greeting" || tag === "continuation" ? tag : Buffer.from(`${tag} `), keepLines, start: performance.now(), bytes: 0, untagged: 0, lines: [], resolve, reject, timer };
    });
  }

  /** Sends one command (text after the tag) and resolves with the tagged response. */
  command(text: string, options: { keepLines?: boolean; timeoutMs?: number } = {}): Promise<Response> {
    const tag = `b${++this.counter}`;
    const response = this.wait(tag, options.keepLines ?? false, options.timeoutMs ?? 600_000);
    this.socket.write(`${tag} ${text}\r\n`);
    return response;
  }

  /** Sends IDLE and resolves at the server's "+" (the session is then idling). */
  async idle(timeoutMs = 60_000): Promise<() => Promise<Response>> {
    const tag = `b${++this.counter}`;
    const started = this.wait("continuation", false, timeoutMs);
    this.socket.write(`${tag} IDLE\r\n`);
    const answer = await started;
    if (answer.status !== "+") throw new Error(`IDLE refused: ${answer.text}`);
    return () => {
      const done = this.wait(tag, false, timeoutMs);
      this.socket.write("DONE\r\n");
      return done;
    };
  }

  async login(user: string, password: string): Promise<void> {
    const quote = (s: string) => `"${s.replace(/["\\]/g, "\\$&")}"`;
    const answer = await this.command(`LOGIN ${quote(user)} ${quote(password)}`, { timeoutMs: 300_000 });
    if (answer.status !== "OK") throw new Error(`LOGIN failed: ${answer.text}`);
  }

  close(): void {
    this.closed ??= new Error("closed");
    this.socket.destroy();
  }
}
