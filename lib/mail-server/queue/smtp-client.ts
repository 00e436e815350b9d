// The outbound SMTP client: one transaction with one remote server (RFC 5321 §3, §4.5.3.2
// timeouts), using what the server offers: EHLO (HELO when EHLO is refused), STARTTLS
// (opportunistic, whatever the certificate, RFC 7435), AUTH for a smarthost, PIPELINING (RFC 2920),
// SIZE (RFC 1870), 8BITMIME, BINARYMIME and CHUNKING (RFC 6152, RFC 3030), SMTPUTF8
// (RFC 6531), DSN (RFC 3461). nodemailer's SMTPConnection was the first choice, but an MTA
// needs what it lacks: per-recipient NOTIFY and ORCPT, PIPELINING, BDAT, and the remote's
// answer for each recipient kept apart.
import net from "node:net";
import tls from "node:tls";
import { encodeXtext } from "../smtp/protocol";

export type BodyType = "7BIT" | "8BITMIME" | "BINARYMIME";

export interface OutboundRecipient {
  address: string;
  /** RFC 3461 NOTIFY values, empty when the submitter gave none. */
  notify: string[];
  /** "rfc822;addr" or "". */
  orcpt: string;
}

export interface SmtpTransactionRequest {
  host: string;
  port: number;
  /** Our name in EHLO/HELO. */
  heloName: string;
  sender: string;
  recipients: OutboundRecipient[];
  message: Buffer;
  body: BodyType;
  smtputf8: boolean;
  envid: string;
  ret: string;
  /** "opportunistic": STARTTLS when offered; "none": never (after a failed handshake). */
  tls: "opportunistic" | "none";
  auth?: { user: string; password: string };
  timeouts: SmtpTimeouts;
}

/** RFC 5321 §4.5.3.2, in milliseconds. */
export interface SmtpTimeouts {
  connect: number;
  greeting: number;
  command: number;
  dataInit: number;
  /** For the message itself: the end of data and BDAT's answer. */
  dataTermination: number;
}

export const RFC5321_TIMEOUTS: SmtpTimeouts = {
  connect: 60_000,
  greeting: 5 * 60_000,
  command: 5 * 60_000,
  dataInit: 2 * 60_000,
  dataTermination: 10 * 60_000,
};

export interface SmtpReply {
  code: number;
  /** Enhanced status code (RFC 3463) when the server gave one. */
  enhanced: string | null;
  text: string;
}

export const formatReply = (reply: SmtpReply) => `${reply.code}${reply.enhanced ? ` ${reply.enhanced}` : ""} ${reply.text}`.trim();

/** What one recipient's delivery came to in this transaction. */
export interface RecipientOutcome {
  address: string;
  outcome: "delivered" | "temporary" | "permanent";
  reply: SmtpReply;
  /** The server does not speak DSN: a SUCCESS notice must say "relayed" (RFC 3461 §4.2). */
  relayed: boolean;
}

/**
 * A failure of the whole transaction before any recipient had its answer. `temporary`
 * decides between retrying (another MX, later) and bouncing; `beforeGreeting` lets the
 * caller try the next host; `tlsFailed` asks for a retry of the same host without TLS.
 */
export class SmtpTransactionError extends Error {
  constructor(
    message: string,
    readonly temporary: boolean,
    readonly reply: SmtpReply,
    readonly options: { tlsFailed?: boolean; hostLevel?: boolean } = {},
  ) {
    super(message);
  }
}

const MAX_REPLY_LINES = 100;
const MAX_LINE = 4096;
/** Replies nobody asked for yet; pipelining needs one per command sent, a flood is hostile. */
const MAX_QUEUED_REPLIES = 10_000;

const ignoreError = () => undefined;

/** A socket read as SMTP replies, each awaited with its own timeout. */
class ReplyReader {
  private buffer = "";
  private replies: SmtpReply[] = [];
  private waiting: { resolve: (reply: SmtpReply) => void; reject: (error: Error) => void; timer: NodeJS.Timeout } | null = null;
  private failure: Error | null = null;
  private lines: string[] = [];
  private readonly onChunk = (chunk: string) => this.onData(chunk);
  private readonly onError = (error: Error) =>
    this.fail(new SmtpTransactionError(`${this.host}: ${error.message}`, true, local(`connection error: ${error.message}`), { hostLevel: true }));
  private readonly onClose = () => this.fail(new SmtpTransactionError(`${this.host} closed the connection`, true, local("connection closed by the remote server"), { hostLevel: true }));

  constructor(
    private socket: net.Socket,
    private readonly host: string,
  ) {
    this.attach(socket);
  }

  /**
   * Reads replies from this socket. Anything read before (on the clear-text socket STARTTLS
   * replaced) is dropped: replies injected ahead of the TLS handshake must not be taken as
   * answers given over TLS (RFC 3207 §4.2, CVE-2011-0411 style injection).
   */
  attach(socket: net.Socket) {
    this.socket = socket;
    this.buffer = "";
    this.lines = [];
    this.replies = [];
    socket.setEncoding("latin1");
    socket.on("data", this.onChunk);
    socket.on("error", this.onError);
    socket.on("close", this.onClose);
  }

  /**
   * Stops reading this socket (TLS takes it over, or the transaction is over). An error it
   * emits later (a reset after QUIT, a failed handshake underneath TLS) must not become an
   * uncaught exception that takes the whole server down, so one listener stays to swallow it.
   */
  detach() {
    this.socket.off("data", this.onChunk);
    this.socket.off("error", this.onError);
    this.socket.off("close", this.onClose);
    if (!this.socket.listeners("error").includes(ignoreError)) this.socket.on("error", ignoreError);
  }

  private onData(chunk: string) {
    // After a failure nothing more is read: a peer that keeps sending must not fill memory.
    if (this.failure) return;
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf("\n")) >= 0) {
      const line = this.buffer.slice(0, end).replace(/\r$/, "");
      this.buffer = this.buffer.slice(end + 1);
      this.onLine(line);
    }
    if (this.buffer.length > MAX_LINE) this.fail(new SmtpTransactionError(`${this.host}: reply line too long`, true, local("garbled reply from the remote server"), { hostLevel: true }));
  }

  private onLine(line: string) {
    const match = /^([2-5]\d\d)([ -]?)(.*)$/.exec(line);
    if (!match) return this.fail(new SmtpTransactionError(`${this.host}: not an SMTP reply: ${line.slice(0, 80)}`, true, local(`garbled reply from the remote server: ${line.slice(0, 80)}`), { hostLevel: true }));
    this.lines.push(match[3]);
    if (this.lines.length > MAX_REPLY_LINES) return this.fail(new SmtpTransactionError(`${this.host}: reply too long`, true, local("garbled reply from the remote server"), { hostLevel: true }));
    if (match[2] === "-") return;
    if (this.replies.length >= MAX_QUEUED_REPLIES) return this.fail(new SmtpTransactionError(`${this.host}: replies nobody asked for`, true, local("garbled reply from the remote server"), { hostLevel: true }));
    const enhancedMatch = /^([245]\.\d{1,3}\.\d{1,3})\s+/.exec(this.lines[0]);
    const text = this.lines.map((l) => (enhancedMatch ? l.replace(/^[245]\.\d{1,3}\.\d{1,3}\s*/, "") : l)).join("\n");
    this.lines = [];
    const reply = { code: Number(match[1]), enhanced: enhancedMatch?.[1] ?? null, text };
    if (this.waiting) {
      const { resolve, timer } = this.waiting;
      clearTimeout(timer);
      this.waiting = null;
      resolve(reply);
    } else {
      this.replies.push(reply);
    }
  }

  /** Nothing went wrong and nothing unasked-for arrived: the session can carry another transaction. */
  get idleAndHealthy(): boolean {
    return !this.failure && !this.replies.length && !this.lines.length && !this.buffer && !this.waiting;
  }

  private fail(error: Error) {
    if (this.failure) return;
    this.failure = error;
    if (this.waiting) {
      clearTimeout(this.waiting.timer);
      this.waiting.reject(error);
      this.waiting = null;
    }
  }

  next(timeoutMs: number, what: string): Promise<SmtpReply> {
    const ready = this.replies.shift();
    if (ready) return Promise.resolve(ready);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = null;
        reject(new SmtpTransactionError(`${this.host}: timeout waiting for ${what}`, true, local(`timeout waiting for the remote server's answer to ${what}`), { hostLevel: true }));
      }, timeoutMs);
      this.waiting = { resolve, reject, timer };
    });
  }
}

/** An answer we make up when the remote gave none (connection trouble). */
function local(text: string): SmtpReply {
  return { code: 451, enhanced: "4.4.2", text };
}

function connect(host: string, port: number, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    socket.on("error", ignoreError);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new SmtpTransactionError(`${host}:${port}: connection timed out`, true, local(`connection to ${host}:${port} timed out`), { hostLevel: true }));
    }, timeoutMs);
    socket.once("connect", () => {
      clearTimeout(timer);
      socket.removeAllListeners("error");
      resolve(socket);
    });
    socket.once("error", (error) => {
      clearTimeout(timer);
      reject(new SmtpTransactionError(`${host}:${port}: ${error.message}`, true, local(`cannot connect to ${host}:${port}: ${(error as NodeJS.ErrnoException).code ?? error.message}`), { hostLevel: true }));
    });
  });
}

function upgradeToTls(socket: net.Socket, host: string, timeoutMs: number): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    // Opportunistic TLS: encryption against passive eavesdroppers; the certificate is not
    // checked because refusing would only send the mail in the clear instead.
    const secure = tls.connect({ socket, servername: net.isIP(host) ? undefined : host, rejectUnauthorized: false });
    // A failed handshake can report more than one error; only the first one counts.
    secure.on("error", ignoreError);
    const timer = setTimeout(() => {
      secure.destroy();
      reject(new SmtpTransactionError(`${host}: TLS handshake timed out`, true, local("TLS handshake timed out"), { tlsFailed: true }));
    }, timeoutMs);
    secure.once("secureConnect", () => {
      clearTimeout(timer);
      secure.removeAllListeners("error");
      resolve(secure);
    });
    secure.once("error", (error) => {
      clearTimeout(timer);
      reject(new SmtpTransactionError(`${host}: TLS handshake failed: ${error.message}`, true, local(`TLS handshake failed: ${error.message}`), { tlsFailed: true }));
    });
  });
}

const hasEightBit = (bytes: Buffer) => bytes.some((b) => b >= 0x80);

function ehloExtensions(reply: SmtpReply): Map<string, string> {
  const extensions = new Map<string, string>();
  for (const line of reply.text.split("\n").slice(1)) {
    const [keyword, ...rest] = line.trim().split(/\s+/);
    if (keyword) extensions.set(keyword.toUpperCase(), rest.join(" "));
  }
  return extensions;
}

/** The message with every line starting with "." doubled, and the end mark (RFC 5321 §4.5.2). */
function dotStuff(message: Buffer): Buffer {
  const text = message.toString("latin1");
  let stuffed = text.replace(/(^|\r\n)\./g, "$1..");
  if (!stuffed.endsWith("\r\n")) stuffed += "\r\n";
  return Buffer.from(`${stuffed}.\r\n`, "latin1");
}

/** A greeted session between transactions, waiting in a ConnectionCache. */
interface IdleSession {
  socket: net.Socket;
  reader: ReplyReader;
  extensions: Map<string, string>;
  timer: NodeJS.Timeout;
}

/**
 * Sessions kept open between transactions to the same server, as Postfix's connection cache
 * does on demand: when more mail for the destination is waiting, the next transaction starts
 * with MAIL FROM instead of a connection, a greeting, EHLO (and a TLS handshake). Idle ones
 * are told QUIT after idleMs.
 */
export class ConnectionCache {
  private readonly idle = new Map<string, IdleSession[]>();

  constructor(private readonly idleMs = 2000) {}

  /** Sessions differ by server and by what was negotiated on them. */
  static key(request: SmtpTransactionRequest): string {
    return `${request.host}|${request.port}|${request.tls}|${request.heloName}|${request.auth?.user ?? ""}`;
  }

  take(key: string): IdleSession | undefined {
    const list = this.idle.get(key);
    while (list?.length) {
      const session = list.pop()!;
      clearTimeout(session.timer);
      if (session.reader.idleAndHealthy && !session.socket.destroyed && session.socket.writable) return session;
      close(session);
    }
    return undefined;
  }

  put(key: string, session: Omit<IdleSession, "timer">) {
    const list = this.idle.get(key) ?? [];
    this.idle.set(key, list);
    const entry: IdleSession = {
      ...session,
      timer: setTimeout(() => {
        list.splice(list.indexOf(entry), 1);
        close(entry);
      }, this.idleMs).unref(),
    };
    list.push(entry);
  }

  /** QUIT to every idle session (the queue stops). */
  closeAll() {
    for (const list of this.idle.values()) {
      for (const session of list.splice(0)) {
        clearTimeout(session.timer);
        close(session);
      }
    }
  }
}

function close(session: { socket: net.Socket; reader: ReplyReader }) {
  session.reader.detach();
  if (!session.socket.writableEnded && !session.socket.destroyed) session.socket.end("QUIT\r\n");
  setTimeout(() => session.socket.destroy(), 5000).unref();
}

/**
 * Runs one mail transaction. Resolves with each recipient's outcome when the server gave
 * answers; rejects with SmtpTransactionError when the transaction as a whole failed.
 * With `reuse`, the transaction may run on a session a previous one left open, and leaves its
 * own open there when `reuse.keep()` says more mail for this server is waiting.
 */
export async function sendTransaction(request: SmtpTransactionRequest, reuse?: { cache: ConnectionCache; keep: () => boolean }): Promise<RecipientOutcome[]> {
  const { host, port, timeouts } = request;
  const key = ConnectionCache.key(request);
  const cached = reuse?.cache.take(key);
  let socket: net.Socket = cached ? cached.socket : await connect(host, port, timeouts.connect);
  const reader = cached ? cached.reader : new ReplyReader(socket, host);
  /** The session stays open in the cache: not closed on the way out. */
  let kept = false;
  /** Past this, a failure on a reused session is no longer "the server had dropped it meanwhile". */
  let mailAnswered = false;
  const write = (text: string | Buffer) => socket.write(text);
  const expect = async (timeout: number, what: string) => reader.next(timeout, what);
  /** Gives up on a server that is still talking: it hears QUIT rather than a dropped connection. */
  const quit = () => {
    if (!socket.writableEnded) socket.end("QUIT\r\n");
  };
  const quitWith = (error: SmtpTransactionError) => {
    quit();
    return error;
  };
  const openSession = async (): Promise<Map<string, string>> => {
    const greeting = await expect(timeouts.greeting, "the greeting");
    // RFC 5321 §3.1: after a 554 greeting the client waits for nothing but its QUIT's answer.
    if (greeting.code !== 220) throw quitWith(new SmtpTransactionError(`${host} greeted with ${greeting.code}`, greeting.code < 500, greeting, { hostLevel: true }));

    const hello = async (): Promise<Map<string, string>> => {
      write(`EHLO ${request.heloName}\r\n`);
      const ehlo = await expect(timeouts.command, "EHLO");
      if (ehlo.code === 250) return ehloExtensions(ehlo);
      // 421 and the like say "not now", not "I don't know EHLO": HELO would get no further.
      if (ehlo.code < 500) throw quitWith(new SmtpTransactionError(`${host} answered EHLO with ${ehlo.code}`, true, ehlo, { hostLevel: true }));
      // A server that doesn't know EHLO (RFC 5321 §3.2) still speaks HELO.
      write(`HELO ${request.heloName}\r\n`);
      const helo = await expect(timeouts.command, "HELO");
      if (helo.code !== 250) throw quitWith(new SmtpTransactionError(`${host} refused HELO`, helo.code < 500, helo, { hostLevel: true }));
      return new Map();
    };
    let extensions = await hello();

    if (request.tls === "opportunistic" && extensions.has("STARTTLS")) {
      write("STARTTLS\r\n");
      const ready = await expect(timeouts.command, "STARTTLS");
      if (ready.code === 220) {
        reader.detach();
        socket = await upgradeToTls(socket, host, timeouts.command);
        reader.attach(socket);
        extensions = await hello();
      }
    }

    if (request.auth) {
      if (!extensions.has("AUTH")) throw quitWith(new SmtpTransactionError(`${host} offers no AUTH`, true, local("the relay host offers no authentication"), { hostLevel: true }));
      const token = Buffer.from(`\0${request.auth.user}\0${request.auth.password}`, "utf8").toString("base64");
      write(`AUTH PLAIN ${token}\r\n`);
      const auth = await expect(timeouts.command, "AUTH");
      if (auth.code !== 235) throw quitWith(new SmtpTransactionError(`${host} refused our credentials`, auth.code < 500, auth));
    }
    return extensions;
  };
  try {
    const extensions = cached ? cached.extensions : await openSession();

    // What the message needs that the server must offer; refusing here sends nothing.
    const size = Number(extensions.get("SIZE") || 0);
    if (size > 0 && request.message.length > size) {
      throw quitWith(new SmtpTransactionError(`message larger than ${host} accepts`, false, { code: 552, enhanced: "5.3.4", text: `message size ${request.message.length} exceeds the remote server's limit of ${size} bytes` }));
    }
    const binary = request.body === "BINARYMIME";
    if (binary && !(extensions.has("BINARYMIME") && extensions.has("CHUNKING"))) {
      throw quitWith(new SmtpTransactionError(`${host} lacks BINARYMIME`, false, { code: 554, enhanced: "5.6.3", text: "binary content, and the remote server does not accept BINARYMIME" }));
    }
    const eightBit = request.body === "8BITMIME" || (request.body === "7BIT" && hasEightBit(request.message));
    // RFC 6152 §3 lets a relay either convert to 7 bits or bounce; converting would rewrite a
    // message that may be signed (DKIM), so it bounces, as Postfix does with its conversion off.
    if (eightBit && !binary && !extensions.has("8BITMIME")) {
      throw quitWith(new SmtpTransactionError(`${host} lacks 8BITMIME`, false, { code: 554, enhanced: "5.6.3", text: "8-bit content, and the remote server does not accept 8BITMIME (RFC 6152)" }));
    }
    if (request.smtputf8 && !extensions.has("SMTPUTF8")) {
      throw quitWith(new SmtpTransactionError(`${host} lacks SMTPUTF8`, false, { code: 553, enhanced: "5.6.7", text: "internationalised addresses or headers, and the remote server does not accept SMTPUTF8" }));
    }
    const dsn = extensions.has("DSN");

    let mail = `MAIL FROM:<${request.sender}>`;
    if (size > 0 || extensions.has("SIZE")) mail += ` SIZE=${request.message.length}`;
    if (binary) mail += " BODY=BINARYMIME";
    else if (eightBit) mail += " BODY=8BITMIME";
    if (request.smtputf8) mail += " SMTPUTF8";
    if (dsn && request.ret) mail += ` RET=${request.ret}`;
    if (dsn && request.envid) mail += ` ENVID=${encodeXtext(request.envid)}`;
    const rcpts = request.recipients.map((r) => {
      let line = `RCPT TO:<${r.address}>`;
      if (dsn && r.notify.length) line += ` NOTIFY=${r.notify.join(",")}`;
      if (dsn && r.orcpt) {
        const semicolon = r.orcpt.indexOf(";");
        line += ` ORCPT=${r.orcpt.slice(0, semicolon)};${encodeXtext(r.orcpt.slice(semicolon + 1))}`;
      }
      return `${line}\r\n`;
    });

    const pipelining = extensions.has("PIPELINING");
    const useData = !binary && !extensions.has("CHUNKING");
    const rcptReplies: SmtpReply[] = [];
    let mailReply: SmtpReply;
    if (pipelining) {
      // RFC 2920: the envelope (and DATA) in one write, the replies read in order.
      write(`${mail}\r\n${rcpts.join("")}${useData ? "DATA\r\n" : ""}`);
      mailReply = await expect(timeouts.command, "MAIL FROM");
      mailAnswered = true;
      for (let i = 0; i < rcpts.length; i++) rcptReplies.push(await expect(timeouts.command, "RCPT TO"));
    } else {
      write(`${mail}\r\n`);
      mailReply = await expect(timeouts.command, "MAIL FROM");
      mailAnswered = true;
      if (mailReply.code === 250) {
        for (const rcpt of rcpts) {
          write(rcpt);
          rcptReplies.push(await expect(timeouts.command, "RCPT TO"));
        }
      }
    }
    if (mailReply.code !== 250) {
      if (pipelining && useData) await expect(timeouts.dataInit, "DATA").catch(() => undefined);
      throw quitWith(new SmtpTransactionError(`${host} refused MAIL FROM`, mailReply.code < 500, mailReply));
    }
    const accepted = rcptReplies.map((r) => r.code === 250 || r.code === 251);
    const outcomes: RecipientOutcome[] = request.recipients.map((r, i) => ({
      address: r.address,
      outcome: accepted[i] ? "delivered" : rcptReplies[i].code >= 500 ? "permanent" : "temporary",
      reply: rcptReplies[i],
      relayed: !dsn,
    }));

    let final: SmtpReply;
    if (useData) {
      const dataReply = pipelining ? await expect(timeouts.dataInit, "DATA") : accepted.some(Boolean) ? (write("DATA\r\n"), await expect(timeouts.dataInit, "DATA")) : null;
      if (!accepted.some(Boolean)) {
        // RFC 2920 §3.1: DATA accepted with no recipient left gets an empty message.
        if (dataReply?.code === 354) {
          write(".\r\n");
          await expect(timeouts.dataTermination, "the end of data").catch(() => undefined);
        }
        quit();
        return outcomes;
      }
      if (dataReply!.code !== 354) {
        quit();
        return outcomes.map((o) => (o.outcome === "delivered" ? { ...o, outcome: dataReply!.code >= 500 ? "permanent" : "temporary", reply: dataReply! } : o));
      }
      write(dotStuff(request.message));
      final = await expect(timeouts.dataTermination, "the end of data");
    } else {
      if (!accepted.some(Boolean)) {
        quit();
        return outcomes;
      }
      write(`BDAT ${request.message.length} LAST\r\n`);
      write(request.message);
      final = await expect(timeouts.dataTermination, "BDAT");
    }
    // The final reply ends the transaction on the server whatever it said (RFC 5321 §4.1.1.4): the
    // session is ready for the next MAIL FROM.
    if (reuse?.keep() && reader.idleAndHealthy) {
      kept = true;
      reuse.cache.put(key, { socket, reader, extensions });
    } else {
      quit();
    }
    return outcomes.map((o) => (o.outcome === "delivered" ? { ...o, reply: final, outcome: final.code === 250 ? "delivered" : final.code >= 500 ? "permanent" : "temporary" } : o));
  } catch (error) {
    // A kept session the server closed or timed out while idle fails at once; nothing was
    // accepted yet, so the transaction is simply run again on a new connection.
    if (cached && !mailAnswered && error instanceof SmtpTransactionError && error.options.hostLevel) {
      quit();
      return sendTransaction(request, reuse);
    }
    // Anything unforeseen is a failed attempt to retry, never an escape that leaves the
    // recipients claimed ("sending") with nobody to settle them.
    if (error instanceof SmtpTransactionError) throw error;
    const text = error instanceof Error ? error.message : String(error);
    throw new SmtpTransactionError(`${host}: ${text}`, true, local(`delivery attempt failed: ${text}`), { hostLevel: true });
  } finally {
    if (!kept) {
      reader.detach();
      // After QUIT the remote closes; anything else ends here.
      if (socket.writableEnded) setTimeout(() => socket.destroy(), 5000).unref();
      else socket.destroy();
    }
  }
}
