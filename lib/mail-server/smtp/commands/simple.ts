// The commands with no state of their own.
import { SmtpError } from "../protocol";
import type { SmtpSession } from "../session";

export function rset(session: SmtpSession) {
  session.resetTransaction();
  session.send(250, "2.0.0", "Flushed");
}

export function noop(session: SmtpSession) {
  session.send(250, "2.0.0", "OK");
}

export function quit(session: SmtpSession) {
  session.send(221, "2.0.0", `${session.context.config.hostname} Bye`);
  session.connection.close();
}

/** RFC 5321 §3.5.3: 252 rather than confirming who exists here (address harvesting). */
export function vrfy(session: SmtpSession, args: string) {
  if (!args) throw new SmtpError(501, "5.5.4", "Syntax: VRFY address");
  session.send(252, "2.5.0", "Cannot VRFY user, but will accept message and attempt delivery");
}

export function expn() {
  throw new SmtpError(502, "5.5.1", "EXPN not available");
}

export function help(session: SmtpSession) {
  session.send(214, "2.0.0", ["Commands: EHLO HELO MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY STARTTLS AUTH HELP", "See RFC 5321"]);
}
