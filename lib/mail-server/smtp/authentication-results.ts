// SPF, DKIM and DMARC checks of mail arriving on the MX port (RFC 7208, RFC 6376, RFC 7489),
// done by mailauth and recorded in an Authentication-Results header (RFC 8601) that the
// webmail and filters can trust because we wrote it; every such header from outside that
// claims to be ours is renamed first (RFC 8601 §5). DNS goes to DNS_SERVERS when set.
import { Resolver } from "node:dns/promises";
import type { Config } from "@/lib/config";
import { countLines } from "@/lib/mime/analyze";

/** Mail is not held up for longer than this by slow DNS: the checks then say "temperror". */
const CHECK_TIMEOUT_MS = 8000;
const CACHE_MS = 60_000;
const MAX_CHECKED_HEADER = 64 * 1024;
const MAX_CHECKED_HEADER_LINES = 2000;
const MAX_CACHED = 10_000;

export class InboundAuthenticator {
  private readonly resolver = new Resolver({ timeout: 3000, tries: 1 });

  constructor(private readonly config: Config) {
    if (config.dnsServers.length) this.resolver.setServers(config.dnsServers);
  }

  /** Answers (and failures) kept a minute: a burst from one sender asks DNS once. */
  private readonly cache = new Map<string, { answer: Promise<string[][] | string[]>; expires: number }>();

  private readonly resolve = (name: string, type: string): Promise<string[][] | string[]> => {
    const key = `${type} ${name.toLowerCase()}`;
    const now = Date.now();
    const cached = this.cache.get(key);
    if (cached && cached.expires > now) return cached.answer;
    if (this.cache.size >= MAX_CACHED) this.cache.clear();
    const answer = this.resolver.resolve(name, type) as Promise<string[][] | string[]>;
    answer.catch(() => undefined);
    this.cache.set(key, { answer, expires: now + CACHE_MS });
    return answer;
  };

  /** The header block to put in front of the message: our Authentication-Results (and Received-SPF). */
  async headersFor(message: Buffer, client: { ip: string; helo: string | null; sender: string }): Promise<string> {
    const hostname = this.config.hostname;
    // mailauth's header parsing grows faster than linearly with the number of lines; no real mail has such a header.
    const headerEnd = message.indexOf("\r\n\r\n");
    const header = message.subarray(0, headerEnd < 0 ? message.length : headerEnd);
    if (header.length > MAX_CHECKED_HEADER || countLines(header) > MAX_CHECKED_HEADER_LINES) return `Authentication-Results: ${hostname}; none (header too large to check)\r\n`;
    // Loaded on the first message from another server: some 20 MB a submission-only server never needs.
    const { authenticate } = await import("mailauth");
    const checks = authenticate(message, {
      ip: client.ip,
      helo: client.helo ?? undefined,
      sender: client.sender,
      mta: hostname,
      resolver: this.resolve,
      disableArc: true,
      disableBimi: true,
    }).then((result) => result.headers);
    const timeout = new Promise<string>((resolve) => setTimeout(() => resolve(`Authentication-Results: ${hostname};\r\n\tdkim=temperror; spf=temperror; dmarc=temperror (DNS too slow)\r\n`), CHECK_TIMEOUT_MS).unref());
    try {
      const headers = await Promise.race([checks, timeout]);
      return headers.endsWith("\r\n") ? headers : `${headers.replace(/\r?\n/g, "\r\n")}\r\n`;
    } catch (error) {
      return `Authentication-Results: ${hostname}; none (checks failed: ${(error instanceof Error ? error.message : String(error)).replace(/[\r\n]+/g, " ").slice(0, 200)})\r\n`;
    }
  }
}

/**
 * Renames Authentication-Results fields in the header that claim our hostname as their
 * authserv-id: only we may say what we checked.
 */
export function neutralizeForgedResults(message: Buffer, hostname: string): Buffer {
  const headerEnd = message.indexOf("\r\n\r\n");
  const header = message.subarray(0, headerEnd < 0 ? message.length : headerEnd).toString("latin1");
  const escaped = hostname.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const forged = new RegExp(`^Authentication-Results:[ \\t]*(\\r\\n[ \\t]+)*${escaped}[ \\t]*(;|\\r\\n|$)`, "gim");
  if (!forged.test(header)) return message;
  const renamed = header.replace(new RegExp(`^Authentication-Results:(?=[ \\t]*(\\r\\n[ \\t]+)*${escaped}[ \\t]*(;|\\r\\n|$))`, "gim"), "X-Forged-Authentication-Results:");
  return Buffer.concat([Buffer.from(renamed, "latin1"), message.subarray(header.length)]);
}
