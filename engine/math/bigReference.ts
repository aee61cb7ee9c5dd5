/**
 * High-precision references for the engine's fixed-point math, in BigInt binary fixed point
 * with FRAC = 256 fractional bits (about 77 decimal digits). float64 is only good to about
 * 1e-16 relative and has no erf, so the tests (and the table generator) compare against
 * these instead: every function here is accurate to far below one unit in the last place
 * of any output the AssemblyScript code produces.
 */

export const FRAC = 256n;
export const ONE = 1n << FRAC;

/** round(x / 2^shift) for any sign, halves away from zero. */
export function roundShift(x: bigint, shift: bigint): bigint {
  if (shift <= 0n) return x << -shift;
  const half = 1n << (shift - 1n);
  return x >= 0n ? (x + half) >> shift : -((-x + half) >> shift);
}

/** round(a / b) for b > 0, halves away from zero. */
export function roundDiv(a: bigint, b: bigint): bigint {
  return a >= 0n ? (2n * a + b) / (2n * b) : -((-2n * a + b) / (2n * b));
}

/** a * b in fixed point. */
export function mul(a: bigint, b: bigint): bigint {
  return roundShift(a * b, FRAC);
}

/** a / b in fixed point. */
export function div(a: bigint, b: bigint): bigint {
  return roundDiv(a << FRAC, b);
}

/** The rational n / d in fixed point. */
export function ratio(n: bigint, d: bigint): bigint {
  return roundDiv(n << FRAC, d);
}

/** ln(y) for y in [1/2, 2] by atanh: ln y = 2 (s + s^3/3 + ...), s = (y - 1) / (y + 1), |s| <= 1/3. */
function lnNear1(y: bigint): bigint {
  const s = div(y - ONE, y + ONE);
  const s2 = mul(s, s);
  let term = s;
  let sum = 0n;
  for (let n = 1n; term !== 0n; n += 2n) {
    sum += term / n;
    term = mul(term, s2);
  }
  return 2n * sum;
}

export const LN2 = lnNear1(2n * ONE);

/** ln(x) for x > 0 in fixed point. */
export function ln(x: bigint): bigint {
  if (x <= 0n) throw new RangeError(`ln: expected x > 0, got ${x}`);
  // x = y * 2^k with y in [1, 2)
  const k = BigInt(x.toString(2).length) - FRAC - 1n;
  const y = k >= 0n ? x >> k : x << -k;
  return lnNear1(y) + k * LN2;
}

/** ln(n / d) for positive integers. */
export function lnRatio(n: bigint, d: bigint): bigint {
  return ln(n << FRAC) - ln(d << FRAC);
}

/** exp(x) in fixed point (x may be large: the result is exact to FRAC bits relative). */
export function exp(x: bigint): bigint {
  // x = k ln2 + r, r in [0, ln2)
  let k = x / LN2;
  let r = x - k * LN2;
  if (r < 0n) {
    k -= 1n;
    r += LN2;
  }
  let term = ONE;
  let sum = 0n;
  for (let n = 1n; term !== 0n; n++) {
    sum += term;
    term = mul(term, r) / n;
  }
  return k >= 0n ? sum << k : roundShift(sum, -k);
}

/** floor(sqrt(n)) of a non-negative integer. */
export function isqrt(n: bigint): bigint {
  if (n < 0n) throw new RangeError(`isqrt: expected n >= 0, got ${n}`);
  if (n < 2n) return n;
  let x = 1n << ((BigInt(n.toString(2).length) + 1n) / 2n);
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** sqrt(x) in fixed point. */
export function sqrt(x: bigint): bigint {
  return isqrt(x << FRAC);
}

function atanInv(m: bigint): bigint {
  // atan(1/m) = sum (-1)^n / ((2n+1) m^(2n+1))
  let term = ratio(1n, m);
  const m2 = m * m;
  let sum = 0n;
  for (let n = 0n; term !== 0n; n++) {
    sum += (n % 2n === 0n ? term : -term) / (2n * n + 1n);
    term /= m2;
  }
  return sum;
}

/** pi by Machin's formula. */
export const PI = 16n * atanInv(5n) - 4n * atanInv(239n);
const INV_SQRT_2PI = div(ONE, sqrt(2n * PI));

/** The standard normal density. */
export function normalPdf(x: bigint): bigint {
  return mul(INV_SQRT_2PI, exp(-(mul(x, x) >> 1n)));
}

/**
 * The standard normal CDF: Phi(x) = 1/2 + phi(x) * sum x^(2n+1) / (1*3*...*(2n+1)) for
 * |x| <= 12 (the series converges for all x; its largest term is about e^(x^2/2), well inside
 * the working precision), 0 or 1 beyond (Phi(-12) < 2e-33).
 */
export function normalCdf(x: bigint): bigint {
  if (x < -12n * ONE) return 0n;
  if (x > 12n * ONE) return ONE;
  const x2 = mul(x, x);
  let term = x;
  let sum = 0n;
  for (let n = 1n; term !== 0n; n += 2n) {
    sum += term;
    term = mul(term, x2) / (n + 2n);
  }
  return (ONE >> 1n) + mul(normalPdf(x), sum);
}

export interface BlackScholesInputs {
  spotE8: bigint;
  strikeE8: bigint;
  volE8: bigint;
  timeSeconds: bigint;
  rateE8: bigint;
}

export const YEAR_SECONDS = 31_536_000n;

/** Black-Scholes (no dividends) call and put prices and call delta, in fixed point of E8 units. */
export function blackScholes(p: BlackScholesInputs): { call: bigint; put: bigint; callDelta: bigint } {
  const S = p.spotE8 << FRAC;
  const K = p.strikeE8 << FRAC;
  const tau = ratio(p.timeSeconds, YEAR_SECONDS);
  const r = ratio(p.rateE8, 100_000_000n);
  const sigma = ratio(p.volE8, 100_000_000n);
  const D = exp(-mul(r, tau));
  const v = mul(sigma, sqrt(tau));
  const a = lnRatio(p.spotE8, p.strikeE8) + mul(r, tau);
  let n1: bigint;
  let n2: bigint;
  if (v === 0n) {
    n1 = n2 = a > 0n ? ONE : a < 0n ? 0n : ONE >> 1n;
  } else {
    const d1 = div(a, v) + (v >> 1n);
    n1 = normalCdf(d1);
    n2 = normalCdf(d1 - v);
  }
  const KD = mul(K, D);
  return {
    call: mul(S, n1) - mul(KD, n2),
    put: mul(KD, ONE - n2) - mul(S, ONE - n1),
    callDelta: n1,
  };
}

/** A fixed-point value as a float64 (for error ratios in tests). */
export function toNumber(x: bigint): number {
  return Number(x) / 2 ** Number(FRAC);
}
