// Challenges of the sign-up form, issued by the webmail and signed with its own key (HMAC), so the server
// keeps nothing per visitor until one comes back. A challenge also dates the form: submitted sooner than
// MIN_FILL_MS after it was issued, it was not filled by a person. Each works once (remembered here until
// it expires; per web process, as the login throttle is).
import "server-only";
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { getServerKeys } from "@/lib/web/server-secret";
import { isSolution, PROOF_OF_WORK_BITS } from "./proof-of-work";
import { processWide } from "@/lib/web/process-wide";

export const MIN_FILL_MS = 3_000;
export const CHALLENGE_LIFETIME_MS = 2 * 3600_000;
const MAX_REMEMBERED = 100_000;

export interface IssuedChallenge {
  challenge: string;
  bits: number;
}

export type ChallengeProblem = "invalid" | "expired" | "too-fast" | "unsolved" | "reused";

const used = () => processWide("webmail.usedSignupChallenges", () => new Map<string, number>());

function mac(payload: string, key: Buffer): string {
  return createHmac("sha256", key).update(payload).digest("base64url");
}

export function issueChallenge(now = Date.now(), key = getServerKeys().signupChallengeKey): IssuedChallenge {
  const payload = `v1.${now}.${PROOF_OF_WORK_BITS}.${randomBytes(12).toString("base64url")}`;
  return { challenge: `${payload}.${mac(payload, key)}`, bits: PROOF_OF_WORK_BITS };
}

/** Checks the challenge and its solution, and uses it up; null when all is well. */
export function redeemChallenge(challenge: string, solution: string, now = Date.now(), key = getServerKeys().signupChallengeKey): ChallengeProblem | null {
  const match = /^(v1\.(\d{1,15})\.(\d{1,2})\.[A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{43})$/.exec(challenge);
  if (!match) return "invalid";
  const [, payload, issuedText, bitsText, signature] = match;
  const expected = Buffer.from(mac(payload, key));
  if (!timingSafeEqual(expected, Buffer.from(signature))) return "invalid";
  const issuedAt = Number(issuedText);
  if (now - issuedAt > CHALLENGE_LIFETIME_MS) return "expired";
  if (now - issuedAt < MIN_FILL_MS) return "too-fast";
  if (!isSolution(challenge, solution, Number(bitsText))) return "unsolved";
  const remembered = used();
  if (remembered.has(payload)) return "reused";
  remembered.set(payload, issuedAt + CHALLENGE_LIFETIME_MS);
  for (const [old, expires] of remembered) {
    if (expires > now && remembered.size <= MAX_REMEMBERED) break;
    remembered.delete(old);
  }
  return null;
}
