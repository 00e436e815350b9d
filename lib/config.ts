// The one typed configuration of both processes: environment → defaults → validation.
// Every variable of the contract (README, "Configuration") is read here and nowhere else.
// A bad value throws ConfigError naming the variable; the caller prints it and stops.
import path from "node:path";
import { isIP } from "node:net";
import { accessSync, constants } from "node:fs";

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = "ConfigError";
  }
}

export type PlaintextAuthPolicy = "loopback" | "never" | "always";
export type SignupPolicy = "closed" | "invite" | "open";

export interface Route {
  host: string;
  port: number;
}

export interface Config {
  dataDir: string;
  databaseUrl: string;
  databaseProvider: "sqlite" | "postgresql";
  hostname: string;
  domains: string[];
  bindAddress: string;
  ports: {
    web: number;
    smtp: number;
    submission: number;
    submissions: number;
    imap: number;
    imaps: number;
    pop3: number;
    pop3s: number;
    /** The mail server's management API (account set-up from the webmail, later administration). */
    admin: number;
  };
  tls: { certFile: string | null; keyFile: string | null };
  relayHost: Route | null;
  /** RELAY_USER / RELAY_PASSWORD: AUTH at the smarthost. */
  relayAuth: { user: string; password: string } | null;
  outboundRoutes: Map<string, Route>;
  plaintextAuth: PlaintextAuthPolicy;
  maxMessageSize: number;
  defaultQuota: number;
  queueRetryDelays: number[];
  queueLifetime: number;
  queueDelayNotice: number;
  /** QUEUE_MAX_CONCURRENCY / QUEUE_MAX_PER_DOMAIN: outbound deliveries in flight, overall and to one domain. */
  queueConcurrency: { overall: number; perDomain: number };
  dnsServers: string[];
  pop3ExpireDays: number | null;
  /** POP3_FETCH_INTERVAL: how often the webmail fetches the users' external POP3 accounts. */
  pop3FetchInterval: number;
  /** UNDO_SEND_DEFAULT: seconds a sent message waits, undoable, for users who did not choose (0–30). */
  undoSendDefault: number;
  signup: SignupPolicy;
  imapUrl: string | null;
  smtpUrl: string | null;
  adminUrl: string;
  smtp: {
    maxRecipients: number;
    maxConnections: number;
    maxLineLength: number;
    maxBadCommands: number;
    idleTimeoutMs: number;
  };
}

type Env = Record<string, string | undefined>;

const SIZE_UNITS: Record<string, number> = { "": 1, B: 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };
const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseSize(variable: string, value: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([KMGT]?)i?B?\s*$/i.exec(value);
  if (!match) throw new ConfigError(variable, `"${value}" is not a size (examples: 50M, 2G, 1048576)`);
  const bytes = Math.floor(Number(match[1]) * SIZE_UNITS[match[2].toUpperCase()]);
  if (!Number.isSafeInteger(bytes) || bytes <= 0) throw new ConfigError(variable, `"${value}" is out of range`);
  return bytes;
}

/** Milliseconds from "90s", "5m", "1h", "5d" or "250ms"; a bare number is seconds. */
export function parseDuration(variable: string, value: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(value);
  if (!match) throw new ConfigError(variable, `"${value}" is not a duration (examples: 30s, 5m, 4h, 5d)`);
  return Math.round(Number(match[1]) * DURATION_UNITS[match[2] ?? "s"]);
}

function positiveDuration(variable: string, value: string): number {
  const ms = parseDuration(variable, value);
  if (ms <= 0) throw new ConfigError(variable, `"${value}" must be longer than zero`);
  return ms;
}

export function parsePort(variable: string, value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new ConfigError(variable, `"${value}" is not a port number (0–65535)`);
  const port = Number(value);
  if (port > 65535) throw new ConfigError(variable, `${port} is not a port number (0–65535)`);
  return port;
}

/** Resolvers as node:dns takes them: an IP address, with a port as "ip:port" or "[ipv6]:port". */
function dnsServers(value: string): string[] {
  const servers = value.split(",").map((s) => s.trim()).filter(Boolean);
  for (const server of servers) {
    const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(server);
    const withPort = /^([^:]+):(\d+)$/.exec(server);
    const [address, port] = bracketed ? [bracketed[1], bracketed[2]] : withPort ? [withPort[1], withPort[2]] : [server, undefined];
    if (!isIP(address)) throw new ConfigError("DNS_SERVERS", `"${server}" is not an IP address (examples: 9.9.9.9, 127.0.0.1:5353, [::1]:53)`);
    if (port !== undefined && (parsePort("DNS_SERVERS", port) === 0)) throw new ConfigError("DNS_SERVERS", `"${server}" has port 0`);
  }
  return servers;
}

function relayAuth(user: string | undefined, password: string | undefined): Config["relayAuth"] {
  if (!user && !password) return null;
  if (!user) throw new ConfigError("RELAY_PASSWORD", "RELAY_PASSWORD is set but RELAY_USER is not");
  if (!password) throw new ConfigError("RELAY_USER", "RELAY_USER is set but RELAY_PASSWORD is not");
  return { user, password };
}

export function parseHostPort(variable: string, value: string): Route {
  const match = /^\s*(\[[0-9a-fA-F:.]+\]|[^:\s]+)(?::(\d+))?\s*$/.exec(value);
  if (!match) throw new ConfigError(variable, `"${value}" is not host:port`);
  const host = match[1].replace(/^\[|\]$/g, "");
  const port = match[2] === undefined ? 25 : parsePort(variable, match[2]);
  if (port === 0) throw new ConfigError(variable, `"${value}" has port 0`);
  return { host, port };
}

function parseDomainList(variable: string, value: string): string[] {
  const domains = value
    .split(",")
    .map((d) => d.trim().toLowerCase())
    .filter(Boolean);
  for (const domain of domains) {
    if (!/^[a-z0-9\u0080-\uffff]([a-z0-9\u0080-\uffff-]*[a-z0-9\u0080-\uffff])?(\.[a-z0-9\u0080-\uffff]([a-z0-9\u0080-\uffff-]*[a-z0-9\u0080-\uffff])?)*$/.test(domain)) {
      throw new ConfigError(variable, `"${domain}" is not a domain name`);
    }
  }
  if (!domains.length) throw new ConfigError(variable, "names no domain");
  return domains;
}

function oneOf<T extends string>(variable: string, value: string, allowed: readonly T[]): T {
  const lower = value.trim().toLowerCase();
  const found = allowed.find((a) => a === lower);
  if (!found) throw new ConfigError(variable, `"${value}" must be one of ${allowed.join(", ")}`);
  return found;
}

function readableFile(variable: string, file: string): string {
  try {
    accessSync(file, constants.R_OK);
  } catch {
    throw new ConfigError(variable, `cannot read ${file}`);
  }
  return file;
}

function secondsUpTo(variable: string, value: string, max: number): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) > max) throw new ConfigError(variable, `"${value}" is not a whole number of seconds from 0 to ${max}`);
  return Number(value);
}

function positiveInt(variable: string, value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) <= 0) throw new ConfigError(variable, `"${value}" is not a positive whole number`);
  return Number(value);
}

/** Where the management API listens: BIND_ADDRESS when it names one interface, loopback when it names all. */
export function adminListenAddress(bindAddress: string): string {
  return bindAddress === "0.0.0.0" || bindAddress === "::" ? "127.0.0.1" : bindAddress;
}

export function loadConfig(env: Env = process.env): Config {
  const get = (name: string): string | undefined => {
    const value = env[name];
    return value === undefined || value.trim() === "" ? undefined : value.trim();
  };
  const port = (name: string, fallback: number) => {
    const value = get(name);
    return value === undefined ? fallback : parsePort(name, value);
  };

  const dataDir = path.resolve(/*turbopackIgnore: true*/ get("DATA_DIR") ?? "./data");
  const databaseUrl = get("DATABASE_URL") ?? `file:${path.join(dataDir, "mail.db")}`;
  let databaseProvider: Config["databaseProvider"];
  if (/^postgres(ql)?:\/\//i.test(databaseUrl)) databaseProvider = "postgresql";
  else if (/^file:/i.test(databaseUrl)) databaseProvider = "sqlite";
  else throw new ConfigError("DATABASE_URL", `"${databaseUrl}" must start with file: (SQLite) or postgres:// (PostgreSQL)`);

  const hostname = (get("MAIL_HOSTNAME") ?? "localhost").toLowerCase();
  if (!/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/.test(hostname)) throw new ConfigError("MAIL_HOSTNAME", `"${hostname}" is not a host name`);

  const certFile = get("TLS_CERT") ?? null;
  const keyFile = get("TLS_KEY") ?? null;
  if ((certFile === null) !== (keyFile === null)) {
    throw new ConfigError(certFile === null ? "TLS_CERT" : "TLS_KEY", "TLS_CERT and TLS_KEY must be set together");
  }

  const outboundRoutes = new Map<string, Route>();
  for (const entry of (get("OUTBOUND_ROUTES") ?? "").split(",").filter((e) => e.trim())) {
    const [domain, target] = entry.split("=");
    if (!domain?.trim() || !target?.trim()) throw new ConfigError("OUTBOUND_ROUTES", `"${entry}" is not domain=host:port`);
    outboundRoutes.set(domain.trim().toLowerCase(), parseHostPort("OUTBOUND_ROUTES", target));
  }

  const pop3Expire = get("POP3_EXPIRE") ?? "NEVER";
  const retryDelays = (get("QUEUE_RETRY_DELAYS") ?? "5m,10m,20m,40m,1h,2h,4h").split(",").map((d) => parseDuration("QUEUE_RETRY_DELAYS", d));
  const bindAddress = get("BIND_ADDRESS") ?? "127.0.0.1";
  if (!isIP(bindAddress) && bindAddress !== "localhost") {
    throw new ConfigError("BIND_ADDRESS", `"${bindAddress}" is not an IP address (examples: 127.0.0.1, 0.0.0.0, ::)`);
  }
  const ports = {
    web: port("WEB_PORT", 3000),
    smtp: port("SMTP_PORT", 2525),
    submission: port("SUBMISSION_PORT", 2587),
    submissions: port("SUBMISSIONS_PORT", 2465),
    imap: port("IMAP_PORT", 1143),
    imaps: port("IMAPS_PORT", 1993),
    pop3: port("POP3_PORT", 1110),
    pop3s: port("POP3S_PORT", 1995),
    admin: port("ADMIN_PORT", 2080),
  };
  const adminHost = adminListenAddress(bindAddress);

  return {
    dataDir,
    databaseUrl,
    databaseProvider,
    hostname,
    domains: parseDomainList("MAIL_DOMAINS", get("MAIL_DOMAINS") ?? "localhost"),
    bindAddress,
    ports,
    tls: {
      certFile: certFile === null ? null : readableFile("TLS_CERT", certFile),
      keyFile: keyFile === null ? null : readableFile("TLS_KEY", keyFile),
    },
    relayHost: get("RELAY_HOST") ? parseHostPort("RELAY_HOST", get("RELAY_HOST")!) : null,
    relayAuth: relayAuth(get("RELAY_USER"), get("RELAY_PASSWORD")),
    outboundRoutes,
    plaintextAuth: oneOf("PLAINTEXT_AUTH", get("PLAINTEXT_AUTH") ?? "loopback", ["loopback", "never", "always"] as const),
    maxMessageSize: parseSize("MAX_MESSAGE_SIZE", get("MAX_MESSAGE_SIZE") ?? "50M"),
    defaultQuota: parseSize("DEFAULT_QUOTA", get("DEFAULT_QUOTA") ?? "5G"),
    queueRetryDelays: retryDelays,
    queueLifetime: positiveDuration("QUEUE_LIFETIME", get("QUEUE_LIFETIME") ?? "5d"),
    queueDelayNotice: positiveDuration("QUEUE_DELAY_NOTICE", get("QUEUE_DELAY_NOTICE") ?? "4h"),
    // Postfix's default_process_limit / default_destination_concurrency_limit are 100 / 20: more than
    // 20 at once to one domain looks like abuse to many receivers.
    queueConcurrency: {
      overall: positiveInt("QUEUE_MAX_CONCURRENCY", get("QUEUE_MAX_CONCURRENCY") ?? "50"),
      perDomain: positiveInt("QUEUE_MAX_PER_DOMAIN", get("QUEUE_MAX_PER_DOMAIN") ?? "20"),
    },
    dnsServers: dnsServers(get("DNS_SERVERS") ?? ""),
    // RFC 2449 §6.7: EXPIRE 0 means retrieved mail isn't kept.
    pop3ExpireDays: pop3Expire.toUpperCase() === "NEVER" ? null : pop3Expire === "0" ? 0 : positiveInt("POP3_EXPIRE", pop3Expire),
    pop3FetchInterval: positiveDuration("POP3_FETCH_INTERVAL", get("POP3_FETCH_INTERVAL") ?? "10m"),
    undoSendDefault: secondsUpTo("UNDO_SEND_DEFAULT", get("UNDO_SEND_DEFAULT") ?? "10", 30),
    signup: oneOf("SIGNUP", get("SIGNUP") ?? "closed", ["closed", "invite", "open"] as const),
    imapUrl: get("IMAP_URL") ?? null,
    smtpUrl: get("SMTP_URL") ?? null,
    adminUrl: get("ADMIN_URL") ?? `http://${adminHost.includes(":") ? `[${adminHost}]` : adminHost}:${ports.admin}`,
    smtp: {
      maxRecipients: positiveInt("SMTP_MAX_RECIPIENTS", get("SMTP_MAX_RECIPIENTS") ?? "100"),
      maxConnections: positiveInt("SMTP_MAX_CONNECTIONS", get("SMTP_MAX_CONNECTIONS") ?? "200"),
      maxLineLength: 4096,
      maxBadCommands: 10,
      idleTimeoutMs: parseDuration("SMTP_IDLE_TIMEOUT", get("SMTP_IDLE_TIMEOUT") ?? "5m"),
    },
  };
}
