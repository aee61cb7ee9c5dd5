// Attacks 4 and 5 of issue 11 (docs/engine.md, "Settlement price" and "Funding"), replayed
// against the new price rules. Each test says what the old rules did and shows it fails now.
import { describe, expect, it } from "vitest";
import {
  decodeFunding,
  decodeSettlement,
  encodeFunding,
  encodeSettle,
  engineKeys,
  FUNDING_INTERVAL,
  Outcome,
  Side,
  TimeInForce,
} from "../protocol/engine/index.ts";
import { EngineHarness, TestExchange, testAccount } from "./engineHarness.ts";

const [alice, bob, carol] = [testAccount(10), testAccount(11), testAccount(12)];
const ONE = 100_000_000n;
const P100 = 100_000_000n;
const DAY = 86_400n;
const WINDOW = 1_800n;

function at(x: TestExchange, t: bigint, price?: bigint): void {
  x.h.context = { ...x.h.context, timestamp: t };
  if (price !== undefined) expect(x.setPrice(0n, price).code).toBe(Outcome.OK);
}

/** A 100-strike call series (market 1) expiring a day after setup; alice short 2, bob long 2. */
function callSeries(): { x: TestExchange; t0: bigint; expiry: bigint } {
  const x = new TestExchange(new EngineHarness());
  x.setup();
  const t0 = x.h.context.timestamp;
  expect(x.setOption(1n).code).toBe(Outcome.OK);
  for (const a of [alice, bob]) x.deposit(a.address, 1_000_000_000n);
  x.order(alice.address, Side.SELL, 3_400_000n, 2n * ONE, { market: 1n });
  expect(
    x.order(bob.address, Side.BUY, 3_400_000n, 2n * ONE, { market: 1n, tif: TimeInForce.IOC }).code,
  ).toBe(Outcome.OK);
  return { x, t0, expiry: t0 + DAY };
}

/** Index 100 until the middle of the settlement window, 110 after: the window's TWAP is 105. */
function reportsThroughExpiry(x: TestExchange, expiry: bigint): void {
  at(x, expiry - WINDOW - 100n, P100);
  at(x, expiry - WINDOW / 2n, 110_000_000n);
}

describe("attack 4: the settlement price chosen by the caller", () => {
  // Old rules: SETTLE (unsigned, anyone) fixed the settlement price from the index at the time
  // of the first SETTLE after a report at or after expiry, so a caller could wait for a
  // favourable print (here 150 for the long calls) and settle then.
  it("settles at the window's TWAP, whatever print the first SETTLE follows", () => {
    const { x, expiry } = callSeries();
    reportsThroughExpiry(x, expiry);
    const bobsId = x.accountId(bob.address);
    at(x, expiry + 1n);
    expect(x.h.run(encodeSettle(1, bobsId)).code).toBe(Outcome.SETTLEMENT_PENDING); // no index since expiry
    at(x, expiry + 5n, 150_000_000n); // the favourable print: the first index at/after expiry
    at(x, expiry + 6n);
    const before = x.account(bob.address).collateral;
    // A long is paid only from what the shorts paid in (docs/engine.md, "Options"): the caller
    // settles alice's short first, then bob's long.
    expect(x.h.run(encodeSettle(1, x.accountId(alice.address))).code).toBe(Outcome.OK);
    expect(x.h.run(encodeSettle(1, bobsId)).code).toBe(Outcome.OK);
    expect(decodeSettlement(x.h.get(engineKeys.funding(1))).price).toBe(105_000_000n);
    // 2 calls at 105 pay 2 * 5; the print at 150 would have paid 2 * 50.
    expect(x.account(bob.address).collateral).toBe(before - 6_800_000n + 10_000_000n);
  });

  it("races: two settlement orders and times give the same price and the same balances", () => {
    const runs = [0, 1].map((variant) => {
      const { x, expiry } = callSeries();
      reportsThroughExpiry(x, expiry);
      at(x, expiry + 5n, 60_000_000n);
      const [short, long] = [x.accountId(alice.address), x.accountId(bob.address)];
      if (variant === 0) {
        for (const id of [short, long]) expect(x.h.run(encodeSettle(1, id)).code).toBe(Outcome.OK);
      } else {
        at(x, expiry + 600n, 190_000_000n); // later prints move nothing
        // The long first: pending until the short has paid into the pool, and nothing changes.
        const pending = x.h.run(encodeSettle(1, long));
        expect(pending.code).toBe(Outcome.SETTLEMENT_PENDING);
        expect(pending.writes.length).toBe(0);
        for (const id of [short, long]) expect(x.h.run(encodeSettle(1, id)).code).toBe(Outcome.OK);
      }
      return {
        settlement: decodeSettlement(x.h.get(engineKeys.funding(1))),
        alice: x.account(alice.address).collateral,
        bob: x.account(bob.address).collateral,
      };
    });
    expect(runs[0].settlement).toEqual({ price: 105_000_000n, pool: 0n });
    expect(runs[1]).toEqual(runs[0]);
  });
});

describe("attack 5: funding from one snapshot", () => {
  /** alice short 1, bob long 1 at 100; reports every 5 minutes with an empty book (premium 0). */
  function quietHour(impactQuantity = 0n): { x: TestExchange; start: bigint } {
    const x = new TestExchange(new EngineHarness());
    x.setup();
    if (impactQuantity !== 0n) expect(x.setUnderlying(0n, 3600n, { impactQuantity }).code).toBe(Outcome.OK);
    const start = x.h.context.timestamp;
    for (const a of [alice, bob, carol]) x.deposit(a.address, 1_000_000_000n);
    x.order(alice.address, Side.SELL, P100, ONE);
    x.order(bob.address, Side.BUY, P100, ONE, { tif: TimeInForce.IOC });
    for (let t = 300n; t < FUNDING_INTERVAL; t += 300n) at(x, start + t, P100);
    return { x, start };
  }

  /** Two untraded 0.001 quotes far above the index just before funding, a report, then FUNDING. */
  function thinQuotesThenFunding(x: TestExchange, start: bigint): bigint {
    at(x, start + FUNDING_INTERVAL - 10n);
    expect(x.order(carol.address, Side.BUY, 150_000_000n, ONE / 1000n).code).toBe(Outcome.OK);
    expect(x.order(carol.address, Side.SELL, 151_000_000n, ONE / 1000n).code).toBe(Outcome.OK);
    at(x, start + FUNDING_INTERVAL - 5n, P100);
    at(x, start + FUNDING_INTERVAL);
    expect(x.h.run(encodeFunding(0)).code).toBe(Outcome.OK);
    return decodeFunding(x.h.get(engineKeys.funding(0))).cumulative;
  }

  // Old rules: FUNDING took the premium of the book's mid at that instant, so the two quotes
  // (mid 150.5 over an index of 100) set the full cap, 0.5 quote per base unit, for the hour.
  it("one sample among the hour's samples moves the rate by its share only", () => {
    const { x, start } = quietHour();
    const cap = 500_000n; // 0.5% of 100
    // 11 zero samples and one capped one: the mean, rounded toward zero.
    expect(thinQuotesThenFunding(x, start)).toBe(cap / 12n);
  });

  it("with an impact quantity, quotes thinner than it carry no premium at all", () => {
    const { x, start } = quietHour(ONE / 10n);
    expect(thinQuotesThenFunding(x, start)).toBe(0n);
  });
});
