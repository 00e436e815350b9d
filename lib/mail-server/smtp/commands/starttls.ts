// STARTTLS (RFC 3207). The connection layer discards anything pipelined behind the command
// in plain text, and every bit of session state is forgotten once TLS is up.
import { SmtpError } from "../protocol";
import type { SmtpSession } from "../session";

export async function starttls(session: SmtpSession, args: string) {
  const { tls } = session.context;
  if (args) throw new SmtpError(501, "5.5.4", "Syntax: STARTTLS (no parameters)");
  if (!tls) throw new SmtpError(502, "5.5.1", "STARTTLS not available");
  if (session.connection.secure) throw new SmtpError(503, "5.5.1", "TLS already active");
  if (!session.helo?.extended) throw new SmtpError(503, "5.5.1", "Send EHLO first");
  session.send(220, "2.0.0", "Ready to start TLS");
  const ok = await session.connection.startTls(tls.context);
  if (!ok) {
    session.connection.destroy();
    return;
  }
  session.resetAfterTls();
}
