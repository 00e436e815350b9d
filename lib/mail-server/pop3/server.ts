// The POP3 listeners: POP3_PORT with STLS, POP3S_PORT with implicit TLS.
import { Listener } from "../net/listener";
import { Pop3Session, type Pop3ServerContext } from "./session";

export function pop3Listener(context: Pop3ServerContext, name: "pop3" | "pop3s", port: number): Listener {
  const { config } = context;
  return new Listener({
    name,
    host: config.bindAddress,
    port,
    tls: name === "pop3s" && context.tls ? { cert: context.tls.cert, key: context.tls.key } : undefined,
    maxConnections: config.smtp.maxConnections * 5,
    busyGreeting: "-ERR [SYS/TEMP] Too many connections or shutting down, try again later\r\n",
    createSession: (connection) => new Pop3Session(connection, context),
  });
}
