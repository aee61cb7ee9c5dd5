// 64x64 -> 128-bit products divided by a 64-bit divisor, rounded down or up. The engine's
// notionals (qty * price / 1e8), fees and margins need the 128-bit intermediate.

/** Set by mulDiv when the quotient does not fit in 63 bits (callers reject the transaction). */
export let overflow: bool = false;

/** floor(a * b / d) (or ceil when `up`), for d > 0. Sets `overflow` if the result is >= 2^63. */
export function mulDiv(a: u64, b: u64, d: u64, up: bool): u64 {
  // 128-bit product hi:lo from 32-bit limbs.
  const a0 = a & 0xffffffff, a1 = a >> 32, b0 = b & 0xffffffff, b1 = b >> 32;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const mid = (p00 >> 32) + (p01 & 0xffffffff) + (p10 & 0xffffffff);
  const lo = (p00 & 0xffffffff) | (mid << 32);
  const hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
  let q: u64, r: u64;
  if (hi == 0) {
    q = lo / d;
    r = lo % d;
  } else {
    if (hi >= d) {
      overflow = true;
      return 0;
    }
    // Restoring long division of hi:lo by d, one bit at a time (hi < d keeps the quotient in 64 bits).
    let rem = hi;
    q = 0;
    for (let i = 63; i >= 0; i--) {
      const top = rem >> 63;
      rem = (rem << 1) | ((lo >> <u64>i) & 1);
      q <<= 1;
      if (top != 0 || rem >= d) {
        rem -= d;
        q |= 1;
      }
    }
    r = rem;
  }
  if (up && r != 0) q++;
  if (q >> 63 != 0) overflow = true;
  return q;
}

/** |x| as u64. */
export function abs64(x: i64): u64 {
  return x < 0 ? <u64>-x : <u64>x;
}
