// The POP3 listeners: POP3_PORT with STLS, POP3S_PORT with implicit TLS.
import { configuredListener, type Listener } from "../net/listener";
import { Pop3Session, type Pop3ServerContext } from "./session";

export function pop3Listener(context: Pop3ServerContext, name: "pop3" | "pop3s", port: number): Listener {
  return configuredListener(context, {
    name,
    port,
    implicitTls: name === "pop3s",
    maxConnections: context.config.smtp.maxConnections * 5,
    busyGreeting: "-ERR [SYS/TEMP] Too many connections or shutting down, try again later\r\n",
    createSession: (connection) => new Pop3Session(connection, context),
  });
}
