// The largest message the composer may send: the submission server's own SIZE (RFC 1870), learned from
// its EHLO answer and remembered for a while, or MAX_MESSAGE_SIZE when that is smaller or the server
// names none. The composer refuses an attachment that would pass it, before anything is sent.
import "server-only";
import net from "node:net";
import tls from "node:tls";
import { loadConfig } from "@/lib/config";
import type { ImapEndpoint } from "@/lib/user-agent/imap/endpoint";
import { submissionEndpoint } from "./submission";

/** How long an EHLO answer is trusted: operators change SIZE rarely, and a restart re-learns it. */
const CACHE_MS = 10 * 60_000;
const PROBE_TIMEOUT_MS = 3000;
// An EHLO answer is a dozen short lines; more than this is not a mail server.
const MAX_ANSWER_BYTES = 16 * 1024;

let cached: { key: string; size: number | null; at: number } | null = null;

/** SIZE from an EHLO answer: "250-SIZE 52428800"; null when absent or 0 (RFC 1870: no fixed limit). */
export function sizeFromEhlo(answer: string): number | null {
  const match = /^250[- ]SIZE(?:[ \t]+(\d+))?[ \t]*$/im.exec(answer);
  const size = match?.[1] ? Number(match[1]) : 0;
  return Number.isSafeInteger(size) && size > 0 ? size : null;
}

/** Connects, reads the greeting, says EHLO and reads the answer up to its last line; null on any trouble. */
export function probeEhlo(endpoint: Pick<ImapEndpoint, "host" | "port" | "secure" | "acceptSelfSigned">): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = endpoint.secure
      ? tls.connect({ host: endpoint.host, port: endpoint.port, servername: net.isIP(endpoint.host) ? undefined : endpoint.host, rejectUnauthorized: !endpoint.acceptSelfSigned })
      : net.connect({ host: endpoint.host, port: endpoint.port });
    let received = "";
    let greeted = false;
    const finish = (answer: string | null) => {
      clearTimeout(timer);
      socket.removeAllListeners("data");
      if (answer !== null && !socket.destroyed) socket.end("QUIT\r\n");
      else socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => finish(null), PROBE_TIMEOUT_MS);
    socket.on("error", () => finish(null));
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => {
      received += chunk;
      if (received.length > MAX_ANSWER_BYTES) return finish(null);
      // A reply is complete at a line "NNN text" (a space after the code, not "NNN-").
      const complete = /(?:^|\r\n)(\d{3}) [^\r\n]*\r\n$/.exec(received);
      if (!complete) return;
      if (!greeted) {
        if (complete[1] !== "220") return finish(null);
        greeted = true;
        received = "";
        socket.write("EHLO webmail.invalid\r\n");
        return;
      }
      finish(complete[1] === "250" ? received : null);
    });
  });
}

/** The submission server's SIZE, remembered for CACHE_MS; null when it names none or cannot be asked. */
export async function submissionSize(endpoint: ImapEndpoint = submissionEndpoint()): Promise<number | null> {
  const key = `${endpoint.host}:${endpoint.port}:${endpoint.secure}`;
  if (cached && cached.key === key && Date.now() - cached.at < CACHE_MS) return cached.size;
  const answer = await probeEhlo(endpoint);
  const size = answer === null ? null : sizeFromEhlo(answer);
  // An unreachable server is asked again at the next send rather than remembered as limitless.
  if (answer !== null) cached = { key, size, at: Date.now() };
  return size;
}

/** The largest message, in bytes as sent, the composer lets through. */
export async function messageSizeLimit(): Promise<number> {
  const configured = loadConfig().maxMessageSize;
  const server = await submissionSize();
  return server === null ? configured : Math.min(configured, server);
}
