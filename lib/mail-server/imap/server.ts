// The IMAP listeners: IMAP_PORT with STARTTLS, IMAPS_PORT with implicit TLS.
import { configuredListener, type Listener } from "../net/listener";
import { ImapSession, type ImapServerContext } from "./session";

export function imapListener(context: ImapServerContext, name: "imap" | "imaps", port: number): Listener {
  return configuredListener(context, {
    name,
    port,
    implicitTls: name === "imaps",
    maxConnections: context.config.smtp.maxConnections * 5,
    busyGreeting: "* BYE Too many connections or shutting down, try again later\r\n",
    createSession: (connection) => new ImapSession(connection, context),
  });
}
