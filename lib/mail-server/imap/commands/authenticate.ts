// STARTTLS (RFC 3501 §6.2.1, RFC 2595), LOGIN, AUTHENTICATE PLAIN/LOGIN with SASL-IR (RFC 4959).
// Passwords only where PLAINTEXT_AUTH allows (LOGINDISABLED otherwise); each failure costs
// the client a growing delay, per connection and per address (net/login-limiter.ts), and a
// few on one connection end it; a disabled account is refused like a wrong password.
import { loginLimiter } from "../../net/login-limiter";
import { decodeLoginField, decodePlain, LOGIN_PASSWORD_PROMPT, LOGIN_USERNAME_PROMPT, type SaslCredentials } from "../../net/sasl";
import { asAString, asAtom, continuation, tagged, untaggedStatus, ImapSyntaxError, type ImapCommand } from "../protocol";
import { IMAP_LIMITS } from "../limits";
import { ImapError, type ImapSession } from "../session";

export async function starttls(session: ImapSession, command: ImapCommand) {
  const tls = session.context.tls;
  if (!tls || session.connection.secure) throw new ImapError("BAD", "TLS is not available or already active");
  session.write(tagged(command.tag, "OK", "Begin TLS negotiation now"));
  // The connection drops anything the client pipelined behind STARTTLS (CVE-2011-0411 class).
  if (!(await session.connection.startTls(tls.context))) session.connection.destroy();
}

async function checkCredentials(session: ImapSession, tag: string, credentials: SaslCredentials | null) {
  const address = session.connection.remoteAddress;
  // Refused without a check when the address's turn is far off: a guess made now could never
  // succeed, so the answer tells the guesser nothing.
  const admitted = await loginLimiter.admit(address);
  const account = admitted && credentials ? await session.store.accounts.authenticate(credentials.username, credentials.password) : null;
  if (!account) {
    session.failedLogins++;
    if (admitted) await loginLimiter.failed(address, session.failedLogins);
    const refusal = admitted
      ? new ImapError("NO", "Invalid credentials", "AUTHENTICATIONFAILED")
      : new ImapError("NO", "Too many failed logins from your address, try again later", "UNAVAILABLE");
    if (session.failedLogins < IMAP_LIMITS.maxFailedLogins) throw refusal;
    session.write(tagged(tag, refusal.status, refusal.message, refusal.code));
    session.write(untaggedStatus("BYE", "Too many failed logins"));
    session.connection.close();
    return;
  }
  session.login(account.id, account.address);
  session.write(tagged(tag, "OK", "Logged in", `CAPABILITY ${session.capabilities().join(" ")}`));
}

export async function login(session: ImapSession, command: ImapCommand) {
  if (!session.passwordsAllowed) throw new ImapError("NO", "Use STARTTLS before LOGIN", "PRIVACYREQUIRED");
  if (command.args.length !== 2) throw new ImapSyntaxError("LOGIN takes a user name and a password");
  await checkCredentials(session, command.tag, { username: asAString(command.args[0]), password: asAString(command.args[1]) });
}

async function readResponse(session: ImapSession): Promise<string> {
  const result = await session.connection.readLine(64 * 1024);
  if (result === null) throw new ImapError("NO", "Connection lost");
  if ("tooLong" in result) throw new ImapError("BAD", "Authentication response too long");
  if (result.line.trim() === "*") throw new ImapError("BAD", "Authentication cancelled");
  return result.line.trim();
}

export async function authenticate(session: ImapSession, command: ImapCommand) {
  if (!session.passwordsAllowed) throw new ImapError("NO", "Use STARTTLS before authenticating", "PRIVACYREQUIRED");
  const mechanism = asAtom(command.args[0]).toUpperCase();
  const initial = command.args[1] ? asAString(command.args[1]) : undefined;
  let credentials: SaslCredentials | null;
  if (mechanism === "PLAIN") {
    let response = initial;
    if (response === undefined) {
      session.write(continuation());
      response = await readResponse(session);
    }
    credentials = decodePlain(response === "=" ? "" : response);
  } else if (mechanism === "LOGIN") {
    let username = initial === undefined ? undefined : decodeLoginField(initial);
    if (username === undefined) {
      session.write(continuation(LOGIN_USERNAME_PROMPT));
      username = decodeLoginField(await readResponse(session));
    }
    session.write(continuation(LOGIN_PASSWORD_PROMPT));
    const password = decodeLoginField(await readResponse(session));
    credentials = username && password ? { username, password } : null;
  } else {
    throw new ImapError("NO", "Unsupported authentication mechanism", "CANNOT");
  }
  await checkCredentials(session, command.tag, credentials);
}
