// Checks an address and password the only way the webmail can: an IMAP LOGIN at the mail server.
// The connection that logged in becomes the new session's pooled connection, so the first page after
// login needs no second handshake.
import "server-only";
import { randomUUID } from "node:crypto";
import { imapEndpoint } from "@/lib/user-agent/imap/endpoint";
import { createImapClient, isAuthenticationFailure } from "@/lib/user-agent/imap/client";
import { imapSessions } from "@/lib/user-agent/imap/pool";
import { LoginThrottle } from "@/lib/web/login-throttle";
import { processWide } from "@/lib/web/process-wide";

export const MAX_ADDRESS_LENGTH = 254;
export const MAX_PASSWORD_LENGTH = 1024;

/** Why a sign-in failed; the words for the reader are chosen in their language (auth/options.ts). */
export type LoginFailure = { reason: "wrong" } | { reason: "unreachable" } | { reason: "throttled"; who: "account" | "address"; retryAfterMs: number };

export type LoginResult = { ok: true; sessionId: string; address: string } | ({ ok: false } & LoginFailure);

/** The process's throttle of password guesses: sign-in, and the current password a password change asks for. */
export const throttle = (): LoginThrottle => processWide("webmail.loginThrottle", () => new LoginThrottle());

export async function verifyLogin(rawAddress: string, password: string, clientAddress: string): Promise<LoginResult> {
  const address = rawAddress.trim();
  if (!address || !password || address.length > MAX_ADDRESS_LENGTH || password.length > MAX_PASSWORD_LENGTH || /[\r\n\0]/.test(address + password)) {
    return { ok: false, reason: "wrong" };
  }
  const verdict = throttle().check(address, clientAddress);
  if (!verdict.allowed) {
    return { ok: false, reason: "throttled", who: verdict.reason, retryAfterMs: verdict.retryAfterMs };
  }

  const client = createImapClient(imapEndpoint(), { user: address, pass: password });
  try {
    await client.connect();
  } catch (error) {
    client.close();
    if (isAuthenticationFailure(error)) {
      throttle().recordFailure(address, clientAddress);
      return { ok: false, reason: "wrong" };
    }
    console.error(`webmail: IMAP connection for login failed: ${error instanceof Error ? error.message : String(error)}`);
    return { ok: false, reason: "unreachable" };
  }
  throttle().recordSuccess(address);
  const sessionId = randomUUID();
  imapSessions().get({ sessionId, address, password }, client);
  return { ok: true, sessionId, address };
}
