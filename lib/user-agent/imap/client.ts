import "server-only";
import { ImapFlow } from "imapflow";
import type { ImapEndpoint } from "./endpoint";

export interface ImapCredentials {
  user: string;
  pass: string;
}

// Short enough that a message delivered right after a command is still seen within a second or so:
// imapflow only starts IDLE (the push channel) this long after the last command.
const AUTO_IDLE_DELAY_MS = 400;

export function createImapClient(endpoint: ImapEndpoint, auth: ImapCredentials): ImapFlow {
  return new ImapFlow({
    host: endpoint.host,
    port: endpoint.port,
    secure: endpoint.secure,
    doSTARTTLS: endpoint.secure ? undefined : endpoint.requireStartTls ? true : endpoint.loopback ? false : undefined,
    disableCompression: endpoint.loopback,
    tls: endpoint.acceptSelfSigned ? { rejectUnauthorized: false } : undefined,
    auth,
    logger: false,
    clientInfo: { name: "webmail" },
    autoIdleDelay: AUTO_IDLE_DELAY_MS,
    // Flag changes and expunges then name UIDs, which the browser's list is keyed by.
    qresync: true,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
  });
}

/** True when the failure is the server refusing the user name or password, not a broken connection. */
export function isAuthenticationFailure(error: unknown): boolean {
  return typeof error === "object" && error !== null && "authenticationFailed" in error && error.authenticationFailed === true;
}
