// A raw DEFLATE layer (RFC 1951) for both directions of a connection, as IMAP COMPRESS=DEFLATE
// (RFC 4978) uses it and as NNTP/POP3 drafts describe it: one inflater for what the peer sends,
// one deflater for what we send, each a single stream for the rest of the connection.
//
// Output is not flushed per write: a FETCH writes many small pieces, and a sync flush after
// each would cost bytes and most of the compression. The owner calls flush() when a burst of
// responses is complete (a tagged response, or before waiting for the peer), which ends the
// current deflate block on a byte boundary (Z_SYNC_FLUSH) so the peer can decode all of it.
import zlib from "node:zlib";

export interface DeflateLayerHandlers {
  /** Compressed bytes for the peer, in order. */
  output(chunk: Buffer): void;
  /** Decompressed bytes from the peer, in order. */
  input(chunk: Buffer): void;
  /** The peer's stream is corrupt, or ours failed: the connection can't go on. */
  failed(error: Error): void;
  /** The peer ended its deflate stream (final block): no more input will come. */
  inputEnded(): void;
}

/** Inflated bytes handed over per 'data' event; the owner pauses input above its own bound. */
const INFLATE_CHUNK = 16 * 1024;

/**
 * Compressed bytes given to the inflater per write. zlib inflates a whole write before it
 * heeds back-pressure, and DEFLATE reaches 1:1032: a 64 KB read off the socket became up to
 * 64 MB held at once. A slice this size inflates to at most about a megabyte.
 */
const INFLATE_SLICE = 1024;

export class DeflateLayer {
  private readonly deflater: zlib.DeflateRaw;
  private readonly inflater: zlib.InflateRaw;
  /** Something was written since the last flush. An empty flush would still send 5 bytes. */
  private unflushed = false;
  private ending = false;

  constructor(handlers: DeflateLayerHandlers) {
    // windowBits 15 is what RFC 4978 §4 lets both sides assume; level 6 is zlib's (and Dovecot's) default.
    this.deflater = zlib.createDeflateRaw({ windowBits: 15, level: 6, memLevel: 8 });
    this.inflater = zlib.createInflateRaw({ windowBits: 15, chunkSize: INFLATE_CHUNK });
    this.deflater.on("data", handlers.output);
    this.inflater.on("data", handlers.input);
    this.inflater.on("end", handlers.inputEnded);
    this.deflater.on("error", handlers.failed);
    this.inflater.on("error", handlers.failed);
  }

  /**
   * Compressed bytes from the peer. false when the inflater is backed up (its output is
   * paused): stop reading the source until onInputDrain, so memory stays bounded whatever
   * the compression ratio.
   */
  receive(chunk: Buffer): boolean {
    if (this.inflater.destroyed || this.inflater.writableEnded) return true;
    let more = true;
    for (let at = 0; at < chunk.length; at += INFLATE_SLICE) more = this.inflater.write(chunk.subarray(at, at + INFLATE_SLICE));
    return more;
  }

  onInputDrain(callback: () => void) {
    this.inflater.once("drain", callback);
  }

  /** Stops (or restarts) handing over decompressed input; the inflater then stops too. */
  pauseInput() {
    this.inflater.pause();
  }

  resumeInput() {
    this.inflater.resume();
  }

  send(data: string | Buffer) {
    if (this.ending || this.deflater.destroyed) return;
    this.deflater.write(data);
    this.unflushed = true;
  }

  /** Makes everything sent so far decodable by the peer (Z_SYNC_FLUSH), if anything was. */
  flush() {
    if (!this.unflushed || this.ending || this.deflater.destroyed) return;
    this.unflushed = false;
    this.deflater.flush(zlib.constants.Z_SYNC_FLUSH);
  }

  /** Bytes written to the deflater and not yet compressed and handed to output(). */
  get pendingOutput(): number {
    return this.deflater.writableLength + this.deflater.readableLength;
  }

  /** Wakes when the deflater has caught up with what was written (for back-pressure waits). */
  onOutputDrain(callback: () => void): () => void {
    this.deflater.once("drain", callback);
    return () => this.deflater.off("drain", callback);
  }

  /** Finishes our stream (final block); done runs once every compressed byte went to output(). */
  end(done: () => void) {
    if (this.ending || this.deflater.destroyed) return done();
    this.ending = true;
    this.deflater.once("end", done);
    this.deflater.end();
  }

  destroy() {
    this.deflater.destroy();
    this.inflater.destroy();
  }
}
