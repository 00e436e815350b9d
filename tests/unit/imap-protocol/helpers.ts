// Shared by the IMAP protocol tests: readable token trees and a scripted connection.
import { expect } from "vitest";
import type { CommandIO } from "@/lib/mail-server/imap/protocol/reader";
import { ImapSyntaxError, type ImapToken } from "@/lib/mail-server/imap/protocol/tokens";

/** A token tree with strings as text, so expectations read like the wire. */
export type Plain = string | { q: string } | { lit: string; binary?: true } | null | Plain[];

/**
 * atom → its text, quoted → {q}, literal → {lit}, NIL → null, list → array. Buffers are shown
 * as latin1 so every byte is visible.
 */
export function plain(token: ImapToken): Plain {
  switch (token.type) {
    case "atom":
      return token.value;
    case "nil":
      return null;
    case "list":
      return token.items.map(plain);
    case "string":
      if (!token.literal) return { q: token.value.toString("latin1") };
      return token.binary ? { lit: token.value.toString("latin1"), binary: true } : { lit: token.value.toString("latin1") };
  }
}

export function syntaxError(fn: () => unknown): ImapSyntaxError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ImapSyntaxError);
    return error as ImapSyntaxError;
  }
  throw new Error("expected an ImapSyntaxError, got a result");
}

/**
 * A client on the other end of a CommandIO, with Connection's semantics (readLine strips CRLF
 * or LF and skips a line past the limit whole; readExact hands data over in pieces). The
 * script is a list of segments: the first is sent at once; each later one only after the
 * server wrote a continuation request ("+ …"), as a client with a synchronising literal waits.
 * When nothing more will come, reads report the connection closed, so a reader that waits for
 * data the client holds back gets null rather than hanging the test.
 */
export class ScriptedClient implements CommandIO {
  readonly written: string[] = [];
  private buffer: Buffer;
  private readonly held: Buffer[];
  /** Bytes handed to readExact sinks at most this many at a time. */
  pieceSize = 7;

  constructor(segments: Array<string | Buffer>) {
    const [first, ...rest] = segments.map((s) => (typeof s === "string" ? Buffer.from(s, "utf8") : s));
    this.buffer = first ?? Buffer.alloc(0);
    this.held = rest;
  }

  /** Bytes the reader has not consumed yet (and segments still held back). */
  get unread(): string {
    return Buffer.concat([this.buffer, ...this.held]).toString("latin1");
  }

  get continuations(): number {
    return this.written.filter((w) => w.startsWith("+")).length;
  }

  write(data: string | Buffer): void {
    const text = typeof data === "string" ? data : data.toString("latin1");
    this.written.push(text);
    if (text.startsWith("+") && this.held.length) this.buffer = Buffer.concat([this.buffer, this.held.shift()!]);
  }

  async readLine(maxLength: number): Promise<{ line: string } | { tooLong: true } | null> {
    const lf = this.buffer.indexOf(10);
    if (lf === -1) return null;
    const raw = this.buffer.subarray(0, lf + 1);
    this.buffer = this.buffer.subarray(lf + 1);
    const end = raw.length >= 2 && raw[raw.length - 2] === 13 ? raw.length - 2 : raw.length - 1;
    if (end > maxLength) return { tooLong: true };
    return { line: raw.toString("utf8", 0, end) };
  }

  async readExact(n: number, sink: (piece: Buffer) => void): Promise<boolean> {
    let left = n;
    while (left > 0) {
      if (!this.buffer.length) return false;
      const size = Math.min(left, this.pieceSize, this.buffer.length);
      sink(this.buffer.subarray(0, size));
      this.buffer = this.buffer.subarray(size);
      left -= size;
    }
    return true;
  }
}
