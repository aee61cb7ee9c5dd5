// The engine's solvency and bookkeeping invariants (docs/engine.md, "Bad debt" and
// "Collateral"), read from state, for the property tests of test/engineSequences.ts's exchange
// (markets 0 and 1 perpetuals, market 2 a call): test/engine.property.test.ts (random and
// colluding traders) and test/engine.merged.property.test.ts (the same with the price actors).
import { expect } from "vitest";
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
} from "../protocol/engine/index.ts";
import type { TestExchange } from "./engineHarness.ts";
import { MARKETS } from "./engineSequences.ts";

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
export function checkSolvency(x: TestExchange, after: unknown): void {
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
export function checkInvariants(x: TestExchange): void {
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
