// What the outbound tests share: a mail server for one domain with fixed ports, so that it
// can be stopped and started again where the other server's OUTBOUND_ROUTES point, and
// readers for the mail and reports that land in its accounts; submission as one of its
// users; and the remote world on loopback: a DNS server serving MX/A/AAAA records the test
// sets (dns2), and scripted fake SMTP servers that misbehave on purpose.
import net from "node:net";
import tls from "node:tls";
import dns2 from "dns2";
import { generate } from "selfsigned";
import { startMailServer, type RunningMailServer } from "@/lib/mail-server";
import type { MailStore } from "@/lib/mail-server/store";
import type { EnqueueRequest } from "@/lib/mail-server/queue";
import type { SmtpTimeouts } from "@/lib/mail-server/queue/smtp-client";
import { freePort } from "../support/postfix";
import { nodemailerTransport, readMessages, waitFor, type StoredMessage } from "./smtp";
import { testConfig, type Provider } from "./store";

export const PASSWORD = "correct horse battery staple";

/** Short enough that a stalled peer costs a test seconds, not minutes. */
export const TEST_TIMEOUTS: SmtpTimeouts = { connect: 2000, greeting: 2000, command: 2000, dataInit: 2000, dataTermination: 3000 };

export interface DomainServer {
  domain: string;
  smtpPort: number;
  submissionPort: number;
  submissionsPort: number;
  readonly server: RunningMailServer;
  readonly store: MailStore;
  logs: string[];
  /** Adds local@domain with PASSWORD. */
  user(local: string): Promise<{ address: string; id: number }>;
  messages(address: string, mailbox?: string): Promise<StoredMessage[]>;
  /** Stops listening (the data stays); start() again on the same ports. */
  stop(): Promise<void>;
  start(): Promise<void>;
  cleanup(): Promise<void>;
}

export interface DomainServerOptions {
  provider?: Provider;
  /** Overrides the defaults below, SMTP_PORT and BIND_ADDRESS included. */
  env?: Record<string, string>;
  timeouts?: SmtpTimeouts;
  dnsTimeoutMs?: number;
}

export async function startDomainServer(domain: string, options: DomainServerOptions = {}): Promise<DomainServer> {
  const [freeSmtpPort, submissionPort, submissionsPort] = [await freePort(), await freePort(), await freePort()];
  const smtpPort = Number(options.env?.SMTP_PORT ?? freeSmtpPort);
  const { config, drop } = await testConfig(options.provider ?? "sqlite", {
    MAIL_DOMAINS: domain,
    MAIL_HOSTNAME: `mx.${domain}`,
    MAX_MESSAGE_SIZE: "1M",
    SMTP_PORT: String(smtpPort),
    SUBMISSION_PORT: String(submissionPort),
    SUBMISSIONS_PORT: String(submissionsPort),
    IMAP_PORT: "0",
    IMAPS_PORT: "0",
    POP3_PORT: "0",
    POP3S_PORT: "0",
    ADMIN_PORT: "0",
    QUEUE_RETRY_DELAYS: "300ms",
    ...options.env,
  });
  const logs: string[] = [];
  let server: RunningMailServer | null = null;
  const start = async () => {
    server = await startMailServer(config, { log: (line) => logs.push(line), queue: { timeouts: options.timeouts ?? TEST_TIMEOUTS, dnsTimeoutMs: options.dnsTimeoutMs } });
  };
  try {
    await start();
  } catch (error) {
    await drop();
    throw error;
  }
  let cleaned: Promise<void> | null = null;
  const running = () => {
    if (!server) throw new Error(`${domain} is stopped`);
    return server;
  };
  return {
    domain,
    smtpPort,
    submissionPort,
    submissionsPort,
    get server() {
      return running();
    },
    get store() {
      return running().store;
    },
    logs,
    async user(local) {
      const address = `${local}@${domain}`;
      const account = await running().store.accounts.addAccount({ address, password: PASSWORD });
      return { address, id: account.id };
    },
    messages: (address, mailbox) => readMessages(running().store, address, mailbox),
    async stop() {
      await server?.stop();
      server = null;
    },
    start,
    cleanup() {
      cleaned ??= (async () => {
        await server?.stop();
        await drop();
      })();
      return cleaned;
    },
  };
}

/** Submits raw mail to a submission port as one of its users (PASSWORD), with nodemailer. */
export async function submit(submissionPort: number, user: string, envelope: { from: string; to: string[] }, raw: string | Buffer, options: Record<string, unknown> = {}) {
  const transport = nodemailerTransport(submissionPort, { auth: { user, pass: PASSWORD }, ...options });
  try {
    return await transport.sendMail({ envelope, raw, ...options });
  } finally {
    transport.close();
  }
}

/** A plain-text message as a mail client would submit it. */
export const plainMessage = (subject: string, from: string, to: string, body = `Hello from ${from}.`) =>
  `From: ${from}\r\nTo: ${to}\r\nSubject: ${subject}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body}\r\n`;

/** Queues a message straight into a server's outbound queue, bypassing submission: for bodies submission would refuse or rewrite. */
export function enqueue(server: DomainServer, sender: string, recipients: string[], raw: Buffer, body: EnqueueRequest["body"] = "7BIT") {
  return server.server.queue.enqueue({ raw, sender, envid: null, ret: null, body, smtputf8: false, accountId: null, messageId: "", recipients: recipients.map((address) => ({ address, notify: null, orcpt: null })) });
}

/** The first log line about a recipient reaching `state` (queued = deferred, delivered, failed). */
export const waitForLog = (server: DomainServer, pattern: RegExp, timeoutMs = 10_000) =>
  waitFor(() => server.logs.find((line) => pattern.test(line)), timeoutMs, `a log line matching ${pattern}`);

/** The delivery report (bounce) about `address` that reached `account`'s INBOX. */
export const waitForReport = (server: DomainServer, account: string, address: string, timeoutMs = 10_000) =>
  waitFor(
    async () => (await server.messages(account)).map((m) => m.raw.toString("latin1")).find((raw) => raw.includes("multipart/report") && raw.includes(`Final-Recipient: rfc822; ${address}`)),
    timeoutMs,
    `a delivery report about ${address}`,
  );

/** Recipients the queue still holds as "sending": none may stay so once attempts are over. */
export async function claimedRecipients(server: DomainServer): Promise<string[]> {
  const entries = await server.server.queue.store.list();
  return entries.flatMap((e) => e.recipients.filter((r) => r.state === "sending").map((r) => r.address));
}

// ---------------------------------------------------------------------------------------------
// DNS on loopback

export interface DnsRecords {
  mx?: { preference: number; exchange: string }[];
  a?: string[];
  aaaa?: string[];
  /** Each record as its character-strings (a long DKIM key is two or more). */
  txt?: string[][];
  srv?: { priority: number; weight: number; port: number; target: string }[];
  cname?: string[];
}

export interface FakeDns {
  /** For DNS_SERVERS. */
  address: string;
  /** Names and their records; a name not here is NXDOMAIN, a type not given is an empty answer. */
  zone: Map<string, DnsRecords>;
  /** Names answered with SERVFAIL, or not answered at all (the resolver times out). */
  failing: Map<string, "servfail" | "silent">;
  /** "MX b.test", in the order asked. */
  queries: string[];
  close(): Promise<void>;
}

const { Packet } = dns2;
const RCODE = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3 };

/** An authoritative-looking DNS server on 127.0.0.1, answering from `zone` with TTL 0 so no resolver caches. */
export async function startDnsServer(zone: Record<string, DnsRecords> = {}): Promise<FakeDns> {
  const records = new Map(Object.entries(zone).map(([name, r]) => [name.toLowerCase(), r]));
  const failing = new Map<string, "servfail" | "silent">();
  const queries: string[] = [];
  // UDP only: c-ares asks over TCP only after a truncated answer, and these answers are short.
  const server = dns2.createServer({
    udp: true,
    handle: (request, send) => {
      const response = Packet.createResponseFromRequest(request);
      const [question] = request.questions;
      const name = question.name.toLowerCase().replace(/\.$/, "");
      const typeName = Object.entries(Packet.TYPE).find(([, code]) => code === question.type)?.[0] ?? String(question.type);
      queries.push(`${typeName} ${name}`);
      const failure = failing.get(name);
      if (failure === "silent") return;
      const entry = records.get(name);
      if (failure === "servfail") response.header.rcode = RCODE.SERVFAIL;
      else if (!entry) response.header.rcode = RCODE.NXDOMAIN;
      else {
        const answer = (fields: Partial<dns2.Packet.Resource>) => response.answers.push(Packet.createResourceFromQuestion(question, { ttl: 0, ...fields }));
        if (question.type === Packet.TYPE.MX) for (const mx of entry.mx ?? []) answer({ exchange: mx.exchange, priority: mx.preference });
        if (question.type === Packet.TYPE.A) for (const address of entry.a ?? []) answer({ address });
        if (question.type === Packet.TYPE.AAAA) for (const address of entry.aaaa ?? []) answer({ address });
        if (question.type === Packet.TYPE.TXT) for (const data of entry.txt ?? []) answer({ data });
        if (question.type === Packet.TYPE.SRV) for (const srv of entry.srv ?? []) answer({ ...srv });
        if (question.type === Packet.TYPE.CNAME) for (const domain of entry.cname ?? []) answer({ domain });
      }
      void send(response);
    },
  });
  const addresses = await server.listen({ udp: { port: 0, address: "127.0.0.1" } });
  return { address: `127.0.0.1:${addresses.udp!.port}`, zone: records, failing, queries, close: () => server.close() };
}

// ---------------------------------------------------------------------------------------------
// Scripted fake SMTP servers

let secureContext: Promise<tls.SecureContext> | null = null;

/** One self-signed identity for every fake peer that offers STARTTLS (the client checks none). */
function testSecureContext(): Promise<tls.SecureContext> {
  secureContext ??= generate([{ name: "commonName", value: "fake.test" }], { keyType: "ec", curve: "P-256", algorithm: "sha256" }).then((pems) => tls.createSecureContext({ key: pems.private, cert: pems.cert }));
  return secureContext;
}

export interface FakeSession {
  /** 0 for the first connection to this peer, 1 for the next… */
  index: number;
  /** Every chunk as it arrived, to see what the client sent in one write. */
  packets: string[];
  /** Command lines in order (not the message). */
  commands: string[];
  /** Messages received after DATA (still dot-stuffed, without the final dot line). */
  messages: string[];
}

/**
 * What the peer does: reply lines to send (CRLF added), or an action: close the connection,
 * reset it (TCP RST), stall (never answer again), "start-tls" (answer 220 and do the TLS
 * handshake; every line given after it is sent in the clear in the same packet as the 220, the
 * way a man in the middle injects replies), or "break-tls" (answer 220, then send non-TLS
 * bytes when the handshake starts).
 */
export type PeerAction = string | string[] | "close" | "reset" | "stall" | "break-tls" | ["start-tls", ...string[]];

export interface FakePeerScript {
  /** Default "220 fake.test ESMTP". */
  greeting?(session: FakeSession): PeerAction;
  /** Advertised in the EHLO reply (default PIPELINING, 8BITMIME, SIZE 10000000). STARTTLS makes the peer do TLS. */
  extensions?: string[];
  /** Overrides the default answer to a command line; undefined keeps it. */
  command?(line: string, session: FakeSession): PeerAction | undefined;
  /** Called with the first chunk of the message after 354; undefined reads on. */
  midData?(session: FakeSession): PeerAction | undefined;
  /** Overrides the answer to the end of data (default "250 2.0.0 queued"). */
  endOfData?(session: FakeSession): PeerAction | undefined;
}

export interface FakePeer {
  host: string;
  port: number;
  /** "host:port" for OUTBOUND_ROUTES. */
  route: string;
  sessions: FakeSession[];
  /** Every command line of every session, in order. */
  commands(): string[];
  close(): Promise<void>;
}

/** A fake SMTP server on host:port (an ephemeral port on 127.0.0.1 by default) that follows `script`. */
export async function startFakePeer(script: FakePeerScript = {}, listen: { host?: string; port?: number } = {}): Promise<FakePeer> {
  const sessions: FakeSession[] = [];
  const extensionsOffered = script.extensions ?? [];
  const secureContext = extensionsOffered.includes("STARTTLS") ? await testSecureContext() : null;
  const sockets = new Set<net.Socket>();
  const extensions = script.extensions ?? ["PIPELINING", "8BITMIME", "SIZE 10000000"];
  const server = net.createServer((plain) => {
    sockets.add(plain);
    plain.on("close", () => sockets.delete(plain));
    plain.on("error", () => undefined);
    plain.setEncoding("latin1");
    let socket: net.Socket = plain;
    const session: FakeSession = { index: sessions.length, packets: [], commands: [], messages: [] };
    sessions.push(session);
    let stalled = false;
    let tlsBroken = false;
    let inData = false;
    let midDataAsked = false;
    let buffer = "";
    /** False when the connection is over or stalled: read nothing more. */
    const act = (action: PeerAction): boolean => {
      if (action === "close") {
        socket.destroy();
        return false;
      }
      if (action === "reset") {
        socket.resetAndDestroy();
        return false;
      }
      if (action === "stall") {
        stalled = true;
        return false;
      }
      if (action === "break-tls") {
        socket.write("220 2.0.0 go ahead\r\n");
        tlsBroken = true;
        return false;
      }
      if (Array.isArray(action) && action[0] === "start-tls") {
        socket.write(["220 2.0.0 go ahead", ...action.slice(1)].map((line) => `${line}\r\n`).join(""));
        socket.off("data", onData);
        buffer = "";
        const secure = new tls.TLSSocket(socket, { isServer: true, secureContext: secureContext! });
        secure.on("error", () => undefined);
        secure.setEncoding("latin1");
        secure.on("data", onData);
        socket = secure;
        return false;
      }
      socket.write((Array.isArray(action) ? action : [action]).map((line) => `${line}\r\n`).join(""));
      return true;
    };
    const standard = (line: string): PeerAction => {
      const verb = line.split(" ")[0].toUpperCase();
      if (verb === "EHLO") return extensions.length ? ["250-fake.test", ...extensions.map((e, i) => `250${i === extensions.length - 1 ? " " : "-"}${e}`)] : "250 fake.test";
      if (verb === "HELO") return "250 fake.test";
      if (verb === "MAIL") return "250 2.1.0 ok";
      if (verb === "RCPT") return "250 2.1.5 ok";
      if (verb === "DATA") return "354 go ahead";
      if (verb === "RSET" || verb === "NOOP") return "250 2.0.0 ok";
      if (verb === "STARTTLS") return secureContext && socket === plain ? ["start-tls"] : "454 4.7.0 TLS not available";
      if (verb === "QUIT") return "221 2.0.0 bye";
      return "500 5.5.1 unknown command";
    };
    const onData = (chunk: string) => {
      session.packets.push(chunk);
      if (stalled) return;
      if (tlsBroken) {
        // The client's ClientHello: answer with something that is not TLS.
        socket.end("this is not TLS\r\n");
        return;
      }
      buffer += chunk;
      for (;;) {
        if (inData) {
          if (!midDataAsked && buffer && script.midData) {
            midDataAsked = true;
            const action = script.midData(session);
            if (action !== undefined && !act(action)) return;
          }
          // The buffer holds the whole message so far: the end mark may span chunks.
          const end = `\r\n${buffer}`.indexOf("\r\n.\r\n");
          if (end < 0) return;
          session.messages.push(buffer.slice(0, end));
          buffer = buffer.slice(end + 3);
          inData = false;
          midDataAsked = false;
          if (!act(script.endOfData?.(session) ?? "250 2.0.0 queued")) return;
          continue;
        }
        const newline = buffer.indexOf("\r\n");
        if (newline < 0) return;
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 2);
        session.commands.push(line);
        const action = script.command?.(line, session) ?? standard(line);
        if (!act(action)) return;
        if (/^DATA$/i.test(line) && typeof action === "string" && action.startsWith("354")) inData = true;
        if (/^QUIT$/i.test(line)) {
          socket.end();
          return;
        }
      }
    };
    plain.on("data", onData);
    const greeting = script.greeting?.(session) ?? "220 fake.test ESMTP";
    act(greeting);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(listen.port ?? 0, listen.host ?? "127.0.0.1", () => resolve());
  });
  const { address, port } = server.address() as net.AddressInfo;
  return {
    host: address,
    port,
    route: `${address}:${port}`,
    sessions,
    commands: () => sessions.flatMap((s) => s.commands),
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
