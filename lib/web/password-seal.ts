// The IMAP password must be at hand for every later IMAP (and SMTP) connection, yet never stored in
// plain text nor readable in the browser. It is sealed with AES-256-GCM under a server key and the
// sealed form lives only inside the (itself encrypted) session token. The associated data binds a
// sealed password to its session and account, so it cannot be replayed inside another token.
import "server-only";
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

const VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;

function check(key: Buffer) {
  if (key.length !== 32) throw new Error("the password seal key must be 32 bytes");
}

export function sealPassword(password: string, key: Buffer, context: string): string {
  check(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(context, "utf8"));
  const sealed = Buffer.concat([cipher.update(password, "utf8"), cipher.final()]);
  return `${VERSION}.${Buffer.concat([iv, sealed, cipher.getAuthTag()]).toString("base64url")}`;
}

/** The password, or null when the seal was made with another key or context, or was altered. */
export function unsealPassword(sealed: string, key: Buffer, context: string): string | null {
  check(key);
  const [version, body, ...rest] = sealed.split(".");
  if (version !== VERSION || body === undefined || rest.length > 0) return null;
  const bytes = Buffer.from(body, "base64url");
  if (bytes.length < IV_BYTES + TAG_BYTES) return null;
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, bytes.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(context, "utf8"));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)), decipher.final()]).toString("utf8");
  } catch {
    return null;
  }
}

export function sealContext(sessionId: string, address: string): string {
  return `webmail session ${sessionId} ${address.toLowerCase()}`;
}
