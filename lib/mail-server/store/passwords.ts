// Password hashing with argon2id (OWASP's first choice) and the strength rule every way of
// setting a password shares (CLI, management API, later the webmail).
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
 * argon2id costs 64 MiB of memory per hash while it runs: a burst of logins (a thousand
 * phones reconnecting) would add 64 MiB per parallel verification. At most this many run at
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

export function hashPassword(password: string): Promise<string> {
  return limited(() => argon2.hash(password, { type: argon2.argon2id }));
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await limited(() => argon2.verify(hash, password));
  } catch {
    return false;
  }
}
