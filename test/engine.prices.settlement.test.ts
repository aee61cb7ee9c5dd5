// Settlement prices fixed by oracle data alone (docs/engine.md, "Settlement price"): the TWAP of
// the index over the series' window, fresh seconds only; the first index at or after expiry
// without one; the listing rule.
import { describe, expect, it } from "vitest";
import {
  decodeOptionSeries,
  decodeSettlement,
  decodeUnderlying,
  encodeSettle,
  engineKeys,
  Outcome,
  Side,
  TimeInForce,
} from "../protocol/engine/index.ts";
import { EngineHarness, TestExchange, testAccount } from "./engineHarness.ts";

const [alice, bob] = [testAccount(10), testAccount(11)];
const ONE = 100_000_000n;
const DAY = 86_400n;

function at(x: TestExchange, t: bigint, price?: bigint): void {
  x.h.context = { ...x.h.context, timestamp: t };
  if (price !== undefined) expect(x.setPrice(0n, price).code).toBe(Outcome.OK);
}

function series(window: bigint, maxAge = 3600n): { x: TestExchange; expiry: bigint } {
  const x = new TestExchange(new EngineHarness());
  x.setup();
  expect(x.setUnderlying(0n, maxAge, { settlementWindowSeconds: window }).code).toBe(Outcome.OK);
  const expiry = x.h.context.timestamp + DAY;
  expect(x.setOption(1n).code).toBe(Outcome.OK);
  for (const a of [alice, bob]) x.deposit(a.address, 1_000_000_000n);
  x.order(alice.address, Side.SELL, 3_400_000n, ONE, { market: 1n });
  x.order(bob.address, Side.BUY, 3_400_000n, ONE, { market: 1n, tif: TimeInForce.IOC });
  return { x, expiry };
}

const settlement = (x: TestExchange) => decodeSettlement(x.h.get(engineKeys.funding(1))).price;

describe("option settlement price", () => {
  it("averages only the seconds the index was fresh inside the window", () => {
    const { x, expiry } = series(3_600n, 600n);
    at(x, expiry - 3_600n, 100_000_000n); // fresh for 600 s of the window
    at(x, expiry - 1_000n, 130_000_000n); // fresh for 600 s, all inside the window
    at(x, expiry + 1n, 200_000_000n); // fixes the price; itself outside the window
    // 600 s at 100 and 600 s at 130, the stale gaps not counted.
    expect(settlement(x)).toBe(115_000_000n);
    expect(decodeUnderlying(x.h.get(engineKeys.underlying(0, 0))).pendingSeriesMask).toBe(0);
  });

  it("without a fresh index in the window: the first index at or after expiry", () => {
    const { x, expiry } = series(1_800n);
    at(x, expiry - 10_000n, 100_000_000n); // stale before the window opens
    at(x, expiry + 30n);
    expect(x.h.run(encodeSettle(1, x.accountId(bob.address))).code).toBe(Outcome.SETTLEMENT_PENDING);
    at(x, expiry + 40n, 120_000_000n);
    at(x, expiry + 50n, 150_000_000n);
    expect(settlement(x)).toBe(120_000_000n);
    // bob's long is paid from the pool, so only after alice's short has paid in (docs/engine.md,
    // "Options"); the price is the same whichever is sent first.
    expect(x.h.run(encodeSettle(1, x.accountId(bob.address))).code).toBe(Outcome.SETTLEMENT_PENDING);
    expect(x.h.run(encodeSettle(1, x.accountId(alice.address))).code).toBe(Outcome.OK);
    expect(x.h.run(encodeSettle(1, x.accountId(bob.address))).code).toBe(Outcome.OK);
    expect(settlement(x)).toBe(120_000_000n);
  });

  it("a window of 0 settles at the first index at or after expiry", () => {
    const { x, expiry } = series(0n);
    at(x, expiry - 1n, 100_000_000n);
    expect(settlement(x)).toBe(0n);
    at(x, expiry, 107_000_000n);
    expect(settlement(x)).toBe(107_000_000n);
  });

  it("a series takes its underlying's window at listing and must be listed before the window opens", () => {
    const x = new TestExchange(new EngineHarness());
    x.setup();
    expect(x.setUnderlying(0n, 3600n, { settlementWindowSeconds: 7_200n }).code).toBe(Outcome.OK);
    expect(x.setOption(1n, {}, 7_199n).code).toBe(Outcome.BAD_MARKET_PARAMS);
    expect(x.setOption(1n, {}, 7_200n).code).toBe(Outcome.OK);
    expect(decodeOptionSeries(x.h.get(engineKeys.market(1, 2))).settlementWindowSeconds).toBe(7_200);
    // A later change of the underlying's window leaves the listed series alone.
    expect(x.setUnderlying(0n, 3600n, { settlementWindowSeconds: 60n }).code).toBe(Outcome.OK);
    expect(x.setOption(1n, { volatilityE8: 50_000_000n }, 7_200n).code).toBe(Outcome.OK);
    expect(decodeOptionSeries(x.h.get(engineKeys.market(1, 2))).settlementWindowSeconds).toBe(7_200);
  });
});
