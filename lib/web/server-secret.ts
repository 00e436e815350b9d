// The webmail's one secret, from which every key it needs is derived (HKDF), so an operator sets one
// value (NEXTAUTH_SECRET) or none: then a random one is made once and kept in DATA_DIR, readable only by
// the owner, so sessions survive restarts without the operator doing anything.
import "server-only";
import { hkdfSync, randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { loadConfig } from "@/lib/config";

export const SECRET_FILE_NAME = "webmail-secret";

export interface ServerKeys {
  /** Given to next-auth, which derives its own JWE key from it. */
  nextAuthSecret: string;
  /** AES-256-GCM key for the IMAP password kept inside the session token. */
  passwordSealKey: Buffer;
  /** HMAC key of the sign-up page's proof-of-work challenges. */
  signupChallengeKey: Buffer;
}

function readOrCreateSecretFile(dataDir: string): string {
  const file = path.join(dataDir, SECRET_FILE_NAME);
  try {
    const existing = readFileSync(file, "utf8").trim();
    if (existing.length >= 32) {
      // A copy restored from a backup may have come back world-readable.
      chmodSync(file, 0o600);
      return existing;
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  try {
    // "wx": if another process created it in the meantime, theirs wins and is read below.
    writeFileSync(file, secret + "\n", { mode: 0o600, flag: "wx" });
    return secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    return readFileSync(file, "utf8").trim();
  }
}

function derive(secret: string, purpose: string): Buffer {
  return Buffer.from(hkdfSync("sha256", secret, "webmail", purpose, 32));
}

export function deriveServerKeys(secret: string): ServerKeys {
  return {
    nextAuthSecret: derive(secret, "next-auth session token").toString("base64url"),
    passwordSealKey: derive(secret, "imap password seal"),
    signupChallengeKey: derive(secret, "sign-up challenge"),
  };
}

let cached: ServerKeys | undefined;

export function getServerKeys(): ServerKeys {
  cached ??= deriveServerKeys(process.env.NEXTAUTH_SECRET?.trim() || readOrCreateSecretFile(loadConfig().dataDir));
  return cached;
}
