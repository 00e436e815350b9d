// What the SMTP protocol tests share: a real mail server on an ephemeral port with a small
// set of accounts, a raw-socket client that sends bytes exactly as given and reads whole
// replies, a runner for Python (smtplib) scripts, and readers for what got stored.
import { spawn } from "node:child_process";
import type net from "node:net";
import type tls from "node:tls";
import nodemailer from "nodemailer";
import type { Config } from "@/lib/config";
import { startMailServer, type RunningMailServer } from "@/lib/mail-server";
import type { MailStore } from "@/lib/mail-server/store";
import { RawSocketClient } from "./raw-socket-client";
import { testConfig, type Provider } from "./store";

export const PASSWORDS: Record<string, string> = {
  "bob@example.test": "correct horse battery staple",
  "carol@example.test": "purple monkey dishwasher",
};

/** Small limits where the tests need to reach them; everything else as in production. */
export const DEFAULT_ENV: Record<string, string> = {
  MAIL_DOMAINS: "example.test",
  MAIL_HOSTNAME: "mx.example.test",
  MAX_MESSAGE_SIZE: "1M",
  ADMIN_PORT: "0",
};

export interface SmtpTestServer {
  server: RunningMailServer;
  store: MailStore;
  config: Config;
  port: number;
  /** Every line the server logged, in order. */
  logs: string[];
  /** The raw messages in an account's mailbox (INBOX by default), in UID order. */
  inbox(address: string, mailbox?: string): Promise<Buffer[]>;
  /** The stored messages with their SMTP envelope as recorded at delivery. */
  messages(address: string, mailbox?: string): Promise<StoredMessage[]>;
  /** How many messages are stored in all mailboxes of all accounts. */
  totalMessages(): Promise<number>;
  /** Stops the server (if still running) and removes its data. */
  cleanup(): Promise<void>;
}

export interface StoredMessage {
  raw: Buffer;
  envelope: Record<string, unknown>;
}

export async function readMessages(store: MailStore, address: string, mailbox = "INBOX"): Promise<StoredMessage[]> {
  const account = await (await store.db.prisma()).account.findUnique({ where: { addressKey: address.toLowerCase() } });
  if (!account) throw new Error(`no account ${address}`);
  const box = (await store.mailboxes(account.id)).find((m) => m.name === mailbox);
  if (!box) throw new Error(`${address} has no mailbox ${mailbox}`);
  const rows = await store.listMessages(box.id);
  return Promise.all(
    rows.map(async (row) => ({
      raw: await store.readMessage(row.content.blobHash),
      envelope: row.envelopeInfo ? (JSON.parse(row.envelopeInfo) as Record<string, unknown>) : {},
    })),
  );
}

/**
 * The mail server of one test file on ephemeral ports, with every line it logs kept; its data is
 * removed again if it fails to start. env overrides DEFAULT_ENV.
 */
export async function startTestMailServer(options: { provider?: Provider; env?: Record<string, string> } = {}) {
  const { config, drop } = await testConfig(options.provider ?? "sqlite", { ...DEFAULT_ENV, ...options.env });
  const logs: string[] = [];
  try {
    const server: RunningMailServer = await startMailServer(config, { anyFreePort: true, log: (line) => logs.push(line) });
    return { server, config, logs, drop };
  } catch (error) {
    await drop();
    throw error;
  }
}

/**
 * Starts the mail server (SMTP only) for one test file: bob and carol, and the alias
 * team@example.test for both. env overrides DEFAULT_ENV.
 */
export async function startSmtpServer(options: { provider?: Provider; env?: Record<string, string> } = {}): Promise<SmtpTestServer> {
  const { server, config, logs, drop } = await startTestMailServer(options);
  try {
    for (const [address, password] of Object.entries(PASSWORDS)) await server.store.accounts.addAccount({ address, password });
    await server.store.accounts.addAlias("team@example.test", "bob@example.test");
    await server.store.accounts.addAlias("team@example.test", "carol@example.test");
  } catch (error) {
    await server.stop();
    await drop();
    throw error;
  }
  let cleaned: Promise<void> | null = null;
  return {
    server,
    store: server.store,
    config,
    port: server.port("smtp"),
    logs,
    inbox: async (address, mailbox) => (await readMessages(server.store, address, mailbox)).map((m) => m.raw),
    messages: (address, mailbox) => readMessages(server.store, address, mailbox),
    totalMessages: async () => (await server.store.db.prisma()).mailboxMessage.count(),
    cleanup() {
      cleaned ??= (async () => {
        await server.stop();
        await drop();
      })();
      return cleaned;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Raw-socket client

export interface Reply {
  code: number;
  /** The enhanced status code of the last line ("2.1.5"), or null. */
  enhanced: string | null;
  /** The text of each line, without code and separator. */
  lines: string[];
  /** Every line as received, CRLFs included. */
  raw: string;
}

function parseReply(raw: string): Reply {
  const lines = raw.split("\r\n").filter(Boolean);
  const code = Number(lines[lines.length - 1].slice(0, 3));
  const texts = lines.map((l) => l.slice(4));
  const enhanced = /^([245]\.\d{1,3}\.\d{1,3})(?:\s|$)/.exec(texts[texts.length - 1])?.[1] ?? null;
  return { code, enhanced, lines: texts, raw };
}

/**
 * Talks SMTP byte by byte: write() sends exactly what it is given, reply() returns the next
 * complete reply (up to a final "NNN " line). Nothing is interpreted or fixed on the way.
 */
export class SmtpClient extends RawSocketClient {
  private constructor(socket: net.Socket) {
    super(socket);
  }

  static async connect(port: number, host = "127.0.0.1", timeoutMs = 5000): Promise<SmtpClient> {
    return new SmtpClient(await RawSocketClient.openSocket(port, { host, timeoutMs }));
  }

  /** Connects and reads the greeting, which must be 220. */
  static async open(port: number): Promise<SmtpClient> {
    const client = await SmtpClient.connect(port);
    const greeting = await client.reply();
    if (greeting.code !== 220) throw new Error(`expected a 220 greeting, got ${greeting.raw}`);
    return client;
  }

  /** Stops reading from the socket (a client that never reads its replies). */
  pauseReading() {
    this.socket.pause();
  }

  /** Bytes received and not yet read as a reply. */
  get pending(): Buffer {
    return this.buffer;
  }

  write(data: string | Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      this.socket.write(data, (error) => (error ? reject(error) : resolve()));
    });
  }

  /** The next complete reply; throws on timeout or when the connection closes first. */
  async reply(timeoutMs = 5000): Promise<Reply> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = this.buffer.toString("latin1");
      let start = 0;
      for (;;) {
        const end = text.indexOf("\r\n", start);
        if (end === -1) break;
        const line = text.slice(start, end);
        if (!/^\d{3}[ -]/.test(line) && !/^\d{3}$/.test(line)) throw new Error(`malformed reply line ${JSON.stringify(line)}`);
        if (line[3] !== "-") {
          const raw = this.buffer.subarray(0, end + 2).toString("utf8");
          this.buffer = this.buffer.subarray(end + 2);
          return parseReply(raw);
        }
        start = end + 2;
      }
      if (this.closed) throw new Error(`connection closed before a complete reply${this.buffer.length ? `; got ${JSON.stringify(text)}` : ""}`);
      if (!(await this.waitForInput(deadline))) throw new Error(`no complete reply within ${timeoutMs} ms${this.buffer.length ? `; got ${JSON.stringify(text)}` : ""}`);
    }
  }

  /** Writes one command line (CRLF added) and reads its reply. */
  async command(line: string, timeoutMs = 5000): Promise<Reply> {
    await this.write(`${line}\r\n`);
    return this.reply(timeoutMs);
  }

  /** n replies in order (pipelining). */
  async replies(n: number, timeoutMs = 5000): Promise<Reply[]> {
    const out: Reply[] = [];
    for (let i = 0; i < n; i++) out.push(await this.reply(timeoutMs));
    return out;
  }

  /** Resolves once the peer has closed; throws if it has not within timeoutMs. Returns what arrived meanwhile. */
  async waitClosed(timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (!(await this.waitForInput(deadline)) && !this.closed) {
        throw new Error(`connection still open after ${timeoutMs} ms; unread: ${JSON.stringify(this.buffer.toString("latin1"))}`);
      }
    }
    const rest = this.buffer.toString("utf8");
    this.buffer = Buffer.alloc(0);
    return rest;
  }

  /** The TLS handshake on this connection (after a 220 to STARTTLS); certificates are not checked. */
  startTls(): Promise<tls.TLSSocket> {
    return this.upgradeTls("mx.example.test");
  }

  /** EHLO, and the extension keywords it listed (upper case). */
  async ehlo(name = "client.example.net"): Promise<string[]> {
    const reply = await this.command(`EHLO ${name}`);
    if (reply.code !== 250) throw new Error(`EHLO refused: ${reply.raw}`);
    return reply.lines.slice(1).map((l) => l.toUpperCase());
  }

  /** MAIL, RCPT…, DATA and the message (dot-stuffed here), expecting success at every step; the final reply. */
  async send(from: string, to: string[], message: string | Buffer, mailParams = ""): Promise<Reply> {
    const mail = await this.command(`MAIL FROM:<${from}>${mailParams ? ` ${mailParams}` : ""}`);
    if (mail.code !== 250) throw new Error(`MAIL refused: ${mail.raw}`);
    for (const rcpt of to) {
      const reply = await this.command(`RCPT TO:<${rcpt}>`);
      if (reply.code !== 250) throw new Error(`RCPT ${rcpt} refused: ${reply.raw}`);
    }
    const data = await this.command("DATA");
    if (data.code !== 354) throw new Error(`DATA refused: ${data.raw}`);
    await this.write(Buffer.concat([dotStuff(Buffer.from(message)), Buffer.from(".\r\n")]));
    return this.reply(15_000);
  }

  async quit(): Promise<void> {
    if (this.closed) return;
    try {
      await this.command("QUIT", 2000);
    } catch {
      // already going away
    }
    this.destroy();
  }
}

/** Dot-stuffs a CRLF message for DATA; adds a final CRLF if missing. */
export function dotStuff(message: Buffer): Buffer {
  let text = message.toString("latin1");
  if (!text.endsWith("\r\n")) text += "\r\n";
  text = text.replace(/^\./, "..").replace(/\r\n\./g, "\r\n..");
  return Buffer.from(text, "latin1");
}

// ---------------------------------------------------------------------------------------------
// Stored messages

export interface TraceHeaders {
  returnPath: string;
  deliveredTo: string;
  /** The Received field our server added, unfolded. */
  received: string;
  /** Authentication-Results and Received-SPF the MX role adds after Received (unfolded), if any. */
  authentication: string[];
  /** Everything after the trace fields: what the client sent. */
  message: Buffer;
}

/**
 * Splits what delivery prepends (Return-Path, Delivered-To, Received, in that order, then on
 * the MX port Authentication-Results) from the message the client sent. Throws when the stored message does not start that way.
 */
export function splitTrace(raw: Buffer): TraceHeaders {
  const fields: string[] = [];
  let pos = 0;
  const nextField = () => {
    let end = raw.indexOf("\r\n", pos);
    while (end !== -1 && (raw[end + 2] === 0x20 || raw[end + 2] === 0x09)) end = raw.indexOf("\r\n", end + 2);
    if (end === -1) throw new Error("stored message ends inside its trace headers");
    const field = raw.subarray(pos, end).toString("utf8");
    return { field, next: end + 2 };
  };
  for (let i = 0; i < 3; i++) {
    const { field, next } = nextField();
    fields.push(field);
    pos = next;
  }
  const authentication: string[] = [];
  for (;;) {
    const { field, next } = nextField();
    if (!/^(Authentication-Results|Received-SPF):/i.test(field)) break;
    authentication.push(field.replace(/\r\n[ \t]+/g, " "));
    pos = next;
  }
  const [returnPath, deliveredTo, received] = fields;
  const value = (field: string, name: string) => {
    const match = new RegExp(`^${name}:[ \\t]*`, "i").exec(field);
    if (!match) throw new Error(`expected ${name} as a trace header, found ${JSON.stringify(field.slice(0, 80))}`);
    return field.slice(match[0].length).replace(/\r\n[ \t]+/g, " ");
  };
  return {
    returnPath: value(returnPath, "Return-Path"),
    deliveredTo: value(deliveredTo, "Delivered-To"),
    received: value(received, "Received"),
    authentication,
    message: raw.subarray(pos),
  };
}

/** The first value of a header field in a message's header block (unfolded), or null. */
export function headerOf(raw: Buffer, name: string): string | null {
  const end = raw.indexOf("\r\n\r\n");
  const head = raw.subarray(0, end === -1 ? raw.length : end).toString("utf8");
  const match = new RegExp(`(?:^|\\r\\n)${name}:[ \\t]*((?:[^\\r]|\\r\\n[ \\t])*)`, "i").exec(head);
  return match ? match[1].replace(/\r\n[ \t]+/g, " ") : null;
}

/** Every value of a header field, in order. */
export function headersOf(raw: Buffer, name: string): string[] {
  const end = raw.indexOf("\r\n\r\n");
  const head = raw.subarray(0, end === -1 ? raw.length : end).toString("utf8");
  const re = new RegExp(`(?:^|\\r\\n)${name}:[ \\t]*((?:[^\\r]|\\r\\n[ \\t])*)`, "gi");
  return [...head.matchAll(re)].map((m) => m[1].replace(/\r\n[ \t]+/g, " "));
}

/** Polls until check() returns something other than undefined/false. */
export async function waitFor<T>(check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 5000, what = "condition"): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value as T;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

// ---------------------------------------------------------------------------------------------
// Other clients

export interface PythonResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a program without blocking the event loop; never throws for a non-zero exit. */
export function runProgram(
  command: string,
  args: string[],
  options: { env?: Record<string, string>; stdin?: Buffer | string; timeoutMs?: number } = {},
): Promise<PythonResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...options.env }, stdio: ["pipe", "pipe", "pipe"] });
    child.stdin.on("error", () => undefined);
    child.stdin.end(options.stdin ?? "");
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => out.push(c));
    child.stderr.on("data", (c: Buffer) => err.push(c));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 20_000);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") });
    });
  });
}

/**
 * Runs `python3 -c script args…` without blocking the event loop (the server under test runs
 * in this process). Never throws for a non-zero exit: the result says how it ended.
 */
export function runPython(
  script: string,
  options: { args?: string[]; env?: Record<string, string>; stdin?: Buffer | string; timeoutMs?: number } = {},
): Promise<PythonResult> {
  return runProgram("python3", ["-c", script, ...(options.args ?? [])], {
    ...options,
    env: { PYTHONIOENCODING: "utf-8", PYTHONDONTWRITEBYTECODE: "1", ...options.env },
  });
}

/** A nodemailer SMTP transport to our server; STARTTLS when offered, self-signed certificate accepted. */
export function nodemailerTransport(port: number, options: Record<string, unknown> = {}) {
  return nodemailer.createTransport({
    host: "127.0.0.1",
    port,
    secure: false,
    name: "nodemailer.example.net",
    tls: { rejectUnauthorized: false },
    ...options,
  });
}

const SMTPLIB_SEND = String.raw`
import json, os, smtplib, ssl, sys
spec = json.loads(os.environ["SPEC"])
def fail(kind, code=None, message=""):
    print(json.dumps({"error": kind, "code": code, "message": message}))
    sys.exit(2)
try:
    s = smtplib.SMTP("127.0.0.1", spec["port"], local_hostname=spec.get("name", "python.example.net"), timeout=15)
    if spec.get("helo"):
        s.helo()
    else:
        s.ehlo()
    if spec.get("starttls"):
        s.starttls(context=ssl._create_unverified_context())
        s.ehlo()
    if spec.get("login"):
        s.login(spec["login"][0], spec["login"][1])
    msg = sys.stdin.buffer.read()
    refused = s.sendmail(spec["from"], spec["to"], msg, mail_options=spec.get("mail_options", []))
    s.quit()
    print(json.dumps({"refused": {k: [v[0], v[1].decode("utf-8", "replace")] for k, v in refused.items()}}))
except smtplib.SMTPRecipientsRefused as e:
    fail("recipients", None, json.dumps({k: [v[0], v[1].decode("utf-8", "replace")] for k, v in e.recipients.items()}))
except smtplib.SMTPResponseException as e:
    fail(type(e).__name__, e.smtp_code, e.smtp_error.decode("utf-8", "replace"))
`;

export interface SmtplibSpec {
  port: number;
  from: string;
  to: string[];
  message: Buffer | string;
  mail_options?: string[];
  helo?: boolean;
  starttls?: boolean;
  login?: [string, string];
  name?: string;
}

export type SmtplibResult =
  | { refused: Record<string, [number, string]> }
  | { error: string; code: number | null; message: string };

/** Python's smtplib.sendmail with the given envelope; the message bytes go on stdin, as they are (smtplib dot-stuffs). */
export async function smtplibSend(spec: SmtplibSpec): Promise<SmtplibResult> {
  const { message, ...rest } = spec;
  const result = await runPython(SMTPLIB_SEND, { env: { SPEC: JSON.stringify(rest) }, stdin: Buffer.from(message) });
  const last = result.stdout.trim().split("\n").pop() ?? "";
  try {
    return JSON.parse(last) as SmtplibResult;
  } catch {
    throw new Error(`smtplib script failed (exit ${result.code}): ${result.stderr || result.stdout}`);
  }
}
