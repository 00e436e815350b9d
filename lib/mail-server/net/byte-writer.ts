// Output written straight into bytes, in one buffer that grows as needed. Two users: the few
// responses a server sends by the hundred thousand (a whole mailbox's `FETCH (UID FLAGS)`,
// built as strings about eight short-lived strings a line, ~40 MB of garbage for 100,000
// messages, so the first such FETCH after a pause spent a third of its time in scavenges),
// and Connection's gathering of everything written between two flushes (GatheredOutput).

const ZERO = 0x30;
/** Text up to this long is copied byte by byte while ASCII: a native write per short piece costs more than the loop. */
const SHORT_TEXT = 64;

export class ByteWriter {
  private buffer: Buffer | null = null;
  private length = 0;

  /** The first buffer's size, allocated at the first write; it doubles when a write goes past it. */
  constructor(private readonly capacity: number) {}

  get pending(): number {
    return this.length;
  }

  private ensure(extra: number): Buffer {
    const needed = this.length + extra;
    if (this.buffer && needed <= this.buffer.length) return this.buffer;
    const grown = Buffer.allocUnsafe(Math.max(needed, this.buffer ? this.buffer.length * 2 : this.capacity));
    this.buffer?.copy(grown, 0, 0, this.length);
    return (this.buffer = grown);
  }

  /** Text as UTF-8 (keywords may hold any non-ASCII character; the rest is ASCII). */
  text(text: string): this {
    // Three bytes per UTF-16 unit is UTF-8's most (a surrogate pair is two units, four bytes).
    const buffer = this.ensure(text.length * 3);
    let at = this.length;
    if (text.length > SHORT_TEXT) {
      this.length = at + buffer.write(text, at, "utf8");
      return this;
    }
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code >= 0x80) {
        this.length = at + buffer.write(text.slice(i), at, "utf8");
        return this;
      }
      buffer[at++] = code;
    }
    this.length = at;
    return this;
  }

  /** Bytes as they are, copied. */
  bytes(bytes: Buffer): this {
    this.length += bytes.copy(this.ensure(bytes.length), this.length);
    return this;
  }

  /** A non-negative integer in decimal, up to 2^53, without making a string of it. */
  integer(value: number): this {
    const buffer = this.ensure(16);
    let digits = 1;
    for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits++;
    let at = this.length + digits;
    this.length = at;
    let rest = value;
    do {
      buffer[--at] = ZERO + (rest % 10);
      rest = Math.floor(rest / 10);
    } while (rest > 0);
    return this;
  }

  /** What was written, as a buffer of its own (empty if nothing); the writer starts empty again. */
  take(): Buffer {
    const written = this.buffer ? this.buffer.subarray(0, this.length) : Buffer.alloc(0);
    this.buffer = null;
    this.length = 0;
    return written;
  }
}
