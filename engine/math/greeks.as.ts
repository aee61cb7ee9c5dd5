// The Greeks of European options on a non-dividend underlying (Black-Scholes, as in
// blackScholes.as.ts), in integers (docs/engine.md, "Greeks"). With v = sigma sqrt(T), D = exp(-r T):
//   delta = N(d1) (call), N(d1) - 1 (put)                   deltaE8: base units per option, E8
//   gamma = phi(d1) / (S v)                                  gammaE18: delta per price unit, E18
//   vega  = S phi(d1) sqrt(T) / 100                          price units per volatility point (0.01)
//   theta = (-S phi(d1) sigma / (2 sqrt T) - r K D N(d2)) / 365         (call) price units per day
//         = (-S phi(d1) sigma / (2 sqrt T) + r K D N(-d2)) / 365        (put), a 365-day year
// each rounded to nearest (halves away from zero). Products and sums are kept in 128 bits; what
// reaches the result beyond the final rounding is v and d1 in Q48 (2^-48 absolute) and phi(d1)
// in Q64: measured within 3.4e-12 relative of float64 on the grid (greeks.test.ts).
import {
  BS_MAX_ABS_RATE_E8,
  BS_MAX_PRICE,
  BS_MAX_TIME_SECONDS,
  BS_MAX_VOL_E8,
  E8,
  E18,
  MATH_ERROR,
  YEAR_SECONDS,
} from "./fixed.as";
import { expQ59ToQ48 } from "./exp.as";
import { lnRatioQ48 } from "./ln.as";
import { normalPdfQ48, normalTailQ48 } from "./normalCdf.as";
import { sqrtU128 } from "./sqrt.as";
import {
  CDF_PDF,
  Q48_PER_E8_FRAC,
  Q48_PER_E8_INT,
  RT_Q59_PER_E8_SECOND_FRAC,
  RT_Q59_PER_E8_SECOND_INT,
} from "./tables.as";
import { quotientHi, udiv128, udiv128Wide, umul128, umulhi, wideHi } from "./u128.as";

// The last prepareGreeks(): as blackScholes.as.ts's prepare (tails Q(|d1|), Q(|d2|) in Q64 with
// the signs of d1, d2; D in Q48), plus sigma, sqrt(T), v in Q48 and phi(d1) in Q64.
let tail1: u64 = 0;
let tail2: u64 = 0;
let d1Neg = false;
let d2Neg = false;
let discountQ48: u64 = 0;
let sigmaQ48: u64 = 0;
let sqrtTauQ48: u64 = 0;
let vQ48: u64 = 0;
let phi1: u64 = 0;

/** x * (c + cFrac / 2^64), rounded down: a division by a constant as a multiplication (within one unit). */
// @ts-ignore: decorator
@inline function scale(x: u64, c: u64, cFrac: u64): u64 {
  return x * c + umulhi(x, cFrac);
}

/**
 * blackScholes.as.ts's prepare (the same domain, d1, d2, tails and discount) with sqrt(T) to
 * full Q48 precision, keeping sigma, sqrt(T), v and phi(d1) too. A copy, not a change to prepare:
 * any change there moves the engine's globals and so changes engine/engine.wasm, the machine's
 * code root. greeks.test.ts checks the two agree (delta here within one unit of blackScholesDeltaE8).
 * With v = 0 (T = 0 or sigma = 0) phi(d1) is 0 except at the forward (F = K), where it is phi(0):
 * there the price grows with sigma (vega > 0) and gamma is infinite (MATH_ERROR).
 */
function prepareGreeks(spot: i64, strike: i64, volE8: i64, timeSeconds: i64, rateE8: i64): bool {
  if (spot <= 0 || spot > BS_MAX_PRICE || strike <= 0 || strike > BS_MAX_PRICE) return false;
  if (volE8 < 0 || volE8 > BS_MAX_VOL_E8 || timeSeconds < 0 || timeSeconds > BS_MAX_TIME_SECONDS) return false;
  if (rateE8 < -BS_MAX_ABS_RATE_E8 || rateE8 > BS_MAX_ABS_RATE_E8) return false;
  const sigma = scale(<u64>volE8, Q48_PER_E8_INT, Q48_PER_E8_FRAC);
  const rtNum = <u64>(rateE8 < 0 ? -rateE8 : rateE8) * <u64>timeSeconds;
  const rt59Abs = <i64>scale(rtNum, RT_Q59_PER_E8_SECOND_INT, RT_Q59_PER_E8_SECOND_FRAC);
  const rt59 = rateE8 < 0 ? -rt59Abs : rt59Abs;
  discountQ48 = expQ59ToQ48(-rt59);
  const rt = (rt59 + 0x400) >> 11;
  const a = lnRatioQ48(<u64>spot, <u64>strike) + rt; // ln(F / K)
  // sqrt(T) from T * 2^96 / YEAR_SECONDS directly, not from tau in Q48 as prepare does: tau's
  // rounding (2^-48 absolute) is 1e-7 relative at T = 1 second, and the Greeks divide by sqrt(T)
  const tl = udiv128Wide(<u64>timeSeconds << 32, 0, <u64>YEAR_SECONDS);
  const sqrtTau = sqrtU128(quotientHi, tl);
  const lo = umul128(sigma, sqrtTau);
  const v = <i64>((wideHi << 16) | (lo >> 48));
  sigmaQ48 = sigma;
  sqrtTauQ48 = sqrtTau;
  vQ48 = <u64>v;
  if (v == 0) {
    const t: u64 = a == 0 ? 0x8000000000000000 : 0;
    tail1 = tail2 = t;
    d1Neg = d2Neg = a < 0;
    phi1 = a == 0 ? unchecked(CDF_PDF[0]) : 0;
    return true;
  }
  const aAbs = <u64>(a < 0 ? -a : a);
  let q: i64 = aAbs >= <u64>v << 5 ? <i64>32 << 48 : <i64>udiv128(aAbs >> 16, aAbs << 48, <u64>v);
  if (a < 0) q = -q;
  const d1 = q + (v >> 1);
  const d2 = d1 - v;
  const d1Abs = <u64>(d1 < 0 ? -d1 : d1);
  tail1 = normalTailQ48(d1Abs);
  tail2 = normalTailQ48(<u64>(d2 < 0 ? -d2 : d2));
  d1Neg = d1 < 0;
  d2Neg = d2 < 0;
  phi1 = normalPdfQ48(d1Abs);
  return true;
}

/** N(d1) in E8 (call) or N(d1) - 1 (put), nearest: blackScholesDeltaE8's formula. */
function deltaE8(isCall: bool): i64 {
  const lo = umul128(tail1, <u64>E8);
  const t = <i64>(wideHi + (lo >> 63));
  const n1 = d1Neg ? t : E8 - t;
  return isCall ? n1 : n1 - E8;
}

/** phi(d1) / (S v) * 1e18, nearest; MATH_ERROR when infinite (v = 0 at the forward) or above i64. */
function gammaE18(spot: u64): i64 {
  if (phi1 == 0) return 0;
  if (vQ48 == 0) return MATH_ERROR;
  // phi 1e18 / v in Q16 (phi Q64 / v Q48), then / S: two floors of a Q16 value
  let l = umul128(phi1, <u64>E18);
  l = udiv128Wide(wideHi, l, vQ48);
  l = udiv128Wide(quotientHi, l, spot);
  let h = quotientHi;
  const r = l + 0x8000;
  h += <u64>(r < l);
  if (h >> 15 != 0) return MATH_ERROR; // >= 2^63
  return <i64>((h << 48) | (r >> 16));
}

/** S phi(d1) sqrt(T) / 100, price units per volatility point, nearest. */
function vegaPerPoint(spot: u64): i64 {
  if (phi1 == 0) return 0;
  const lo = umul128(phi1, sqrtTauQ48); // Q112
  const p = (wideHi << 8) | (lo >> 56); // phi sqrt(T) in Q56, <= 0.4 * sqrt(10)
  let l = umul128(spot, p);
  const d: u64 = (<u64>100) << 56;
  const r = l + (d >> 1);
  return <i64>udiv128(wideHi + <u64>(r < l), r, d); // < 2^47
}

/** theta per day (see the top), price units, nearest; negative while the option loses value. */
function thetaPerDay(isCall: bool, spot: u64, strike: u64, rateE8: i64): i64 {
  // A = S phi(d1) sigma / (2 sqrt T) a year, in Q12 (up to 2^74 at S = 1e16, T = 1 second)
  let ah: u64 = 0;
  let al: u64 = 0;
  if (phi1 != 0 && vQ48 != 0) {
    const lo = umul128(phi1, sigmaQ48); // Q112
    al = umul128(spot, (wideHi << 12) | (lo >> 52)); // times phi sigma in Q60 (<= 4)
    al = udiv128Wide(wideHi, al, sqrtTauQ48 << 1);
    ah = quotientHi;
  }
  // B = |r| K D N(+-d2) a year, in Q12 (up to 2^66)
  let bh: u64 = 0;
  let bl: u64 = 0;
  if (rateE8 != 0) {
    const rQ64 = udiv128(<u64>(rateE8 < 0 ? -rateE8 : rateE8), 0, <u64>E8);
    const dTail = umulhi(discountQ48, tail2);
    const dn = isCall == d2Neg ? dTail : discountQ48 - dTail; // D N(d2) (call) or D N(-d2) (put), Q48
    // r D N in Q56 (<= 0.5 e^5 < 2^6.3): Q48 would lose K 2^-48 a year to a small r
    const lo = umul128(dn, rQ64); // Q112
    bl = umul128(strike, (wideHi << 8) | (lo >> 56)); // Q56
    bh = wideHi;
    bl = (bl >> 44) | (bh << 20);
    bh >>= 44;
  }
  // theta a year = -(A + s B), s = sign(r) for a call and -sign(r) for a put
  let xh: u64;
  let xl: u64;
  let neg = false; // X < 0: theta > 0 (a put deep in the money with r > 0)
  if ((rateE8 > 0) == isCall) {
    xl = al + bl;
    xh = ah + bh + <u64>(xl < al);
  } else if (ah > bh || (ah == bh && al >= bl)) {
    xl = al - bl;
    xh = ah - bh - <u64>(al < bl);
  } else {
    xl = bl - al;
    xh = bh - ah - <u64>(bl < al);
    neg = true;
  }
  const d: u64 = (<u64>365) << 12;
  const r = xl + (d >> 1);
  const q = udiv128Wide(xh + <u64>(r < xl), r, d);
  if (quotientHi != 0 || q > <u64>i64.MAX_VALUE) return MATH_ERROR;
  return neg ? <i64>q : -<i64>q;
}

/**
 * Gamma, the change of delta per one price unit of spot, times 1e18, rounded to nearest; the
 * same for a call and a put. Inputs and domain as blackScholesCall; MATH_ERROR outside it, when
 * the result does not fit in i64 (S v below about 4e-2), and when gamma is infinite (T = 0 or
 * sigma = 0 with the forward at the strike). 0 when v = 0 elsewhere.
 */
export function blackScholesGammaE18(spot: i64, strike: i64, volE8: i64, timeSeconds: i64, rateE8: i64): i64 {
  if (!prepareGreeks(spot, strike, volE8, timeSeconds, rateE8)) return MATH_ERROR;
  return gammaE18(<u64>spot);
}

/**
 * Vega: the change of the price per volatility point (sigma + 0.01), in the unit of spot and
 * strike, rounded to nearest; the same for a call and a put. Inputs and domain as blackScholesCall.
 */
export function blackScholesVegaPerPoint(spot: i64, strike: i64, volE8: i64, timeSeconds: i64, rateE8: i64): i64 {
  if (!prepareGreeks(spot, strike, volE8, timeSeconds, rateE8)) return MATH_ERROR;
  return vegaPerPoint(<u64>spot);
}

/**
 * Theta: the change of the price as one day (1/365 year) passes, spot and volatility held, in the
 * unit of spot and strike, rounded to nearest (negative as the option loses value). Inputs and
 * domain as blackScholesCall.
 */
export function blackScholesThetaPerDay(
  isCall: bool,
  spot: i64,
  strike: i64,
  volE8: i64,
  timeSeconds: i64,
  rateE8: i64,
): i64 {
  if (!prepareGreeks(spot, strike, volE8, timeSeconds, rateE8)) return MATH_ERROR;
  return thetaPerDay(isCall, <u64>spot, <u64>strike, rateE8);
}

/** 32 bytes of static memory: blackScholesGreeks' deltaE8, gammaE18, vegaPerPoint, thetaPerDay. */
const GREEKS_OUT: usize = memory.data(32);

/** The address blackScholesGreeks writes its four i64 (little-endian) to. */
export function greeksOut(): usize {
  return GREEKS_OUT;
}

/**
 * All four Greeks from one evaluation (about a quarter of the work of four calls): writes
 * deltaE8, gammaE18, vegaPerPoint and thetaPerDay, as the functions above, to greeksOut() and
 * returns 1; returns 0 and writes nothing when an input is outside blackScholesCall's domain.
 * A single Greek may still be MATH_ERROR (gamma: infinite or too large).
 */
export function blackScholesGreeks(
  isCall: bool,
  spot: i64,
  strike: i64,
  volE8: i64,
  timeSeconds: i64,
  rateE8: i64,
): i32 {
  if (!prepareGreeks(spot, strike, volE8, timeSeconds, rateE8)) return 0;
  store<i64>(GREEKS_OUT, deltaE8(isCall));
  store<i64>(GREEKS_OUT + 8, gammaE18(<u64>spot));
  store<i64>(GREEKS_OUT + 16, vegaPerPoint(<u64>spot));
  store<i64>(GREEKS_OUT + 24, thetaPerDay(isCall, <u64>spot, <u64>strike, rateE8));
  return 1;
}
