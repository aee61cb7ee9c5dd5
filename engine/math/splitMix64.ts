/** A seeded 64-bit generator (SplitMix64) so that the math tests' random points are reproducible. */
export function splitMix64(seed: bigint): () => bigint {
  let s = BigInt.asUintN(64, seed);
  return () => {
    s = BigInt.asUintN(64, s + 0x9e3779b97f4a7c15n);
    let z = s;
    z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
    z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
    return z ^ (z >> 31n);
  };
}

/** A uniform integer in [lo, hi] (hi - lo < 2^64). */
export function between(next: () => bigint, lo: bigint, hi: bigint): bigint {
  return lo + (next() % (hi - lo + 1n));
}

/** An integer in [1, 2^bits) whose bit length is uniform in [1, bits]: log-uniform-ish. */
export function logUniform(next: () => bigint, bits: number): bigint {
  const b = 1n + (next() % BigInt(bits));
  return (1n << (b - 1n)) | (next() & ((1n << (b - 1n)) - 1n));
}
