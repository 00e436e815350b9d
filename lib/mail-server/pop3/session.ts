// One POP3 connection (RFC 1939 §3): AUTHORIZATION → TRANSACTION → UPDATE. The wire format is
// in protocol.ts, the maildrop and its lock in maildrop.ts; the commands, few and small, are
// here by state. Nothing changes in the store before QUIT: a dropped connection, a timeout or
// a shutdown leaves the maildrop as it was.
import type { Config } from "@/lib/config";
import type { MailStore } from "../store";
import type { Connection } from "../net/connection";
import type { Session } from "../net/listener";
import { loginLimiter } from "../net/login-limiter";
import { decodeLoginField, decodePlain, LOGIN_PASSWORD_PROMPT, LOGIN_USERNAME_PROMPT, passwordsAllowed, type SaslCredentials } from "../net/sasl";
import type { TlsIdentity } from "../net/tls";
import { Maildrop, type MaildropMessage } from "./maildrop";
import { dotStuff, err, MAX_COMMAND_LENGTH, MAX_SASL_LINE_LENGTH, ok, parseCommand, parseCount, parseMessageNumber, Pop3SyntaxError, topOf, type Pop3Command } from "./protocol";

export interface Pop3ServerContext {
  config: Config;
  store: MailStore;
  tls: TlsIdentity | null;
  log(line: string): void;
}

/** Limits, in one place. */
export const POP3_LIMITS = {
  /** RFC 1939 §3: an inactivity autologout timer of at least 10 minutes. */
  idleMs: 10 * 60_000,
  /** Wrong passwords on one connection before it is closed. */
  maxFailedLogins: 3,
  /** Errors for unknown or malformed commands in a row before the connection is closed. */
  maxBadCommands: 10,
};

type State = "authorization" | "transaction" | "done";

export class Pop3Session implements Session {
  private state: State = "authorization";
  private maildrop: Maildrop | null = null;
  /** USER given, waiting for PASS. */
  private userName: string | null = null;
  private failedLogins = 0;
  private badCommands = 0;
  private stopping = false;
  private endReason: string | null = null;
  private busy = false;

  constructor(
    private readonly connection: Connection,
    private readonly context: Pop3ServerContext,
  ) {}

  private get config() {
    return this.context.config;
  }

  private get passwordsAllowed(): boolean {
    return passwordsAllowed(this.config.plaintextAuth, this.connection.secure, this.connection.remoteAddress);
  }

  private write(text: string | Buffer) {
    this.connection.write(text);
  }

  /** RFC 2449 CAPA, for the state the session is in. */
  private capabilities(): string[] {
    const expire = this.config.pop3ExpireDays === null ? "NEVER" : String(this.config.pop3ExpireDays);
    const caps = ["TOP", "UIDL", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING", `EXPIRE ${expire}`, "LOGIN-DELAY 0", "IMPLEMENTATION webmail-mail-server"];
    if (this.state === "authorization") {
      if (this.context.tls && !this.connection.secure) caps.push("STLS");
      if (this.passwordsAllowed) caps.push("USER", "SASL PLAIN LOGIN");
    }
    return caps;
  }

  shutdown(reason?: string) {
    this.stopping = true;
    this.endReason = reason ?? null;
    if (!this.busy) this.closeForShutdown();
  }

  signedInAccountId(): number | null {
    return this.maildrop?.accountId ?? null;
  }

  private closeForShutdown() {
    // RFC 3206: AUTH for a refusal that trying again won't fix; SYS/TEMP for a shutdown that will pass.
    this.write(this.endReason ? err(this.endReason, "AUTH") : err("Server shutting down, try again later", "SYS/TEMP"));
    this.connection.close();
  }

  async run(): Promise<void> {
    this.connection.setIdleTimeout(POP3_LIMITS.idleMs, () => {
      // RFC 1939 §3: the timer ends the session without entering UPDATE.
      this.write(err("Autologout: idle for too long"));
      this.connection.close();
    });
    try {
      if (this.stopping) return this.closeForShutdown();
      this.write(ok(`${this.config.hostname} POP3 ready`));
      while (this.state !== "done") {
        const read = await this.connection.readLine(MAX_COMMAND_LENGTH);
        if (read === null || this.connection.closed) break;
        this.busy = true;
        let bad: boolean;
        try {
          bad = "tooLong" in read ? this.answerBad("Command line too long") : await this.dispatch(read.line);
        } finally {
          this.busy = false;
        }
        if (this.connection.closed || this.tooManyBad(bad)) break;
        if (this.stopping) return this.closeForShutdown();
      }
    } finally {
      this.maildrop?.release();
      this.connection.close();
    }
  }

  private answerBad(text: string): true {
    this.write(err(text));
    return true;
  }

  private tooManyBad(bad: boolean): boolean {
    this.badCommands = bad ? this.badCommands + 1 : 0;
    if (this.badCommands < POP3_LIMITS.maxBadCommands) return false;
    this.write(err("Too many invalid commands"));
    return true;
  }

  /** Runs one command line; true when it was unknown or malformed. */
  private async dispatch(line: string): Promise<boolean> {
    let command: Pop3Command;
    try {
      command = parseCommand(line);
    } catch (error) {
      if (error instanceof Pop3SyntaxError) return this.answerBad(error.message);
      throw error;
    }
    try {
      const handled = this.state === "authorization" ? await this.authorization(command) : await this.transaction(command);
      if (!handled) return this.answerBad(this.state === "authorization" && TRANSACTION_COMMANDS.has(command.name) ? "Log in first" : "Unknown command");
      return false;
    } catch (error) {
      this.context.log(`pop3: ${command.name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      this.write(err("Server error, try again later", "SYS/TEMP"));
      return false;
    }
  }

  /** Commands of the AUTHORIZATION state; false for any other. */
  private async authorization(command: Pop3Command): Promise<boolean> {
    switch (command.name) {
      case "CAPA":
        this.write(`${ok("Capability list follows")}${this.capabilities().join("\r\n")}\r\n.\r\n`);
        return true;
      case "QUIT":
        this.write(ok(`${this.config.hostname} signing off`));
        this.state = "done";
        return true;
      case "NOOP":
        // RFC 1939 lists NOOP for TRANSACTION only; answering it here harms no client.
        this.write(ok());
        return true;
      case "STLS":
        await this.startTls();
        return true;
      case "USER":
        if (!this.passwordsAllowed) this.write(err("Use STLS before sending a password", "AUTH"));
        else if (command.args.length !== 1) this.write(err("USER takes one name"));
        else {
          this.userName = command.args[0];
          this.write(ok("Send PASS"));
        }
        return true;
      case "PASS": {
        const user = this.userName;
        this.userName = null;
        if (!this.passwordsAllowed) this.write(err("Use STLS before sending a password", "AUTH"));
        else if (user === null) this.write(err("USER first"));
        else await this.logIn({ username: user, password: command.rest });
        return true;
      }
      case "AUTH":
        await this.authenticate(command);
        return true;
      default:
        return false;
    }
  }

  private async startTls() {
    const tls = this.context.tls;
    if (!tls || this.connection.secure) {
      this.write(err("TLS is not available or already active"));
      return;
    }
    this.write(ok("Begin TLS negotiation"));
    // Whatever the client pipelined behind STLS is dropped unread (CVE-2011-0411 class).
    if (!(await this.connection.startTls(tls.context))) this.connection.destroy();
  }

  /** AUTH (RFC 5034): PLAIN with or without an initial response, LOGIN; "*" cancels. Bare AUTH lists them (RFC 1734 habit). */
  private async authenticate(command: Pop3Command) {
    if (!this.passwordsAllowed) {
      this.write(err("Use STLS before authenticating", "AUTH"));
      return;
    }
    const [mechanism, initial] = command.args;
    if (!mechanism) {
      this.write(`${ok()}PLAIN\r\nLOGIN\r\n.\r\n`);
      return;
    }
    const response = async (challenge: string): Promise<string | null> => {
      this.write(`+ ${challenge}\r\n`);
      const read = await this.connection.readLine(MAX_SASL_LINE_LENGTH);
      if (read === null) return null;
      if ("tooLong" in read || read.line.trim() === "*") return null;
      return read.line.trim();
    };
    let credentials: SaslCredentials | null = null;
    const name = mechanism.toUpperCase();
    if (name === "PLAIN") {
      const answer = initial !== undefined ? initial : await response("");
      if (answer === null) return void this.write(err("Authentication cancelled"));
      credentials = decodePlain(answer === "=" ? "" : answer);
    } else if (name === "LOGIN") {
      const userAnswer = initial !== undefined ? initial : await response(LOGIN_USERNAME_PROMPT);
      if (userAnswer === null) return void this.write(err("Authentication cancelled"));
      const passAnswer = await response(LOGIN_PASSWORD_PROMPT);
      if (passAnswer === null) return void this.write(err("Authentication cancelled"));
      const username = decodeLoginField(userAnswer);
      const password = decodeLoginField(passAnswer);
      credentials = username && password ? { username, password } : null;
    } else {
      this.write(err("Unsupported authentication mechanism"));
      return;
    }
    await this.logIn(credentials);
  }

  /** Checks credentials (slowed per address, net/login-limiter.ts), then locks the maildrop. */
  private async logIn(credentials: SaslCredentials | null) {
    const address = this.connection.remoteAddress;
    const admitted = await loginLimiter.admit(address);
    const account = admitted && credentials ? await this.context.store.accounts.authenticate(credentials.username, credentials.password) : null;
    if (!account) {
      this.failedLogins++;
      if (admitted) await loginLimiter.failed(address, this.failedLogins);
      this.write(admitted ? err("Invalid credentials", "AUTH") : err("Too many failed logins from your address, try again later", "LOGIN-DELAY"));
      if (this.failedLogins >= POP3_LIMITS.maxFailedLogins) this.connection.close();
      return;
    }
    const maildrop = await Maildrop.open(this.context.store, this.config, account.id);
    if (!maildrop) {
      this.write(err("Another POP3 session holds this maildrop", "IN-USE"));
      return;
    }
    this.maildrop = maildrop;
    this.state = "transaction";
    const [count, octets] = maildrop.totals();
    this.write(ok(`${account.address} has ${count} messages (${octets} octets)`));
  }

  /** Commands of the TRANSACTION state; false for any other. */
  private async transaction(command: Pop3Command): Promise<boolean> {
    const drop = this.maildrop!;
    const [first, second] = command.args;
    switch (command.name) {
      case "STAT": {
        const [count, octets] = drop.totals();
        this.write(ok(`${count} ${octets}`));
        return true;
      }
      case "LIST":
      case "UIDL": {
        const value = (message: MaildropMessage) => (command.name === "LIST" ? String(message.size) : drop.uidl(message));
        if (first !== undefined) {
          const n = parseMessageNumber(first, drop.messages.length);
          const message = n === null ? null : drop.message(n);
          this.write(message ? ok(`${n} ${value(message)}`) : err("No such message"));
          return true;
        }
        let text = ok(command.name === "LIST" ? "Scan listing follows" : "Unique-ID listing follows");
        drop.messages.forEach((message, i) => {
          if (!message.deleted) text += `${i + 1} ${value(message)}\r\n`;
        });
        this.write(`${text}.\r\n`);
        return true;
      }
      case "RETR":
      case "TOP": {
        const n = parseMessageNumber(first, drop.messages.length);
        const message = n === null ? null : drop.message(n);
        const lines = command.name === "TOP" ? parseCount(second) : null;
        if (command.name === "TOP" && lines === null) this.write(err("TOP takes a message number and a line count"));
        else if (!message) this.write(err("No such message"));
        else {
          const bytes = await drop.read(n!);
          if (!bytes) {
            this.write(err("The message can't be read now", "SYS/TEMP"));
            return true;
          }
          if (command.name === "RETR") message.retrieved = true;
          this.write(ok(command.name === "RETR" ? `${message.size} octets` : "Top of message follows"));
          for (const piece of dotStuff(lines === null ? bytes : topOf(bytes, lines))) this.write(piece);
          // A client that pipelines RETRs and reads nothing must not make us hold them all.
          await this.connection.drained();
        }
        return true;
      }
      case "DELE": {
        const n = parseMessageNumber(first, drop.messages.length);
        const message = n === null ? null : drop.message(n);
        if (!message) this.write(err(n === null ? "No such message" : "Message already deleted"));
        else {
          message.deleted = true;
          this.write(ok(`Message ${n} deleted`));
        }
        return true;
      }
      case "RSET":
        drop.reset();
        this.write(ok(`Maildrop has ${drop.totals()[0]} messages`));
        return true;
      case "NOOP":
        this.write(ok());
        return true;
      case "CAPA":
        this.write(`${ok("Capability list follows")}${this.capabilities().join("\r\n")}\r\n.\r\n`);
        return true;
      case "QUIT": {
        this.state = "done";
        let left: number;
        try {
          left = await drop.update(this.config);
        } catch (error) {
          this.context.log(`pop3: UPDATE failed: ${error instanceof Error ? error.message : String(error)}`);
          this.write(err("Some deleted messages were not removed", "SYS/TEMP"));
          return true;
        }
        this.write(ok(`${this.config.hostname} signing off (${left} messages left)`));
        return true;
      }
      default:
        return false;
    }
  }
}

/** Commands a client may send before logging in by mistake: answered "log in first". */
const TRANSACTION_COMMANDS = new Set(["STAT", "LIST", "RETR", "DELE", "RSET", "TOP", "UIDL"]);
