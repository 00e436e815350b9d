// A small seeded PRNG (mulberry32) so every fuzz run sees the same cases: a failure found
// once is found again, and its seed and case number name it.

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [0, n). */
  int(n: number): number;
  /** Integer in [min, max]. */
  between(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  bool(probability?: number): boolean;
}

export function seeded(seed: number): Random {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return {
    next,
    int,
    between: (min, max) => min + int(max - min + 1),
    pick: (items) => items[int(items.length)],
    bool: (probability = 0.5) => next() < probability,
  };
}

/** Splits bytes into random consecutive pieces (some of one byte, some empty). */
export function randomSplit(random: Random, bytes: Buffer): Buffer[] {
  const pieces: Buffer[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    const size = random.bool(0.3) ? random.int(3) : random.between(1, 16);
    pieces.push(bytes.subarray(pos, Math.min(bytes.length, pos + size)));
    pos += size;
  }
  return pieces;
}
