// What a mail client (Thunderbird, Outlook, an iPhone, a person typing it in) needs to reach this
// system: the public host name and the ports, as configured. Read from configuration only: the
// webmail never asks the mail server's code (IMAP_URL / SMTP_URL may even name another server).
import { isLoopbackHost } from "@/lib/user-agent/imap/endpoint";
import type { Config } from "@/lib/config";

/** Thunderbird's names (config-v1.1): "SSL" is TLS from the first byte, "STARTTLS" upgrades a plain port. */
export type SocketType = "SSL" | "STARTTLS";

export interface ServerSetting {
  host: string;
  port: number;
  socketType: SocketType;
}

export interface ClientSettings {
  address: string;
  domain: string;
  /** What clients log in with: the whole address, on every protocol. */
  username: string;
  /** Each list in order of preference: implicit TLS before STARTTLS (RFC 8314 §3.3). Empty when unknown. */
  imap: ServerSetting[];
  pop3: ServerSetting[];
  smtp: ServerSetting[];
}

const MAX_ADDRESS_LENGTH = 254;

/** The address as clients will log in with it, or null when it isn't a plausible one (hostile query strings). */
export function normalizeAddress(value: string | null | undefined): string | null {
  const address = (value ?? "").trim();
  if (!address || address.length > MAX_ADDRESS_LENGTH) return null;
  // One @, something on both sides, no spaces, controls or markup characters a client could choke on.
  if (!/^[^\s@<>"'\\\u0000-\u001f\u007f]+@[^\s@<>"'\\\u0000-\u001f\u007f]+$/u.test(address)) return null;
  const at = address.lastIndexOf("@");
  const domain = address.slice(at + 1).toLowerCase();
  if (!/^[\p{L}\p{N}]([\p{L}\p{N}-]*[\p{L}\p{N}])?(\.[\p{L}\p{N}]([\p{L}\p{N}-]*[\p{L}\p{N}])?)*$/u.test(domain)) return null;
  return `${address.slice(0, at)}@${domain}`;
}

/** The bundled server's listeners for one protocol: the TLS port first, each only when enabled (port 0 is off). */
function bundled(host: string, tlsPort: number, startTlsPort: number): ServerSetting[] {
  const servers: ServerSetting[] = [];
  if (tlsPort) servers.push({ host, port: tlsPort, socketType: "SSL" });
  if (startTlsPort) servers.push({ host, port: startTlsPort, socketType: "STARTTLS" });
  return servers;
}

/**
 * IMAP_URL / SMTP_URL point the webmail at another server; clients go there too. A loopback URL means that
 * server runs on this machine, which the world knows as MAIL_HOSTNAME.
 */
function external(url: string, tlsScheme: string, tlsDefault: number, plainDefault: number, hostname: string): ServerSetting[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [];
  }
  const secure = parsed.protocol === tlsScheme;
  const urlHost = parsed.hostname.replace(/^\[|\]$/g, "");
  const host = isLoopbackHost(urlHost) ? hostname : urlHost;
  const port = parsed.port ? Number(parsed.port) : secure ? tlsDefault : plainDefault;
  return [{ host, port, socketType: secure ? "SSL" : "STARTTLS" }];
}

export function clientSettings(config: Config, address: string): ClientSettings {
  const host = config.hostname;
  const { ports } = config;
  return {
    address,
    domain: address.slice(address.lastIndexOf("@") + 1),
    username: address,
    imap: config.imapUrl ? external(config.imapUrl, "imaps:", 993, 143, host) : bundled(host, ports.imaps, ports.imap),
    // Another IMAP server's POP3 service is unknown: nothing rather than a guess.
    pop3: config.imapUrl ? [] : bundled(host, ports.pop3s, ports.pop3),
    smtp: config.smtpUrl ? external(config.smtpUrl, "smtps:", 465, 587, host) : bundled(host, ports.submissions, ports.submission),
  };
}
