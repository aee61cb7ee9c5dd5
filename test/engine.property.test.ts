// Random transaction sequences from many accounts (orders of every kind, cancels, oracle
// moves including crashes and x100 jumps, deposits, withdrawals, transfers, colluding pairs
// and orders far from the mark) through the fast runner. After every transaction: collateral
// is conserved exactly, the insurance fund and every option settlement pool are not negative,
// and no account without positions has negative collateral (so every payout was backed). Every
// 250 transactions also: positions net to zero per market, the book's bookkeeping agrees with
// the resting orders, and each market's holder list is well linked and lists every holder.
// ENGINE_PROPERTY_RUNS / ENGINE_PROPERTY_TXS size it (CI: 100 x 1,000).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  bookLevels,
  decodeAccount,
  decodeCounters,
  decodeFunding,
  decodeHolder,
  decodeHolders,
  decodeMarket,
  decodeOpenOrders,
  decodeOrder,
  decodePosition,
  decodeSettlement,
  decodeTotals,
  engineKeys,
  MAX_OPEN_ORDERS,
  Outcome,
} from "../protocol/engine/index.ts";
import type { TestExchange } from "./engineHarness.ts";
import { actionSequence, MARKETS, propertyExchange, runAction } from "./engineSequences.ts";

const RUNS = Number(process.env.ENGINE_PROPERTY_RUNS ?? 100);
const TXS = Number(process.env.ENGINE_PROPERTY_TXS ?? 1_000);

/** Tree keys, computed once (a key is a keccak: the per-transaction check reads ~70 slots). */
const keyCache = new Map<string, Uint8Array>();
function cachedKey(name: string, make: () => Uint8Array): Uint8Array {
  let k = keyCache.get(name);
  if (k === undefined) {
    k = make();
    keyCache.set(name, k);
  }
  return k;
}

/** The invariants checked after every transaction (cheap: accounts and totals only). */
function checkSolvency(x: TestExchange, after: unknown): void {
  const h = x.h;
  const accounts = decodeCounters(h.get(cachedKey("counters", engineKeys.counters))).accounts;
  const totals = decodeTotals(h.get(cachedKey("totals", engineKeys.totals)));
  expect(totals.insuranceFund >= 0n).toBe(true);
  let sum = totals.feePool + totals.insuranceFund;
  for (let m = 0; m < MARKETS; m++) {
    const pool = decodeFunding(h.get(cachedKey(`f${m}`, () => engineKeys.funding(m)))).pool;
    sum += pool;
    // options: longs are paid only from what shorts paid in
    if (m === 2) expect(pool >= 0n).toBe(true);
  }
  for (let id = 1; id <= accounts; id++) {
    const a = decodeAccount(h.get(cachedKey(`a${id}`, () => engineKeys.account(id))));
    sum += a.collateral;
    let flat = true;
    for (let m = 0; m < MARKETS; m++) {
      const p = decodePosition(h.get(cachedKey(`p${id}.${m}`, () => engineKeys.position(id, m))));
      sum += p.quote;
      if (p.base !== 0n) flat = false;
    }
    if (flat && a.collateral < 0n)
      throw new Error(`account ${id} is flat with collateral ${a.collateral} after ${JSON.stringify(after)}`);
  }
  expect(sum).toBe(totals.deposited - totals.withdrawn);
}

/** Everything the invariants need, read from state. */
function checkInvariants(x: TestExchange): void {
  const h = x.h;
  const accounts = decodeCounters(h.get(engineKeys.counters())).accounts;
  const totals = x.totals();
  let sum = totals.feePool + totals.insuranceFund;
  for (let m = 0; m < MARKETS; m++) sum += decodeFunding(h.get(engineKeys.funding(m))).pool;
  const net = Array(MARKETS).fill(0n);
  const openBids = Array(MARKETS).fill(0n);
  const openAsks = Array(MARKETS).fill(0n);
  for (let id = 1; id <= accounts; id++) {
    const a = decodeAccount(h.get(engineKeys.account(id)));
    sum += a.collateral;
    for (let m = 0; m < MARKETS; m++) {
      const p = decodePosition(h.get(engineKeys.position(id, m)));
      sum += p.quote;
      net[m] += p.base;
      // open quantities equal the account's resting orders
      let bid = 0n;
      let ask = 0n;
      for (let part = 0; part < MAX_OPEN_ORDERS / 4; part++) {
        for (const oid of decodeOpenOrders(h.get(engineKeys.openOrders(id, m, part)))) {
          const o = decodeOrder(h.get(engineKeys.order(m, oid)));
          expect(o.owner).toBe(id);
          if (o.side === 0) bid += o.quantity;
          else ask += o.quantity;
        }
      }
      expect([p.openBid, p.openAsk]).toEqual([bid, ask]);
      openBids[m] += bid;
      openAsks[m] += ask;
      const bitSet = ((a.marketMask >>> m) & 1) === 1;
      if (p.base !== 0n || bid !== 0n || ask !== 0n) expect(bitSet).toBe(true);
    }
  }
  expect(sum).toBe(totals.deposited - totals.withdrawn);
  // Each market's holder list is a well-linked list that holds every account with a position
  // there (accounts that closed may stay listed until a deleveraging walk unlinks them).
  for (let m = 0; m < MARKETS; m++) {
    const listed = new Set<number>();
    const head = decodeHolders(h.get(engineKeys.holders(m)));
    let prev = 0;
    for (let id = head.first; id !== 0; id = decodeHolder(h.get(engineKeys.holder(m, id))).next) {
      const node = decodeHolder(h.get(engineKeys.holder(m, id)));
      expect([node.prev, node.listed, listed.has(id)]).toEqual([prev, true, false]);
      listed.add(id);
      prev = id;
    }
    expect(head.count).toBe(listed.size);
    for (let id = 1; id <= accounts; id++) {
      const holds = decodePosition(h.get(engineKeys.position(id, m))).base !== 0n;
      if (holds) expect(listed.has(id)).toBe(true);
      expect(decodeHolder(h.get(engineKeys.holder(m, id))).listed).toBe(listed.has(id));
    }
  }
  // Positions net to zero per market, except in an option series once settlement started
  // (each account's position closes on its own SETTLE).
  for (let m = 0; m < MARKETS; m++) {
    const settling =
      decodeMarket(h.get(engineKeys.market(m, 0)), h.get(engineKeys.market(m, 1))).kind === 2 &&
      decodeSettlement(h.get(engineKeys.funding(m))).price !== 0n;
    if (!settling) expect(net[m]).toBe(0n);
  }
  for (let m = 0; m < MARKETS; m++) {
    const b = x.book(m);
    if (b.bestBidTick !== 0 && b.bestAskTick !== 0) expect(b.bestBidTick).toBeLessThan(b.bestAskTick);
    // The book walked through the tick bitmap holds exactly the accounts' open orders, in price order.
    const get = (k: Uint8Array) => h.get(k);
    for (const [side, open] of [
      [0, openBids[m]],
      [1, openAsks[m]],
    ] as const) {
      const levels = bookLevels(get, m, side, 10_000);
      expect(levels.reduce((t, l) => t + l.totalQuantity, 0n)).toBe(open);
      for (let i = 1; i < levels.length; i++) {
        if (side === 0) expect(levels[i].tick).toBeLessThan(levels[i - 1].tick);
        else expect(levels[i].tick).toBeGreaterThan(levels[i - 1].tick);
      }
    }
  }
}

describe("engine property: random sequences", () => {
  it(`conserves collateral exactly over ${RUNS} sequences of ${TXS} transactions`, () => {
    const codes = new Map<number, number>();
    let liquidations = 0;
    fc.assert(
      fc.property(actionSequence(TXS), (actions) => {
        const { x, prices } = propertyExchange();
        for (let i = 0; i < actions.length; i++) {
          const a = actions[i];
          const c = runAction(x, prices, a);
          if (a.k === "liquidate" && c === Outcome.OK) {
            liquidations++;
            // A liquidation that leaves the account without positions leaves it solvent (bad debt went to the fund).
            const acct = decodeAccount(x.h.get(engineKeys.account(a.victim)));
            const flat = [0, 1, 2].every(
              (m) => decodePosition(x.h.get(engineKeys.position(a.victim, m))).base === 0n,
            );
            if (flat) expect(acct.collateral >= 0n).toBe(true);
          }
          codes.set(c, (codes.get(c) ?? 0) + 1);
          checkSolvency(x, { i, a, c });
          if (i % 250 === 249) checkInvariants(x);
        }
        checkInvariants(x);
      }),
      // No shrinking: replaying shortened 1,000-transaction sequences takes too long to be useful.
      { numRuns: RUNS, endOnFailure: true },
    );
    if (process.env.ENGINE_PROPERTY_VERBOSE) console.log(Object.fromEntries(codes), { liquidations });
    if (RUNS >= 10) expect(liquidations).toBeGreaterThan(0);
    // The sequences exercise successes and the main rejections, not only one path.
    expect(codes.get(Outcome.OK) ?? 0).toBeGreaterThan(RUNS * TXS * 0.3);
    for (const c of [
      Outcome.INSUFFICIENT_COLLATERAL,
      Outcome.ORDER_NOT_FOUND,
      Outcome.REDUCE_ONLY_REJECTED,
      Outcome.NOT_LIQUIDATABLE,
      Outcome.PRICE_OUT_OF_BAND,
      Outcome.INSUFFICIENT_MARGIN,
    ]) {
      expect(codes.get(c) ?? 0).toBeGreaterThan(0);
    }
  });
});
