import fc from "fast-check";
import { expect, test } from "vitest";
import {
  bumpFees,
  checkFeeSchedule,
  DEFAULT_FEE_SCHEDULE,
  type FeeSchedule,
  initialFees,
  isValidReplacement,
  raised,
} from "./feeSchedule.ts";

const gwei = (n: number) => BigInt(Math.round(n * 1e9));
const S: FeeSchedule = {
  ...DEFAULT_FEE_SCHEDULE,
  bumpPercent: 10,
  minTipWei: gwei(1),
  maxFeeCapWei: gwei(200),
};

test("initialFees_coversTwiceTheBaseFeePlusTheTip_succeeds", () => {
  expect(initialFees({ baseFee: gwei(10), suggestedTip: gwei(2) }, S)).toEqual({
    maxFeePerGas: gwei(22),
    maxPriorityFeePerGas: gwei(2),
  });
  // A tip below the floor is raised to it.
  expect(initialFees({ baseFee: gwei(10), suggestedTip: 1n }, S).maxPriorityFeePerGas).toBe(gwei(1));
  // Never above the cap.
  expect(initialFees({ baseFee: gwei(1000), suggestedTip: gwei(2) }, S).maxFeePerGas).toBe(gwei(200));
});

test("raised_roundsUp_soTheTenPercentRuleHolds", () => {
  expect(raised(100n, 10)).toBe(110n);
  expect(raised(101n, 10)).toBe(112n); // 111.1 -> 112
  expect(raised(0n, 10)).toBe(0n);
});

test("bumpFees_raisesBothFeesByTheBump_succeeds", () => {
  const prev = { maxFeePerGas: gwei(22), maxPriorityFeePerGas: gwei(2) };
  const { fees, capped } = bumpFees(prev, { baseFee: gwei(10), suggestedTip: gwei(2) }, S);
  expect(capped).toBe(false);
  expect(fees).toEqual({ maxFeePerGas: gwei(24.2), maxPriorityFeePerGas: gwei(2.2) });
  expect(isValidReplacement(prev, fees)).toBe(true);
});

test("bumpFees_followsARisenBaseFee_succeeds", () => {
  const prev = { maxFeePerGas: gwei(3), maxPriorityFeePerGas: gwei(1) };
  const { fees } = bumpFees(prev, { baseFee: gwei(50), suggestedTip: gwei(1) }, S);
  expect(fees.maxFeePerGas).toBe(gwei(101)); // 2 x 50 + the 1.1 tip... at least the market's 2 x 50 + 1
  expect(fees.maxPriorityFeePerGas).toBe(gwei(1.1));
});

test("bumpFees_atTheCap_keepsThePreviousFees", () => {
  const prev = { maxFeePerGas: gwei(190), maxPriorityFeePerGas: gwei(5) };
  expect(bumpFees(prev, { baseFee: gwei(10), suggestedTip: gwei(1) }, S)).toEqual({
    fees: prev,
    capped: true,
  });
});

test("bumpFees_alwaysAValidReplacementOrCapped_property", () => {
  fc.assert(
    fc.property(
      fc.bigInt({ min: 0n, max: gwei(150) }),
      fc.bigInt({ min: 0n, max: gwei(150) }),
      fc.bigInt({ min: 0n, max: gwei(300) }),
      fc.bigInt({ min: 0n, max: gwei(50) }),
      fc.integer({ min: 10, max: 100 }),
      (a, b, base, tip, pct) => {
        const [lo, hi] = a < b ? [a, b] : [b, a];
        const prev = { maxFeePerGas: hi, maxPriorityFeePerGas: lo };
        const s = { ...S, bumpPercent: pct };
        const { fees, capped } = bumpFees(prev, { baseFee: base, suggestedTip: tip }, s);
        if (capped) return fees === prev;
        return (
          isValidReplacement(prev, fees) &&
          fees.maxFeePerGas >= fees.maxPriorityFeePerGas &&
          fees.maxFeePerGas <= s.maxFeeCapWei
        );
      },
    ),
  );
});

test("checkFeeSchedule_bumpUnderTenPercent_throws", () => {
  expect(() => checkFeeSchedule({ ...S, bumpPercent: 9 })).toThrow(
    /bumpPercent: expected an integer >= 10, got 9/,
  );
  expect(() => checkFeeSchedule({ ...S, maxFeeCapWei: 0n })).toThrow(/minTipWei <= maxFeeCapWei/);
  expect(checkFeeSchedule(DEFAULT_FEE_SCHEDULE)).toBe(DEFAULT_FEE_SCHEDULE);
});
