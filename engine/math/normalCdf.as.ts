// The standard normal CDF Phi. The upper tail Q(x) = 1 - Phi(x) for x >= 0 is a Taylor
// expansion around the nearest node x0 = j / 32 (|h| = |x - x0| <= 1/64) with Q(x0) and
// phi(x0) tabulated: Q(x0 + h) = Q(x0) - sum_k (-1)^(k-1) He_(k-1)(x0) phi(x0) h^k / k!,
// k = 1..8 (He the Hermite polynomials; the k = 9 term is below 1e-20). He_n(j / 32) * 2^35
// is an integer for n <= 7, so the recurrence He_(n+1) = x0 He_n - n He_(n-1) is exact.
// Beyond |x| >= 9 the tail (< 1.2e-19) is 0. No exp, no division by a variable: fixed work.
// The offset h is exact from E18 or Q48 inputs (the nodes are exact in both).
import { E18 } from "./fixed.as";
import { CDF_PDF, CDF_TAIL, E18_TO_Q64_FRAC } from "./tables.as";
import { smulhi, umul128, umulhi, wideHi } from "./u128.as";

/** phi(x0) * He_n(x0) in Q58 (signed), from He_n in Q35 and phi in Q64. */
// @ts-ignore: decorator
@inline function term(he: i64, phi: u64): i64 {
  const lo = umul128(<u64>(he < 0 ? -he : he), phi);
  const m = <i64>((wideHi << 23) | (lo >> 41));
  return he < 0 ? -m : m;
}

/** Q(j / 32 + h) = 1 - Phi(j / 32 + h) in Q64 for a node j in [0, 288] and h in Q64, |h| <= 2^58 (1/64). */
export function normalTailAtNode(j: i32, hq: i64): u64 {
  const phi = unchecked(CDF_PDF[j]);
  const jj = <i64>j;
  // He_0..He_7 at x0 = j / 32 in Q35, exact
  const he0: i64 = 1 << 35;
  const he1 = jj << 30;
  const he2 = ((jj * he1) >> 5) - he0;
  const he3 = ((jj * he2) >> 5) - 2 * he1;
  const he4 = ((jj * he3) >> 5) - 3 * he2;
  const he5 = ((jj * he4) >> 5) - 4 * he3;
  const he6 = ((jj * he5) >> 5) - 5 * he4;
  const he7 = ((jj * he6) >> 5) - 6 * he5;
  // Horner in h, Q58: A_8 = P_7, A_k = P_(k-1) - h A_(k+1) / (k + 1); Q(x) = Q(x0) - h A_1
  let a = term(he7, phi);
  a = term(he6, phi) - (smulhi(hq, a) >> 3); // shifts for the powers of two: floor, as good as the division
  a = term(he5, phi) - smulhi(hq, a) / 7;
  a = term(he4, phi) - smulhi(hq, a) / 6;
  a = term(he3, phi) - smulhi(hq, a) / 5;
  a = term(he2, phi) - (smulhi(hq, a) >> 2);
  a = term(he1, phi) - smulhi(hq, a) / 3;
  a = <i64>(phi >> 6) - (smulhi(hq, a) >> 1);
  // h * A_1 in Q64, rounded: the Q122 product shifted by 58
  const neg = (hq < 0) != (a < 0);
  const lo = umul128(<u64>(hq < 0 ? -hq : hq), <u64>(a < 0 ? -a : a));
  const m = <i64>((wideHi << 6) | (lo >> 58)) + <i64>((lo >> 57) & 1);
  const t0 = unchecked(CDF_TAIL[j]); // up to 2^63 (Q(0) = 1/2): kept unsigned
  if (neg) return t0 + <u64>m;
  return <u64>m >= t0 ? 0 : t0 - <u64>m; // 0 only where the truncation error exceeds a tail below 1e-19
}

/** Q(x) for x >= 0 in Q48; 0 at and beyond x >= 9. */
export function normalTailQ48(x: u64): u64 {
  if (x >= (<u64>9) << 48) return 0;
  const j = (x + (1 << 42)) >> 43; // nearest node (1/32 is 2^43 in Q48)
  return normalTailAtNode(<i32>j, (<i64>x - <i64>(j << 43)) << 16);
}

/** 1e18 / 32: the nodes are exact in E18, so h is too. */
const NODE_E18: u64 = 31_250_000_000_000_000;

/** Phi(x / 10^18) in E18 for any x in E18, rounded to nearest (0 and 10^18 beyond |x| >= 9). */
export function normalCdfE18(x: i64): i64 {
  const ax = <u64>(x < 0 ? -x : x); // i64 min: 2^63 as u64, fine
  let t: u64 = 0;
  if (ax < 9 * <u64>E18) {
    const j = (ax + NODE_E18 / 2) / NODE_E18;
    const h = <i64>(ax - j * NODE_E18); // E18, |h| <= 1/64
    const hAbs = <u64>(h < 0 ? -h : h);
    const hq = <i64>(hAbs * 18 + umulhi(hAbs, E18_TO_Q64_FRAC)); // * 2^64 / 1e18
    t = normalTailAtNode(<i32>j, h < 0 ? -hq : hq);
  }
  const lo = umul128(t, <u64>E18);
  const tE18 = <i64>(wideHi + (lo >> 63));
  return x < 0 ? tE18 : E18 - tE18;
}
