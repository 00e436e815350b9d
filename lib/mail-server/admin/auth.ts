// Who is calling the management API. The webmail passes the signed-in user's own address and password
// (HTTP Basic, as it does for IMAP LOGIN), so the API trusts no one more than the mail protocols do:
// a user acts on their own account, an administrator on everything, a disabled account on nothing.
import type http from "node:http";
import type { MailStore } from "../store";
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

export async function authenticateCaller(store: MailStore, request: http.IncomingMessage): Promise<Caller | null> {
  const credentials = basicCredentials(request);
  if (!credentials) return null;
  return store.accounts.authenticate(credentials.address, credentials.password);
}
