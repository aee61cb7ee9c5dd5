// A perpetual's mark (docs/engine.md, "Mark price"): the index plus a smoothed basis of the
// book's mid, bounded to MARK_BASIS_MAX_PPM of the index, and what margin values positions at.
import { describe, expect, it } from "vitest";
import {
  decodeFunding,
  engineKeys,
  MARK_BASIS_MAX_PPM,
  MARK_BASIS_SMOOTHING,
  Outcome,
  PPM,
  perpetualMark,
  Side,
  TimeInForce,
} from "../protocol/engine/index.ts";
import { EngineHarness, TestExchange, testAccount } from "./engineHarness.ts";

const [alice, bob, carol] = [testAccount(10), testAccount(11), testAccount(12)];
const ONE = 100_000_000n;
const P100 = 100_000_000n;

/** bob long 1 at 100 with 12 quote of collateral; carol quotes bid/ask around `mid`. */
function market(bid: bigint, ask: bigint, quantity = ONE / 10n): TestExchange {
  const x = new TestExchange(new EngineHarness());
  x.setup();
  x.deposit(alice.address, 1_000_000_000n);
  x.deposit(carol.address, 100_000_000_000n);
  x.deposit(bob.address, 12_000_000n);
  x.order(alice.address, Side.SELL, P100, ONE);
  expect(x.order(bob.address, Side.BUY, P100, ONE, { tif: TimeInForce.IOC }).code).toBe(Outcome.OK);
  expect(x.order(carol.address, Side.BUY, bid, quantity).code).toBe(Outcome.OK);
  expect(x.order(carol.address, Side.SELL, ask, quantity).code).toBe(Outcome.OK);
  return x;
}

/** `n` index reports at `price` (100), one second apart: one basis sample each. */
function samples(x: TestExchange, n: number, price = P100): void {
  for (let i = 0; i < n; i++) {
    x.h.context = { ...x.h.context, timestamp: x.h.context.timestamp + 1n };
    expect(x.setPrice(0n, price).code).toBe(Outcome.OK);
  }
}

// Quotes far from the index: the price band (docs/engine.md, "Orders") refuses a limit price
// outside index +- priceBandPpm, at most 0..2x the index (the harness's market), so the farthest
// quotes are 199 / 200 at an index of 100 (mid 1.995x); a later fall of the index leaves them
// resting at a larger multiple.
const FAR_BID = 199_000_000n;
const FAR_ASK = 200_000_000n;

const basis = (x: TestExchange) => decodeFunding(x.h.get(engineKeys.funding(0))).basis;

describe("perpetual mark price", () => {
  it("perpetualMark (protocol/engine) clamps the basis to 1% of the index, rounded down, and keeps the mark >= 1", () => {
    expect(perpetualMark(P100, 300_000n)).toBe(100_300_000n);
    expect(perpetualMark(P100, 5_000_000n)).toBe(101_000_000n);
    expect(perpetualMark(P100, -5_000_000n)).toBe(99_000_000n);
    expect(perpetualMark(199n, 10n)).toBe(200n); // bound floor(199 / 100) = 1
    expect(perpetualMark(1n, -1n)).toBe(1n);
    expect(() => perpetualMark(0n, 0n)).toThrow(RangeError);
  });

  it("the basis average moves 1/16 of the way to each sample of mid - index", () => {
    const x = market(100_400_000n, 100_600_000n); // mid 100.5: basis 0.5
    samples(x, 1);
    expect(basis(x)).toBe(500_000n / MARK_BASIS_SMOOTHING);
    samples(x, 1);
    const b1 = 500_000n / MARK_BASIS_SMOOTHING;
    expect(basis(x)).toBe(b1 + (500_000n - b1) / MARK_BASIS_SMOOTHING);
    samples(x, 200);
    expect(basis(x)).toBeGreaterThan(490_000n);
    expect(basis(x)).toBeLessThanOrEqual(500_000n);
  });

  it("is bounded to 1% of the index however far the book's mid goes (x100 quotes)", () => {
    const x = market(FAR_BID, FAR_ASK, ONE / 1000n); // mid 2x the index, the band's edge
    // Quotes at 90x / 110x the index cannot be placed at all.
    expect(x.order(carol.address, Side.BUY, 9_000_000_000n, ONE / 1000n).code).toBe(
      Outcome.PRICE_OUT_OF_BAND,
    );
    expect(x.order(carol.address, Side.SELL, 11_000_000_000n, ONE / 1000n).code).toBe(
      Outcome.PRICE_OUT_OF_BAND,
    );
    samples(x, 300);
    expect(basis(x)).toBeLessThanOrEqual((P100 * MARK_BASIS_MAX_PPM) / PPM);
    expect(basis(x)).toBeGreaterThan(990_000n);
    // The index falls to 2: the resting quotes' mid (199.5) is now ~100x the index, and the
    // mark is index + 1% of the new index. The average comes down to that bound from above and
    // stops within MARK_BASIS_SMOOTHING units of it (each step truncates toward zero); the mark
    // clamps it at read.
    const low = 2_000_000n;
    const bound = (low * MARK_BASIS_MAX_PPM) / PPM;
    samples(x, 300, low);
    expect(basis(x)).toBeGreaterThanOrEqual(bound);
    expect(basis(x)).toBeLessThan(bound + MARK_BASIS_SMOOTHING);
    expect(perpetualMark(low, basis(x))).toBe(low + bound);
  });

  it("the price band centres on the index, not on the mark: quotes that build a basis do not move it", () => {
    const x = market(FAR_BID, FAR_ASK, ONE / 1000n);
    samples(x, 300); // basis near +1% of the index: the mark is near 101
    const mark = perpetualMark(P100, basis(x));
    expect(mark).toBeGreaterThan(100_900_000n);
    expect(x.setMarket(0n, { priceBandPpm: 50_000n }).code).toBe(Outcome.OK); // +- 5% of the index
    // Around the index the band is [95, 105]; around the mark it would reach past 105.9.
    expect(x.order(carol.address, Side.BUY, 105_010_000n, ONE / 1000n).code).toBe(Outcome.PRICE_OUT_OF_BAND);
    expect(x.order(carol.address, Side.BUY, 105_000_000n, ONE / 1000n).code).toBe(Outcome.OK);
    expect(x.order(carol.address, Side.SELL, 105_010_000n, ONE / 1000n).code).toBe(Outcome.PRICE_OUT_OF_BAND);
  });

  it("the bound applies at the index of the check: a basis built at 100 is cut to 1% of 50 after a drop", () => {
    const x = market(FAR_BID, FAR_ASK, ONE / 1000n);
    x.deposit(bob.address, 1_000_000_000n);
    samples(x, 300); // basis near 1% of 100
    x.h.context = { ...x.h.context, timestamp: x.h.context.timestamp + 1n };
    expect(x.setPrice(0n, P100 / 2n).code).toBe(Outcome.OK);
    expect(basis(x)).toBeGreaterThan(900_000n); // the average still holds most of it
    const mark = perpetualMark(P100 / 2n, basis(x));
    expect(mark).toBe(50_500_000n);
    const free =
      x.account(bob.address).collateral +
      x.position(bob.address).quote +
      mark -
      (mark * 100_000n + PPM - 1n) / PPM;
    expect(x.send(bob.address, "WITHDRAW", { subaccount: 0n, amount: free + 1n }).code).toBe(
      Outcome.INSUFFICIENT_MARGIN,
    );
    expect(x.send(bob.address, "WITHDRAW", { subaccount: 0n, amount: free }).code).toBe(Outcome.OK);
  });

  it("margin values positions at index + basis: a positive basis lets the long withdraw more", () => {
    const x = market(100_400_000n, 100_600_000n);
    samples(x, 200);
    const mark = perpetualMark(P100, basis(x));
    const collateral = x.account(bob.address).collateral;
    const quote = x.position(bob.address).quote;
    const im = (mark * 100_000n + PPM - 1n) / PPM; // ceil(mark * 10%)
    const free = collateral + quote + mark - im;
    expect(free).toBeGreaterThan(collateral + quote + P100 - P100 / 10n); // more than at the index
    expect(x.send(bob.address, "WITHDRAW", { subaccount: 0n, amount: free + 1n }).code).toBe(
      Outcome.INSUFFICIENT_MARGIN,
    );
    expect(x.send(bob.address, "WITHDRAW", { subaccount: 0n, amount: free }).code).toBe(Outcome.OK);
  });
});
