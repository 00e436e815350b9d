// The SMTP listeners: the MX role on SMTP_PORT; submission (RFC 6409) on SUBMISSION_PORT
// with STARTTLS and on SUBMISSIONS_PORT with implicit TLS (RFC 8314).
import { configuredListener, type Listener } from "../net/listener";
import { SmtpSession, type SmtpServerContext } from "./session";

export function smtpListener(context: SmtpServerContext, name: "smtp" | "submission" | "submissions", port: number): Listener {
  const { config } = context;
  return configuredListener(context, {
    name,
    port,
    implicitTls: name === "submissions",
    maxConnections: config.smtp.maxConnections,
    busyGreeting: `421 4.3.2 ${config.hostname} Service not available, too busy or shutting down\r\n`,
    createSession: (connection) => new SmtpSession(connection, context),
  });
}
