// Message bytes, content-addressed by SHA-256 under DATA_DIR/blobs/ab/<hash>. A blob is
// written to a temporary name, fsync'd, and renamed into place; the rename reaches the disk
// when its directory is fsync'd, which the delivery commit does once per batch, before the
// database commit that makes the message visible. A blob nobody references (a crash
// between the two) is garbage, never a half message.
import { createHash, randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";

export interface StoredBlob {
  hash: string;
  /** Directory whose entry must be fsync'd before the blob is referenced. */
  dir: string;
}

export class BlobStore {
  readonly root: string;
  private readonly knownDirs = new Set<string>();

  constructor(dataDir: string) {
    this.root = path.join(dataDir, "blobs");
  }

  pathOf(hash: string): string {
    if (!/^[0-9a-f]{64}$/.test(hash)) throw new Error(`not a blob hash: ${hash}`);
    // One level of 256 directories: few enough that each is created (and fsync'd) once.
    return path.join(this.root, hash.slice(0, 2), hash);
  }

  async put(bytes: Buffer): Promise<StoredBlob> {
    const hash = createHash("sha256").update(bytes).digest("hex");
    const file = this.pathOf(hash);
    const dir = path.dirname(file);
    if (!this.knownDirs.has(dir)) {
      await fs.mkdir(dir, { recursive: true });
      this.knownDirs.add(dir);
    }
    // Same hash, same bytes: writing a copy that is already there just replaces it.
    const temp = `${file}.${randomBytes(6).toString("hex")}.tmp`;
    const handle = await fs.open(temp, "w", 0o640);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
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

  read(hash: string): Promise<Buffer> {
    return fs.readFile(this.pathOf(hash));
  }

  async remove(hash: string): Promise<void> {
    await fs.rm(this.pathOf(hash), { force: true });
  }
}
