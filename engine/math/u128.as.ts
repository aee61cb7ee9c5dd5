// 64 x 64 -> 128-bit products and 128 / 64-bit division from 32-bit limbs: WebAssembly has no
// wide multiply, and the machine allows no floats. Functions that produce two words return
// the low one and leave the high one in `wideHi`.

/** The high word of the last umul128. */
export let wideHi: u64 = 0;

/** a * b as 128 bits: returns the low word, sets wideHi to the high word. */
// @ts-ignore: decorator
@inline export function umul128(a: u64, b: u64): u64 {
  const a0 = a & 0xffffffff, a1 = a >> 32, b0 = b & 0xffffffff, b1 = b >> 32;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0;
  const mid = (p00 >> 32) + (p01 & 0xffffffff) + (p10 & 0xffffffff);
  wideHi = a1 * b1 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
  return (p00 & 0xffffffff) | (mid << 32);
}

/** floor(a * b / 2^64): the product of two Q64 fractions. */
// @ts-ignore: decorator
@inline export function umulhi(a: u64, b: u64): u64 {
  const a0 = a & 0xffffffff, a1 = a >> 32, b0 = b & 0xffffffff, b1 = b >> 32;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0;
  const mid = (p00 >> 32) + (p01 & 0xffffffff) + (p10 & 0xffffffff);
  return a1 * b1 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}

/** floor(a * b / 2^64) for signed a, b (the unsigned high word corrected for the signs). */
// @ts-ignore: decorator
@inline export function smulhi(a: i64, b: i64): i64 {
  let h = <i64>umulhi(<u64>a, <u64>b);
  if (a < 0) h -= b;
  if (b < 0) h -= a;
  return h;
}

/**
 * floor((hi * 2^64 + lo) / v) for hi < v (the quotient fits in 64 bits), v > 0. Knuth's
 * algorithm D on 32-bit digits (Hacker's Delight, divlu): two 64-bit divisions and at most
 * two corrections per digit, so the work is bounded.
 */
export function udiv128(hi: u64, lo: u64, v: u64): u64 {
  const b: u64 = 0x100000000;
  const s = clz(v);
  v <<= s;
  const vn1 = v >> 32, vn0 = v & 0xffffffff;
  const un32 = (hi << s) | (s == 0 ? 0 : lo >> (64 - s));
  const un10 = lo << s;
  const un1 = un10 >> 32, un0 = un10 & 0xffffffff;
  let q1 = un32 / vn1;
  let rhat = un32 - q1 * vn1;
  while (q1 >= b || q1 * vn0 > ((rhat << 32) | un1)) {
    q1--;
    rhat += vn1;
    if (rhat >= b) break;
  }
  const un21 = (un32 << 32) + un1 - q1 * v;
  let q0 = un21 / vn1;
  rhat = un21 - q0 * vn1;
  while (q0 >= b || q0 * vn0 > ((rhat << 32) | un0)) {
    q0--;
    rhat += vn1;
    if (rhat >= b) break;
  }
  return (q1 << 32) | q0;
}

/** The high word of the last udiv128Wide. */
export let quotientHi: u64 = 0;

/**
 * floor((hi * 2^64 + lo) / v) for any hi, v > 0, as 128 bits: returns the low word, sets
 * quotientHi to the high word (schoolbook: the high word first, then udiv128 on the remainder).
 */
export function udiv128Wide(hi: u64, lo: u64, v: u64): u64 {
  quotientHi = hi / v;
  return udiv128(hi % v, lo, v);
}
