// The sign-up page's proof of work, as both sides compute it: find a counter whose SHA-256 together with
// the server's challenge starts with `bits` zero bits. Cheap to check once, a second or so of a browser's
// time to find: nothing for a person, real cost for a script creating accounts by the thousand. SHA-256
// from @noble/hashes, because crypto.subtle exists only on HTTPS pages and a webmail on a LAN address is not.
import { sha256 } from "@noble/hashes/sha2";

/**
 * Zero bits asked for: 2^16 hashes on average, under a second in a browser. Native code does that in
 * microseconds, so this only prices out naive scripts; the per-address limit is what bounds the rest.
 */
export const PROOF_OF_WORK_BITS = 16;

const encoder = new TextEncoder();

export function proofHash(challenge: string, counter: string): Uint8Array {
  return sha256(encoder.encode(`${challenge}:${counter}`));
}

export function leadingZeroBits(hash: Uint8Array): number {
  let bits = 0;
  for (const byte of hash) {
    if (byte === 0) {
      bits += 8;
      continue;
    }
    return bits + Math.clz32(byte) - 24;
  }
  return bits;
}

export function isSolution(challenge: string, counter: string, bits: number): boolean {
  return /^\d{1,15}$/.test(counter) && leadingZeroBits(proofHash(challenge, counter)) >= bits;
}

/**
 * Finds a solution in slices of `sliceSize` hashes, yielding between slices so the page stays responsive
 * while the visitor types (it runs from the moment the form appears).
 */
export async function solve(challenge: string, bits: number, { sliceSize = 4096, signal }: { sliceSize?: number; signal?: AbortSignal } = {}): Promise<string> {
  // The challenge's bytes once, the counter's digits written after them: no string per try.
  const prefix = encoder.encode(`${challenge}:`);
  const buffer = new Uint8Array(prefix.length + 16);
  buffer.set(prefix);
  for (let counter = 0; ; ) {
    const end = counter + sliceSize;
    for (; counter < end; counter++) {
      const digits = String(counter);
      for (let i = 0; i < digits.length; i++) buffer[prefix.length + i] = digits.charCodeAt(i);
      if (leadingZeroBits(sha256(buffer.subarray(0, prefix.length + digits.length))) >= bits) return digits;
    }
    if (signal?.aborted) throw new Error("aborted");
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}
