// Black-Scholes prices and delta of European options on a non-dividend underlying, in
// integers (docs/engine.md, "Fixed-point math"):
//   d1 = (ln(S / K) + r T) / v + v / 2,  d2 = d1 - v,  v = sigma sqrt(T),  D = exp(-r T)
//   call = S N(d1) - K D N(d2),  put = K D N(-d2) - S N(-d1)
// S and K are integers in any common unit (the engine's price: quote units per base unit); the
// prices come out in that unit. Internally: T, sigma, r, ln(S / K), v, d in Q48; N as the
// tail Q(|d|) in Q64; prices summed in 128 bits in units of 2^-64 price units, clamped to the
// no-arbitrage bounds
// (call in [max(0, S - K D), S], put in [max(0, K D - S), K D]) and only then rounded.
import {
  BS_MAX_ABS_RATE_E8,
  BS_MAX_PRICE,
  BS_MAX_TIME_SECONDS,
  BS_MAX_VOL_E8,
  E8,
  MATH_ERROR,
} from "./fixed.as";
import { expQ59ToQ48 } from "./exp.as";
import { lnRatioQ48 } from "./ln.as";
import { normalTailQ48 } from "./normalCdf.as";
import { sqrtU128 } from "./sqrt.as";
import {
  Q48_PER_E8_FRAC,
  Q48_PER_E8_INT,
  RT_Q59_PER_E8_SECOND_FRAC,
  RT_Q59_PER_E8_SECOND_INT,
  YEARS_Q48_PER_SECOND_FRAC,
  YEARS_Q48_PER_SECOND_INT,
} from "./tables.as";
import { udiv128, umul128, umulhi, wideHi } from "./u128.as";

// The last prepare(): tails Q(|d1|), Q(|d2|) in Q64 with the signs of d1, d2, and D in Q48.
let tail1: u64 = 0;
let tail2: u64 = 0;
let d1Neg = false;
let d2Neg = false;
let discountQ48: u64 = 0;

/** x * (c + cFrac / 2^64), rounded down: a division by a constant as a multiplication (within one unit). */
// @ts-ignore: decorator
@inline function scale(x: u64, c: u64, cFrac: u64): u64 {
  return x * c + umulhi(x, cFrac);
}

/** Q(|d|) for d in Q48. */
// @ts-ignore: decorator
@inline function tailOfQ48(d: i64): u64 {
  return normalTailQ48(<u64>(d < 0 ? -d : d));
}

/** Validates the inputs and sets tail1, tail2, d1Neg, d2Neg, discountQ48. False if outside the domain. */
function prepare(spot: i64, strike: i64, volE8: i64, timeSeconds: i64, rateE8: i64): bool {
  if (spot <= 0 || spot > BS_MAX_PRICE || strike <= 0 || strike > BS_MAX_PRICE) return false;
  if (volE8 < 0 || volE8 > BS_MAX_VOL_E8 || timeSeconds < 0 || timeSeconds > BS_MAX_TIME_SECONDS) return false;
  if (rateE8 < -BS_MAX_ABS_RATE_E8 || rateE8 > BS_MAX_ABS_RATE_E8) return false;
  const tau = scale(<u64>timeSeconds, YEARS_Q48_PER_SECOND_INT, YEARS_Q48_PER_SECOND_FRAC); // years, <= 10
  const sigma = scale(<u64>volE8, Q48_PER_E8_INT, Q48_PER_E8_FRAC); // <= 10
  // r T = rateE8 * T / (1e8 * YEAR_SECONDS), in one step, in Q59 (|r T| <= 5): its error
  // reaches the price as K D N(d2) * error, so it gets more bits than the rest
  const rtNum = <u64>(rateE8 < 0 ? -rateE8 : rateE8) * <u64>timeSeconds; // < 2^54
  const rt59Abs = <i64>scale(rtNum, RT_Q59_PER_E8_SECOND_INT, RT_Q59_PER_E8_SECOND_FRAC);
  const rt59 = rateE8 < 0 ? -rt59Abs : rt59Abs;
  discountQ48 = expQ59ToQ48(-rt59);
  const rt = (rt59 + 0x400) >> 11; // Q48
  const a = lnRatioQ48(<u64>spot, <u64>strike) + rt; // ln(S / K) + r T = ln(F / K)
  const sqrtTau = sqrtU128(tau >> 16, tau << 48); // sqrt(tau * 2^96) = sqrt(T) in Q48
  const lo = umul128(sigma, sqrtTau);
  const v = <i64>((wideHi << 16) | (lo >> 48)); // <= 31.7
  if (v == 0) {
    // no uncertainty left: N(d1) = N(d2) = 1 if F > K, 0 if F < K, 1/2 at the money
    const t: u64 = a == 0 ? 0x8000000000000000 : 0;
    tail1 = tail2 = t;
    d1Neg = d2Neg = a < 0;
    return true;
  }
  const aAbs = <u64>(a < 0 ? -a : a);
  // a / v saturated at 32: then |d1|, |d2| >= 32 - v / 2 > 9, past the CDF's cutoff anyway
  let q: i64 = aAbs >= <u64>v << 5 ? <i64>32 << 48 : <i64>udiv128(aAbs >> 16, aAbs << 48, <u64>v);
  if (a < 0) q = -q;
  const d1 = q + (v >> 1);
  const d2 = d1 - v;
  tail1 = tailOfQ48(d1);
  tail2 = tailOfQ48(d2);
  d1Neg = d1 < 0;
  d2Neg = d2 < 0;
  return true;
}

// 128-bit two's-complement values (h, l) in units of 2^-64 price units for the price assembly.
let ph: u64 = 0;
let pl: u64 = 0;

/** x * N as (ph, pl), N = 1 - tail (or tail when `lower`): units of 2^-64 of x's unit. */
function timesN(x: u64, tail: u64, lower: bool): void {
  pl = umul128(x, tail);
  ph = wideHi;
  if (!lower) {
    // x * 2^64 - x * tail
    const l = ~pl + 1;
    ph = x + ~ph + <u64>(l == 0 && pl == 0 ? 1 : 0);
    pl = l;
  }
}

/** K * D in units of 2^-64 price units as (h, l). */
let kdH: u64 = 0;
let kdL: u64 = 0;
function strikeDiscounted(strike: u64): void {
  const lo = umul128(strike, discountQ48); // units of 2^-48 price units
  kdH = (wideHi << 16) | (lo >> 48);
  kdL = lo << 16;
}

/**
 * The price a - b clamped to [max(0, lower), upper] and rounded to a whole unit, down or up.
 * a, b, lower, upper are 128-bit values in units of 2^-64 price units; lower may be negative.
 */
function settle(ah: u64, al: u64, bh: u64, bl: u64, lowH: u64, lowL: u64, upH: u64, upL: u64, roundUp: bool): i64 {
  let l = al - bl;
  let h = ah - bh - <u64>(al < bl);
  if (<i64>lowH < 0) {
    lowH = 0;
    lowL = 0;
  }
  if (<i64>h < <i64>lowH || (h == lowH && l < lowL)) {
    h = lowH;
    l = lowL;
  }
  if (h > upH || (h == upH && l > upL)) {
    h = upH;
    l = upL;
  }
  return <i64>(roundUp && l != 0 ? h + 1 : h);
}

/**
 * European call price, in the unit of spot and strike (any common integer unit, e.g. the
 * engine's quote units per base unit). spot, strike in [1, 1e16]; volE8 (annual volatility, 0.2 = 20_000_000) in [0, 1e9];
 * timeSeconds (to expiry) in [0, 10 years]; rateE8 (annual, continuous) in [-5e7, 5e7].
 * roundUp: ceil instead of floor of the computed price (use it for what the protocol is owed).
 * MATH_ERROR outside the domain.
 */
export function blackScholesCall(
  spot: i64,
  strike: i64,
  volE8: i64,
  timeSeconds: i64,
  rateE8: i64,
  roundUp: bool,
): i64 {
  if (!prepare(spot, strike, volE8, timeSeconds, rateE8)) return MATH_ERROR;
  const s = <u64>spot;
  strikeDiscounted(<u64>strike);
  timesN(s, tail1, d1Neg);
  const ah = ph, al = pl;
  const dnLo = d2Neg ? umulhi(discountQ48, tail2) : discountQ48 - umulhi(discountQ48, tail2); // D N(d2), Q48
  let bl = umul128(<u64>strike, dnLo);
  const bh = (wideHi << 16) | (bl >> 48);
  bl <<= 16;
  // lower bound S - K D
  const lowL = 0 - kdL;
  const lowH = s - kdH - <u64>(kdL != 0);
  return settle(ah, al, bh, bl, lowH, lowL, s, 0, roundUp);
}

/** European put price in the unit of spot and strike; the same inputs, domain and rounding as blackScholesCall. */
export function blackScholesPut(
  spot: i64,
  strike: i64,
  volE8: i64,
  timeSeconds: i64,
  rateE8: i64,
  roundUp: bool,
): i64 {
  if (!prepare(spot, strike, volE8, timeSeconds, rateE8)) return MATH_ERROR;
  const s = <u64>spot;
  strikeDiscounted(<u64>strike);
  // K D N(-d2): N(-d2) = tail2 when d2 >= 0, 1 - tail2 otherwise
  const dnLo = d2Neg ? discountQ48 - umulhi(discountQ48, tail2) : umulhi(discountQ48, tail2);
  let al = umul128(<u64>strike, dnLo);
  const ah = (wideHi << 16) | (al >> 48);
  al <<= 16;
  timesN(s, tail1, !d1Neg); // S N(-d1)
  // lower bound K D - S
  const lowH = kdH - s;
  return settle(ah, al, ph, pl, lowH, kdL, kdH, kdL, roundUp);
}

/**
 * Delta in E8, rounded to nearest: N(d1) for a call (0..1e8), N(d1) - 1 for a put (-1e8..0).
 * The same inputs and domain as blackScholesCall; MATH_ERROR outside it.
 */
export function blackScholesDeltaE8(
  isCall: bool,
  spot: i64,
  strike: i64,
  volE8: i64,
  timeSeconds: i64,
  rateE8: i64,
): i64 {
  if (!prepare(spot, strike, volE8, timeSeconds, rateE8)) return MATH_ERROR;
  const lo = umul128(tail1, <u64>E8);
  const t = <i64>(wideHi + (lo >> 63)); // Q(|d1|) in E8
  const n1 = d1Neg ? t : E8 - t;
  return isCall ? n1 : n1 - E8;
}
