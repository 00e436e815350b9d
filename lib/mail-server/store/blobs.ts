// Message bytes, content-addressed by SHA-256. Most mail is small: up to INLINE_LIMIT it is
// stored in the database ("Blob" table) in the same transaction as the message, which costs
// one row instead of eight file-system calls and two fsyncs per message. Larger messages
// are files under DATA_DIR/blobs/ab/<hash>, written to a temporary name, fsync'd, renamed
// into place; the rename reaches the disk when its directory is fsync'd, which the delivery
// commit does once per batch, before the database commit that makes the message visible.
// A file nobody references (a crash between the two) is garbage, never a half message.
import { createHash, randomBytes } from "node:crypto";
import fsCallbacks from "node:fs";
import { promises as fs } from "node:fs";
import path from "node:path";

/** Messages up to this size live in the database. */
export const INLINE_LIMIT = 128 * 1024;

export type StoredBlob =
  | { hash: string; inline: Buffer; dir?: undefined }
  /** dir: the directory whose entry must be fsync'd before the blob is referenced. */
  | { hash: string; dir: string; inline?: undefined };

/**
 * open, write, fsync, close as one chain of callbacks: the hot path of every delivery, and
 * the promise FileHandle API costs several times the CPU for the same four system calls.
 */
function writeDurably(file: string, bytes: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    fsCallbacks.open(file, "w", 0o640, (openError, fd) => {
      if (openError) return reject(openError);
      const finish = (error: Error | null) => fsCallbacks.close(fd, (closeError) => (error ?? closeError ? reject(error ?? closeError) : resolve()));
      const writeFrom = (offset: number) =>
        fsCallbacks.write(fd, bytes, offset, bytes.length - offset, null, (writeError, written) => {
          if (writeError) return finish(writeError);
          if (offset + written < bytes.length) return writeFrom(offset + written);
          fsCallbacks.fsync(fd, (syncError) => finish(syncError));
        });
      writeFrom(0);
    });
  });
}

export class BlobStore {
  readonly root: string;
  private readonly knownDirs = new Set<string>();
  private readonly tempPrefix = randomBytes(4).toString("hex");
  private tempCounter = 0;

  constructor(dataDir: string) {
    this.root = path.join(dataDir, "blobs");
  }

  pathOf(hash: string): string {
    if (!/^[0-9a-f]{64}$/.test(hash)) throw new Error(`not a blob hash: ${hash}`);
    // One level of 256 directories: few enough that each is created (and fsync'd) once.
    return path.join(this.root, hash.slice(0, 2), hash);
  }

  /** Hashes the bytes; writes a file (durably) only for a large message. */
  async put(bytes: Buffer): Promise<StoredBlob> {
    const hash = createHash("sha256").update(bytes).digest("hex");
    if (bytes.length <= INLINE_LIMIT) return { hash, inline: bytes };
    const file = this.pathOf(hash);
    const dir = path.dirname(file);
    if (!this.knownDirs.has(dir)) {
      await fs.mkdir(dir, { recursive: true });
      this.knownDirs.add(dir);
    }
    // Same hash, same bytes: writing a copy that is already there just replaces it.
    const temp = `${file}.${this.tempPrefix}${(this.tempCounter++).toString(36)}.tmp`;
    await writeDurably(temp, bytes);
    await fs.rename(temp, file);
    return { hash, dir };
  }

  /** Makes the renames in these directories durable. */
  async syncDirs(dirs: Iterable<string>): Promise<void> {
    await Promise.all(
      [...new Set(dirs)].map(async (dir) => {
        const handle = await fs.open(dir, "r");
        try {
          await handle.sync();
        } finally {
          await handle.close();
        }
      }),
    );
  }

  /** A large message's file (inline ones are read from the database by the store). */
  readFile(hash: string): Promise<Buffer> {
    return fs.readFile(this.pathOf(hash));
  }

  async remove(hash: string): Promise<void> {
    await fs.rm(this.pathOf(hash), { force: true });
  }
}
