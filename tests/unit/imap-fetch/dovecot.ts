/**
 * A private Dovecot (imapd) for cross-checking FETCH output against the reference server: one user
 * on one loopback port (the instance itself is tests/support/dovecot.ts). Dovecot must start as root
 * (it drops privileges itself); `dovecotAvailable()` says whether this machine can
 * (`apt-get install -y dovecot-imapd`).
 *
 * The client is raw on purpose: the point is to see Dovecot's exact bytes, which an IMAP
 * client library would parse away.
 */
import { rmSync } from "node:fs";
import { createConnection, type Socket } from "node:net";
import { launchDovecot, makeDovecotDir, writeDovecotConfig } from "../../support/dovecot";
import { freePort } from "../../support/postfix";

export { dovecotAvailable } from "../../support/dovecot";

export interface DovecotInstance {
  port: number;
  dir: string;
  log(): string;
  stop(): void;
}

/** One user, `test` with password `pass`, and an empty INBOX. */
export async function startDovecot(): Promise<DovecotInstance> {
  const dovecot = makeDovecotDir("dovecot-fetch-", [{ user: "test", password: "pass", scheme: "PLAIN" }]);
  const port = await freePort();
  const running = await launchDovecot(dovecot, writeDovecotConfig(dovecot, port), port);
  return {
    port,
    dir: dovecot.dir,
    log: running.log,
    stop() {
      running.kill();
      rmSync(dovecot.dir, { recursive: true, force: true });
    },
  };
}

/** One IMAP connection that returns each tagged command's full response, literals and all. */
export class RawImap {
  private buffer = Buffer.alloc(0);
  private waiting: (() => void) | null = null;
  private tagCounter = 0;

  private constructor(private readonly socket: Socket) {
    socket.on("data", (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.waiting?.();
    });
  }

  static async connect(port: number): Promise<RawImap> {
    const socket = createConnection(port, "127.0.0.1");
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    const client = new RawImap(socket);
    await client.readUntil((text) => text.includes("\r\n"));
    client.buffer = Buffer.alloc(0);
    return client;
  }

  private async readUntil(done: (text: string) => boolean): Promise<void> {
    while (!done(this.buffer.toString("latin1"))) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`IMAP timeout; got ${JSON.stringify(this.buffer.toString("latin1").slice(-200))}`)), 10_000);
        this.waiting = () => {
          clearTimeout(timer);
          this.waiting = null;
          resolve();
        };
      });
    }
  }

  /** Sends `command` (bytes after the tag); literals in it must be LITERAL+ (`{n+}`). */
  async command(command: Buffer | string): Promise<Buffer> {
    const tag = `t${++this.tagCounter}`;
    this.socket.write(Buffer.concat([Buffer.from(`${tag} `), Buffer.isBuffer(command) ? command : Buffer.from(command), Buffer.from("\r\n")]));
    // The tagged line can't be confused with literal content: responses are read whole, and
    // the tagged status is the first line that starts with the tag at a line start outside a
    // literal.
    let end = -1;
    await this.readUntil(() => {
      end = taggedEnd(this.buffer, tag);
      return end !== -1;
    });
    const response = this.buffer.subarray(0, end);
    this.buffer = this.buffer.subarray(end);
    return Buffer.from(response);
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Where the tagged response for `tag` ends (after its CRLF), skipping literal contents. */
function taggedEnd(buffer: Buffer, tag: string): number {
  let lineStart = 0;
  while (lineStart < buffer.length) {
    const lf = buffer.indexOf(10, lineStart);
    if (lf === -1) return -1;
    const line = buffer.toString("latin1", lineStart, lf + 1);
    if (line.startsWith(`${tag} `)) return lf + 1;
    const literal = /\{(\d+)\}\r\n$/.exec(line);
    lineStart = lf + 1 + (literal ? Number(literal[1]) : 0);
  }
  return -1;
}

/** An IMAP response value: NIL, a string's bytes, an atom or number, or a list. */
export type ImapValue = null | Buffer | { atom: string } | ImapValue[];

/** Parses one FETCH response (`* n FETCH (…)`) into its items, name → value. */
export function parseFetchResponse(response: Buffer): Map<string, ImapValue> {
  const start = response.indexOf(" FETCH (");
  if (!response.subarray(0, 2).equals(Buffer.from("* ")) || start === -1) throw new Error(`not a FETCH response: ${response.toString("latin1").slice(0, 200)}`);
  const parser = new ValueParser(response, start + " FETCH ".length);
  const list = parser.value();
  if (!Array.isArray(list)) throw new Error("FETCH without a list");
  const items = new Map<string, ImapValue>();
  for (let i = 0; i + 1 < list.length; i += 2) {
    const name = list[i];
    if (!name || Array.isArray(name) || Buffer.isBuffer(name)) throw new Error("FETCH item without a name");
    items.set(name.atom, list[i + 1]);
  }
  return items;
}

/** Parses a whole buffer holding one IMAP value (our ENVELOPE/BODYSTRUCTURE output). */
export function parseValue(bytes: Buffer): ImapValue {
  const parser = new ValueParser(bytes, 0);
  const value = parser.value();
  if (parser.offset !== bytes.length) throw new Error(`trailing bytes after value: ${bytes.toString("latin1", parser.offset, parser.offset + 40)}`);
  return value;
}

class ValueParser {
  constructor(
    private readonly bytes: Buffer,
    public offset: number,
  ) {}

  value(): ImapValue {
    const c = this.bytes[this.offset];
    if (c === 0x28) {
      this.offset++;
      const list: ImapValue[] = [];
      while (this.bytes[this.offset] !== 0x29) {
        if (this.offset >= this.bytes.length) throw new Error("unterminated list");
        list.push(this.value());
        if (this.bytes[this.offset] === 0x20) this.offset++;
      }
      this.offset++;
      return list;
    }
    if (c === 0x22) {
      const out: number[] = [];
      for (this.offset++; this.bytes[this.offset] !== 0x22; this.offset++) {
        if (this.offset >= this.bytes.length) throw new Error("unterminated quoted string");
        if (this.bytes[this.offset] === 0x5c) this.offset++;
        out.push(this.bytes[this.offset]);
      }
      this.offset++;
      return Buffer.from(out);
    }
    if (c === 0x7b) {
      const close = this.bytes.indexOf("}\r\n", this.offset, "latin1");
      const length = Number(this.bytes.toString("latin1", this.offset + 1, close));
      const start = close + 3;
      this.offset = start + length;
      return Buffer.from(this.bytes.subarray(start, start + length));
    }
    // An atom; a section's brackets may hold spaces and parentheses (BODY[HEADER.FIELDS (A B)]).
    const start = this.offset;
    let depth = 0;
    while (this.offset < this.bytes.length) {
      const b = this.bytes[this.offset];
      if (b === 0x5b) depth++;
      else if (b === 0x5d) depth--;
      else if (depth === 0 && (b === 0x20 || b === 0x29 || b === 0x28)) break;
      this.offset++;
    }
    const atom = this.bytes.toString("latin1", start, this.offset);
    return atom.toUpperCase() === "NIL" ? null : { atom };
  }
}

/**
 * A value as plain JSON for comparing two servers' answers where RFC 3501 leaves them free:
 * quoted vs literal is gone (both are bytes), and strings and atoms are upper-cased, since
 * Dovecot writes types, subtypes and parameter names as the header spelled them and we write
 * them upper-case (values are compared exactly by the RFC-derived tests).
 */
export function normalize(value: ImapValue): unknown {
  if (value === null) return null;
  if (Array.isArray(value)) return value.map(normalize);
  if (Buffer.isBuffer(value)) return value.toString("utf8").toUpperCase();
  return value.atom.toUpperCase();
}
