import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { createMathRunner, type MathRunner } from "./createMathRunner.ts";
import { MATH_ERROR_VALUE, testPoints } from "./testPoints.ts";

const E18 = 10n ** 18n;
const YEAR = 31_536_000n;

let m: MathRunner;
beforeAll(async () => {
  m = await createMathRunner();
});

const v = (name: string, args: (bigint | number)[]) => m.call(name, args).value;
const runs = { numRuns: testPoints(300) };

const price = fc.bigInt({ min: 1n, max: 10n ** 14n });
const vol = fc.bigInt({ min: 0n, max: 1_000_000_000n });
const time = fc.bigInt({ min: 0n, max: 10n * YEAR });
const rate = fc.bigInt({ min: -50_000_000n, max: 50_000_000n });

describe("Black-Scholes properties a margin engine relies on", () => {
  it("the call rises and the put falls with spot (to within one unit of rounding)", () => {
    fc.assert(
      fc.property(
        price,
        price,
        vol,
        time,
        rate,
        fc.bigInt({ min: 1n, max: 10n ** 12n }),
        (s, k, sig, t, r, ds) => {
          const c0 = v("blackScholesCall", [s, k, sig, t, r, 0]);
          const c1 = v("blackScholesCall", [s + ds, k, sig, t, r, 0]);
          const p0 = v("blackScholesPut", [s, k, sig, t, r, 0]);
          const p1 = v("blackScholesPut", [s + ds, k, sig, t, r, 0]);
          expect(c1).toBeGreaterThanOrEqual(c0 - 1n);
          expect(p1).toBeLessThanOrEqual(p0 + 1n);
        },
      ),
      runs,
    );
  });

  it("both rise with volatility and the call falls with strike", () => {
    fc.assert(
      fc.property(
        price,
        price,
        vol,
        time,
        rate,
        fc.bigInt({ min: 1n, max: 100_000_000n }),
        (s, k, sig, t, r, dv) => {
          const hi = sig + dv > 1_000_000_000n ? 1_000_000_000n : sig + dv;
          expect(v("blackScholesCall", [s, k, hi, t, r, 0])).toBeGreaterThanOrEqual(
            v("blackScholesCall", [s, k, sig, t, r, 0]) - 1n,
          );
          expect(v("blackScholesPut", [s, k, hi, t, r, 0])).toBeGreaterThanOrEqual(
            v("blackScholesPut", [s, k, sig, t, r, 0]) - 1n,
          );
          expect(v("blackScholesCall", [s, k + 1n, sig, t, r, 0])).toBeLessThanOrEqual(
            v("blackScholesCall", [s, k, sig, t, r, 0]) + 1n,
          );
        },
      ),
      runs,
    );
  });

  it("rounding up never gives less than rounding down, and by at most one unit", () => {
    fc.assert(
      fc.property(price, price, vol, time, rate, (s, k, sig, t, r) => {
        for (const name of ["blackScholesCall", "blackScholesPut"]) {
          const down = v(name, [s, k, sig, t, r, 0]);
          const up = v(name, [s, k, sig, t, r, 1]);
          expect(up - down === 0n || up - down === 1n).toBe(true);
        }
      }),
      runs,
    );
  });
});

describe("ln and exp properties", () => {
  it("ln(a / b) + ln(b / c) = ln(a / c) within two units", () => {
    const pos = fc.bigInt({ min: 1n, max: (1n << 63n) - 1n });
    fc.assert(
      fc.property(pos, pos, pos, (a, b, c) => {
        const ab = v("lnRatioE18", [a, b]);
        const bc = v("lnRatioE18", [b, c]);
        const ac = v("lnRatioE18", [a, c]);
        if (ab === MATH_ERROR_VALUE || bc === MATH_ERROR_VALUE || ac === MATH_ERROR_VALUE) return;
        const d = ab + bc - ac;
        expect(d >= -2n && d <= 2n).toBe(true);
      }),
      runs,
    );
  });

  it("exp(ln x) = x within a relative 1e-17 (plus one unit)", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 10n ** 14n, max: 9n * E18 }), (x) => {
        const back = v("expE18", [v("lnE18", [x])]);
        const d = back > x ? back - x : x - back;
        expect(Number(d)).toBeLessThanOrEqual(1 + Number(x) * 1e-17);
      }),
      runs,
    );
  });
});
