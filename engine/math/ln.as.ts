// Natural logarithm. A positive integer is 2^e * (1 + f) with f in [0, 1); ln(1 + f) comes
// from two table steps, each dividing by a tabulated 1 + j / 64 and 1 + j / 4096 (as a
// multiplication by its rounded-up inverse R, with ln(2^64 / R) tabulated exactly), and a
// 5-term series for the remaining w < 2^-12. Everything is Q64 and unsigned: each step
// truncates by at most one unit, so ln(1 + f) is within about 6 * 2^-64 of exact.
import { MATH_ERROR } from "./fixed.as";
import {
  LN2_E18_Q63_HI,
  LN2_E18_Q63_LO,
  LN2_Q56,
  LN_L1,
  LN_L2,
  LN_MANTISSA_1E18,
  LN_R1,
  LN_R2,
} from "./tables.as";
import { udiv128, umul128, umulhi, wideHi } from "./u128.as";

/** ln(1 + f) in Q64 for a Q64 fraction f in [0, 1). */
export function lnMantissa(f: u64): u64 {
  let u = f;
  let acc: u64 = 0;
  const j1 = <i32>(u >> 58);
  if (j1 != 0) {
    const r = unchecked(LN_R1[j1]);
    u = r + umulhi(u, r); // (1 + u) * r / 2^64 - 1, wrapping: the exact value is in [0, 2^58)
    acc = unchecked(LN_L1[j1]);
  }
  const j2 = <i32>(u >> 52);
  if (j2 != 0) {
    const r = unchecked(LN_R2[j2]);
    u = r + umulhi(u, r);
    acc += unchecked(LN_L2[j2]);
  }
  // ln(1 + w) = w - w^2 (1/2 - w (1/3 - w (1/4 - w / 5))); the w^6 term is below 2^-72
  let a: u64 = 0x4000000000000000 - u / 5;
  a = 0x5555555555555555 - umulhi(u, a);
  a = 0x8000000000000000 - umulhi(u, a);
  return acc + u - umulhi(umulhi(u, u), a);
}

/**
 * ln 2 * k + (lmA - lmB) / 2^64 in E18, rounded to nearest; MATH_ERROR when it does not fit
 * in i64 (|ln| > 9.22). Summed in 128 bits in units of 2^-63 E18.
 */
function lnCombineE18(k: i32, lmA: u64, lmB: u64): i64 {
  if (k > 14 || k < -14) return MATH_ERROR; // |ln| >= 15 ln 2 - ln 2 > 9.7
  // (lmA - lmB) * 10^18 / 2^64 = |lmA - lmB| * 5 * 10^17 in units of 2^-63 E18
  const neg = lmA < lmB;
  let l2 = umul128(neg ? lmB - lmA : lmA - lmB, 500_000_000_000_000_000);
  let h2 = wideHi;
  if (neg) {
    l2 = ~l2 + 1;
    h2 = ~h2 + <u64>(l2 == 0);
  }
  const ak = <u64>(k < 0 ? -k : k);
  let l1 = umul128(ak, LN2_E18_Q63_LO);
  let h1 = wideHi + ak * LN2_E18_Q63_HI;
  if (k < 0) {
    l1 = ~l1 + 1;
    h1 = ~h1 + <u64>(l1 == 0);
  }
  let l = l1 + l2;
  let h = h1 + h2 + <u64>(l < l1);
  const lr = l + 0x4000000000000000; // + half a unit: round to nearest
  h += <u64>(lr < l);
  if (<i64>h >> 62 != <i64>h >> 63) return MATH_ERROR;
  return <i64>((h << 1) | (lr >> 63));
}

/** ln(x / 10^18) in E18 for x in [1e14, i64 max] (x E18 in [1e-4, 9.22]); MATH_ERROR outside. */
export function lnE18(x: i64): i64 {
  if (x <= 0) return MATH_ERROR;
  const c = <i32>clz(x);
  return lnCombineE18(4 - c, lnMantissa((<u64>x << c) << 1), LN_MANTISSA_1E18); // x = 2^(63 - c) * mantissa
}

/**
 * a / b = 2^k * (1 + f) for positive integers: sets `ratioExponent` to k and returns f in Q64
 * (truncated, so within 2^-64 relative). One 128 / 64 division instead of a second lnMantissa.
 */
let ratioExponent: i32 = 0;
function ratioMantissa(a: u64, b: u64): u64 {
  const ca = <i32>clz(a), cb = <i32>clz(b);
  const x = a << ca, y = b << cb; // both in [2^63, 2^64)
  if (x >= y) {
    ratioExponent = cb - ca;
    return udiv128(x - y, 0, y); // (x - y) / y < 1
  }
  ratioExponent = cb - ca - 1;
  return udiv128(x - (y - x), 0, y); // (2x - y) / y in [0, 1)
}

/** ln(a / b) in E18 for positive integers a, b (any common scale) with |ln(a / b)| <= 9.2; MATH_ERROR otherwise. */
export function lnRatioE18(a: i64, b: i64): i64 {
  if (a <= 0 || b <= 0) return MATH_ERROR;
  // computed for a >= b and negated otherwise, so that ln(b / a) = -ln(a / b) exactly
  const neg = a < b;
  const f = neg ? ratioMantissa(<u64>b, <u64>a) : ratioMantissa(<u64>a, <u64>b);
  const r = lnCombineE18(ratioExponent, lnMantissa(f), 0);
  return neg && r != MATH_ERROR ? -r : r;
}

/** ln(a / b) in Q48 for positive integers a, b (|ln| <= 44: any i64 pair), within about one unit. */
export function lnRatioQ48(a: u64, b: u64): i64 {
  const neg = a < b;
  const lm = lnMantissa(neg ? ratioMantissa(b, a) : ratioMantissa(a, b));
  const r = ((<i64>ratioExponent * <i64>LN2_Q56 + 128) >> 8) + <i64>((lm + 0x8000) >> 16);
  return neg ? -r : r;
}
