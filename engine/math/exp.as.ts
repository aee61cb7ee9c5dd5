// Exponential. x = k ln 2 + r with r in [0, ln 2); exp(r) = exp(j1 / 64) * exp(j2 / 4096) *
// exp(t) with both factors tabulated (Q63) and t < 2^-12 by a 5-term series. exp(r) comes
// out in Q63 within about 1.5 * 2^-64 relative; the caller scales it by 2^k.
import { E18, MATH_ERROR } from "./fixed.as";
import { E18_TO_Q64_FRAC, EXP_T1, EXP_T2, LN2_E18, LN2_E18_FRAC_Q64_X20, LN2_Q56, LN2_Q64 } from "./tables.as";
import { umul128, umulhi, wideHi } from "./u128.as";

/** exp(r) in Q63 for r in Q64, 0 <= r < ln 2 (saturates at 2^64 - 1 rather than wrap). */
export function expCore(r: u64): u64 {
  const j1 = <i32>(r >> 58);
  const t1 = r & 0x3ffffffffffffff;
  const j2 = <i32>(t1 >> 52);
  const t = t1 & 0xfffffffffffff; // Q64, < 2^52
  // exp(t) - 1 = t + t^2 (1/2 + t (1/6 + t (1/24 + t / 120))); the t^6 term is below 2^-81
  let a: u64 = 0x0aaaaaaaaaaaaaaa + t / 120;
  a = 0x2aaaaaaaaaaaaaaa + umulhi(t, a);
  a = 0x8000000000000000 + umulhi(t, a);
  const em1 = t + umulhi(umulhi(t, t), a);
  const lo = umul128(unchecked(EXP_T1[j1]), unchecked(EXP_T2[j2])); // Q126, < 2^127 as r < ln 2
  const p = (wideHi << 1) + (lo >> 63) + ((lo >> 62) & 1); // rounded to Q63
  const y = p + umulhi(p, em1);
  return y < p ? u64.MAX_VALUE : y;
}

/**
 * exp(x / 10^18) in E18, rounded to nearest, for x in E18 up to 2.2217 (x >= i64 min = -9.22
 * always has a result >= 9.8e-5). MATH_ERROR when the result would not fit in i64 (x > 2.22174).
 */
export function expE18(x: i64): i64 {
  if (x > 2_300_000_000_000_000_000) return MATH_ERROR;
  // k = floor(x / ln 2), computed against floor(ln 2 * 1e18); the rest of k ln 2 (below one
  // E18 unit per k) is subtracted in Q64 units.
  let k = x / LN2_E18;
  if (x < 0 && k * LN2_E18 != x) k--;
  const rInt = <u64>(x - k * LN2_E18); // [0, LN2_E18)
  const base = rInt * 18 + umulhi(rInt, E18_TO_Q64_FRAC); // rInt * 2^64 / 1e18, < LN2_Q64
  const adj = (k * LN2_E18_FRAC_Q64_X20 + 0x80000) >> 20; // |adj| <= 108
  // the sub-unit part of k ln 2 can push r just outside [0, ln 2): move it back
  let r: u64;
  if (adj >= 0) {
    if (base >= <u64>adj) r = base - <u64>adj;
    else {
      r = base + LN2_Q64 - <u64>adj;
      k--;
    }
  } else {
    r = base + <u64>-adj;
    if (r >= LN2_Q64) {
      r -= LN2_Q64;
      k++;
    }
  }
  const y = expCore(r);
  // round(y * 1e18 * 2^k / 2^63), the shift s = 63 - k in [60, 77]
  let lo = umul128(y, <u64>E18);
  let hi = wideHi;
  const s = <i32>(63 - k);
  if (s < 64) {
    const l = lo + ((<u64>1) << (s - 1));
    hi += <u64>(l < lo);
    lo = (l >> s) | (hi << (64 - s));
    hi >>= s;
  } else if (s == 64) {
    lo = hi + <u64>(lo >> 63);
    hi = 0;
  } else {
    lo = (hi + ((<u64>1) << (s - 65))) >> (s - 64);
    hi = 0;
  }
  if (hi != 0 || lo > <u64>i64.MAX_VALUE) return MATH_ERROR;
  return <i64>lo;
}

/**
 * exp(x) in Q48 for x in Q59 with |x| <= 5 (the Black-Scholes discount factor), rounded to
 * nearest: within half a unit plus about 2^-58 relative.
 */
export function expQ59ToQ48(x: i64): u64 {
  const ln2Q59 = <i64>((LN2_Q64 + 16) >> 5);
  let k = x / ln2Q59;
  if (x < 0 && k * ln2Q59 != x) k--;
  // r = x - k ln 2 in Q64; k ln 2 from the Q64 constant, so r is good to 2^-64 per unit of k
  const kLn2 = umul128(<u64>(k < 0 ? -k : k), LN2_Q64); // |k| ln 2 in Q64 as (wideHi, lo)
  const xQ64lo = <u64>x << 5; // x in Q64, low word (x - k ln 2 is in [0, ln 2): the low words suffice)
  let r = k < 0 ? xQ64lo + kLn2 : xQ64lo - kLn2;
  if (r >= LN2_Q64) {
    // the rounding of ln2Q59 left r a hair outside [0, ln 2): below 0 it wrapped to near 2^64
    if (r > LN2_Q64 + 0x4000000000000000) {
      r += LN2_Q64;
      k--;
    } else {
      r -= LN2_Q64;
      k++;
    }
  }
  const y = expCore(r);
  const s = <i32>(15 - k); // y * 2^k / 2^15, s in [8, 23] for |x| <= 5
  return (y >> s) + ((y >> (s - 1)) & 1);
}
