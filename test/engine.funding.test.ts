// Funding through the fast runner: once per interval, premium of the book's mid over the
// index, clamped, accrued in a cumulative index and settled when a position is touched.
import { describe, expect, it } from "vitest";
import {
  decodeFunding,
  decodeFundingSamples,
  encodeFunding,
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

function withPositions(bid: bigint, ask: bigint): TestExchange {
  const x = new TestExchange(new EngineHarness());
  x.setup();
  for (const a of [alice, bob, carol]) x.deposit(a.address, 1_000_000_000n);
  x.order(alice.address, Side.SELL, P100, ONE);
  x.order(bob.address, Side.BUY, P100, ONE, { tif: TimeInForce.IOC }); // bob long 1, alice short 1
  x.order(carol.address, Side.BUY, bid, ONE / 10n);
  x.order(carol.address, Side.SELL, ask, ONE / 10n);
  return x;
}

/** One index report a second from now: one premium sample of the book as it is. */
function sample(x: TestExchange) {
  wait(x, 1n);
  expect(x.setPrice(0n, P100).code).toBe(Outcome.OK);
}

function wait(x: TestExchange, seconds: bigint) {
  x.h.context = { ...x.h.context, timestamp: x.h.context.timestamp + seconds };
}

/** The market's funding clock (the start of the interval being sampled). */
function clock(x: TestExchange): bigint {
  return decodeFunding(x.h.get(engineKeys.funding(0))).lastTime;
}

/** To the end of the current interval (the index stays fresh: its max age is one interval). */
function toBoundary(x: TestExchange) {
  x.h.context = { ...x.h.context, timestamp: clock(x) + FUNDING_INTERVAL };
}

describe("engine funding", () => {
  it("applies once per interval, clamped, and positions settle it when touched", () => {
    const x = withPositions(101_000_000n, 103_000_000n); // mid 102 over index 100
    sample(x);
    expect(x.h.run(encodeFunding(0)).code).toBe(Outcome.FUNDING_TOO_EARLY);
    expect(x.h.run(encodeFunding(7)).code).toBe(Outcome.UNKNOWN_MARKET);
    toBoundary(x);
    expect(x.h.run(encodeFunding(0)).code).toBe(Outcome.OK);
    // premium 2 quote per base, clamped to 0.5% of 100 = 0.5 quote
    expect(decodeFunding(x.h.get(engineKeys.funding(0))).cumulative).toBe(500_000n);
    expect(x.h.run(encodeFunding(0)).code).toBe(Outcome.FUNDING_TOO_EARLY);
    // Touch bob (a withdrawal checks his margin): the long pays 0.5 quote into the pool.
    const quoteBefore = x.position(bob.address).quote;
    expect(x.send(bob.address, "WITHDRAW", { subaccount: 0n, amount: 1n }).code).toBe(Outcome.OK);
    expect(x.position(bob.address).quote).toBe(quoteBefore - 500_000n);
    expect(decodeFunding(x.h.get(engineKeys.funding(0))).pool).toBe(500_000n);
    // The short receives it when touched.
    const aliceQuote = x.position(alice.address).quote;
    x.send(alice.address, "WITHDRAW", { subaccount: 0n, amount: 1n });
    expect(x.position(alice.address).quote).toBe(aliceQuote + 500_000n);
    expect(decodeFunding(x.h.get(engineKeys.funding(0))).pool).toBe(0n);
  });

  it("shorts pay when the mid is below the index, unclamped inside the band", () => {
    const x = withPositions(99_800_000n, 99_900_000n); // mid 99.85: premium -0.15
    sample(x);
    toBoundary(x);
    expect(x.h.run(encodeFunding(0)).code).toBe(Outcome.OK);
    expect(decodeFunding(x.h.get(engineKeys.funding(0))).cumulative).toBe(-150_000n);
    const q = x.position(alice.address).quote;
    x.send(alice.address, "WITHDRAW", { subaccount: 0n, amount: 1n });
    expect(x.position(alice.address).quote).toBe(q - 150_000n);
  });

  it("no premium without both sides of the book; a position opened later owes nothing for the past", () => {
    const x = new TestExchange(new EngineHarness());
    x.setup();
    sample(x);
    toBoundary(x);
    expect(x.h.run(encodeFunding(0)).code).toBe(Outcome.OK);
    expect(decodeFunding(x.h.get(engineKeys.funding(0))).cumulative).toBe(0n);
    const y = withPositions(101_000_000n, 103_000_000n);
    sample(y);
    toBoundary(y);
    expect(y.h.run(encodeFunding(0)).code).toBe(Outcome.OK);
    const dan = testAccount(13);
    y.deposit(dan.address, 1_000_000_000n);
    y.order(dan.address, Side.BUY, 103_000_000n, ONE / 10n, { tif: TimeInForce.IOC }); // opens after funding
    expect(y.position(dan.address).quote).toBe(-10_300_000n);
  });
});

describe("engine funding: every interval, no drift, whenever FUNDING comes", () => {
  it("the first sample after a boundary applies every whole interval elapsed, on the interval grid", () => {
    const x = withPositions(101_000_000n, 103_000_000n); // mid 102: every sample is capped at +0.5
    const start = clock(x);
    sample(x);
    // Three intervals and 20 minutes later, a report: it charges the 3 intervals first, at the
    // mean of the samples before them, then samples for the 4th.
    x.h.context = { ...x.h.context, timestamp: start + 3n * FUNDING_INTERVAL + 1_199n };
    sample(x);
    const f = decodeFunding(x.h.get(engineKeys.funding(0)));
    expect(f.cumulative).toBe(3n * 500_000n); // no lost interval
    expect(f.lastTime).toBe(start + 3n * FUNDING_INTERVAL); // not `now`: no drift
    x.h.context = { ...x.h.context, timestamp: start + 4n * FUNDING_INTERVAL - 1n };
    expect(x.h.run(encodeFunding(0)).code).toBe(Outcome.FUNDING_TOO_EARLY);
    wait(x, 1n);
    expect(x.h.run(encodeFunding(0)).code).toBe(Outcome.OK);
    expect(decodeFunding(x.h.get(engineKeys.funding(0))).cumulative).toBe(4n * 500_000n);
  });

  it("with no sample since the last funding the rate is 0, and samples restart after each funding", () => {
    const x = withPositions(101_000_000n, 103_000_000n);
    toBoundary(x);
    expect(x.h.run(encodeFunding(0)).code).toBe(Outcome.OK); // the index is still fresh; no report since
    expect(decodeFunding(x.h.get(engineKeys.funding(0))).cumulative).toBe(0n);
    expect(decodeFundingSamples(x.h.get(engineKeys.fundingSamples(0))).count).toBe(0n);
    sample(x);
    expect(decodeFundingSamples(x.h.get(engineKeys.fundingSamples(0))).count).toBe(1n);
    toBoundary(x);
    expect(x.h.run(encodeFunding(0)).code).toBe(Outcome.OK);
    expect(decodeFundingSamples(x.h.get(engineKeys.fundingSamples(0)))).toMatchObject({ sum: 0n, count: 0n });
  });

  it("sending FUNDING at the boundary or half an hour later charges the same for the hour", () => {
    const runs = [0n, 1_800n].map((delay) => {
      const x = withPositions(101_000_000n, 103_000_000n); // the hour's sample: capped +0.5
      sample(x);
      toBoundary(x);
      // After the boundary the quotes go: the next hour's samples read no premium. (Without
      // the boundary rule, a late FUNDING would average them into this hour: 0.25, not 0.5.)
      expect(x.send(carol.address, "CANCEL_ALL", { market: 0n, subaccount: 0n }).code).toBe(Outcome.OK);
      wait(x, delay);
      if (delay > 0n) sample(x); // a report after the boundary charges the hour itself
      const code = x.h.run(encodeFunding(0)).code;
      expect(code).toBe(delay === 0n ? Outcome.OK : Outcome.FUNDING_TOO_EARLY);
      return decodeFunding(x.h.get(engineKeys.funding(0))).cumulative;
    });
    expect(runs).toEqual([500_000n, 500_000n]);
  });
});

describe("engine funding: impact prices", () => {
  it("with an impact quantity the premium is taken where that quantity would fill, not at a thin top", () => {
    const x = new TestExchange(new EngineHarness());
    x.setup();
    expect(x.setUnderlying(0n, 3600n, { impactQuantity: ONE / 10n }).code).toBe(Outcome.OK);
    for (const a of [alice, bob, carol]) x.deposit(a.address, 1_000_000_000n);
    x.order(carol.address, Side.BUY, 100_500_000n, ONE / 1000n); // thin top of the bids
    x.order(carol.address, Side.BUY, 100_300_000n, ONE / 20n); // 0.05: not enough either
    x.order(bob.address, Side.BUY, 100_200_000n, ONE); // the impact bid: 0.001 + 0.05 + 1 >= 0.1
    x.order(alice.address, Side.SELL, 100_600_000n, ONE); // the impact ask
    sample(x);
    toBoundary(x);
    expect(x.h.run(encodeFunding(0)).code).toBe(Outcome.OK);
    // mid of 100.2 and 100.6 = 100.4 over the index of 100 (inside the 0.5 cap)
    expect(decodeFunding(x.h.get(engineKeys.funding(0))).cumulative).toBe(400_000n);
  });

  it("a side that cannot fill the impact quantity within the walked levels carries no premium", () => {
    const x = new TestExchange(new EngineHarness());
    x.setup();
    expect(x.setUnderlying(0n, 3600n, { impactQuantity: ONE }).code).toBe(Outcome.OK);
    for (const a of [alice, carol]) x.deposit(a.address, 1_000_000_000n);
    // Four thin bid levels, then a deep one past the walk's IMPACT_MAX_LEVELS (4).
    for (let i = 0n; i < 4n; i++) x.order(carol.address, Side.BUY, 100_400_000n - i * 10_000n, ONE / 1000n);
    x.order(carol.address, Side.BUY, 100_000_000n, 2n * ONE);
    x.order(alice.address, Side.SELL, 100_600_000n, 2n * ONE);
    sample(x);
    toBoundary(x);
    expect(x.h.run(encodeFunding(0)).code).toBe(Outcome.OK);
    expect(decodeFunding(x.h.get(engineKeys.funding(0))).cumulative).toBe(0n);
  });
});
