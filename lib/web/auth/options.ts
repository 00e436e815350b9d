// next-auth configuration: Credentials checked by IMAP LOGIN, JWT sessions whose token carries the
// sealed IMAP password. Built per request because the cookie's Secure flag depends on whether the
// browser came over HTTPS.
import "server-only";
import type { AuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { getLocale, getTranslations } from "next-intl/server";
import { imapSessions } from "@/lib/user-agent/imap/pool";
import { clientAddress } from "@/lib/web/client-address";
import { describeWait } from "@/lib/web/login-throttle";
import { sealContext, sealPassword } from "@/lib/web/password-seal";
import { getServerKeys } from "@/lib/web/server-secret";
import { recordSession, revokeSessions } from "./web-sessions";
import { verifyLogin, type LoginFailure } from "./verify-login";

export const SESSION_MAX_AGE_S = 7 * 24 * 3600;

/** What the sign-in form shows for a failure, in the language of the request. */
async function failureWords(failure: LoginFailure): Promise<string> {
  const t = await getTranslations("Login");
  if (failure.reason !== "throttled") return t(failure.reason);
  return t("throttled", { who: failure.who, wait: describeWait(failure.retryAfterMs, await getLocale()) });
}

export function authOptions(secure: boolean): AuthOptions {
  const keys = getServerKeys();
  return {
    secret: keys.nextAuthSecret,
    useSecureCookies: secure,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_S },
    pages: { signIn: "/login", error: "/login" },
    logger: {
      // Without NEXTAUTH_URL next-auth warns on every start; the webmail needs no fixed URL (the sign-in
      // flow never follows next-auth's redirects, and the cookie's Secure flag is decided per request).
      warn(code) {
        if (code !== "NEXTAUTH_URL") console.warn(`[next-auth][warn] ${code}`);
      },
      error(code, metadata) {
        console.error(`[next-auth][error] ${code}`, metadata instanceof Error ? metadata.message : "");
      },
      debug() {},
    },
    providers: [
      CredentialsProvider({
        id: "credentials",
        name: "E-mail",
        credentials: { email: { label: "E-mail address", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(credentials, request) {
          const ipAddress = clientAddress(request.headers ?? {});
          const result = await verifyLogin(credentials?.email ?? "", credentials?.password ?? "", ipAddress);
          // next-auth hands a thrown error's message to signIn() in the browser: the words to show.
          if (!result.ok) throw new Error(await failureWords(result));
          const userAgent = request.headers?.["user-agent"];
          try {
            await recordSession({
              id: result.sessionId,
              address: result.address,
              userAgent: typeof userAgent === "string" ? userAgent : "",
              ipAddress,
              expiresAt: new Date(Date.now() + SESSION_MAX_AGE_S * 1000),
            });
          } catch (error) {
            // Without its row the session would be refused at the next request anyway.
            console.error(`webmail: cannot record the session: ${error instanceof Error ? error.message : String(error)}`);
            await imapSessions().end(result.sessionId);
            throw new Error((await getTranslations("Login"))("failed"));
          }
          const user = {
            id: result.sessionId,
            email: result.address,
            sealedPassword: sealPassword(credentials?.password ?? "", keys.passwordSealKey, sealContext(result.sessionId, result.address)),
          };
          return user;
        },
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user) {
          token.sub = user.id;
          token.email = user.email;
          token.sealedPassword = user.sealedPassword;
        }
        return token;
      },
      // What /api/auth/session tells the browser: the address, nothing sealed.
      session({ session, token }) {
        return { expires: session.expires, user: { email: typeof token.email === "string" ? token.email : null } };
      },
    },
    events: {
      async signOut({ token }) {
        const sessionId = token?.sub;
        if (typeof sessionId !== "string") return;
        const address = typeof token.email === "string" ? token.email : "";
        // Also ends the pooled IMAP session; a session without a row still loses its connection.
        if (!(await revokeSessions(address, { only: sessionId }).catch(() => 0))) await imapSessions().end(sessionId);
      },
    },
  };
}
