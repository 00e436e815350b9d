// EHLO and HELO (RFC 5321 §4.1.1.1). EHLO lists the extensions; a client that gets 500 to
// EHLO falls back to HELO and then may not use any of them.
import { passwordsAllowed } from "../../net/sasl";
import { SmtpError } from "../protocol";
import type { SmtpSession } from "../session";

function checkName(args: string): string {
  const name = args.trim();
  if (!name) throw new SmtpError(501, "5.5.4", "Syntax: EHLO hostname");
  if (/\s/.test(name) || name.length > 255 || /[^\x21-\x7e]/.test(name)) throw new SmtpError(501, "5.5.4", "Invalid hostname");
  return name;
}

export function ehlo(session: SmtpSession, args: string) {
  const name = checkName(args);
  const { config, tls } = session.context;
  session.helo = { name, extended: true };
  session.resetTransaction();
  const extensions = [
    `${config.hostname} Hello ${name} [${session.connection.remoteAddress}]`,
    "PIPELINING",
    `SIZE ${config.maxMessageSize}`,
    "8BITMIME",
    "BINARYMIME",
    "CHUNKING",
    "SMTPUTF8",
    "ENHANCEDSTATUSCODES",
    "DSN",
  ];
  if (tls && !session.connection.secure) extensions.push("STARTTLS");
  if (!session.user && passwordsAllowed(config.plaintextAuth, session.connection.secure, session.connection.remoteAddress)) {
    extensions.push("AUTH PLAIN LOGIN");
  }
  extensions.push("HELP");
  session.send(250, null, extensions);
}

export function helo(session: SmtpSession, args: string) {
  const name = checkName(args);
  session.helo = { name, extended: false };
  session.resetTransaction();
  session.send(250, null, `${session.context.config.hostname} Hello ${name} [${session.connection.remoteAddress}]`);
}
