import { beforeAll, describe, expect, it } from "vitest";
import { FRAC, normalCdf, ratio } from "./bigReference.ts";
import { createMathRunner, type MathRunner } from "./createMathRunner.ts";
import { between, splitMix64 } from "./splitMix64.ts";
import { testPoints, ulpError } from "./testPoints.ts";

const E18 = 10n ** 18n;
const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;
const MAX_GAS_CDF = 1100;

let m: MathRunner;
beforeAll(async () => {
  m = await createMathRunner();
});

/** Phi(x / 1e18) * 1e18 in FRAC-bit fixed point. */
const exact = (x: bigint) => normalCdf(ratio(x, E18)) * E18;

function cdfPoints(): bigint[] {
  const next = splitMix64(31n);
  const node = E18 / 32n; // the table's nodes are j / 32; halfway points switch nodes
  const xs = [0n, 1n, -1n, I64_MIN, I64_MAX, 9n * E18, -9n * E18, 9n * E18 - 1n, E18 / 64n, -E18 / 64n];
  for (let j = 0n; j <= 288n; j += 7n) xs.push(j * node, j * node + node / 2n, -(j * node + node / 2n + 1n));
  for (let i = 0; i < testPoints(4000); i++) xs.push(between(next, I64_MIN, I64_MAX));
  for (let i = 0; i < testPoints(1000); i++) xs.push(between(next, -E18, E18) / 1000n);
  return xs;
}

describe("normalCdfE18", () => {
  it("is within one E18 unit of Phi everywhere (0 and 1e18 beyond |x| >= 9)", () => {
    let worst = 0;
    for (const x of cdfPoints()) {
      const { value, gas } = m.call("normalCdfE18", [x]);
      const err = ulpError(value, exact(x), FRAC);
      expect(Math.abs(err), `normalCdfE18(${x})`).toBeLessThanOrEqual(1);
      worst = Math.max(worst, Math.abs(err));
      expect(gas).toBeLessThanOrEqual(MAX_GAS_CDF);
    }
    expect(worst).toBeLessThan(0.7); // rounded to nearest up to a sliver
  });

  it("is symmetric exactly: Phi(x) + Phi(-x) = 1e18", () => {
    for (const x of cdfPoints()) {
      if (x === I64_MIN) continue;
      expect(m.call("normalCdfE18", [x]).value + m.call("normalCdfE18", [-x]).value).toBe(E18);
    }
  });

  it("is non-decreasing", () => {
    const xs = cdfPoints().sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    let prev = -1n;
    for (const x of xs) {
      const v = m.call("normalCdfE18", [x]).value;
      expect(v, `normalCdfE18(${x})`).toBeGreaterThanOrEqual(prev);
      prev = v;
    }
  });

  it("gives the same values and gas on the interpreter as on the fast runner", () => {
    for (const x of cdfPoints().slice(0, 300)) m.callBoth("normalCdfE18", [x]);
  });
});
