// Both rule sets of issue 11 at once: the risk rules' adversarial traders (test/engineSequences.ts:
// random orders, orders far from the mark, colluding pairs that fill, liquidate and withdraw,
// x100 and /100 jumps, racing SETTLEs) on an underlying whose index is the prices rules' k-of-n
// median (2 of 3: the sequences' reporter, a second honest one that lags, a liar printing x100 or
// /100) with a move bound, plus thin quotes that the mark and funding samples see. After every
// transaction: the solvency invariants (engineInvariants.ts: conservation, no flat account below
// zero, insurance fund and settlement pool not negative), the index within the move bound of a
// fresh index, and every funding move within n * cap; every 250 transactions and at the end the
// bookkeeping invariants. ENGINE_MERGED_PROPERTY_RUNS / ENGINE_MERGED_PROPERTY_TXS size it.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decodeFunding,
  decodeOraclePrice,
  encodeFunding,
  engineKeys,
  FUNDING_INTERVAL,
  MAX_FUNDING_PPM,
  Outcome,
  PPM,
} from "../protocol/engine/index.ts";
import { type TestExchange, testAccount } from "./engineHarness.ts";
import { checkInvariants, checkSolvency } from "./engineInvariants.ts";
import { type Action, action, propertyExchange, runAction } from "./engineSequences.ts";

const RUNS = Number(process.env.ENGINE_MERGED_PROPERTY_RUNS ?? 20);
const TXS = Number(process.env.ENGINE_MERGED_PROPERTY_TXS ?? 500);
const MAX_AGE = 3_600n;
const MOVE_PPM = 500_000n;
const honest = testAccount(51);
const liar = testAccount(52);
const thin = testAccount(53);
const TICK = 10_000n;

type PriceActor =
  | { k: "honest" }
  | { k: "lie"; up: boolean }
  | { k: "thin"; m: number; pct: number; funding: boolean };
type Step = Action | PriceActor;

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 10, arbitrary: action },
  { weight: 2, arbitrary: fc.record({ k: fc.constant("honest" as const) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("lie" as const), up: fc.boolean() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant("thin" as const),
      m: fc.nat(1),
      pct: fc.integer({ min: -60, max: 60 }),
      funding: fc.boolean(),
    }),
  },
);

/** The sequences' exchange with underlying 0 read by 2 of 3 reporters and a 50% move bound. */
function mergedExchange(): { x: TestExchange; prices: bigint[] } {
  const e = propertyExchange();
  expect(
    e.x.setUnderlying(0n, MAX_AGE, {
      reporter1: honest.address,
      reporter2: liar.address,
      quorum: 2n,
      maxMovePpm: MOVE_PPM,
    }).code,
  ).toBe(Outcome.OK);
  expect(report(e.x, honest.address, e.prices[0])).toBe(Outcome.OK);
  e.x.deposit(thin.address, 1_000_000_000n);
  return e;
}

function report(x: TestExchange, who: `0x${string}`, price: bigint): number {
  x.h.context = { ...x.h.context, timestamp: x.h.context.timestamp + 1n };
  return x.send(who, "PRICE", { underlying: 0n, price, timestamp: x.h.context.timestamp }).code;
}

function runPriceActor(x: TestExchange, prices: bigint[], a: PriceActor): number {
  switch (a.k) {
    case "honest":
      return report(x, honest.address, prices[0]);
    case "lie":
      return report(x, liar.address, a.up ? prices[0] * 100n : prices[0] / 100n || 1n);
    case "thin": {
      // Two 0.001 quotes around pct% off the market's reference price (many outside the band),
      // sampled by the next index update; optionally right before FUNDING.
      x.send(thin.address, "CANCEL_ALL", { market: BigInt(a.m), subaccount: 0n });
      const p = prices[a.m] + (prices[a.m] * BigInt(a.pct)) / 100n;
      const bid = p - (p % TICK);
      if (bid <= 0n) return -1;
      const lot = 100_000n;
      x.order(thin.address, 0, bid, lot, { market: BigInt(a.m) });
      const c = x.order(thin.address, 1, bid + TICK, lot, { market: BigInt(a.m) }).code;
      if (!a.funding) return c;
      const due = decodeFunding(x.h.get(engineKeys.funding(a.m))).lastTime + FUNDING_INTERVAL;
      if (due > x.h.context.timestamp) x.h.context = { ...x.h.context, timestamp: due };
      return x.h.run(encodeFunding(a.m)).code;
    }
  }
}

const isPriceActor = (s: Step): s is PriceActor => s.k === "honest" || s.k === "lie" || s.k === "thin";

describe("engine property: the risk and the price rules together", () => {
  it(`${RUNS} sequences of ${TXS} adversarial transactions keep every invariant of both`, () => {
    const codes = new Map<number, number>();
    let indexMoves = 0;
    let fundingMoves = 0;
    fc.assert(
      fc.property(fc.array(step, { minLength: TXS, maxLength: TXS }), (steps) => {
        const { x, prices } = mergedExchange();
        let last = decodeOraclePrice(x.h.get(engineKeys.underlying(0, 1)));
        for (let i = 0; i < steps.length; i++) {
          const s = steps[i];
          const before = [0, 1].map((m) => decodeFunding(x.h.get(engineKeys.funding(m))));
          const c = isPriceActor(s) ? runPriceActor(x, prices, s) : runAction(x, prices, s);
          codes.set(c, (codes.get(c) ?? 0) + 1);
          checkSolvency(x, { i, s, c });
          const now = x.h.context.timestamp;
          const cur = decodeOraclePrice(x.h.get(engineKeys.underlying(0, 1)));
          if (cur.price !== last.price) {
            indexMoves++;
            // From a fresh index, one update moves it by at most the move bound.
            if (now - last.timestamp <= MAX_AGE) {
              const d = (last.price * MOVE_PPM) / PPM;
              expect(cur.price <= last.price + d && cur.price + d >= last.price).toBe(true);
            }
          }
          last = cur;
          for (const m of [0, 1]) {
            const after = decodeFunding(x.h.get(engineKeys.funding(m)));
            if (after.cumulative === before[m].cumulative) continue;
            fundingMoves++;
            // n intervals closed, each within the cap at the index of the step (the underlying's).
            const n = (after.lastTime - before[m].lastTime) / FUNDING_INTERVAL;
            const index = decodeOraclePrice(x.h.get(engineKeys.underlying(m, 1))).price;
            const d = after.cumulative - before[m].cumulative;
            expect(n >= 1n && (d < 0n ? -d : d) <= (n * index * MAX_FUNDING_PPM) / PPM).toBe(true);
          }
          if (i % 250 === 249) checkInvariants(x);
        }
        checkInvariants(x);
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
    if (process.env.ENGINE_PROPERTY_VERBOSE)
      console.log(Object.fromEntries(codes), { indexMoves, fundingMoves });
    // Both rule sets were exercised: fills and refusals of the risk rules, index moves and
    // funding of the price rules.
    expect(codes.get(Outcome.OK) ?? 0).toBeGreaterThan(RUNS * TXS * 0.3);
    for (const c of [Outcome.PRICE_OUT_OF_BAND, Outcome.INSUFFICIENT_MARGIN, Outcome.SETTLEMENT_PENDING])
      expect(codes.get(c) ?? 0).toBeGreaterThan(0);
    expect(indexMoves).toBeGreaterThan(RUNS);
    expect(fundingMoves).toBeGreaterThan(0);
  });
});
