// Who is calling the management API. The webmail passes the signed-in user's own address and password
// (HTTP Basic, as it does for IMAP LOGIN), so the API trusts no one more than the mail protocols do:
// a user acts on their own account, an administrator on everything, a disabled account on nothing.
import type http from "node:http";
import type { MailStore } from "../store";
import { loginLimiter } from "../net/login-limiter";
import type { Caller } from "./request";

export type Access = "public" | "account" | "admin";

/** Credentials of an `Authorization: Basic` header, or null when there are none or they are malformed. */
export function basicCredentials(request: http.IncomingMessage): { address: string; password: string } | null {
  const header = request.headers.authorization;
  const match = header ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header) : null;
  if (!match) return null;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon <= 0) return null;
  return { address: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * The account the request's credentials name, or null. Wrong passwords count with IMAP's, POP3's and
 * SMTP's (one limiter per client address), so the API is no cheaper a place to guess passwords.
 */
export async function authenticateCaller(store: MailStore, request: http.IncomingMessage): Promise<Caller | null> {
  const credentials = basicCredentials(request);
  if (!credentials) return null;
  const peer = request.socket.remoteAddress ?? "unknown";
  if (!(await loginLimiter.admit(peer))) return null;
  const caller = await store.accounts.authenticate(credentials.address, credentials.password);
  if (!caller) await loginLimiter.failed(peer, 1);
  return caller;
}

/** Loopback: where the webmail runs when it shares the machine (what the API trusts to report a visitor's address). */
export function fromLoopback(request: http.IncomingMessage): boolean {
  const peer = (request.socket.remoteAddress ?? "").replace(/^::ffff:/i, "");
  return peer === "::1" || peer.startsWith("127.");
}
