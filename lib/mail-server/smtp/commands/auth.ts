// AUTH (RFC 4954) with PLAIN and LOGIN. Passwords only over TLS unless PLAINTEXT_AUTH allows
// loopback or everything; each failure costs the client a growing delay, per connection and
// per address across connections and protocols (net/login-limiter.ts).
import { loginLimiter } from "../../net/login-limiter";
import { decodeLoginField, decodePlain, LOGIN_PASSWORD_PROMPT, LOGIN_USERNAME_PROMPT, passwordsAllowed, type SaslCredentials } from "../../net/sasl";
import { SmtpError } from "../protocol";
import type { SmtpSession } from "../session";

async function readResponse(session: SmtpSession): Promise<string> {
  const result = await session.connection.readLine(session.limits.maxLineLength);
  if (result === null) throw new SmtpError(421, "4.4.0", "Connection lost");
  if ("tooLong" in result) throw new SmtpError(500, "5.5.6", "Authentication exchange line is too long");
  if (result.line.trim() === "*") throw new SmtpError(501, "5.0.0", "Authentication cancelled");
  return result.line.trim();
}

async function credentials(session: SmtpSession, mechanism: string, initial: string | undefined): Promise<SaslCredentials | null> {
  if (mechanism === "PLAIN") {
    let response = initial;
    if (response === undefined) {
      session.send(334, null, "");
      response = await readResponse(session);
    }
    return decodePlain(response === "=" ? "" : response);
  }
  let username = initial === undefined ? undefined : decodeLoginField(initial);
  if (username === undefined) {
    session.send(334, null, LOGIN_USERNAME_PROMPT);
    username = decodeLoginField(await readResponse(session));
  }
  if (username === null) return null;
  session.send(334, null, LOGIN_PASSWORD_PROMPT);
  const password = decodeLoginField(await readResponse(session));
  return password === null || !username ? null : { username, password };
}

export async function auth(session: SmtpSession, args: string) {
  const { config, store } = session.context;
  const [mechanismArg, initial, extra] = args.split(/\s+/).filter(Boolean);
  const mechanism = (mechanismArg ?? "").toUpperCase();
  if (!session.helo?.extended) throw new SmtpError(503, "5.5.1", "Send EHLO first");
  if (session.user) throw new SmtpError(503, "5.5.1", "Already authenticated");
  if (session.transaction) throw new SmtpError(503, "5.5.1", "AUTH not allowed during a mail transaction");
  if (!passwordsAllowed(config.plaintextAuth, session.connection.secure, session.connection.remoteAddress)) {
    throw new SmtpError(538, "5.7.11", "Encryption required for requested authentication mechanism");
  }
  if (mechanism !== "PLAIN" && mechanism !== "LOGIN") throw new SmtpError(504, "5.5.4", "Unrecognized authentication type");
  if (extra !== undefined) throw new SmtpError(501, "5.5.4", "Syntax: AUTH mechanism [initial-response]");
  const given = await credentials(session, mechanism, initial);
  if (!given) throw new SmtpError(501, "5.5.2", "Cannot decode the authentication response");
  // Not checked when the address's turn is far off: a guess then tells the guesser nothing.
  if (!(await loginLimiter.admit(session.connection.remoteAddress))) throw new SmtpError(454, "4.7.0", "Too many failed authentications from your address, try again later");
  const account = await store.accounts.authenticate(given.username, given.password);
  if (!account) {
    session.failedAuths++;
    await loginLimiter.failed(session.connection.remoteAddress, session.failedAuths);
    throw new SmtpError(535, "5.7.8", "Authentication credentials invalid");
  }
  session.user = { accountId: account.id, address: account.address };
  session.send(235, "2.7.0", "Authentication successful");
}
