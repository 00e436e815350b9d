// Output written between two flushes, gathered into one buffer so that it reaches the socket
// (or the deflater) as one write. A write costs far more than copying a reply: Node's stream
// machinery runs per chunk, and a session's path through it is seldom hot enough to be
// optimised (one SELECT's nine lines cost more as nine writes than everything else SELECT does).
// Large chunks (message bytes, a 64 KB batch of FETCH lines) are not copied: the caller takes
// what was gathered, then sends them as they are.
import { ByteWriter } from "./byte-writer";

/** Chunks this long or longer are not gathered. */
export const GATHER_BELOW = 16 * 1024;
/**
 * Most bursts are a line or a few (an IDLE continuation, SELECT's ~400 bytes): a small first
 * buffer, a slice of Node's pool, that doubles as needed. Larger, a thousand idle sessions
 * leave megabytes of pool in garbage between collections.
 */
const FIRST_CAPACITY = 512;

export class GatheredOutput {
  private readonly writer = new ByteWriter(FIRST_CAPACITY);

  /** Bytes gathered and not yet taken. */
  get size(): number {
    return this.writer.pending;
  }

  /** Copies the chunk in (strings as UTF-8); false, copying nothing, when it is too long to gather. */
  add(data: string | Buffer): boolean {
    if (data.length >= GATHER_BELOW) return false;
    if (typeof data === "string") this.writer.text(data);
    else this.writer.bytes(data);
    return true;
  }

  /** What was gathered, or null if nothing; gathering starts again empty. */
  take(): Buffer | null {
    return this.writer.pending ? this.writer.take() : null;
  }
}
