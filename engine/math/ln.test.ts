import { beforeAll, describe, expect, it } from "vitest";
import { FRAC, lnRatio } from "./bigReference.ts";
import { createMathRunner, type MathRunner } from "./createMathRunner.ts";
import { between, logUniform, splitMix64 } from "./splitMix64.ts";
import { MATH_ERROR_VALUE, testPoints, ulpError } from "./testPoints.ts";

const E18 = 10n ** 18n;
const I64_MAX = (1n << 63n) - 1n;
/** Documented bounds (docs/engine.md): error in E18 units and gas per call. */
const MAX_ULP = 1;
const MAX_GAS_LN = 700;
const MAX_GAS_LN_RATIO = 1000;

let m: MathRunner;
beforeAll(async () => {
  m = await createMathRunner();
});

/** ln(a / b) * 1e18 in FRAC-bit fixed point. */
const exact = (a: bigint, b: bigint) => lnRatio(a, b) * E18;

function lnPoints(): bigint[] {
  const next = splitMix64(5n);
  const xs = [10n ** 14n, E18 - 1n, E18, E18 + 1n, 2n * E18, I64_MAX, 1n << 62n, (1n << 62n) - 1n];
  for (let i = 0; i < testPoints(3000); i++) xs.push(between(next, 10n ** 14n, I64_MAX));
  for (let i = 0; i < testPoints(3000); i++) {
    const x = logUniform(next, 63);
    if (x >= 10n ** 14n) xs.push(x);
  }
  // near 1, where ln x -> 0 and only an absolute bound can hold
  for (let i = 0; i < testPoints(500); i++) xs.push(E18 + between(next, -(10n ** 12n), 10n ** 12n));
  return xs;
}

describe("lnE18", () => {
  it("is within one E18 unit of ln over [1e-4, 9.22] and within 1e-9 relative where |ln x| >= 1e-9", () => {
    let worst = 0;
    let worstRel = 0;
    for (const x of lnPoints()) {
      const { value, gas } = m.call("lnE18", [x]);
      const ex = exact(x, E18);
      const err = ulpError(value, ex, FRAC);
      worst = Math.max(worst, Math.abs(err));
      expect(Math.abs(err), `lnE18(${x})`).toBeLessThanOrEqual(MAX_ULP);
      const lnAbs = Math.abs(Number(ex) / 2 ** Number(FRAC));
      if (lnAbs >= 1e9) worstRel = Math.max(worstRel, Math.abs(err) / lnAbs);
      expect(gas).toBeLessThanOrEqual(MAX_GAS_LN);
    }
    expect(worstRel).toBeLessThan(1e-9);
    expect(worst).toBeLessThan(0.7); // rounded to nearest up to a sliver
  });

  it("returns MATH_ERROR for x <= 0 and where ln x < -9.22 does not fit", () => {
    for (const x of [0n, -1n, -E18, MATH_ERROR_VALUE, 9n * 10n ** 13n, 1n]) {
      expect(m.call("lnE18", [x]).value, `lnE18(${x})`).toBe(MATH_ERROR_VALUE);
    }
    // just inside: ln(9.9e-5) = -9.2204
    const inside = 99n * 10n ** 12n;
    expect(Math.abs(ulpError(m.call("lnE18", [inside]).value, exact(inside, E18), FRAC))).toBeLessThan(0.6);
  });

  it("gives the same values and gas on the interpreter as on the fast runner", () => {
    for (const x of lnPoints().slice(0, 200)) m.callBoth("lnE18", [x]);
  });
});

describe("lnRatioE18", () => {
  function pairs(): [bigint, bigint][] {
    const next = splitMix64(6n);
    const out: [bigint, bigint][] = [
      [1n, 1n],
      [I64_MAX, I64_MAX],
      [3n, 1n],
      [1n, 10_000n],
      [10_000n, 1n],
      [I64_MAX, I64_MAX / 9000n],
    ];
    for (let i = 0; i < testPoints(3000); i++) {
      const b = logUniform(next, 50);
      const a = (b * between(next, 1n, 90_000_000n)) / 10_000n; // a / b in [1e-4, 9000]
      if (a > 0n && a <= I64_MAX) out.push(next() % 2n === 0n ? [a, b] : [b, a]);
    }
    return out;
  }

  it("is within one E18 unit of ln(a / b) for any positive a, b with |ln(a / b)| <= 9.2", () => {
    for (const [a, b] of pairs()) {
      const { value, gas } = m.call("lnRatioE18", [a, b]);
      const err = ulpError(value, exact(a, b), FRAC);
      expect(Math.abs(err), `lnRatioE18(${a}, ${b})`).toBeLessThanOrEqual(MAX_ULP);
      expect(gas).toBeLessThanOrEqual(MAX_GAS_LN_RATIO);
    }
  });

  it("is exactly 0 for a == b and antisymmetric", () => {
    const next = splitMix64(7n);
    for (let i = 0; i < 200; i++) {
      const a = logUniform(next, 63);
      const b = logUniform(next, 63);
      expect(m.call("lnRatioE18", [a, a]).value).toBe(0n);
      const ab = m.call("lnRatioE18", [a, b]).value;
      if (ab !== MATH_ERROR_VALUE) expect(m.call("lnRatioE18", [b, a]).value).toBe(-ab);
    }
  });

  it("returns MATH_ERROR for non-positive inputs and |ln(a / b)| beyond i64", () => {
    for (const [a, b] of [
      [0n, 1n],
      [1n, 0n],
      [-5n, 3n],
      [3n, -5n],
      [100_000n, 1n], // ln 1e5 = 11.5
      [1n, 100_000n],
      [I64_MAX, 1n],
    ]) {
      expect(m.call("lnRatioE18", [a, b]).value, `lnRatioE18(${a}, ${b})`).toBe(MATH_ERROR_VALUE);
    }
  });

  it("gives the same values and gas on the interpreter as on the fast runner", () => {
    for (const [a, b] of pairs().slice(0, 200)) m.callBoth("lnRatioE18", [a, b]);
  });
});
