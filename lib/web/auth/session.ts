// The signed-in user of the current request, for pages and route handlers: read from the encrypted
// session cookie, with the IMAP password unsealed for the pooled connection.
import "server-only";
import { cookies } from "next/headers";
import { decode, type JWT } from "next-auth/jwt";
import type { ImapSession } from "@/lib/user-agent/imap/session";
import { imapSessions } from "@/lib/user-agent/imap/pool";
import { sealContext, unsealPassword } from "@/lib/web/password-seal";
import { getServerKeys } from "@/lib/web/server-secret";
import { isSessionActive } from "./web-sessions";

export interface SignedInUser {
  sessionId: string;
  address: string;
  password: string;
}

// next-auth's names: the __Secure- one under HTTPS. Both are tried, since either is a token we made.
const COOKIE_NAMES = ["__Secure-next-auth.session-token", "next-auth.session-token"];

/** The request's session tokens that decode (a token we made), each with its cookie's name. */
export async function sessionTokens(): Promise<{ name: string; token: JWT }[]> {
  const jar = await cookies();
  const { nextAuthSecret } = getServerKeys();
  const found: { name: string; token: JWT }[] = [];
  for (const name of COOKIE_NAMES) {
    const raw = jar.get(name)?.value;
    const token = raw ? await decode({ token: raw, secret: nextAuthSecret }).catch(() => null) : null;
    if (token) found.push({ name, token });
  }
  return found;
}

export async function getSignedInUser(): Promise<SignedInUser | null> {
  const keys = getServerKeys();
  for (const { token } of await sessionTokens()) {
    const { sub: sessionId, email: address, sealedPassword } = token;
    if (typeof sessionId !== "string" || typeof address !== "string" || typeof sealedPassword !== "string") continue;
    if (!(await isSessionActive(sessionId))) return null;
    const password = unsealPassword(sealedPassword, keys.passwordSealKey, sealContext(sessionId, address));
    if (password === null) continue;
    return { sessionId, address, password };
  }
  return null;
}

/** The signed-in user's pooled IMAP session, or null when nobody is signed in. */
export async function getImapSession(): Promise<ImapSession | null> {
  const user = await getSignedInUser();
  return user ? imapSessions().get(user) : null;
}
