// The attacks of issue 11 (an external review's drain scenarios), each replayed against the
// new rules: every one describes how it worked before and shows that it fails now. Through the
// fast runner, like the other engine tests.
import { describe, expect, it } from "vitest";
import {
  decodeSettlement,
  encodeSettle,
  engineKeys,
  Outcome,
  Side,
  TimeInForce,
} from "../protocol/engine/index.ts";
import { EngineHarness, TestExchange, testAccount } from "./engineHarness.ts";

const [alice, bob, carol] = [testAccount(10), testAccount(11), testAccount(12)];
const ONE = 100_000_000n; // 1 base unit
const P100 = 100_000_000n; // 100 quote
const Q = 1_000_000n; // 1 quote

function exchange(band = 1_000_000n): TestExchange {
  const x = new TestExchange(new EngineHarness());
  x.setup();
  expect(x.setMarket(0n, { priceBandPpm: band }).code).toBe(Outcome.OK);
  return x;
}

function nextPrice(x: TestExchange, price: bigint, seconds = 1n) {
  x.h.context = { ...x.h.context, timestamp: x.h.context.timestamp + seconds };
  expect(x.setPrice(0n, price).code).toBe(Outcome.OK);
}

function liquidate(x: TestExchange, by: string, victim: number, quantity: bigint, subaccount = 0n) {
  return x.send(by as `0x${string}`, "LIQUIDATE", {
    subaccount,
    market: 0n,
    accountId: BigInt(victim),
    quantity,
  });
}

/** deposited - withdrawn = balances + fees + insurance + pools (exact). */
function conserved(x: TestExchange, ids: number[], markets: number[]): void {
  const t = x.totals();
  let sum = t.feePool + t.insuranceFund;
  for (const m of markets) sum += decodeSettlement(x.h.get(engineKeys.funding(m))).pool;
  for (const id of ids) {
    sum += x.h.get(engineKeys.account(id)).length === 32 ? decodeCollateral(x, id) : 0n;
    for (const m of markets) sum += decodeQuote(x, id, m);
  }
  expect(sum).toBe(t.deposited - t.withdrawn);
}
function decodeCollateral(x: TestExchange, id: number): bigint {
  return new DataView(x.h.get(engineKeys.account(id)).buffer).getBigInt64(0, true);
}
function decodeQuote(x: TestExchange, id: number, m: number): bigint {
  const v = x.h.get(engineKeys.position(id, m));
  return new DataView(v.buffer, v.byteOffset, 32).getBigInt64(8, true);
}

describe("attack 1: orders far from the mark", () => {
  // Before: a resting order was margined at the index, not at its own price, and a maker was
  // never re-checked at fill. A (100 quote) rested a bid at 10x the index needing only 10% of
  // the index's notional; colluder B sold into it, liquidated the bankrupt A at the index and
  // withdrew about 9,100 quote that were other users' money (the insurance fund's hole).
  it("a bid outside the price band is refused", () => {
    const x = exchange(100_000n); // band 10%
    x.deposit(alice.address, 100n * Q);
    expect(x.order(alice.address, Side.BUY, 10n * P100, ONE).code).toBe(Outcome.PRICE_OUT_OF_BAND);
    expect(x.order(alice.address, Side.BUY, 111n * Q, ONE).code).toBe(Outcome.PRICE_OUT_OF_BAND);
    expect(x.order(alice.address, Side.SELL, 89n * Q, ONE).code).toBe(Outcome.PRICE_OUT_OF_BAND);
    expect(x.order(alice.address, Side.BUY, 110n * Q, ONE / 10n).code).toBe(Outcome.OK);
  });

  it("inside the band, a resting order's open loss at its own price needs margin", () => {
    const x = exchange(); // band 100%: bids up to 200
    x.deposit(alice.address, 100n * Q);
    // 5 at 190: IM 10% of 500 = 50, open loss 5 * 90 = 450: refused (was accepted: IM 50 only)
    expect(x.order(alice.address, Side.BUY, 190n * Q, 5n * ONE).code).toBe(Outcome.INSUFFICIENT_MARGIN);
    // 1 at 190: IM 10 + loss 90 = 100 = equity
    expect(x.order(alice.address, Side.BUY, 190n * Q, ONE).code).toBe(Outcome.OK);
    // and nothing is left to withdraw against it
    expect(x.send(alice.address, "WITHDRAW", { subaccount: 0n, amount: 1n }).code).toBe(
      Outcome.INSUFFICIENT_MARGIN,
    );
  });

  it("a maker that a fill would leave short of margin is cancelled, not filled, and the drain fails", () => {
    const x = exchange();
    x.deposit(alice.address, 100n * Q);
    x.deposit(bob.address, 10_000n * Q);
    x.deposit(carol.address, 10_000n * Q);
    // A bids for 10 at the index: margin 100 of 100 (no open loss at the mark).
    expect(x.order(alice.address, Side.BUY, P100, 10n * ONE).code).toBe(Outcome.OK);
    const bid = x.book().bestBidTick;
    // The index halves: A's bid is now 50 per unit above it (still inside the 100% band).
    nextPrice(x, 50n * Q);
    // B sells into it. Before: A bought 10 at 100 worth 500 (equity -400), B liquidated A and
    // the fund (or nobody) paid. Now the fill is refused and A's order cancelled.
    const bobBefore = x.account(bob.address).collateral;
    expect(x.order(bob.address, Side.SELL, 50n * Q, 10n * ONE, { tif: TimeInForce.IOC }).code).toBe(
      Outcome.OK,
    );
    expect(x.position(bob.address).base).toBe(0n);
    expect(x.position(alice.address)).toEqual({ base: 0n, quote: 0n, openBid: 0n, openAsk: 0n });
    expect(x.book().bestBidTick).toBe(0);
    expect(x.level(Side.BUY, bid).totalQuantity).toBe(0n);
    expect(x.account(alice.address).collateral).toBe(100n * Q);
    expect(x.account(bob.address).collateral).toBe(bobBefore);
    // Nothing to liquidate, nothing for B to take.
    expect(liquidate(x, bob.address, x.accountId(alice.address), ONE).code).toBe(Outcome.NOT_LIQUIDATABLE);
    expect(x.totals().insuranceFund).toBe(0n);
    conserved(
      x,
      [1, 2, 3].map((i) => i),
      [0],
    );
  });
});

describe("attack 2: option bids reserved no premium", () => {
  // Before: a long option had no requirement, so an account with 1 quote could bid for 100 calls
  // at 90; the colluding writer filled it, liquidated the buyer and kept premium that was never
  // backed. Now a bid reserves its premium and fees, and a fill is paid from free collateral.
  function series(): TestExchange {
    const x = exchange();
    expect(x.setOption(1n).code).toBe(Outcome.OK); // 100-strike call, 1 day, 80% vol (~1.67)
    return x;
  }

  it("a bid whose premium the account cannot pay is refused, resting or crossing", () => {
    const x = series();
    x.deposit(alice.address, Q);
    x.deposit(bob.address, 100_000n * Q);
    expect(x.order(alice.address, Side.BUY, 90n * Q, 100n * ONE, { market: 1n }).code).toBe(
      Outcome.INSUFFICIENT_MARGIN,
    );
    expect(x.order(bob.address, Side.SELL, 90n * Q, 100n * ONE, { market: 1n }).code).toBe(Outcome.OK);
    expect(
      x.order(alice.address, Side.BUY, 90n * Q, 100n * ONE, { market: 1n, tif: TimeInForce.IOC }).code,
    ).toBe(Outcome.INSUFFICIENT_MARGIN);
    expect(x.position(bob.address, 1).base).toBe(0n);
  });

  it("resting bids reserve their whole premium from free collateral", () => {
    const x = series();
    x.deposit(alice.address, 100n * Q);
    expect(x.order(alice.address, Side.BUY, 60n * Q, ONE, { market: 1n }).code).toBe(Outcome.OK);
    expect(x.order(alice.address, Side.BUY, 50n * Q, ONE, { market: 1n }).code).toBe(
      Outcome.INSUFFICIENT_MARGIN,
    );
    expect(x.send(alice.address, "WITHDRAW", { subaccount: 0n, amount: 41n * Q }).code).toBe(
      Outcome.INSUFFICIENT_MARGIN,
    );
    expect(x.send(alice.address, "WITHDRAW", { subaccount: 0n, amount: 40n * Q }).code).toBe(Outcome.OK);
  });

  it("a tight band refuses a premium far from the option's mark", () => {
    const x = series();
    expect(x.setOption(1n, { priceBandPpm: 50_000n }).code).toBe(Outcome.OK); // mark +- 5 quote
    x.deposit(alice.address, 1_000n * Q);
    expect(x.order(alice.address, Side.BUY, 90n * Q, ONE, { market: 1n }).code).toBe(
      Outcome.PRICE_OUT_OF_BAND,
    );
    expect(x.order(alice.address, Side.BUY, 5n * Q, ONE, { market: 1n }).code).toBe(Outcome.OK);
  });
});

describe("attack 3: reduce-only skipped the margin check", () => {
  // Before: a reduce-only order was never margin-checked. A long at 100 with 12 quote sold
  // reduce-only at 1 into a colluder's bid: the realized loss of 99 left a flat account with
  // -87 quote that could not be liquidated and that nothing absorbed.
  function levered(band: bigint): { x: TestExchange } {
    const x = exchange(band);
    x.deposit(alice.address, 12n * Q);
    x.deposit(bob.address, 10_000n * Q);
    x.order(bob.address, Side.SELL, P100, ONE);
    expect(x.order(alice.address, Side.BUY, P100, ONE, { tif: TimeInForce.IOC }).code).toBe(Outcome.OK);
    return { x };
  }

  it("a reduce-only sell far below the index is refused by the band", () => {
    const { x } = levered(100_000n);
    expect(x.order(alice.address, Side.SELL, Q, ONE, { reduceOnly: true }).code).toBe(
      Outcome.PRICE_OUT_OF_BAND,
    );
  });

  it("inside a wide band, a reduce-only fill must leave the account above maintenance", () => {
    const { x } = levered(1_000_000n);
    x.order(bob.address, Side.BUY, Q, ONE); // the colluder's bid at 1
    expect(x.order(alice.address, Side.SELL, Q, ONE, { reduceOnly: true, tif: TimeInForce.IOC }).code).toBe(
      Outcome.INSUFFICIENT_MARGIN,
    );
    expect(x.position(alice.address).base).toBe(ONE);
    expect(x.account(alice.address).collateral).toBeGreaterThan(0n);
    // Closing at a fair price still works (it reduces risk and keeps the account solvent).
    x.order(carol.address, Side.BUY, 99n * Q, ONE);
    x.deposit(carol.address, 10_000n * Q);
    x.order(carol.address, Side.BUY, 99n * Q, ONE);
    expect(
      x.order(alice.address, Side.SELL, 99n * Q, ONE, { reduceOnly: true, tif: TimeInForce.IOC }).code,
    ).toBe(Outcome.OK);
    expect(x.position(alice.address).base).toBe(0n);
    expect(x.account(alice.address).collateral).toBeGreaterThan(0n);
  });
});

describe("attack 6: option settlement", () => {
  // Before: a short whose payoff exceeded its collateral settled into a negative balance that
  // nothing covered, and the longs it owed were paid from a pool that never received it. At
  // absurd sizes, payoff * quantity wrapped: a winning long was debited 4.6e18 and SETTLE
  // returned OK.
  it("an insolvent short's deficit is paid by the fund, then by the longs (ADL), never left negative", () => {
    const x = exchange();
    expect(x.setOption(1n).code).toBe(Outcome.OK);
    x.deposit(alice.address, 20n * Q);
    x.deposit(bob.address, 100n * Q);
    expect(x.order(alice.address, Side.SELL, 3_400_000n, ONE, { market: 1n }).code).toBe(Outcome.OK);
    expect(x.order(bob.address, Side.BUY, 3_400_000n, ONE, { market: 1n, tif: TimeInForce.IOC }).code).toBe(
      Outcome.OK,
    );
    nextPrice(x, 200n * Q, 86_400n); // the call pays 100; alice has 23.4
    const [a, b] = [x.accountId(alice.address), x.accountId(bob.address)];
    // The long waits for the short to pay in.
    expect(x.h.run(encodeSettle(1, b)).code).toBe(Outcome.SETTLEMENT_PENDING);
    // The fund is empty: alice's short closes against bob at the bankruptcy price.
    expect(x.h.run(encodeSettle(1, a)).code).toBe(Outcome.OK);
    expect(x.account(alice.address).collateral).toBeGreaterThanOrEqual(0n);
    expect(x.position(alice.address, 1).base).toBe(0n);
    expect(x.position(bob.address, 1).base).toBe(0n);
    // bob got what alice had (23.4 quote less the slack), not 100
    const bobGain = x.account(bob.address).collateral - 100n * Q;
    expect(bobGain).toBeGreaterThan(20n * Q - 3_400_000n);
    expect(bobGain).toBeLessThanOrEqual(20n * Q);
    expect(x.totals().insuranceFund).toBeGreaterThanOrEqual(0n);
    expect(x.h.run(encodeSettle(1, b)).code).toBe(Outcome.NOTHING_TO_SETTLE);
    conserved(x, [a, b], [0, 1]);
  });

  it("a payoff that does not fit in 63 bits is BAD_AMOUNT, never a wrapped OK", () => {
    const x = new TestExchange(new EngineHarness());
    x.setup();
    // Tick 1 allows the largest size the market's product check lets through.
    expect(
      x.setOption(1n, {
        tickSize: 1n,
        lotSize: ONE,
        maxQuantity: 4_000_000_000n * ONE,
        initialMarginPpm: 1_000n,
        maintenanceMarginPpm: 500n,
        liquidationPenaltyPpm: 100n,
      }).code,
    ).toBe(Outcome.OK);
    x.deposit(alice.address, 4_000_000_000_000_000_000n);
    x.deposit(bob.address, 4_000_000_000_000_000_000n);
    const size = 4_000_000_000n * ONE;
    expect(x.order(alice.address, Side.SELL, 2_000_000n, size, { market: 1n }).code).toBe(Outcome.OK);
    expect(x.order(bob.address, Side.BUY, 2_000_000n, size, { market: 1n, tif: TimeInForce.IOC }).code).toBe(
      Outcome.OK,
    );
    // payoff 2,400 quote per contract * 4e9 contracts = 9.6e18 units: past 2^63
    nextPrice(x, 2_500n * Q, 86_400n);
    const before = x.h.root();
    expect(x.h.run(encodeSettle(1, x.accountId(alice.address))).code).toBe(Outcome.BAD_AMOUNT);
    expect(x.h.run(encodeSettle(1, x.accountId(bob.address))).code).toBe(Outcome.BAD_AMOUNT);
    expect(x.h.root()).toEqual(before);
  });
});

describe("attack 7: self-liquidation through a sibling subaccount", () => {
  // Before: LIQUIDATE compared account ids, so an address liquidated its own subaccount 0 from
  // its subaccount 1 and kept half the penalty. Now the owners are compared.
  it("a subaccount of the same address cannot liquidate", () => {
    const x = exchange();
    x.deposit(alice.address, 12n * Q);
    x.deposit(alice.address, 1_000n * Q, 1);
    x.deposit(bob.address, 10_000n * Q);
    x.order(bob.address, Side.SELL, P100, ONE);
    expect(x.order(alice.address, Side.BUY, P100, ONE, { tif: TimeInForce.IOC }).code).toBe(Outcome.OK);
    nextPrice(x, 92n * Q); // below maintenance
    const victim = x.accountId(alice.address);
    expect(liquidate(x, alice.address, victim, ONE, 1n).code).toBe(Outcome.SELF_LIQUIDATION);
    expect(liquidate(x, bob.address, victim, ONE).code).toBe(Outcome.OK);
  });
});
