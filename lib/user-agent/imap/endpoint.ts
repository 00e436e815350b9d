// Where the webmail's clients connect: IMAP_URL (or SMTP_URL for submission) when the operator points the
// webmail at another server, else the bundled server on this machine. Only configuration is read here,
// never the mail server's code: the webmail must work against any standards server.
import "server-only";
import { isIP } from "node:net";
import { ConfigError, loadConfig, type Config } from "@/lib/config";

export interface ImapEndpoint {
  host: string;
  port: number;
  /** Implicit TLS (imaps://, smtps://). */
  secure: boolean;
  /** STARTTLS is required before the password is sent. */
  requireStartTls: boolean;
  /** Loopback: no TLS and no compression, both cost CPU and protect nothing on this machine. */
  loopback: boolean;
  /** Our own bundled server's self-signed certificate is accepted, but only over loopback. */
  acceptSelfSigned: boolean;
}

/** How one protocol's server is named: its URL variable and schemes, and the bundled server's listeners. */
export interface EndpointSpec {
  variable: "IMAP_URL" | "SMTP_URL";
  plain: { scheme: string; port: number; variable: string; configured: (config: Config) => number };
  tls: { scheme: string; port: number; variable: string; configured: (config: Config) => number };
  examples: string;
  /** What the webmail lacks without it, for the error: "IMAP server to read mail from". */
  role: string;
}

export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (bare === "localhost" || bare === "::1") return true;
  return isIP(bare) === 4 && bare.startsWith("127.");
}

function fromUrl(spec: EndpointSpec, url: string): ImapEndpoint {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(spec.variable, `"${url}" is not a URL (examples: ${spec.examples})`);
  }
  if (parsed.protocol !== spec.plain.scheme && parsed.protocol !== spec.tls.scheme) {
    throw new ConfigError(spec.variable, `"${url}" must start with ${spec.plain.scheme}// or ${spec.tls.scheme}//`);
  }
  const secure = parsed.protocol === spec.tls.scheme;
  const host = parsed.hostname.replace(/^\[|\]$/g, "");
  const loopback = isLoopbackHost(host);
  return {
    host,
    port: parsed.port ? Number(parsed.port) : secure ? spec.tls.port : spec.plain.port,
    secure,
    requireStartTls: !secure && !loopback,
    loopback,
    acceptSelfSigned: false,
  };
}

export function serverEndpoint(spec: EndpointSpec, url: string | null, config: Config): ImapEndpoint {
  if (url) return fromUrl(spec, url);
  // A wildcard bind address is reachable through loopback; a specific one only on itself.
  const host = config.bindAddress === "0.0.0.0" ? "127.0.0.1" : config.bindAddress === "::" ? "::1" : config.bindAddress;
  const loopback = isLoopbackHost(host);
  const plainPort = spec.plain.configured(config);
  if (plainPort !== 0) {
    return { host, port: plainPort, secure: false, requireStartTls: !loopback, loopback, acceptSelfSigned: false };
  }
  const tlsPort = spec.tls.configured(config);
  if (tlsPort !== 0) {
    return { host, port: tlsPort, secure: true, requireStartTls: false, loopback, acceptSelfSigned: loopback };
  }
  throw new ConfigError(spec.plain.variable, `${spec.plain.variable} and ${spec.tls.variable} are both 0: the webmail has no ${spec.role} (set ${spec.variable})`);
}

const IMAP: EndpointSpec = {
  variable: "IMAP_URL",
  plain: { scheme: "imap:", port: 143, variable: "IMAP_PORT", configured: (config) => config.ports.imap },
  tls: { scheme: "imaps:", port: 993, variable: "IMAPS_PORT", configured: (config) => config.ports.imaps },
  examples: "imaps://mail.example.org, imap://127.0.0.1:143",
  role: "IMAP server to read mail from",
};

export function imapEndpoint(config: Config = loadConfig()): ImapEndpoint {
  return serverEndpoint(IMAP, config.imapUrl, config);
}
