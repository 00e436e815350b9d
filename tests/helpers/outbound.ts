// What the outbound tests share: a mail server for one domain with fixed ports, so that it
// can be stopped and started again where the other server's OUTBOUND_ROUTES point, and
// readers for the mail and reports that land in its accounts.
import { startMailServer, type RunningMailServer } from "@/lib/mail-server";
import type { MailStore } from "@/lib/mail-server/store";
import type { SmtpTimeouts } from "@/lib/mail-server/queue/smtp-client";
import { freePort } from "../support/postfix";
import { readMessages, type StoredMessage } from "./smtp";
import { testConfig, type Provider } from "./store";

export const PASSWORD = "correct horse battery staple";

/** Short enough that a stalled peer costs a test seconds, not minutes. */
export const TEST_TIMEOUTS: SmtpTimeouts = { connect: 2000, greeting: 2000, command: 2000, dataInit: 2000, dataTermination: 3000 };

export interface DomainServer {
  domain: string;
  smtpPort: number;
  submissionPort: number;
  submissionsPort: number;
  readonly server: RunningMailServer;
  readonly store: MailStore;
  logs: string[];
  /** Adds local@domain with PASSWORD. */
  user(local: string): Promise<{ address: string; id: number }>;
  messages(address: string, mailbox?: string): Promise<StoredMessage[]>;
  /** Stops listening (the data stays); start() again on the same ports. */
  stop(): Promise<void>;
  start(): Promise<void>;
  cleanup(): Promise<void>;
}

export async function startDomainServer(domain: string, options: { provider?: Provider; env?: Record<string, string> } = {}): Promise<DomainServer> {
  const [smtpPort, submissionPort, submissionsPort] = [await freePort(), await freePort(), await freePort()];
  const { config, drop } = await testConfig(options.provider ?? "sqlite", {
    MAIL_DOMAINS: domain,
    MAIL_HOSTNAME: `mx.${domain}`,
    MAX_MESSAGE_SIZE: "1M",
    SMTP_PORT: String(smtpPort),
    SUBMISSION_PORT: String(submissionPort),
    SUBMISSIONS_PORT: String(submissionsPort),
    IMAP_PORT: "0",
    IMAPS_PORT: "0",
    ADMIN_PORT: "0",
    QUEUE_RETRY_DELAYS: "300ms",
    ...options.env,
  });
  const logs: string[] = [];
  let server: RunningMailServer | null = null;
  const start = async () => {
    server = await startMailServer(config, { log: (line) => logs.push(line), queue: { timeouts: TEST_TIMEOUTS } });
  };
  try {
    await start();
  } catch (error) {
    await drop();
    throw error;
  }
  let cleaned: Promise<void> | null = null;
  const running = () => {
    if (!server) throw new Error(`${domain} is stopped`);
    return server;
  };
  return {
    domain,
    smtpPort,
    submissionPort,
    submissionsPort,
    get server() {
      return running();
    },
    get store() {
      return running().store;
    },
    logs,
    async user(local) {
      const address = `${local}@${domain}`;
      const account = await running().store.accounts.addAccount({ address, password: PASSWORD });
      return { address, id: account.id };
    },
    messages: (address, mailbox) => readMessages(running().store, address, mailbox),
    async stop() {
      await server?.stop();
      server = null;
    },
    start,
    cleanup() {
      cleaned ??= (async () => {
        await server?.stop();
        await drop();
      })();
      return cleaned;
    },
  };
}
