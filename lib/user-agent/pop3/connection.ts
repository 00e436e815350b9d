// One POP3 connection to an external account, through the node-pop3 package. node-pop3 frames the
// protocol; this wrapper adds what a background fetcher needs and the package lacks:
// - STLS (RFC 2595): the package speaks plain or implicit TLS only, so after "STLS" its socket is
//   wrapped in TLS here and its data handler moved onto the TLS socket;
// - failures that end a command: the package leaves a command pending forever when the socket closes
//   or goes quiet, so every command races an idle timer and the socket's close;
// - RETR as bytes: the package decodes messages as UTF-8 (8-bit mail would be damaged) and does not
//   remove the dot-stuffing, so the raw stream is read here, bounded by the size limit;
// - failures in words: each one becomes a FetchError with a code the page translates.
import "server-only";
import { isIP, type Socket } from "node:net";
import { connect as tlsConnect, type TLSSocket } from "node:tls";
import Pop3Command from "node-pop3";
import { isLoopbackHost } from "@/lib/user-agent/imap/endpoint";

export const TLS_MODES = ["implicit", "starttls", "none"] as const;
export type TlsMode = (typeof TLS_MODES)[number];

/**
 * Why a fetch failed. auth: the external server refused the user name or password; unreachable: no
 * connection (refused, unknown host, dropped); tls: the TLS handshake or certificate failed; timeout:
 * the server went quiet; protocol: it answered something else than POP3 allows; sealed: a saved
 * password can no longer be read (the server secret changed); owner-auth: the user's own mail server
 * refused their saved password; append: it refused the message (folder missing, quota); imap: the
 * user's own mail server could not be reached.
 */
export const FETCH_ERROR_CODES = ["auth", "unreachable", "tls", "timeout", "protocol", "sealed", "owner-auth", "append", "imap"] as const;
export type FetchErrorCode = (typeof FETCH_ERROR_CODES)[number];

export class FetchError extends Error {
  constructor(
    readonly code: FetchErrorCode,
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}

export interface Pop3Target {
  host: string;
  port: number;
  tls: TlsMode;
  user: string;
  password: string;
}

const UNREACHABLE = new Set(["ECONNREFUSED", "ECONNRESET", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN", "EPIPE", "ETIMEDOUT"]);

type PackageError = Error & { code?: string; eventName?: string; command?: string };

function classify(error: unknown): FetchError {
  if (error instanceof FetchError) return error;
  const failure: PackageError = error instanceof Error ? error : new Error(String(error));
  const code = failure.code ?? "";
  if (UNREACHABLE.has(code)) return new FetchError("unreachable", failure.message);
  if (code.startsWith("ERR_TLS") || code.startsWith("ERR_SSL") || code === "EPROTO" || /CERT|SELF_SIGNED|SIGNATURE/.test(code)) {
    return new FetchError("tls", failure.message);
  }
  if (failure.eventName === "timeout") return new FetchError("timeout", "the server did not answer");
  if (failure.eventName === "close" || failure.eventName === "end") return new FetchError("unreachable", "the server closed the connection");
  // An -ERR answer: the package names the command (the password masked).
  if (failure.eventName === "error" && /^(USER|PASS)\b/.test(failure.command ?? "")) return new FetchError("auth", failure.message);
  return new FetchError("protocol", failure.message);
}

const TERMINATOR = Buffer.from("\r\n.\r\n");

/**
 * Removes the dot-stuffing of a multi-line answer (RFC 1939 §3) and makes it end with CRLF. A whole
 * terminator at the end (left there when it came split across reads) goes too: a stuffed body has none.
 */
export function unstuff(answer: Buffer): Buffer {
  const body = answer.subarray(-5).equals(TERMINATOR) ? answer.subarray(0, -3) : answer;
  const parts: Buffer[] = [];
  let start = body[0] === 0x2e ? 1 : 0;
  for (let dot = body.indexOf("\r\n.", start); dot !== -1; dot = body.indexOf("\r\n.", start)) {
    parts.push(body.subarray(start, dot + 2));
    start = dot + 3;
  }
  parts.push(body.subarray(start));
  // The package strips the terminator with or without the CRLF before it, depending on how it arrived.
  if (!body.subarray(-2).equals(Buffer.from("\r\n"))) parts.push(Buffer.from("\r\n"));
  return Buffer.concat(parts);
}

export interface ConnectionLimits {
  /** A connection quiet for this long is given up. */
  idleTimeoutMs: number;
}

export class Pop3Connection {
  private idleTimer: NodeJS.Timeout | null = null;
  private failed: FetchError | null = null;
  private failListeners = new Set<(error: FetchError) => void>();

  private constructor(
    private readonly client: Pop3Command,
    private readonly limits: ConnectionLimits,
  ) {
    // The package emits "error" for any -ERR; with no listener between commands, Node would throw.
    client.on("error", () => undefined);
  }

  /** Connects as the target says (TLS, STLS or plain on loopback) and logs in. */
  static async open(target: Pop3Target, limits: ConnectionLimits): Promise<Pop3Connection> {
    const loopback = isLoopbackHost(target.host);
    if (target.tls === "none" && !loopback) throw new FetchError("tls", "a connection without TLS is allowed only to this machine");
    // Our own bundled server's self-signed certificate is accepted, but only over loopback.
    const tlsOptions = { rejectUnauthorized: !loopback, minVersion: "TLSv1.2" as const };
    const client = new Pop3Command({
      host: target.host,
      port: target.port,
      tls: target.tls === "implicit",
      user: target.user,
      password: target.password,
      tlsOptions,
      // Beyond ours, so that ours names the failure; the package's own only ends the socket.
      timeout: limits.idleTimeoutMs + 5_000,
    });
    const connection = new Pop3Connection(client, limits);
    try {
      const greeting = client.connect();
      connection.watch();
      await connection.run(greeting);
      if (target.tls === "starttls") await connection.startTls(target.host, tlsOptions);
      await connection.run(client.command("USER", target.user));
      await connection.run(client.command("PASS", target.password));
      return connection;
    } catch (error) {
      connection.destroy();
      throw error;
    }
  }

  private socket(): Socket | TLSSocket {
    const socket = this.client._socket;
    if (!socket) throw this.failed ?? new FetchError("unreachable", "the server closed the connection");
    return socket;
  }

  private watch() {
    const socket = this.socket();
    // After the package's own handler (added before this one): it finds a multi-line answer's end only
    // within one read, so a terminator split across two reads ("…\r\n." then "\r\n") would leave the
    // command waiting forever. Its bytes went into the answer; retrieve() and the listings drop them.
    let tail = Buffer.alloc(0);
    socket.on("data", (chunk: Buffer) => {
      this.touch();
      const seen = Buffer.concat([tail, chunk]);
      if (this.client._stream && seen.subarray(-5).equals(TERMINATOR)) this.client._endStream();
      tail = Buffer.from(seen.subarray(-4));
    });
    socket.on("error", () => undefined);
    socket.once("close", () => this.fail(new FetchError("unreachable", "the server closed the connection")));
  }

  private touch() {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      this.fail(new FetchError("timeout", `no answer for ${Math.round(this.limits.idleTimeoutMs / 1000)} s`));
      this.destroy();
    }, this.limits.idleTimeoutMs);
    this.idleTimer.unref();
  }

  private fail(error: FetchError) {
    this.failed ??= error;
    for (const listener of this.failListeners) listener(this.failed);
  }

  /** The work, or the failure that ended the connection first (close, quiet, destroy). */
  private async run<T>(work: Promise<T>): Promise<T> {
    if (this.failed) throw this.failed;
    this.touch();
    let listener: ((error: FetchError) => void) | undefined;
    const failure = new Promise<never>((_, reject) => {
      listener = reject;
      this.failListeners.add(reject);
    });
    try {
      return await Promise.race([work, failure]);
    } catch (error) {
      throw classify(error);
    } finally {
      if (listener) this.failListeners.delete(listener);
    }
  }

  private async startTls(servername: string, options: { rejectUnauthorized: boolean; minVersion: "TLSv1.2" }) {
    await this.run(this.client.command("STLS"));
    const plain = this.socket();
    const handlers = plain.listeners("data") as ((chunk: Buffer) => void)[];
    for (const handler of handlers) plain.removeListener("data", handler);
    // SNI takes names only (RFC 6066).
    const secure = tlsConnect({ socket: plain, servername: isIP(servername) ? undefined : servername, ...options });
    secure.on("error", (error) => this.client.emit("error", error));
    await this.run(
      new Promise<void>((resolve, reject) => {
        secure.once("secureConnect", resolve);
        secure.once("error", reject);
      }),
    );
    for (const handler of handlers) secure.on("data", handler);
    this.client._socket = secure;
  }

  /** UIDL of every message: its number in this session and its unique id. */
  async uidl(): Promise<{ number: number; uidl: string }[]> {
    const rows = (await this.run(this.client.UIDL())) as string[][];
    return rows.filter((row) => row.length >= 2 && /^\d+$/.test(row[0])).map((row) => ({ number: Number(row[0]), uidl: row[1] }));
  }

  /** LIST: each message's size in octets by its number. */
  async sizes(): Promise<Map<number, number>> {
    const rows = (await this.run(this.client.LIST())) as string[][];
    return new Map(rows.filter((row) => row.length >= 2 && /^\d+$/.test(row[0])).map((row) => [Number(row[0]), Number(row[1])]));
  }

  /**
   * RETR: the message as stored, byte for byte; null when it is over maxBytes after all (its LIST size
   * said otherwise): then the rest is read and dropped, so the session can go on to the next message.
   */
  async retrieve(number: number, maxBytes: number): Promise<Buffer | null> {
    const [, stream] = await this.run(this.client.command("RETR", number));
    const chunks: Buffer[] = [];
    let size = 0;
    await this.run(
      new Promise<void>((resolve, reject) => {
        stream.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size <= maxBytes) chunks.push(chunk);
          else chunks.length = 0;
        });
        stream.once("end", resolve);
        stream.once("error", reject);
      }),
    );
    return size > maxBytes ? null : unstuff(Buffer.concat(chunks));
  }

  async delete(number: number): Promise<void> {
    await this.run(this.client.command("DELE", number));
  }

  /** QUIT: the server now removes the messages marked with DELE (RFC 1939 UPDATE state). */
  async quit(): Promise<void> {
    await this.run(this.client.command("QUIT"));
    this.destroy();
  }

  destroy() {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    this.fail(new FetchError("unreachable", "the connection was closed"));
    this.client._socket?.destroy();
  }
}
