import { beforeAll, describe, expect, it } from "vitest";
import { exp, FRAC, ratio } from "./bigReference.ts";
import { createMathRunner, type MathRunner } from "./createMathRunner.ts";
import { between, logUniform, splitMix64 } from "./splitMix64.ts";
import { MATH_ERROR_VALUE, testPoints, ulpError } from "./testPoints.ts";

const E18 = 10n ** 18n;
const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;
/** The documented top of the domain: exp(2.2217) = 9.2230 < 9.2234 (i64 max / 1e18). */
const EXP_MAX_E18 = 2_221_700_000_000_000_000n;
const LN2_E18 = 693_147_180_559_945_309n;
const MAX_GAS_EXP = 700;

let m: MathRunner;
beforeAll(async () => {
  m = await createMathRunner();
});

/** exp(x / 1e18) * 1e18 in FRAC-bit fixed point. */
const exact = (x: bigint) => exp(ratio(x, E18)) * E18;

function expPoints(): bigint[] {
  const next = splitMix64(11n);
  const xs = [0n, 1n, -1n, E18, -E18, EXP_MAX_E18, I64_MIN, I64_MIN + 1n];
  // the ends of the reduction's ranges: x = k ln 2 and one unit either side
  for (let k = -13n; k <= 3n; k++) for (const d of [-1n, 0n, 1n]) xs.push(k * LN2_E18 + d);
  for (let i = 0; i < testPoints(4000); i++) xs.push(between(next, I64_MIN, EXP_MAX_E18));
  for (let i = 0; i < testPoints(2000); i++) {
    const x = logUniform(next, 62);
    xs.push(next() % 2n === 0n ? -x : x <= EXP_MAX_E18 ? x : x >> 2n);
  }
  return xs;
}

describe("expE18", () => {
  it("is within half a unit plus 3e-19 relative (far inside 1e-9) of exp over [i64 min, 2.2217]", () => {
    let worstRel = 0;
    for (const x of expPoints()) {
      const { value, gas } = m.call("expE18", [x]);
      const ex = exact(x);
      const err = ulpError(value, ex, FRAC);
      const exactValue = Number(ex) / 2 ** Number(FRAC);
      // the documented bound: rounding (half a unit) plus 3e-19 relative (<= 3.3 units at the top)
      expect(Math.abs(err), `expE18(${x})`).toBeLessThanOrEqual(0.5 + 3e-19 * exactValue);
      worstRel = Math.max(worstRel, Math.abs(err) / exactValue);
      expect(gas).toBeLessThanOrEqual(MAX_GAS_EXP);
    }
    expect(worstRel).toBeLessThan(1e-9); // results are >= exp(-9.22) = 9.9e-5, so far below
  });

  it("is exact at 0 and increasing", () => {
    expect(m.call("expE18", [0n]).value).toBe(E18);
    const next = splitMix64(12n);
    for (let i = 0; i < 500; i++) {
      const x = between(next, I64_MIN, EXP_MAX_E18 - 10n ** 15n);
      const y = x + between(next, 10n ** 9n, 10n ** 15n);
      expect(m.call("expE18", [y]).value).toBeGreaterThanOrEqual(m.call("expE18", [x]).value);
    }
  });

  it("returns MATH_ERROR where exp does not fit in i64 (x > 2.22174)", () => {
    for (const x of [2_221_800_000_000_000_000n, 2_300_000_000_000_000_001n, 3n * E18, I64_MAX]) {
      expect(m.call("expE18", [x]).value, `expE18(${x})`).toBe(MATH_ERROR_VALUE);
    }
    // right at the edge every answer is either correct or MATH_ERROR, never a wrapped value
    let errors = 0;
    for (let x = 2_221_740_000_000_000_000n; x < 2_221_741_000_000_000_000n; x += 10_000_000_000n) {
      const v = m.call("expE18", [x]).value;
      if (v === MATH_ERROR_VALUE) errors++;
      else expect(Math.abs(ulpError(v, exact(x), FRAC))).toBeLessThanOrEqual(3.3);
    }
    expect(errors).toBeGreaterThan(0); // the window straddles the edge
    expect(errors).toBeLessThan(100);
  });

  it("gives the same values and gas on the interpreter as on the fast runner", () => {
    for (const x of expPoints().slice(0, 300)) m.callBoth("expE18", [x]);
  });
});
