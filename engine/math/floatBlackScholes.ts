/**
 * Black-Scholes in float64, the way a client or a JavaScript engine would compute it: the
 * baseline of bench/math.ts and a second, independent reference in the tests. The normal
 * CDF is Hart's double-precision rational approximation (as given by G. West, "Better
 * approximations to cumulative normal functions", 2005), absolute error about 1e-15.
 */

export function normalCdf64(x: number): number {
  const ax = Math.abs(x);
  let c: number;
  if (ax > 37) c = 0;
  else {
    const e = Math.exp((-ax * ax) / 2);
    if (ax < 7.07106781186547) {
      let n = 3.52624965998911e-2 * ax + 0.700383064443688;
      n = n * ax + 6.37396220353165;
      n = n * ax + 33.912866078383;
      n = n * ax + 112.079291497871;
      n = n * ax + 221.213596169931;
      n = n * ax + 220.206867912376;
      let d = 8.83883476483184e-2 * ax + 1.75566716318264;
      d = d * ax + 16.064177579207;
      d = d * ax + 86.7807322029461;
      d = d * ax + 296.564248779674;
      d = d * ax + 637.333633378831;
      d = d * ax + 793.826512519948;
      d = d * ax + 440.413735824752;
      c = (e * n) / d;
    } else {
      let b = ax + 0.65;
      b = ax + 4 / b;
      b = ax + 3 / b;
      b = ax + 2 / b;
      b = ax + 1 / b;
      c = e / b / 2.506628274631;
    }
  }
  return x > 0 ? 1 - c : c;
}

export const YEAR_SECONDS_64 = 31_536_000;

/** Call and put prices for spot, strike (any unit), vol and rate (fractions), time in seconds. */
export function blackScholes64(
  spot: number,
  strike: number,
  vol: number,
  timeSeconds: number,
  rate: number,
): { call: number; put: number } {
  const t = timeSeconds / YEAR_SECONDS_64;
  const d = Math.exp(-rate * t);
  const v = vol * Math.sqrt(t);
  if (v === 0) {
    const f = spot - strike * d;
    return { call: Math.max(f, 0), put: Math.max(-f, 0) };
  }
  const d1 = (Math.log(spot / strike) + rate * t) / v + v / 2;
  const d2 = d1 - v;
  return {
    call: spot * normalCdf64(d1) - strike * d * normalCdf64(d2),
    put: strike * d * normalCdf64(-d2) - spot * normalCdf64(-d1),
  };
}
