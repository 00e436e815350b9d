// Password hashing with argon2id (OWASP's first choice) and the strength rule every way of
// setting a password shares (CLI, management API, later the webmail).
import { createHmac, randomBytes } from "node:crypto";
import argon2 from "argon2";
import { StoreError } from "./errors";

const COMMON = new Set([
  "password", "password1", "password123", "1234567890", "12345678910", "qwertyuiop", "qwerty1234", "1q2w3e4r5t",
  "iloveyou12", "letmein123", "welcome123", "admin12345", "administrator", "changeme123", "passw0rd12", "0123456789",
  "abcdefghij", "abc1234567", "football12", "baseball12", "sunshine12", "princess12", "dragon1234", "monkey1234",
]);

export const MIN_PASSWORD_LENGTH = 10;

/** Throws StoreError("weak-password") with the reason in words. */
export function checkPasswordStrength(password: string, address: string): void {
  if ([...password].length < MIN_PASSWORD_LENGTH) {
    throw new StoreError("weak-password", `the password is too short: use at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  const lower = password.toLowerCase();
  const local = address.split("@")[0]?.toLowerCase() ?? "";
  if (COMMON.has(lower) || /^(.)\1+$/.test(password) || (local.length >= 4 && lower.includes(local))) {
    throw new StoreError("weak-password", "the password is too easy to guess: avoid common passwords and your own address");
  }
}

/**
 * argon2id holds its memory cost while it runs: a burst of logins (a thousand phones
 * reconnecting) would add that much per parallel verification. At most this many run at
 * once; the others wait their turn, a few milliseconds each.
 */
const MAX_PARALLEL_HASHES = 2;
let running = 0;
const waiting: (() => void)[] = [];

async function limited<T>(work: () => Promise<T>): Promise<T> {
  // A finished hash hands its slot straight to the next in line, so the count never overshoots.
  if (running >= MAX_PARALLEL_HASHES) await new Promise<void>((resolve) => waiting.push(resolve));
  else running++;
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

/**
 * argon2id with 19 MiB, 2 passes, 1 lane: the first of OWASP's equivalent argon2id settings
 * (Password Storage Cheat Sheet), rather than the library's 64 MiB × 3 × 4. A mail server
 * verifies on every login of every device; at 64 MiB a burst of logins was most of the
 * process's memory. Hashes keep their parameters, so older 64 MiB hashes still verify.
 */
const HASH_OPTIONS = { type: argon2.argon2id, memoryCost: 19 * 1024, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return limited(() => argon2.hash(password, HASH_OPTIONS));
}

/**
 * Passwords verified lately, as Dovecot's auth cache keeps them: a phone polling every few
 * minutes, the webmail reconnecting, a client opening five connections at once, each login
 * would otherwise cost an argon2id run (64 MiB, tens of ms). An entry is an HMAC, under a key
 * that lives only in this process, of the stored hash and the password: nothing in memory is
 * the password, and a changed password (a new stored hash) never matches an old entry.
 * Failures are never remembered, so guessing stays at argon2's pace.
 */
const VERIFIED_TTL_MS = 15 * 60_000;
const MAX_VERIFIED = 10_000;
const verifiedKey = randomBytes(32);
const verified = new Map<string, number>();

function fingerprint(hash: string, password: string): string {
  return createHmac("sha256", verifiedKey).update(hash).update("\0").update(password).digest("base64");
}

/**
 * Verifications running now, by the same key: a client opening ten connections at once, or a
 * thousand phones of one account after an outage, wait for one argon2 run instead of each
 * starting its own (each holds its memory cost, and glibc keeps what worker threads freed).
 */
const inFlight = new Map<string, Promise<boolean>>();

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  const key = fingerprint(hash, password);
  const until = verified.get(key);
  if (until !== undefined && until > Date.now()) return true;
  verified.delete(key);
  let verification = inFlight.get(key);
  if (!verification) {
    verification = limited(() => argon2.verify(hash, password)).catch(() => false);
    inFlight.set(key, verification);
    void verification.finally(() => inFlight.delete(key));
  }
  const ok = await verification;
  if (ok) {
    verified.set(key, Date.now() + VERIFIED_TTL_MS);
    // Oldest first: a Map iterates in insertion order.
    if (verified.size > MAX_VERIFIED) verified.delete(verified.keys().next().value!);
  }
  return ok;
}
