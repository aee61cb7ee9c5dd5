// The standard normal CDF Phi. The upper tail Q(x) = 1 - Phi(x) for x >= 0 is a Taylor
// expansion around the nearest node x0 = j / 32 (|h| = |x - x0| <= 1/64) with Q(x0) and
// phi(x0) tabulated: Q(x0 + h) = Q(x0) - sum_k (-1)^(k-1) He_(k-1)(x0) phi(x0) h^k / k!,
// k = 1..8 (He the Hermite polynomials; the k = 9 term is below 1e-20). He_n(j / 32) * 2^35
// is an integer for n <= 7, so the recurrence He_(n+1) = x0 He_n - n He_(n-1) is exact.
// Beyond |x| >= 9 the tail (< 1.2e-19) is 0. No exp, no division by a variable: fixed work,
// nine 64 x 64 -> high multiplications in all.
// The offset h is exact from E18 or Q48 inputs (the nodes are exact in both).
// The density phi (for the Greeks) uses the same nodes: phi(x0 + h) = phi(x0) exp(-(x0 h + h^2 / 2)),
// the exponent below 0.141 in size, so one expCore step.
import { expCore } from "./exp.as";
import { E18 } from "./fixed.as";
import { CDF_PDF, CDF_TAIL, E18_TO_Q64_FRAC, LN2_Q64 } from "./tables.as";
import { smulhi, umul128, umulhi, wideHi } from "./u128.as";

/** Q(j / 32 + h) = 1 - Phi(j / 32 + h) in Q64 for a node j in [0, 288] and h in Q64, |h| <= 2^58 (1/64). */
export function normalTailAtNode(j: i32, hq: i64): u64 {
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
  // S = sum_k (-1)^(k-1) He_(k-1) h^k / k! by Horner: A_8 = He_7, A_k = He_(k-1) - h A_(k+1) / (k + 1),
  // S = h A_1. A_k is held in Q(64 - 3k): |He_(k-1)| over [0, 9] stays below 2^(3k - 3) (He_7(9) is
  // 2^21.8), so every A_k fits with a bit to spare, and h in Q67 takes each product from Q(64 - 3(k + 1))
  // to Q(64 - 3k) with no shift. Each A_k needs 2^-q_k less precision than its weight h^k / k! gives.
  const h = hq << 3; // Q67, |h| <= 2^61
  let a = he7 << 5; // Q40
  a = (he6 << 8) - (smulhi(h, a) >> 3); // Q43 (shifts for the powers of two: floor, as good as a division)
  a = (he5 << 11) - smulhi(h, a) / 7; // Q46
  a = (he4 << 14) - smulhi(h, a) / 6; // Q49
  a = (he3 << 17) - smulhi(h, a) / 5; // Q52
  a = (he2 << 20) - (smulhi(h, a) >> 2); // Q55
  a = (he1 << 23) - smulhi(h, a) / 3; // Q58
  a = (he0 << 26) - (smulhi(h, a) >> 1); // Q61
  const s = smulhi(h, a); // S in Q64, |S| < 2^-5
  // Q(x) = Q(x0) - phi(x0) S
  const m = umulhi(unchecked(CDF_PDF[j]), <u64>(s < 0 ? -s : s));
  const t0 = unchecked(CDF_TAIL[j]); // up to 2^63 (Q(0) = 1/2): kept unsigned
  if (s < 0) return t0 + m;
  return m >= t0 ? 0 : t0 - m; // 0 only where the truncation error exceeds a tail below 1e-19
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

/** phi(j / 32 + h) in Q64 for a node j in [0, 288] and h in Q64, |h| <= 2^58 (1/64). */
export function normalPdfAtNode(j: i32, hq: i64): u64 {
  const jj = <i64>j;
  const x0h = jj * (hq >> 5) + ((jj * (hq & 31)) >> 5); // x0 h = j h / 32 in Q64 (j h overflows i64), |.| <= 9 / 64
  const y = -(x0h + (smulhi(hq, hq) >> 1)); // -(x0 h + h^2 / 2), Q64
  const p = unchecked(CDF_PDF[j]);
  if (y >= 0) {
    // exp(y) in Q63, in [1, 1.16): the product is Q127, taken back to Q64
    const lo = umul128(p, expCore(<u64>y));
    return (wideHi << 1) | (lo >> 63);
  }
  // y in (-ln 2, 0): exp(y) = exp(y + ln 2) / 2, and expCore's Q63 of exp(y + ln 2) is Q64 of exp(y)
  return umulhi(p, expCore(LN2_Q64 - <u64>-y));
}

/** phi(x) for x >= 0 in Q48, in Q64; 0 at and beyond x >= 9 (phi(9) = 1.03e-18). */
export function normalPdfQ48(x: u64): u64 {
  if (x >= (<u64>9) << 48) return 0;
  const j = (x + (1 << 42)) >> 43;
  return normalPdfAtNode(<i32>j, (<i64>x - <i64>(j << 43)) << 16);
}

/** phi(x / 10^18) * 10^18, the standard normal density, rounded to nearest; 0 beyond |x| >= 9 (phi < 1.03e-18). */
export function normalPdfE18(x: i64): i64 {
  const ax = <u64>(x < 0 ? -x : x);
  if (ax >= 9 * <u64>E18) return 0;
  const j = (ax + NODE_E18 / 2) / NODE_E18;
  const h = <i64>(ax - j * NODE_E18);
  const hAbs = <u64>(h < 0 ? -h : h);
  const hq = <i64>(hAbs * 18 + umulhi(hAbs, E18_TO_Q64_FRAC)); // * 2^64 / 1e18
  const p = normalPdfAtNode(<i32>j, h < 0 ? -hq : hq);
  const lo = umul128(p, <u64>E18);
  return <i64>(wideHi + (lo >> 63));
}
