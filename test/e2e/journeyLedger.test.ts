// The journey test's reconciliation on hand-computed cases: sides and fees from the API's fills, notional and
// settlement roundings as docs/engine.md states them (floor notional; a long's payoff rounded down, a short's up).
import { describe, expect, it } from "vitest";
import type { Fill } from "../../sequencer/api/index.ts";
import { fillsOf, ledger, notional, optionPayoff, settlementAmount } from "./journeyLedger.ts";

const ME = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const MM = "0x15d34aaf54267db7d7c367839aaf71a00a2c6a65";
const fill = (f: Partial<Fill>): Fill => ({
  market: 1,
  makerOrderId: "1",
  takerOrderId: "2",
  maker: MM,
  makerSubaccount: 0,
  taker: ME.toLowerCase() as `0x${string}`,
  takerSubaccount: 0,
  takerSide: 0,
  price: "3000100000",
  quantity: "1000000",
  makerFee: "3",
  takerFee: "16",
  ...f,
});

describe("fillsOf", () => {
  it("takes this account's side and fee, taker or maker, in any address case; others' fills and subaccounts are not its", () => {
    const fs = [
      fill({}),
      fill({ maker: ME, taker: MM, takerSide: 0, makerFee: "7" }),
      fill({ taker: MM }),
      fill({ takerSubaccount: 1 }),
    ];
    expect(fillsOf(fs, ME)).toEqual([
      { market: 1, side: 0, price: 3_000_100_000n, quantity: 1_000_000n, fee: 16n },
      { market: 1, side: 1, price: 3_000_100_000n, quantity: 1_000_000n, fee: 7n },
    ]);
  });
});

describe("notional, optionPayoff, settlementAmount", () => {
  it("round as the engine does", () => {
    // 0.01 at 3,000.1: 30.001 exactly; 0.00333333 at 1.5: 0.049999995, floored to 49,999 units.
    expect(notional({ market: 1, side: 0, price: 3_000_100_000n, quantity: 1_000_000n, fee: 0n })).toBe(
      30_001_000n,
    );
    expect(notional({ market: 1, side: 0, price: 1_500_000n, quantity: 3_333_333n, fee: 0n })).toBe(49_999n);
    expect(optionPayoff(true, 3_000_000_000n, 3_012_345_678n)).toBe(12_345_678n);
    expect(optionPayoff(false, 3_000_000_000n, 3_012_345_678n)).toBe(0n);
    expect(optionPayoff(false, 3_000_000_000n, 2_990_000_001n)).toBe(9_999_999n);
    expect(optionPayoff(true, 3_000_000_000n, 3_000_000_000n)).toBe(0n);
    // 0.33333333 contracts x 9.999999: 3.3333329666... long gets 3,333,332, short pays 3,333,333.
    expect(settlementAmount(33_333_333n, 9_999_999n)).toBe(3_333_332n);
    expect(settlementAmount(-33_333_333n, 9_999_999n)).toBe(-3_333_333n);
    expect(settlementAmount(-100_000_000n, 0n)).toBe(0n);
  });
});

describe("ledger", () => {
  it("closes: deposit - fees - premium + realized PnL + payoff - withdrawn", () => {
    const fills = [
      // bought 1 call at 1.3 and 1 put at 1.2 (taker fee 500 ppm, rounded up)
      { market: 20, side: 0 as const, price: 1_300_000n, quantity: 100_000_000n, fee: 650n },
      { market: 21, side: 0 as const, price: 1_200_000n, quantity: 100_000_000n, fee: 600n },
      // perpetual: bought 0.01 at 3,003, sold 0.01 at 2,997.3
      { market: 1, side: 0 as const, price: 3_003_000_000n, quantity: 1_000_000n, fee: 15_015n },
      { market: 1, side: 1 as const, price: 2_997_300_000n, quantity: 1_000_000n, fee: 14_987n },
    ];
    const l = ledger({
      deposited: 1_000_000_000n,
      withdrawn: 0n,
      fills,
      optionMarkets: new Set([20, 21]),
      settlements: [settlementAmount(100_000_000n, 21_000_000n), settlementAmount(100_000_000n, 0n)],
    });
    expect(l).toEqual({
      fees: 650n + 600n + 15_015n + 14_987n,
      premium: 2_500_000n,
      realizedPnl: 29_973_000n - 30_030_000n,
      payoff: 21_000_000n,
      collateral: 1_000_000_000n - 31_252n - 2_500_000n - 57_000n + 21_000_000n,
    });
    // The seller's side of the same options: premium received (negative premium), maker fees, payoff paid.
    const seller = ledger({
      deposited: 5_000_000_000n,
      withdrawn: 0n,
      fills: [
        { market: 20, side: 1, price: 1_300_000n, quantity: 100_000_000n, fee: 260n },
        { market: 21, side: 1, price: 1_200_000n, quantity: 100_000_000n, fee: 240n },
      ],
      optionMarkets: new Set([20, 21]),
      settlements: [settlementAmount(-100_000_000n, 21_000_000n)],
    });
    expect(seller.collateral).toBe(5_000_000_000n - 500n + 2_500_000n - 21_000_000n);
    // Withdrawing all of it leaves nothing.
    const all = { fills, optionMarkets: new Set([20, 21]), settlements: [21_000_000n, 0n] };
    expect(ledger({ ...all, deposited: 1_000_000_000n, withdrawn: l.collateral }).collateral).toBe(0n);
  });
});
