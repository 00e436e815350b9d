// One SMTP connection's state machine: greeting → EHLO/HELO → (STARTTLS, AUTH) → MAIL →
// RCPT… → DATA or BDAT… → back to MAIL, until QUIT. Parsing lives in protocol.ts, each
// command in commands/, storing in delivery.ts.
import { randomBytes } from "node:crypto";
import type { Config } from "@/lib/config";
import type { MailStore } from "../store";
import type { Connection } from "../net/connection";
import type { Session } from "../net/listener";
import type { TlsIdentity } from "../net/tls";
import { parseCommand, reply, SmtpError, looksLikeHttp, type Mailbox } from "./protocol";
import { COMMANDS } from "./commands";
import type { OutboundQueue } from "../queue";
import type { InboundAuthenticator } from "./authentication-results";

export type BodyType = "7BIT" | "8BITMIME" | "BINARYMIME";

export interface SmtpRecipient {
  mailbox: Mailbox;
  /** Accounts that receive it (one for a user, several for an alias); none for a remote recipient, which the queue takes. */
  accounts: { accountId: number; address: string }[];
  notify: string[] | null;
  orcpt: string | null;
}

export interface SmtpTransaction {
  from: Mailbox | null;
  size: number | null;
  body: BodyType;
  smtputf8: boolean;
  ret: "FULL" | "HDRS" | null;
  envid: string | null;
  recipients: SmtpRecipient[];
  /** BDAT chunks received so far. */
  chunks: Buffer[];
  chunkBytes: number;
  usedBdat: boolean;
}

export interface SmtpServerContext {
  config: Config;
  store: MailStore;
  tls: TlsIdentity | null;
  /**
   * "mx" accepts mail for local recipients from anyone, and for others from authenticated
   * users; "submission" (RFC 6409) takes mail only from authenticated users, from their own
   * addresses, and completes it (Message-ID, Date).
   */
  role: "mx" | "submission";
  /** Where mail for other domains goes; null when this server only receives. */
  queue: OutboundQueue | null;
  /** SPF/DKIM/DMARC checks of mail from other servers; null to skip them. */
  authenticator: InboundAuthenticator | null;
  log(line: string): void;
}

export class SmtpSession implements Session {
  readonly id = randomBytes(6).toString("base64url").toUpperCase();
  /** Messages of this connection so far, so that each gets its own id. */
  messageCount = 0;
  helo: { name: string; extended: boolean } | null = null;
  user: { accountId: number; address: string } | null = null;
  transaction: SmtpTransaction | null = null;
  badCommands = 0;
  failedAuths = 0;
  private stopping = false;
  private endReason: string | null = null;
  private busy = false;

  constructor(
    readonly connection: Connection,
    readonly context: SmtpServerContext,
  ) {}

  get limits() {
    return this.context.config.smtp;
  }

  send(code: number, enhanced: string | null, lines: string | string[]) {
    const list = Array.isArray(lines) ? lines : [lines];
    this.connection.write(reply(code, enhanced ? list.map((l) => `${enhanced} ${l}`) : list));
  }

  /** A client error: counted, and past the limit the connection is closed. */
  fail(error: SmtpError) {
    this.connection.write(error.toReply());
    if (error.code >= 500 && ++this.badCommands >= this.limits.maxBadCommands) {
      this.send(421, "4.7.0", `${this.context.config.hostname} Too many errors, closing connection`);
      this.connection.close();
    }
  }

  resetTransaction() {
    this.transaction = null;
  }

  /** After STARTTLS nothing said before it counts (RFC 3207 §4.2). */
  resetAfterTls() {
    this.helo = null;
    this.user = null;
    this.transaction = null;
  }

  shutdown(reason?: string) {
    this.stopping = true;
    this.endReason = reason ?? null;
    if (!this.busy) this.closeForShutdown();
  }

  signedInAccountId(): number | null {
    return this.user?.accountId ?? null;
  }

  private closeForShutdown() {
    if (this.endReason) this.send(421, "4.7.0", `${this.context.config.hostname} ${this.endReason}`);
    else this.send(421, "4.3.2", `${this.context.config.hostname} Service shutting down, try again later`);
    this.connection.close();
  }

  async run(): Promise<void> {
    const { config } = this.context;
    this.connection.setIdleTimeout(this.limits.idleTimeoutMs, () => {
      this.send(421, "4.4.2", `${config.hostname} Timeout, closing connection`);
      this.connection.close();
    });
    if (this.stopping) return this.closeForShutdown();
    this.send(220, null, `${config.hostname} ESMTP ready`);
    for (;;) {
      const result = await this.connection.readLine(this.limits.maxLineLength);
      if (result === null || this.connection.closed) return;
      if ("tooLong" in result) {
        this.fail(new SmtpError(500, "5.5.2", "Line too long"));
        continue;
      }
      const line = result.line;
      if (line.includes("\u0000")) {
        this.fail(new SmtpError(500, "5.5.2", "NUL character in command"));
        continue;
      }
      if (looksLikeHttp(line)) {
        this.connection.close();
        return;
      }
      const { verb, args } = parseCommand(line);
      const handler = COMMANDS[verb];
      if (!handler) {
        this.fail(new SmtpError(500, "5.5.2", "Syntax error, command unrecognized"));
        continue;
      }
      this.busy = true;
      try {
        await handler(this, args);
      } catch (error) {
        if (error instanceof SmtpError) this.fail(error);
        else {
          this.context.log(`smtp ${this.id}: ${verb} failed: ${error instanceof Error ? error.message : String(error)}`);
          this.send(451, "4.3.0", "Local error in processing, try again later");
        }
      } finally {
        this.busy = false;
      }
      if (this.connection.closed) return;
      if (this.stopping) return this.closeForShutdown();
    }
  }
}
