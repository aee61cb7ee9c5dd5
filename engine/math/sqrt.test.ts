import { beforeAll, describe, expect, it } from "vitest";
import { createMathRunner, type MathRunner } from "./createMathRunner.ts";
import { logUniform, splitMix64 } from "./splitMix64.ts";
import { MATH_ERROR_VALUE, testPoints } from "./testPoints.ts";

const U64 = (1n << 64n) - 1n;
const E18 = 10n ** 18n;
const MAX_GAS_SQRT_U64 = 400;
const MAX_GAS_SQRT_U128 = 1100;

let m: MathRunner;
beforeAll(async () => {
  m = await createMathRunner();
});

const i64 = (x: bigint) => BigInt.asIntN(64, x);
const u64 = (x: bigint) => BigInt.asUintN(64, x);
const isFloorSqrt = (s: bigint, n: bigint) => s * s <= n && (s + 1n) * (s + 1n) > n;

function u64Points(): bigint[] {
  const next = splitMix64(21n);
  const xs = [0n, 1n, 2n, 3n, 4n, U64, U64 - 1n, (1n << 63n) - 1n, 1n << 63n];
  for (const s of [0xffffffffn, 0xfffffffen, 3037000499n, 1n << 31n]) xs.push(s * s - 1n, s * s, s * s + 1n);
  for (let i = 0; i < testPoints(3000); i++) xs.push(next());
  for (let i = 0; i < testPoints(3000); i++) {
    const s = logUniform(next, 32);
    xs.push(u64(s * s + (next() % 3n) - 1n));
  }
  return xs;
}

function u128Points(): bigint[] {
  const next = splitMix64(22n);
  const xs = [0n, 1n, (1n << 128n) - 1n, 1n << 64n, (1n << 64n) - 1n, U64 * U64, U64 * U64 - 1n];
  for (let i = 0; i < testPoints(3000); i++) xs.push(logUniform(next, 128));
  for (let i = 0; i < testPoints(1000); i++) {
    const s = logUniform(next, 64);
    xs.push(s * s - (s > 0n ? 1n : 0n), s * s);
  }
  return xs;
}

describe("sqrtU64", () => {
  it("is exactly floor(sqrt(x)) for every u64 tried", () => {
    for (const x of u64Points()) {
      const { value, gas } = m.call("sqrtU64", [i64(x)]);
      expect(isFloorSqrt(u64(value), x), `sqrtU64(${x}) = ${u64(value)}`).toBe(true);
      expect(gas).toBeLessThanOrEqual(MAX_GAS_SQRT_U64);
    }
  });
});

describe("sqrtU128", () => {
  it("is exactly floor(sqrt(hi * 2^64 + lo)) for every value tried", () => {
    for (const n of u128Points()) {
      const { value, gas } = m.call("sqrtU128", [i64(n >> 64n), i64(n & U64)]);
      expect(isFloorSqrt(u64(value), n), `sqrtU128(${n}) = ${u64(value)}`).toBe(true);
      expect(gas).toBeLessThanOrEqual(MAX_GAS_SQRT_U128);
    }
  });
});

describe("sqrtE18", () => {
  it("is floor(sqrt(x * 1e18)) and MATH_ERROR for x < 0", () => {
    const next = splitMix64(23n);
    for (let i = 0; i < testPoints(2000); i++) {
      const x = logUniform(next, 63);
      expect(isFloorSqrt(m.call("sqrtE18", [x]).value, x * E18), `sqrtE18(${x})`).toBe(true);
    }
    expect(m.call("sqrtE18", [2n * E18]).value).toBe(1_414_213_562_373_095_048n);
    expect(m.call("sqrtE18", [0n]).value).toBe(0n);
    expect(m.call("sqrtE18", [-1n]).value).toBe(MATH_ERROR_VALUE);
  });
});

describe("square roots on both runners", () => {
  it("give the same values and gas on the interpreter as on the fast runner", () => {
    for (const x of u64Points().slice(0, 200)) m.callBoth("sqrtU64", [i64(x)]);
    for (const n of u128Points().slice(0, 200)) m.callBoth("sqrtU128", [i64(n >> 64n), i64(n & U64)]);
  });
});
