// "Always show images from this sender": a per-user list of sender addresses whose remote content is
// loaded without asking. The webmail has no settings store of its own yet (no Prisma model for it), so
// this is a small JSON file per user under DATA_DIR/webmail/, named by a hash of the address (no
// user-controlled text in paths). Kept on the server rather than in localStorage because the server
// decides what the sanitiser lets through; a browser's list would have to be trusted on every request.
import "server-only";
import { createHash } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { loadConfig } from "@/lib/config";

const MAX_SENDERS = 5000;

function fileFor(user: string): string {
  const key = createHash("sha256").update(user.trim().toLowerCase()).digest("hex").slice(0, 32);
  return path.join(loadConfig().dataDir, "webmail", key, "remote-content.json");
}

export function normalizeSender(address: string): string | null {
  const clean = address.trim().toLowerCase();
  return clean.length > 0 && clean.length <= 320 && /^[^\s@<>"]+@[^\s@<>"]+$/.test(clean) ? clean : null;
}

export async function trustedSenders(user: string): Promise<Set<string>> {
  try {
    const parsed: unknown = JSON.parse(await readFile(fileFor(user), "utf8"));
    const list = typeof parsed === "object" && parsed !== null && "senders" in parsed && Array.isArray(parsed.senders) ? parsed.senders : [];
    return new Set(list.filter((entry): entry is string => typeof entry === "string"));
  } catch {
    return new Set();
  }
}

// One writer at a time per process: two quick clicks must not lose one of the changes.
let writing: Promise<unknown> = Promise.resolve();

export function setSenderTrusted(user: string, sender: string, trusted: boolean): Promise<void> {
  const run = writing.then(async () => {
    const senders = await trustedSenders(user);
    if (trusted) senders.add(sender);
    else senders.delete(sender);
    const file = fileFor(user);
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    const temporary = `${file}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify({ senders: [...senders].slice(-MAX_SENDERS) }), { mode: 0o600 });
    // Rename is atomic: a crash leaves the old list or the new one, never half of one.
    await rename(temporary, file);
  });
  writing = run.catch(() => undefined);
  return run;
}
