import { beforeAll, describe, expect, it } from "vitest";
import { decodeOptionSeries } from "../../protocol/engine/index.ts";
import {
  createGreeksCalculator,
  type GreeksCalculator,
  optionSeriesInputs,
} from "./createGreeksCalculator.ts";
import { createMathRunner, type MathRunner } from "./createMathRunner.ts";

const DAY = 86_400n;
// the devnet's units: quote units of a 6-decimal token per whole base unit (spot 2,000.00)
const series = {
  isCall: true,
  spot: 2_000_000_000n,
  strike: 2_100_000_000n,
  volE8: 60_000_000n,
  timeSeconds: 30n * DAY,
};

let calc: GreeksCalculator;
let m: MathRunner;
beforeAll(async () => {
  calc = await createGreeksCalculator();
  m = await createMathRunner();
});

describe("createGreeksCalculator", () => {
  it("gives the engine math's own figures (the same integer code, not a float copy)", () => {
    for (const isCall of [true, false]) {
      for (const rateE8 of [0n, 5_000_000n]) {
        const p = { ...series, isCall, rateE8 };
        const g = calc.greeks(p);
        const args = [p.spot, p.strike, p.volE8, p.timeSeconds, rateE8];
        expect(g).toEqual({
          deltaE8: m.call("blackScholesDeltaE8", [isCall ? 1 : 0, ...args]).value,
          gammaE18: m.call("blackScholesGammaE18", args).value,
          vegaPerPoint: m.call("blackScholesVegaPerPoint", args).value,
          thetaPerDay: m.call("blackScholesThetaPerDay", [isCall ? 1 : 0, ...args]).value,
        });
      }
    }
    // a 30-day 60% call 5% out of the money: delta 0.42, vega 2.24 and theta -2.24 quote units
    expect(calc.greeks(series)).toEqual({
      deltaE8: 42_166_640n,
      gammaE18: 1_137_190_381n,
      vegaPerPoint: 2_243_225n,
      thetaPerDay: -2_243_225n,
    });
  });

  it("gives undefined outside the domain, for a value that is not an i64, and for an infinite gamma alone", () => {
    expect(calc.greeks({ ...series, spot: 0n })).toBeUndefined();
    expect(calc.greeks({ ...series, volE8: -1n })).toBeUndefined();
    // 2^64 + spot would wrap to spot inside the machine: refused instead
    expect(calc.greeks({ ...series, spot: (1n << 64n) + series.spot })).toBeUndefined();
    expect(calc.impliedVolE8(series, (1n << 64n) + 1n)).toBeUndefined();
    const atExpiry = calc.greeks({ ...series, strike: series.spot, timeSeconds: 0n });
    expect(atExpiry).toEqual({
      deltaE8: 50_000_000n,
      gammaE18: undefined,
      vegaPerPoint: 0n,
      thetaPerDay: 0n,
    });
  });

  it("finds the implied volatility of a mark price, and undefined where none exists", () => {
    const price = m.call("blackScholesCall", [
      series.spot,
      series.strike,
      series.volE8,
      series.timeSeconds,
      0n,
      0,
    ]).value;
    expect(calc.impliedVolE8(series, price)).toBe(series.volE8);
    expect(calc.impliedVolE8(series, series.spot + 1n)).toBeUndefined();
    expect(calc.impliedVolE8({ ...series, timeSeconds: 0n }, price)).toBeUndefined();
  });
});

describe("optionSeriesInputs", () => {
  it("takes a decoded series to the inputs the engine marks it with: index, time left, rate 0", () => {
    // market slot part 2: strike, expiry, volatilityE8 (u64 little-endian), isCall (1 byte)
    const slot = new Uint8Array(32);
    const view = new DataView(slot.buffer);
    view.setBigUint64(0, series.strike, true);
    view.setBigUint64(8, 1_000_000n + series.timeSeconds, true);
    view.setBigUint64(16, series.volE8, true);
    slot[24] = 1;
    const decoded = decodeOptionSeries(slot);
    expect(optionSeriesInputs(decoded, series.spot, 1_000_000n)).toEqual({ ...series, rateE8: 0n });
    expect(calc.greeks(optionSeriesInputs(decoded, series.spot, 1_000_000n))).toEqual(calc.greeks(series));
    // at and after expiry: no time left, the payoff's Greeks (out of the money: all 0)
    expect(optionSeriesInputs(decoded, series.spot, 1_000_000n + series.timeSeconds + 5n).timeSeconds).toBe(
      0n,
    );
    expect(calc.greeks(optionSeriesInputs(decoded, series.spot, 9_000_000n))).toEqual({
      deltaE8: 0n,
      gammaE18: 0n,
      vegaPerPoint: 0n,
      thetaPerDay: 0n,
    });
  });
});

describe("createGreeksCalculator price", () => {
  it("is the engine's blackScholesCall/Put, rounded down or up", async () => {
    const calc = await createGreeksCalculator();
    const p = {
      isCall: true,
      spot: 3_000_000_000n,
      strike: 3_000_000_000n,
      volE8: 60_000_000n,
      timeSeconds: 86_400n,
    };
    const down = calc.price(p);
    const up = calc.price(p, true);
    expect(down).toBeGreaterThan(0n);
    expect(up! - down!).toBeLessThanOrEqual(1n);
    // Put-call parity at rate 0: C - P = S - K = 0 here, within rounding.
    const put = calc.price({ ...p, isCall: false });
    expect(down! - put!).toBeLessThanOrEqual(1n);
    expect(calc.price({ ...p, spot: -1n })).toBeUndefined();
  });
});
