// The SMTP listeners. This issue brings the MX role (SMTP_PORT); the submission ports
// (SUBMISSION_PORT with STARTTLS, SUBMISSIONS_PORT with implicit TLS) arrive with the
// outbound queue.
import { Listener } from "../net/listener";
import { SmtpSession, type SmtpServerContext } from "./session";

export function smtpListener(context: SmtpServerContext, port: number): Listener {
  const { config } = context;
  return new Listener({
    name: "smtp",
    host: config.bindAddress,
    port,
    maxConnections: config.smtp.maxConnections,
    busyGreeting: `421 4.3.2 ${config.hostname} Service not available, too busy or shutting down\r\n`,
    createSession: (connection) => new SmtpSession(connection, context),
  });
}
