// The IMAP listeners: IMAP_PORT with STARTTLS, IMAPS_PORT with implicit TLS.
import { Listener } from "../net/listener";
import { ImapSession, type ImapServerContext } from "./session";

export function imapListener(context: ImapServerContext, name: "imap" | "imaps", port: number): Listener {
  const { config } = context;
  return new Listener({
    name,
    host: config.bindAddress,
    port,
    tls: name === "imaps" && context.tls ? { cert: context.tls.cert, key: context.tls.key } : undefined,
    maxConnections: config.smtp.maxConnections * 5,
    busyGreeting: "* BYE Too many connections or shutting down, try again later\r\n",
    createSession: (connection) => new ImapSession(connection, context),
  });
}
