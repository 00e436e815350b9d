// Response text written straight into bytes, for the few responses a server sends by the
// hundred thousand (a whole mailbox's `FETCH (UID FLAGS)`): built as strings, each line was
// about eight short-lived strings, ~40 MB of garbage for 100,000 messages, and the first such
// FETCH after a pause (once V8 has shrunk its young generation) spent a third of its time in
// scavenges. Here nothing is allocated per line.

const ZERO = 0x30;

export class ByteWriter {
  private buffer: Buffer;
  private length = 0;

  /** Holds `capacity` bytes before it must be taken; a line that goes past it grows the buffer. */
  constructor(private readonly capacity: number) {
    this.buffer = Buffer.allocUnsafe(capacity);
  }

  get pending(): number {
    return this.length;
  }

  private ensure(extra: number) {
    if (this.length + extra <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + extra));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }

  /** Text as UTF-8 (keywords may hold any non-ASCII character; the rest is ASCII). */
  text(text: string): this {
    this.ensure(text.length * 3);
    // Byte by byte while ASCII: a native write per short piece costs more than the loop.
    const buffer = this.buffer;
    let at = this.length;
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

  /** A non-negative integer in decimal, up to 2^53, without making a string of it. */
  integer(value: number): this {
    this.ensure(16);
    let digits = 1;
    for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits++;
    let at = this.length + digits;
    this.length = at;
    let rest = value;
    do {
      this.buffer[--at] = ZERO + (rest % 10);
      rest = Math.floor(rest / 10);
    } while (rest > 0);
    return this;
  }

  /** What was written, as a buffer of its own; the writer starts empty again. */
  take(): Buffer {
    const written = this.buffer.subarray(0, this.length);
    this.buffer = Buffer.allocUnsafe(this.capacity);
    this.length = 0;
    return written;
  }
}
