// After a password change from the webmail, the session keeps working: its token gets the new password
// sealed in place of the old one (same session id, same lifetime), and the session's pooled IMAP
// connections, logged in with the old password, are closed so the next request logs in with the new one.
import "server-only";
import type { NextResponse } from "next/server";
import { encode } from "next-auth/jwt";
import { imapSessions } from "@/lib/user-agent/imap/pool";
import { sealContext, sealPassword } from "@/lib/web/password-seal";
import { getServerKeys } from "@/lib/web/server-secret";
import { SESSION_MAX_AGE_S } from "./options";
import { sessionTokens, type SignedInUser } from "./session";

/** Sets the session cookie on `response` anew with `password` sealed in it; false when no session token was found. */
export async function resealSession(user: SignedInUser, password: string, response: NextResponse): Promise<boolean> {
  const keys = getServerKeys();
  for (const { name, token } of await sessionTokens()) {
    if (token.sub !== user.sessionId) continue;
    const sealedPassword = sealPassword(password, keys.passwordSealKey, sealContext(user.sessionId, user.address));
    // The session ends when it would have: a password change doesn't lengthen it.
    const expiresAt = typeof token.exp === "number" ? token.exp : Math.floor(Date.now() / 1000) + SESSION_MAX_AGE_S;
    const maxAge = Math.max(1, expiresAt - Math.floor(Date.now() / 1000));
    // The session's own claims (lib/web/auth/options.ts); encode() stamps its own iat, exp and jti.
    const value = await encode({ token: { sub: token.sub, email: token.email, sealedPassword }, secret: keys.nextAuthSecret, maxAge });
    response.cookies.set(name, value, { httpOnly: true, sameSite: "lax", path: "/", secure: name.startsWith("__Secure-"), maxAge });
    await imapSessions().end(user.sessionId);
    return true;
  }
  return false;
}
