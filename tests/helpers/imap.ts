// What the IMAP protocol tests share: the mail server (SMTP + IMAP + IMAPS) on ephemeral ports
// with accounts made on demand, a raw-socket IMAP client that sends bytes exactly as given and
// reads whole responses (literals included), an ImapFlow factory (the webmail's own client
// library), delivery through SMTP with nodemailer, and direct appends for fixtures.
import type net from "node:net";
import type tls from "node:tls";
import { ImapFlow } from "imapflow";
import type { Config } from "@/lib/config";
import type { RunningMailServer } from "@/lib/mail-server";
import type { MailStore } from "@/lib/mail-server/store";
import { analyzeMessage } from "@/lib/mime/analyze";
import { RawSocketClient } from "./raw-socket-client";
import { nodemailerTransport, startTestMailServer } from "./smtp";
import type { Provider } from "./store";

export { PASSWORDS, runProgram, runPython, waitFor } from "./smtp";

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A message with CRLF line ends, as stored and fetched. */
export function crlf(text: string): Buffer {
  return Buffer.from(text.replace(/\r?\n/g, "\r\n"), "utf8");
}

/** A small plain-text message. */
export function textMessage(subject: string, options: { from?: string; to?: string; body?: string; date?: string; messageId?: string } = {}): Buffer {
  const id = options.messageId ?? `<${subject.replace(/[^A-Za-z0-9]/g, "") || "m"}.${Math.random().toString(36).slice(2)}@remote.test>`;
  return crlf(
    `From: ${options.from ?? "Alice <alice@remote.test>"}\n` +
      `To: ${options.to ?? "bob@example.test"}\n` +
      `Subject: ${subject}\n` +
      `Date: ${options.date ?? "Thu, 26 Nov 2026 10:00:00 +0000"}\n` +
      `Message-ID: ${id}\n` +
      `MIME-Version: 1.0\n` +
      `Content-Type: text/plain; charset=utf-8\n\n` +
      `${options.body ?? `Body of ${subject}.\n`}`,
  );
}

/** multipart/mixed: a text part and a small attachment. */
export function multipartMessage(subject: string, options: { to?: string; attachment?: Buffer; filename?: string } = {}): Buffer {
  const attachment = (options.attachment ?? Buffer.from("PDF-ish bytes \x00\x01\x02 end", "latin1")).toString("base64");
  return crlf(
    `From: Alice <alice@remote.test>\n` +
      `To: ${options.to ?? "bob@example.test"}\n` +
      `Subject: ${subject}\n` +
      `Date: Thu, 26 Nov 2026 10:00:00 +0000\n` +
      `Message-ID: <${subject.replace(/[^A-Za-z0-9]/g, "")}.mp@remote.test>\n` +
      `MIME-Version: 1.0\n` +
      `Content-Type: multipart/mixed; boundary="XYZ"\n\n` +
      `preamble\n` +
      `--XYZ\n` +
      `Content-Type: text/plain; charset=utf-8\n` +
      `Content-Transfer-Encoding: 7bit\n\n` +
      `Hello Bob,\nsee the attachment.\n` +
      `--XYZ\n` +
      `Content-Type: application/octet-stream; name="${options.filename ?? "report.bin"}"\n` +
      `Content-Disposition: attachment; filename="${options.filename ?? "report.bin"}"\n` +
      `Content-Transfer-Encoding: base64\n\n` +
      `${attachment}\n` +
      `--XYZ--\n`,
  );
}

// ---------------------------------------------------------------------------------------------
// The server

export interface TestAccount {
  address: string;
  password: string;
  id: number;
}

export interface ImapTestServer {
  server: RunningMailServer;
  store: MailStore;
  config: Config;
  /** IMAP_PORT (STARTTLS), IMAPS_PORT (implicit TLS), SMTP_PORT (inbound MX). */
  imapPort: number;
  imapsPort: number;
  smtpPort: number;
  logs: string[];
  /** A fresh account with the default mailboxes (INBOX, Drafts, Sent, Trash, Junk, Archive). */
  account(prefix?: string): Promise<TestAccount>;
  /** Stores a message directly (fixtures); returns its UID. */
  put(account: TestAccount, raw: Buffer, options?: { mailbox?: string; flags?: string[]; internalDate?: Date }): Promise<number>;
  /** Sends a message through SMTP (nodemailer, raw bytes) to the account. */
  deliver(to: string, raw: Buffer): Promise<void>;
  /** A raw client, logged in when an account is given. */
  connect(options?: { account?: TestAccount; tls?: boolean; port?: number }): Promise<ImapClient>;
  /** A raw client logged in as the account with the mailbox (INBOX by default) selected. */
  selected(account: TestAccount, mailbox?: string): Promise<ImapClient>;
  /** Expunges the mailbox's \Deleted messages: fixtures whose UIDs have a gap. */
  expunge(account: TestAccount, mailbox?: string): Promise<void>;
  /** An ImapFlow connected and logged in: IMAP_PORT with STARTTLS by default, IMAPS_PORT with secure. */
  imapflow(account: TestAccount, options?: { secure?: boolean; doSTARTTLS?: boolean; port?: number }): Promise<ImapFlow>;
  cleanup(): Promise<void>;
}

let accountCounter = 0;

/** Starts the mail server for one test file. env overrides DEFAULT_ENV (MAX_MESSAGE_SIZE 1M). */
export async function startImapServer(options: { provider?: Provider; env?: Record<string, string> } = {}): Promise<ImapTestServer> {
  const { server, config, logs, drop } = await startTestMailServer(options);
  const store = server.store;
  const flows: ImapFlow[] = [];
  const clients: ImapClient[] = [];
  let cleaned: Promise<void> | null = null;
  const t: ImapTestServer = {
    server,
    store,
    config,
    imapPort: server.port("imap"),
    imapsPort: server.port("imaps"),
    smtpPort: server.port("smtp"),
    logs,
    async account(prefix = "user") {
      const address = `${prefix}${++accountCounter}.${process.pid}@example.test`.toLowerCase();
      const password = "correct horse battery staple";
      const account = await store.accounts.addAccount({ address, password });
      return { address, password, id: account.id };
    },
    async put(account, raw, putOptions = {}) {
      const mailbox = await store.folders.get(account.id, putOptions.mailbox ?? "INBOX");
      if (!mailbox) throw new Error(`no mailbox ${putOptions.mailbox}`);
      const has = (flag: string) => (putOptions.flags ?? []).includes(flag);
      const [result] = await store.append([
        {
          accountId: account.id,
          mailboxId: mailbox.id,
          raw,
          analysis: await analyzeMessage(raw),
          internalDate: putOptions.internalDate,
          flags: { seen: has("\\Seen"), answered: has("\\Answered"), flagged: has("\\Flagged"), deleted: has("\\Deleted"), draft: has("\\Draft") },
          keywords: (putOptions.flags ?? []).filter((f) => !f.startsWith("\\")),
        },
      ]);
      return result.uid;
    },
    async deliver(to, raw) {
      const transport = nodemailerTransport(t.smtpPort);
      try {
        await transport.sendMail({ envelope: { from: "alice@remote.test", to: [to] }, raw });
      } finally {
        transport.close();
      }
    },
    async connect(connectOptions = {}) {
      const secure = connectOptions.tls ?? false;
      const client = await ImapClient.open(connectOptions.port ?? (secure ? t.imapsPort : t.imapPort), { tls: secure });
      clients.push(client);
      if (connectOptions.account) await client.login(connectOptions.account.address, connectOptions.account.password);
      return client;
    },
    async selected(account, mailbox = "INBOX") {
      const client = await t.connect({ account });
      await client.ok(`SELECT "${mailbox}"`);
      return client;
    },
    async expunge(account, mailbox = "INBOX") {
      const client = await t.selected(account, mailbox);
      await client.ok("EXPUNGE");
      await client.logout();
    },
    async imapflow(account, flowOptions = {}) {
      const client = makeImapFlow(flowOptions.port ?? (flowOptions.secure ? t.imapsPort : t.imapPort), account, flowOptions);
      flows.push(client);
      await client.connect();
      return client;
    },
    cleanup() {
      cleaned ??= (async () => {
        for (const client of clients) client.destroy();
        for (const flow of flows) flow.close();
        await server.stop();
        await drop();
      })();
      return cleaned;
    },
  };
  return t;
}

/** ImapFlow as the webmail configures it: secure means implicit TLS; otherwise it upgrades with STARTTLS when offered. */
export function makeImapFlow(port: number, account: { address: string; password: string }, options: { secure?: boolean; doSTARTTLS?: boolean } = {}): ImapFlow {
  return new ImapFlow({
    host: "127.0.0.1",
    port,
    secure: options.secure ?? false,
    ...(options.doSTARTTLS !== undefined ? { doSTARTTLS: options.doSTARTTLS } : {}),
    tls: { rejectUnauthorized: false },
    logger: false,
    auth: { user: account.address, pass: account.password },
    // Fail fast rather than at vitest's timeout.
    connectionTimeout: 10_000,
    greetingTimeout: 5_000,
    socketTimeout: 30_000,
  });
}

// ---------------------------------------------------------------------------------------------
// Raw-socket client

export interface TaggedResult {
  tag: string;
  status: "OK" | "NO" | "BAD";
  /** The response code without brackets ("READ-WRITE", "APPENDUID 12 3"), or null. */
  code: string | null;
  /** The text after the status and code. */
  text: string;
  /** The whole tagged line. */
  tagged: string;
  /** Every response before the tagged one (untagged "* …" and continuations "+ …"), literals inline, no CRLF at the end. */
  untagged: string[];
}

/**
 * Talks IMAP byte by byte: write() sends exactly what it is given; response() returns the next
 * complete response, reading the literals the server announces ("{n}\r\n" + n bytes) as part of
 * it. Nothing is interpreted or fixed on the way.
 */
export class ImapClient extends RawSocketClient {
  private tagCounter = 0;
  /** The greeting line. */
  greeting = "";

  private constructor(socket: net.Socket) {
    super(socket);
  }

  static async connect(port: number, options: { tls?: boolean; host?: string; timeoutMs?: number } = {}): Promise<ImapClient> {
    return new ImapClient(await RawSocketClient.openSocket(port, { ...options, servername: "localhost" }));
  }

  /** Connects and reads the greeting, which must be "* OK". */
  static async open(port: number, options: { tls?: boolean } = {}): Promise<ImapClient> {
    const client = await ImapClient.connect(port, options);
    const greeting = await client.response();
    if (!greeting.startsWith("* OK ")) throw new Error(`expected an OK greeting, got ${greeting}`);
    client.greeting = greeting;
    return client;
  }

  /** Bytes received and not yet read as a response. */
  get pending(): Buffer {
    return this.buffer;
  }

  nextTag(): string {
    return `T${++this.tagCounter}`;
  }

  write(data: string | Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.socket.destroyed) return reject(new Error("socket destroyed"));
      this.socket.write(data, (error) => (error ? reject(error) : resolve()));
    });
  }

  /** The length of the complete response at the start of the buffer, or -1. */
  private completeLength(): number {
    let pos = 0;
    for (;;) {
      const end = this.buffer.indexOf("\r\n", pos, "latin1");
      if (end === -1) return -1;
      const tail = this.buffer.toString("latin1", Math.max(pos, end - 24), end);
      const literal = /~?\{(\d+)\}$/.exec(tail);
      if (!literal) return end + 2;
      const next = end + 2 + Number(literal[1]);
      if (this.buffer.length < next) return -1;
      pos = next;
    }
  }

  /** The next complete response as raw bytes (CRLF stripped). */
  async responseBytes(timeoutMs = 5000): Promise<Buffer> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const length = this.completeLength();
      if (length !== -1) {
        const raw = this.buffer.subarray(0, length - 2);
        this.buffer = this.buffer.subarray(length);
        return raw;
      }
      const seen = JSON.stringify(this.buffer.toString("latin1").slice(0, 500));
      if (this.closed) throw new Error(`connection closed before a complete response${this.buffer.length ? `; got ${seen}` : ""}`);
      if (!(await this.waitForInput(deadline))) throw new Error(`no complete response within ${timeoutMs} ms${this.buffer.length ? `; got ${seen}` : ""}`);
    }
  }

  /** The next complete response, UTF-8 decoded, without the final CRLF. */
  async response(timeoutMs = 5000): Promise<string> {
    return (await this.responseBytes(timeoutMs)).toString("utf8");
  }

  /** Responses until the tagged one for tag. */
  async until(tag: string, timeoutMs = 5000): Promise<TaggedResult> {
    const untagged: string[] = [];
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = await this.response(Math.max(1, deadline - Date.now()));
      if (line.startsWith(`${tag} `)) return parseTagged(tag, line, untagged);
      untagged.push(line);
    }
  }

  /** Sends "<tag> <line>\r\n" (tag generated) and reads up to its tagged response. */
  async command(line: string, timeoutMs = 5000): Promise<TaggedResult> {
    const tag = this.nextTag();
    await this.write(`${tag} ${line}\r\n`);
    return this.until(tag, timeoutMs);
  }

  /** Like command(), but throws unless the answer is OK. */
  async ok(line: string, timeoutMs = 5000): Promise<TaggedResult> {
    const result = await this.command(line, timeoutMs);
    if (result.status !== "OK") throw new Error(`${line.slice(0, 80)} → ${result.tagged}\n${result.untagged.join("\n")}`);
    return result;
  }

  async login(user: string, password: string): Promise<TaggedResult> {
    return this.ok(`LOGIN ${quote(user)} ${quote(password)}`);
  }

  /**
   * APPEND with a synchronising literal: waits for the continuation before the message.
   * flags like "(\\Seen)", date like "26-Nov-2026 10:00:00 +0000".
   */
  async append(mailbox: string, message: Buffer, options: { flags?: string; date?: string; nonSync?: boolean } = {}): Promise<TaggedResult> {
    const tag = this.nextTag();
    const parts = [tag, "APPEND", quote(mailbox)];
    if (options.flags) parts.push(options.flags);
    if (options.date) parts.push(quote(options.date));
    parts.push(`{${message.length}${options.nonSync ? "+" : ""}}`);
    await this.write(`${parts.join(" ")}\r\n`);
    if (!options.nonSync) {
      const next = await this.response();
      if (!next.startsWith("+")) {
        if (next.startsWith(`${tag} `)) return parseTagged(tag, next, []);
        throw new Error(`expected a continuation, got ${next}`);
      }
    }
    await this.write(Buffer.concat([message, Buffer.from("\r\n")]));
    return this.until(tag);
  }

  /** Resolves once the peer has closed; throws if it has not within timeoutMs. Returns what arrived meanwhile. */
  async waitClosed(timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (!(await this.waitForInput(deadline)) && !this.closed) {
        throw new Error(`connection still open after ${timeoutMs} ms; unread: ${JSON.stringify(this.buffer.toString("latin1").slice(0, 500))}`);
      }
    }
    const rest = this.buffer.toString("utf8");
    this.buffer = Buffer.alloc(0);
    return rest;
  }

  /** The TLS handshake on this connection (after "OK" to STARTTLS); certificates are not checked. */
  startTls(): Promise<tls.TLSSocket> {
    return this.upgradeTls("localhost");
  }

  async logout(): Promise<void> {
    if (this.closed) return;
    try {
      await this.command("LOGOUT", 2000);
    } catch {
      // already going away
    }
    this.destroy();
  }
}

export function parseTagged(tag: string, line: string, untagged: string[]): TaggedResult {
  const match = /^\S+ (OK|NO|BAD)(?: \[([^\]]*)\])? ?(.*)$/s.exec(line);
  if (!match) throw new Error(`malformed tagged response ${JSON.stringify(line)}`);
  return { tag, status: match[1] as TaggedResult["status"], code: match[2] ?? null, text: match[3], tagged: line, untagged };
}

/** An IMAP quoted string. */
export function quote(text: string): string {
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** The untagged responses of one kind ("EXISTS", "FETCH", "LIST" …). */
export function untaggedOf(result: TaggedResult | string[], kind: string): string[] {
  const lines = Array.isArray(result) ? result : result.untagged;
  const re = new RegExp(`^\\* (?:\\d+ )?${kind}(?: |$)`, "i");
  return lines.filter((l) => re.test(l));
}

/** A FETCH response's numbers: "* 3 FETCH (UID 7 …)" → { seq: 3, uid: 7 }. */
export function fetchIds(line: string): { seq: number; uid: number | null } {
  const match = /^\* (\d+) FETCH \(/.exec(line);
  if (!match) throw new Error(`not a FETCH response: ${line}`);
  const uid = /[( ]UID (\d+)/.exec(line);
  return { seq: Number(match[1]), uid: uid ? Number(uid[1]) : null };
}
