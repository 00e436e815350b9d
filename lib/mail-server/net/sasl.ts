// SASL mechanisms shared by SMTP AUTH, IMAP AUTHENTICATE and POP3 AUTH (RFC 4616 PLAIN, and
// the LOGIN mechanism every client still offers). Pure decoding; no I/O.

export interface SaslCredentials {
  username: string;
  password: string;
}

/** Strict base64: clients that send garbage get an error, not a guess. */
export function decodeBase64(text: string): Buffer | null {
  const trimmed = text.trim();
  if (trimmed.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(trimmed)) return null;
  return Buffer.from(trimmed, "base64");
}

/** PLAIN: authzid NUL authcid NUL password. An authzid naming someone else is refused. */
export function decodePlain(response: string): SaslCredentials | null {
  const bytes = decodeBase64(response);
  if (!bytes) return null;
  let text: string;
  try {
    // RFC 4616: the fields are UTF-8; other bytes are refused, not turned into U+FFFD.
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
  const fields = text.split("\u0000");
  if (fields.length !== 3) return null;
  const [authzid, username, password] = fields;
  if (!username || !password) return null;
  if (authzid && authzid.toLowerCase() !== username.toLowerCase()) return null;
  return { username, password };
}

export function decodeLoginField(response: string): string | null {
  const bytes = decodeBase64(response);
  return bytes ? bytes.toString("utf8") : null;
}

export const LOGIN_USERNAME_PROMPT = Buffer.from("Username:").toString("base64");
export const LOGIN_PASSWORD_PROMPT = Buffer.from("Password:").toString("base64");

export type PlaintextPolicy = "loopback" | "never" | "always";

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const plain = address.replace(/^::ffff:/, "");
  return plain === "::1" || /^127\./.test(plain);
}

/** May a password travel on this connection? (PLAINTEXT_AUTH) */
export function passwordsAllowed(policy: PlaintextPolicy, secure: boolean, remoteAddress: string | undefined): boolean {
  if (secure || policy === "always") return true;
  return policy === "loopback" && isLoopback(remoteAddress);
}
