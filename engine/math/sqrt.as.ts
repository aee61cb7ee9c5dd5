// Integer square roots, exact: the result is always floor(sqrt(n)).
import { E18, MATH_ERROR } from "./fixed.as";
import { udiv128, umul128, wideHi } from "./u128.as";

/**
 * floor(sqrt(x)) for any u64. Newton's method from 2^ceil(bits / 2) >= sqrt(x) decreases
 * monotonically onto the floor; at most 7 steps for 64-bit inputs.
 */
export function sqrtU64(x: u64): u64 {
  if (x < 2) return x;
  let s: u64 = (<u64>1) << ((65 - clz(x)) >> 1);
  let t = (s + x / s) >> 1;
  while (t < s) {
    s = t;
    t = (s + x / s) >> 1;
  }
  return s;
}

/**
 * floor(sqrt(hi * 2^64 + lo)). The start, sqrt of the top 62 bits rounded up and scaled
 * back, is above the root and within 2^-30 of it, so Newton's method (with a 128 / 64
 * division) settles in at most 3 steps.
 */
export function sqrtU128(hi: u64, lo: u64): u64 {
  if (hi == 0) return sqrtU64(lo);
  // at and above (2^64 - 1)^2 = 0xfffffffffffffffe_0000000000000001 the root is 2^64 - 1; below it
  // the start s <= 2^64 - 1 stays above hi, as the division needs
  if (hi == u64.MAX_VALUE || (hi == u64.MAX_VALUE - 1 && lo != 0)) return u64.MAX_VALUE;
  let sh = 66 - <i32>clz(hi); // the bits above the top 62
  sh += sh & 1;
  const top = sh < 64 ? (hi << (64 - sh)) | (lo >> sh) : hi >> (sh - 64);
  const half = sh >> 1;
  const e = sqrtU64(top) + 1;
  let s: u64 = e >> (64 - half) != 0 ? u64.MAX_VALUE : e << half;
  for (;;) {
    const q = udiv128(hi, lo, s);
    const t = (s >> 1) + (q >> 1) + (s & q & 1);
    if (t >= s) break;
    s = t;
  }
  return s;
}

/** sqrt(x) for x in E18, rounded down: floor(sqrt(x * 10^18)). MATH_ERROR for x < 0. */
export function sqrtE18(x: i64): i64 {
  if (x < 0) return MATH_ERROR;
  const lo = umul128(<u64>x, <u64>E18);
  return <i64>sqrtU128(wideHi, lo);
}
