// Where the webmail's IMAP client connects: IMAP_URL when the operator points the webmail at another
// server, else the bundled server on this machine. Only configuration is read here, never the
// mail server's code: the webmail must work against any standards IMAP server.
import "server-only";
import { isIP } from "node:net";
import { ConfigError, loadConfig, type Config } from "@/lib/config";

export interface ImapEndpoint {
  host: string;
  port: number;
  /** Implicit TLS (imaps://). */
  secure: boolean;
  /** STARTTLS is required before the password is sent. */
  requireStartTls: boolean;
  /** Loopback: no TLS and no compression, both cost CPU and protect nothing on this machine. */
  loopback: boolean;
  /** Our own bundled server's self-signed certificate is accepted, but only over loopback. */
  acceptSelfSigned: boolean;
}

export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (bare === "localhost" || bare === "::1") return true;
  return isIP(bare) === 4 && bare.startsWith("127.");
}

function fromUrl(url: string): ImapEndpoint {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError("IMAP_URL", `"${url}" is not a URL (examples: imaps://mail.example.org, imap://127.0.0.1:143)`);
  }
  if (parsed.protocol !== "imap:" && parsed.protocol !== "imaps:") {
    throw new ConfigError("IMAP_URL", `"${url}" must start with imap:// or imaps://`);
  }
  const secure = parsed.protocol === "imaps:";
  const host = parsed.hostname.replace(/^\[|\]$/g, "");
  const loopback = isLoopbackHost(host);
  return {
    host,
    port: parsed.port ? Number(parsed.port) : secure ? 993 : 143,
    secure,
    requireStartTls: !secure && !loopback,
    loopback,
    acceptSelfSigned: false,
  };
}

export function imapEndpoint(config: Config = loadConfig()): ImapEndpoint {
  if (config.imapUrl) return fromUrl(config.imapUrl);
  // A wildcard bind address is reachable through loopback; a specific one only on itself.
  const host = config.bindAddress === "0.0.0.0" ? "127.0.0.1" : config.bindAddress === "::" ? "::1" : config.bindAddress;
  const loopback = isLoopbackHost(host);
  if (config.ports.imap !== 0) {
    return { host, port: config.ports.imap, secure: false, requireStartTls: !loopback, loopback, acceptSelfSigned: false };
  }
  if (config.ports.imaps !== 0) {
    return { host, port: config.ports.imaps, secure: true, requireStartTls: false, loopback, acceptSelfSigned: loopback };
  }
  throw new ConfigError("IMAP_PORT", "IMAP_PORT and IMAPS_PORT are both 0: the webmail has no IMAP server to read mail from (set IMAP_URL)");
}
