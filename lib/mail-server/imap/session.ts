// One IMAP connection (RFC 3501 §3): not authenticated → authenticated → selected → logout.
// The wire format is in protocol/, FETCH rendering in fetch/, each command in commands/;
// this file reads commands, checks the state a command needs, and keeps the client's view
// of the selected mailbox up to date between commands.
import type { Config } from "@/lib/config";
import type { MailStore } from "../store";
import type { Connection } from "../net/connection";
import type { Session } from "../net/listener";
import type { TlsIdentity } from "../net/tls";
import { passwordsAllowed } from "../net/sasl";
import { isReadError, readCommand, readErrorResponse, tagged, untaggedStatus, ImapSyntaxError, type ImapCommand, type ReadLimits, type Status } from "./protocol";
import { FetchAttributeError } from "./fetch";
import { SelectedMailbox } from "./selected";
import { COMMANDS } from "./commands";
import { IMAP_LIMITS } from "./limits";

export type ImapState = "not-authenticated" | "authenticated" | "selected" | "logout";

export interface ImapServerContext {
  config: Config;
  store: MailStore;
  tls: TlsIdentity | null;
  log(line: string): void;
}

/** A refusal a command answers with NO (or BAD), optionally with a response code. */
export class ImapError extends Error {
  constructor(
    readonly status: "NO" | "BAD",
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

export class ImapSession implements Session {
  state: ImapState = "not-authenticated";
  user: { accountId: number; address: string } | null = null;
  selected: SelectedMailbox | null = null;
  /** ENABLEd extensions (RFC 5161). */
  readonly enabled = new Set<string>();
  failedLogins = 0;
  /** BAD answers in a row (IMAP_LIMITS.maxBadCommands). */
  private badCommands = 0;
  private stopping = false;
  private byeText: string | null = null;
  private busy = false;
  idling = false;

  constructor(
    readonly connection: Connection,
    readonly context: ImapServerContext,
  ) {}

  get config() {
    return this.context.config;
  }

  get store() {
    return this.context.store;
  }

  /** Passwords may be sent here (LOGINDISABLED otherwise). */
  get passwordsAllowed(): boolean {
    return passwordsAllowed(this.config.plaintextAuth, this.connection.secure, this.connection.remoteAddress);
  }

  get utf8(): boolean {
    return this.enabled.has("UTF8=ACCEPT");
  }

  /** RFC 7162 §3.1: on once the client used any CONDSTORE feature; then every FETCH carries MODSEQ. */
  get condstore(): boolean {
    return this.enabled.has("CONDSTORE");
  }

  enableCondstore() {
    this.enabled.add("CONDSTORE");
  }

  /** RFC 7162 §3.2.3: only after ENABLE QRESYNC; then expunges are told as VANISHED. */
  get qresync(): boolean {
    return this.enabled.has("QRESYNC");
  }

  capabilities(): string[] {
    const caps = [
      "IMAP4rev1", "LITERAL+", "SASL-IR", "ID", "ENABLE", "IDLE", "NAMESPACE", "UNSELECT", "UIDPLUS", "MOVE",
      "SPECIAL-USE", "CREATE-SPECIAL-USE", "CHILDREN", "LIST-EXTENDED", "LIST-STATUS", "QUOTA", "QUOTA=RES-STORAGE",
      "UTF8=ACCEPT", "CONDSTORE", "QRESYNC", "ESEARCH", "SORT", "SORT=DISPLAY", "ESORT", "THREAD=ORDEREDSUBJECT",
      "THREAD=REFERENCES", "STATUS=SIZE", `APPENDLIMIT=${this.config.maxMessageSize}`,
    ];
    if (this.state !== "not-authenticated" && !this.connection.compressed) caps.push("COMPRESS=DEFLATE");
    if (this.state === "not-authenticated") {
      if (this.context.tls && !this.connection.secure) caps.push("STARTTLS");
      if (this.passwordsAllowed) caps.push("AUTH=PLAIN", "AUTH=LOGIN");
      else caps.push("LOGINDISABLED");
    }
    return caps;
  }

  write(data: string | Buffer) {
    this.connection.write(data);
  }

  /**
   * Ends a command: pending mailbox updates first (EXPUNGE only where RFC 3501 §7.4.1 allows
   * it), then the tagged status.
   */
  async finish(tag: string, status: Status, text: string, code?: string, options: { allowExpunge?: boolean; withUid?: boolean } = {}) {
    // Nothing to tell: no await, so the answer and its tagged line leave in one write.
    if (this.selected?.hasPending()) {
      for (const update of await this.selected.sync({ allowExpunge: options.allowExpunge ?? true, withUid: options.withUid ?? false, withModSeq: this.condstore, vanished: this.qresync })) this.write(update);
    }
    this.write(tagged(tag, status, text, code));
  }

  async select(mailbox: SelectedMailbox | null) {
    this.selected?.close();
    this.selected = mailbox;
    this.state = mailbox ? "selected" : "authenticated";
  }

  login(accountId: number, address: string) {
    this.user = { accountId, address };
    this.state = "authenticated";
    this.connection.setIdleTimeout(IMAP_LIMITS.authIdleMs, () => this.autologout());
  }

  private autologout() {
    this.write(untaggedStatus("BYE", "Autologout: idle for too long"));
    this.connection.close();
  }

  shutdown(reason?: string) {
    this.stopping = true;
    this.byeText = reason ?? null;
    if (!this.busy || this.idling) this.closeForShutdown();
  }

  signedInAccountId(): number | null {
    return this.user?.accountId ?? null;
  }

  private closeForShutdown() {
    this.write(untaggedStatus("BYE", this.byeText ?? `${this.config.hostname} shutting down, reconnect later`));
    this.connection.close();
  }

  logout() {
    this.state = "logout";
    this.selected?.close();
    this.selected = null;
  }

  private limits(): ReadLimits {
    const authenticated = this.state !== "not-authenticated";
    return {
      maxLineLength: 64 * 1024,
      // Before login a client has no reason to send big literals.
      maxLiteralSize: authenticated ? this.config.maxMessageSize : 64 * 1024,
      maxCommandSize: authenticated ? this.config.maxMessageSize + 1024 * 1024 : 128 * 1024,
      maxLiterals: authenticated ? 1000 : 4,
      maxDiscard: 1024 * 1024,
    };
  }

  async run(): Promise<void> {
    this.connection.setIdleTimeout(IMAP_LIMITS.preAuthIdleMs, () => this.autologout());
    if (this.stopping) return this.closeForShutdown();
    this.write(untaggedStatus("OK", `${this.config.hostname} IMAP4rev1 ready`, `CAPABILITY ${this.capabilities().join(" ")}`));
    while (this.state !== "logout") {
      const result = await readCommand(this.connection, this.limits(), { utf8: this.utf8 });
      if (result === null || this.connection.closed) break;
      if (isReadError(result)) {
        this.write(readErrorResponse(result));
        if (result.close || this.tooManyBad(true)) break;
        continue;
      }
      this.busy = true;
      let bad = false;
      try {
        bad = await this.dispatch(result);
      } finally {
        this.busy = false;
      }
      // With COMPRESS on, output is flushed per burst, not per write: a command's answer is one.
      this.connection.flush();
      if (this.connection.closed || this.tooManyBad(bad)) break;
      if (this.stopping) return this.closeForShutdown();
    }
    this.selected?.close();
    this.connection.close();
  }

  /**
   * Counts BAD answers in a row (any other answer resets the count, so a long session's
   * occasional probe of an unknown command is harmless); true, after a BYE, past the limit.
   */
  private tooManyBad(bad: boolean): boolean {
    this.badCommands = bad ? this.badCommands + 1 : 0;
    if (this.badCommands < IMAP_LIMITS.maxBadCommands) return false;
    this.write(untaggedStatus("BYE", "Too many invalid commands"));
    return true;
  }

  /** Runs a command; true when it was answered BAD. */
  private async dispatch(command: ImapCommand): Promise<boolean> {
    const handler = COMMANDS[command.command];
    if (!handler) {
      this.write(tagged(command.tag, "BAD", `Unknown command ${command.command.slice(0, 40)}`));
      return true;
    }
    if (!handler.states.includes(this.state)) {
      const why = this.state === "not-authenticated" ? "Log in first" : this.state === "authenticated" ? "Select a mailbox first" : "Not allowed now";
      this.write(tagged(command.tag, "BAD", why));
      return true;
    }
    try {
      await handler.run(this, command);
    } catch (error) {
      // A refused command carries no EXPUNGE: the client may be about to retry by sequence number.
      if (error instanceof ImapError) {
        await this.finish(command.tag, error.status, error.message, error.code, { allowExpunge: false });
        return error.status === "BAD";
      }
      if (error instanceof ImapSyntaxError || error instanceof FetchAttributeError) {
        this.write(tagged(command.tag, "BAD", error.message, error instanceof ImapSyntaxError ? error.code : undefined));
        return true;
      }
      this.context.log(`imap: ${command.command} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      this.write(tagged(command.tag, "NO", "Server error, try again later", "SERVERBUG"));
    }
    return false;
  }
}
