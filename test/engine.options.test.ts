// European cash-settled options through the fast runner: series governance, trading on the
// book, Black-Scholes marks in margin, short margin, expiry and cash settlement.
import { describe, expect, it } from "vitest";
import { blackScholes64 } from "../engine/math/floatBlackScholes.ts";
import {
  decodeSettlement,
  encodeFunding,
  encodeSettle,
  engineKeys,
  Outcome,
  Side,
  TimeInForce,
} from "../protocol/engine/index.ts";
import { EngineHarness, TestExchange, testAccount } from "./engineHarness.ts";

const [alice, bob] = [testAccount(10), testAccount(11)];
const ONE = 100_000_000n;

function withSeries(): TestExchange {
  const x = new TestExchange(new EngineHarness());
  x.setup(); // index 100
  expect(x.setOption(1n).code).toBe(Outcome.OK); // 100-strike call, 1 day, 80% vol
  return x;
}

function later(x: TestExchange, seconds: bigint, price: bigint) {
  x.h.context = { ...x.h.context, timestamp: x.h.context.timestamp + seconds };
  expect(x.setPrice(0n, price).code).toBe(Outcome.OK);
}

describe("engine options", () => {
  it("validates series and keeps strike, expiry and type of a live one", () => {
    const x = withSeries();
    expect(x.setOption(2n, {}, 0n).code).toBe(Outcome.BAD_MARKET_PARAMS); // expires now
    expect(x.setOption(2n, { volatilityE8: 0n }).code).toBe(Outcome.BAD_MARKET_PARAMS);
    expect(x.setOption(2n, { strike: 0n }).code).toBe(Outcome.BAD_MARKET_PARAMS);
    expect(x.setOption(1n, { strike: 90_000_000n }).code).toBe(Outcome.BAD_MARKET_PARAMS);
    expect(x.setOption(1n, { volatilityE8: 60_000_000n }).code).toBe(Outcome.OK); // volatility may change
    expect(x.setOption(0n).code).toBe(Outcome.BAD_MARKET_PARAMS); // market 0 is a perpetual
    expect(x.h.run(encodeFunding(1)).code).toBe(Outcome.WRONG_MARKET_KIND);
  });

  it("shorts need margin on the underlying's notional; longs need only the premium", () => {
    const x = withSeries();
    x.deposit(alice.address, 10_000_000n); // 10 quote
    x.deposit(bob.address, 5_000_000n); // 5 quote
    // Writing 1 call needs 15% of 100 = 15 quote (plus the premium's mark) of equity: refused.
    expect(x.order(alice.address, Side.SELL, 3_400_000n, ONE, { market: 1n }).code).toBe(
      Outcome.INSUFFICIENT_MARGIN,
    );
    x.deposit(alice.address, 20_000_000n);
    expect(x.order(alice.address, Side.SELL, 3_400_000n, ONE, { market: 1n }).code).toBe(Outcome.OK);
    // Bob pays 3.4 quote for a call Black-Scholes values at ~1.67 (1 day, 80%): his equity is
    // 5 - 3.4 + mark, and that is all he can withdraw (a long needs no other margin).
    expect(x.order(bob.address, Side.BUY, 3_400_000n, ONE, { market: 1n, tif: TimeInForce.IOC }).code).toBe(
      Outcome.OK,
    );
    expect(x.position(bob.address, 1)).toMatchObject({ base: ONE, quote: -3_400_000n });
    const mark = Math.floor(blackScholes64(100_000_000, 100_000_000, 0.8, 86_400, 0).call);
    const equity = 1_600_000n + BigInt(mark);
    expect(x.send(bob.address, "WITHDRAW", { subaccount: 0n, amount: equity + 200n }).code).toBe(
      Outcome.INSUFFICIENT_MARGIN,
    );
    expect(x.send(bob.address, "WITHDRAW", { subaccount: 0n, amount: equity - 200n }).code).toBe(Outcome.OK);
    // Alice's short: 15% of the underlying plus the option's value (rounded up) must stay covered.
    const aliceEquity = 30_000_000n + 3_400_000n - BigInt(mark);
    const need = 15_000_000n;
    expect(
      x.send(alice.address, "WITHDRAW", { subaccount: 0n, amount: aliceEquity - need + 200n }).code,
    ).toBe(Outcome.INSUFFICIENT_MARGIN);
    expect(
      x.send(alice.address, "WITHDRAW", { subaccount: 0n, amount: aliceEquity - need - 200n }).code,
    ).toBe(Outcome.OK);
  });

  it("expires: no more trading, settlement at the first index at or after expiry, pool back to zero", () => {
    const x = withSeries();
    x.deposit(alice.address, 100_000_000n);
    x.deposit(bob.address, 100_000_000n);
    x.order(alice.address, Side.SELL, 3_400_000n, 2n * ONE, { market: 1n });
    x.order(bob.address, Side.BUY, 3_400_000n, 2n * ONE, { market: 1n, tif: TimeInForce.IOC });
    x.order(alice.address, Side.SELL, 9_000_000n, ONE, { market: 1n }); // rests through expiry
    const alicesId = x.accountId(alice.address);
    const bobsId = x.accountId(bob.address);
    expect(x.h.run(encodeSettle(1, bobsId)).code).toBe(Outcome.SETTLEMENT_PENDING); // not expired
    x.h.context = { ...x.h.context, timestamp: x.h.context.timestamp + 86_400n };
    expect(x.order(bob.address, Side.BUY, 3_400_000n, ONE, { market: 1n }).code).toBe(Outcome.MARKET_EXPIRED);
    expect(x.h.run(encodeSettle(1, bobsId)).code).toBe(Outcome.SETTLEMENT_PENDING); // no index since expiry
    later(x, 10n, 112_500_000n); // index 112.5: the call pays 12.5 per contract
    const bobCol = x.account(bob.address).collateral;
    const aliceCol = x.account(alice.address).collateral;
    // A long is paid from what shorts paid in: bob waits for alice.
    expect(x.h.run(encodeSettle(1, bobsId)).code).toBe(Outcome.SETTLEMENT_PENDING);
    expect(x.h.run(encodeSettle(1, alicesId)).code).toBe(Outcome.OK);
    expect(x.account(alice.address).collateral).toBe(aliceCol + 6_800_000n - 25_000_000n);
    expect(x.position(alice.address, 1)).toEqual({ base: 0n, quote: 0n, openBid: 0n, openAsk: 0n });
    expect(decodeSettlement(x.h.get(engineKeys.funding(1)))).toEqual({
      price: 112_500_000n,
      pool: 25_000_000n,
    });
    // Later index moves do not change the settlement price.
    later(x, 10n, 50_000_000n);
    expect(x.h.run(encodeSettle(1, bobsId)).code).toBe(Outcome.OK);
    expect(x.position(bob.address, 1)).toEqual({ base: 0n, quote: 0n, openBid: 0n, openAsk: 0n });
    expect(x.account(bob.address).collateral).toBe(bobCol - 6_800_000n + 25_000_000n);
    expect(decodeSettlement(x.h.get(engineKeys.funding(1))).pool).toBe(0n);
    expect(x.h.run(encodeSettle(1, alicesId)).code).toBe(Outcome.NOTHING_TO_SETTLE);
  });

  it("settles puts at max(0, K - S)", () => {
    const x = new TestExchange(new EngineHarness());
    x.setup();
    expect(x.setOption(3n, { isCall: false, strike: 120_000_000n }).code).toBe(Outcome.OK);
    x.deposit(alice.address, 100_000_000n);
    x.deposit(bob.address, 100_000_000n);
    x.order(alice.address, Side.SELL, 20_000_000n, ONE, { market: 3n });
    expect(x.order(bob.address, Side.BUY, 20_000_000n, ONE, { market: 3n, tif: TimeInForce.IOC }).code).toBe(
      Outcome.OK,
    );
    x.h.context = { ...x.h.context, timestamp: x.h.context.timestamp + 86_400n };
    later(x, 1n, 90_000_000n); // put pays 30
    const before = x.account(bob.address).collateral;
    expect(x.h.run(encodeSettle(3, x.accountId(alice.address))).code).toBe(Outcome.OK); // the short pays in first
    expect(x.h.run(encodeSettle(3, x.accountId(bob.address))).code).toBe(Outcome.OK);
    expect(x.account(bob.address).collateral).toBe(before - 20_000_000n + 30_000_000n);
  });
});
