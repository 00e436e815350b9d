// Output written between two flushes, gathered into one buffer so that it reaches the socket
// (or the deflater) as one write. A write costs far more than copying a reply: Node's stream
// machinery runs per chunk, and a session's path through it is seldom hot enough to be
// optimised (one SELECT's nine lines cost more as nine writes than everything else SELECT does).
// Large chunks (message bytes, a 64 KB batch of FETCH lines) are not copied: the caller takes
// what was gathered, then sends them as they are.

/** Chunks this long or longer are not gathered. */
export const GATHER_BELOW = 16 * 1024;
/**
 * Most bursts are a line or a few (an IDLE continuation, SELECT's ~400 bytes): a small first
 * buffer, a slice of Node's pool, that doubles as needed. Larger, a thousand idle sessions
 * leave megabytes of pool in garbage between collections.
 */
const FIRST_CAPACITY = 512;

export class GatheredOutput {
  private buffer: Buffer | null = null;
  private length = 0;

  /** Bytes gathered and not yet taken. */
  get size(): number {
    return this.length;
  }

  /** Copies the chunk in (strings as UTF-8); false, copying nothing, when it is too long to gather. */
  add(data: string | Buffer): boolean {
    if (data.length >= GATHER_BELOW) return false;
    if (typeof data === "string") {
      // Three bytes per UTF-16 unit is UTF-8's most (a surrogate pair is two units, four bytes).
      this.reserve(data.length * 3);
      this.length += this.buffer!.write(data, this.length, "utf8");
    } else {
      this.reserve(data.length);
      this.length += data.copy(this.buffer!, this.length);
    }
    return true;
  }

  /** What was gathered, or null if nothing; gathering starts again empty. */
  take(): Buffer | null {
    if (!this.length) return null;
    const gathered = this.buffer!.subarray(0, this.length);
    this.buffer = null;
    this.length = 0;
    return gathered;
  }

  private reserve(extra: number) {
    const needed = this.length + extra;
    if (this.buffer && needed <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(needed, this.buffer ? this.buffer.length * 2 : FIRST_CAPACITY));
    this.buffer?.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }
}
