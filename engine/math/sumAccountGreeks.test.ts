import { describe, expect, it } from "vitest";
import type { SeriesGreeks } from "./createGreeksCalculator.ts";
import { PERPETUAL_GREEKS, sumAccountGreeks } from "./sumAccountGreeks.ts";

const call: SeriesGreeks = {
  deltaE8: 42_166_640n,
  gammaE18: 1_137_190_381n,
  vegaPerPoint: 2_243_225n,
  thetaPerDay: -2_243_225n,
};
const put: SeriesGreeks = {
  deltaE8: -57_833_360n,
  gammaE18: 1_137_190_381n,
  vegaPerPoint: 2_243_225n,
  thetaPerDay: -2_100_000n,
};

describe("sumAccountGreeks", () => {
  it("weights each series' Greeks by the signed position and sums them per underlying", () => {
    const sums = sumAccountGreeks([
      { underlying: 1n, qtyE8: 2n * 100_000_000n, greeks: call }, // long 2 calls
      { underlying: 1n, qtyE8: -50_000_000n, greeks: put }, // short half a put
      { underlying: 1n, qtyE8: -100_000_000n, greeks: PERPETUAL_GREEKS }, // short 1 perpetual
      { underlying: 2n, qtyE8: 300_000_000n, greeks: PERPETUAL_GREEKS },
      { underlying: 3n, qtyE8: 0n, greeks: call }, // flat: absent
    ]);
    expect([...sums.keys()]).toEqual([1n, 2n]);
    expect(sums.get(1n)).toEqual({
      deltaE8: 2n * 42_166_640n + 28_916_680n - 100_000_000n, // 0.13 base units long
      gammaE18: 1_705_785_572n, // 1.5 x 1,137,190,381 = 1,705,785,571.5: the half away from zero
      vegaPerPoint: 3_364_838n, // 4,486,450 - 1,121,612.5
      thetaPerDay: -2n * 2_243_225n + 1_050_000n,
    });
    expect(sums.get(2n)).toEqual({ deltaE8: 300_000_000n, gammaE18: 0n, vegaPerPoint: 0n, thetaPerDay: 0n });
  });

  it("rounds each sum once, at the end, to nearest with halves away from zero", () => {
    const g: SeriesGreeks = { deltaE8: 1n, gammaE18: 3n, vegaPerPoint: -1n, thetaPerDay: -3n };
    // 0.5 * each: 0.5 -> 1, 1.5 -> 2, -0.5 -> -1, -1.5 -> -2
    const half = sumAccountGreeks([{ underlying: 1n, qtyE8: 50_000_000n, greeks: g }]).get(1n);
    expect(half).toEqual({ deltaE8: 1n, gammaE18: 2n, vegaPerPoint: -1n, thetaPerDay: -2n });
    // three positions of 1/3 base unit, delta 1e-8 each: 1.00000002 in all, not 3 x round(0.33) = 0
    const thirds = sumAccountGreeks(
      Array.from({ length: 3 }, () => ({ underlying: 1n, qtyE8: 33_333_334n, greeks: g })),
    ).get(1n);
    expect(thirds?.deltaE8).toBe(1n);
  });

  it("leaves the gamma undefined when a held series' gamma is (expiry at the money), the other sums intact", () => {
    const atExpiry: SeriesGreeks = {
      deltaE8: 50_000_000n,
      gammaE18: undefined,
      vegaPerPoint: 0n,
      thetaPerDay: 0n,
    };
    const s = sumAccountGreeks([
      { underlying: 1n, qtyE8: 100_000_000n, greeks: call },
      { underlying: 1n, qtyE8: 100_000_000n, greeks: atExpiry },
    ]).get(1n);
    expect(s).toEqual({
      deltaE8: 92_166_640n,
      gammaE18: undefined,
      vegaPerPoint: 2_243_225n,
      thetaPerDay: -2_243_225n,
    });
  });
});
