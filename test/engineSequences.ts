/**
 * Random engine transaction sequences for property tests, replay tests and the benchmark:
 * orders of every kind from 8 traders in 2 markets, cancels, deposits, withdrawals,
 * transfers, oracle moves (with crashes and spikes) and time passing; and adversarial actors
 * (issue 11): orders far from the mark, oracle jumps of x100 and /100, and colluding pairs that
 * rest an order at a bad price, fill it from the other account, liquidate and withdraw.
 */
import fc from "fast-check";
import { expect } from "vitest";
import { encodeFunding, encodeSettle, Outcome } from "../protocol/engine/index.ts";
import { EngineHarness, TestExchange, testAccount } from "./engineHarness.ts";

export const TRADERS = Array.from({ length: 8 }, (_, i) => testAccount(100 + i));
/** Markets 0 and 1: perpetuals on underlyings 0 and 1; market 2: a call on underlying 0. */
export const MARKETS = 3;
const TICK = 10_000n;
const LOT = 100_000n;

export type Action =
  | {
      k: "order";
      who: number;
      sub: number;
      m: number;
      side: number;
      off: number;
      lots: number;
      tif: number;
      ro: boolean;
    }
  | { k: "cancel"; who: number; sub: number; m: number; id: number }
  | { k: "cancelAll"; who: number; sub: number; m: number }
  | { k: "deposit"; who: number; sub: number; amount: number }
  | { k: "withdraw"; who: number; sub: number; amount: number }
  | { k: "transfer"; who: number; from: number; to: number; amount: number }
  | { k: "price"; u: number; move: number }
  | { k: "time"; dt: number }
  | { k: "funding"; m: number }
  | { k: "settle"; victim: number }
  | { k: "liquidate"; who: number; victim: number; m: number; lots: number }
  | { k: "far"; who: number; m: number; side: number; pct: number; lots: number; tif: number; ro: boolean }
  | { k: "jump"; u: number; up: boolean }
  | { k: "collude"; a: number; b: number; m: number; side: number; pct: number; lots: number };

const who = fc.nat(TRADERS.length - 1);
const sub = fc.nat(1);
const market = fc.nat(MARKETS - 1);
export const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.record({
      k: fc.constant("order" as const),
      who,
      sub,
      m: market,
      side: fc.nat(1),
      off: fc.integer({ min: -20, max: 20 }),
      lots: fc.integer({ min: 1, max: 3_000 }),
      tif: fc.nat(3),
      ro: fc.boolean(),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ k: fc.constant("cancel" as const), who, sub, m: market, id: fc.nat(400) }),
  },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("cancelAll" as const), who, sub, m: market }) },
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constant("deposit" as const),
      who,
      sub,
      amount: fc.integer({ min: 1, max: 2e9 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constant("withdraw" as const),
      who,
      sub,
      amount: fc.integer({ min: 1, max: 2e9 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant("transfer" as const),
      who,
      from: sub,
      to: sub,
      amount: fc.integer({ min: 1, max: 2e9 }),
    }),
  },
  // Price moves in per mille of the price, with crashes (-60%) and spikes.
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constant("price" as const),
      u: fc.nat(1),
      move: fc.oneof(fc.integer({ min: -30, max: 30 }), fc.constantFrom(-600, 500)),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ k: fc.constant("time" as const), dt: fc.integer({ min: 1, max: 120 }) }),
  },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("funding" as const), m: market }) },
  {
    weight: 1,
    arbitrary: fc.record({ k: fc.constant("settle" as const), victim: fc.integer({ min: 1, max: 12 }) }),
  },
  // Adversarial: prices from -95% to +1,000% of the mark (many outside the bands).
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constant("far" as const),
      who,
      m: market,
      side: fc.nat(1),
      pct: fc.oneof(fc.integer({ min: -95, max: 1_000 }), fc.constantFrom(-50, 90, 99, 900)),
      lots: fc.integer({ min: 1, max: 3_000 }),
      tif: fc.nat(3),
      ro: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("jump" as const), u: fc.nat(1), up: fc.boolean() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constant("collude" as const),
      a: who,
      b: who,
      m: market,
      side: fc.nat(1),
      pct: fc.oneof(fc.integer({ min: -90, max: 900 }), fc.constantFrom(-50, 90, 99)),
      lots: fc.integer({ min: 1, max: 20_000 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constant("liquidate" as const),
      who,
      victim: fc.integer({ min: 1, max: 12 }),
      m: market,
      lots: fc.integer({ min: 1, max: 5_000 }),
    }),
  },
);

/** Sets up two perpetuals on two underlyings and a call expiring in 6 hours, and funds every trader. */
export function propertyExchange(h = new EngineHarness()): { x: TestExchange; prices: bigint[] } {
  const x = new TestExchange(h);
  x.setup();
  expect(x.setUnderlying(1n).code).toBe(Outcome.OK);
  expect(x.setPrice(1n, 2_000_000_000n).code).toBe(Outcome.OK);
  expect(
    x.setMarket(1n, {
      underlying: 1n,
      initialMarginPpm: 200_000n,
      maintenanceMarginPpm: 100_000n,
      priceBandPpm: 200_000n,
    }).code,
  ).toBe(Outcome.OK);
  expect(x.setOption(2n, { strike: 100_000_000n, volatilityE8: 60_000_000n }, 6n * 3_600n).code).toBe(
    Outcome.OK,
  );
  for (const t of TRADERS) x.deposit(t.address, 1_000_000_000n);
  return { x, prices: [100_000_000n, 2_000_000_000n] };
}

/** A price `pct` percent away from the mark of market m (the call: from its ~3 quote), on a tick. */
function farPrice(prices: bigint[], m: number, pct: number): bigint {
  const tick = m === 2 ? 1_000n : TICK;
  const mid = m === 2 ? 3_000_000n : prices[m];
  const p = mid + (mid * BigInt(pct)) / 100n;
  return p - (p % tick);
}

/** Runs one action; returns its outcome code (the last transaction's for multi-step actions). */
export function runAction(x: TestExchange, prices: bigint[], a: Action): number {
  const t = (i: number) => TRADERS[i].address;
  switch (a.k) {
    case "far": {
      const price = farPrice(prices, a.m, a.pct);
      if (price <= 0n) return -1;
      return x.order(t(a.who), a.side, price, BigInt(a.lots) * LOT, {
        tif: a.tif,
        reduceOnly: a.ro,
        market: BigInt(a.m),
      }).code;
    }
    case "jump": {
      // x100 or /100, kept within [1e5, 1e13] quote units so every product stays meaningful
      const p = a.up ? prices[a.u] * 100n : prices[a.u] / 100n;
      if (p < 100_000n || p > 10_000_000_000_000n) return -1;
      prices[a.u] = p;
      x.h.context = { ...x.h.context, timestamp: x.h.context.timestamp + 1n };
      return x.setPrice(BigInt(a.u), p).code;
    }
    case "collude": {
      // A rests an order at a bad price, B fills it, B liquidates A and tries to withdraw all it has.
      const price = farPrice(prices, a.m, a.pct);
      if (price <= 0n || a.a === a.b) return -1;
      const qty = BigInt(a.lots) * LOT;
      x.order(t(a.a), a.side, price, qty, { market: BigInt(a.m) });
      x.order(t(a.b), 1 - a.side, price, qty, { market: BigInt(a.m), tif: 1 });
      x.send(t(a.b), "LIQUIDATE", {
        subaccount: 0n,
        market: BigInt(a.m),
        accountId: BigInt(x.accountId(t(a.a))),
        quantity: qty,
      });
      const col = x.account(t(a.b)).collateral;
      if (col <= 0n) return -1;
      return x.send(t(a.b), "WITHDRAW", { subaccount: 0n, amount: col }).code;
    }
    case "order": {
      // The call trades around 3 quote in steps of 0.05; the perpetuals around their index.
      const mid = a.m === 2 ? 3_000_000n : prices[a.m] - (prices[a.m] % TICK);
      const price = mid + BigInt(a.off) * (a.m === 2 ? 50_000n : TICK * (a.m === 0 ? 10n : 100n));
      if (price <= 0n) return -1;
      return x.order(t(a.who), a.side, price, BigInt(a.lots) * LOT, {
        tif: a.tif,
        reduceOnly: a.ro && a.lots % 4 === 0,
        market: BigInt(a.m),
        subaccount: BigInt(a.sub),
      }).code;
    }
    case "cancel":
      return x.send(t(a.who), "CANCEL", {
        market: BigInt(a.m),
        subaccount: BigInt(a.sub),
        orderId: BigInt(a.id),
      }).code;
    case "cancelAll":
      return x.send(t(a.who), "CANCEL_ALL", { market: BigInt(a.m), subaccount: BigInt(a.sub) }).code;
    case "deposit":
      return x.deposit(t(a.who), BigInt(a.amount), a.sub).code;
    case "withdraw":
      return x.send(t(a.who), "WITHDRAW", { subaccount: BigInt(a.sub), amount: BigInt(a.amount) }).code;
    case "transfer":
      return x.send(t(a.who), "TRANSFER", {
        fromSubaccount: BigInt(a.from),
        toSubaccount: BigInt(a.to),
        amount: BigInt(a.amount),
      }).code;
    case "price": {
      const p = prices[a.u] + (prices[a.u] * BigInt(a.move)) / 1000n;
      if (p <= TICK) return -1;
      prices[a.u] = p;
      // Reports carry the batch time: one second passes so the report is newer than the last.
      x.h.context = { ...x.h.context, timestamp: x.h.context.timestamp + 1n };
      return x.setPrice(BigInt(a.u), p).code;
    }
    case "liquidate":
      return x.send(t(a.who), "LIQUIDATE", {
        subaccount: 0n,
        market: BigInt(a.m),
        accountId: BigInt(a.victim),
        quantity: BigInt(a.lots) * LOT,
      }).code;
    case "funding":
      // Funding needs an interval to pass: jump an hour, keeping the oracle fresh.
      x.h.context = { ...x.h.context, timestamp: x.h.context.timestamp + 3_600n };
      for (const u of [0, 1]) x.setPrice(BigInt(u), prices[u]);
      return x.h.run(encodeFunding(a.m)).code;
    case "settle":
      return x.h.run(encodeSettle(2, a.victim)).code;
    case "time":
      x.h.context = { ...x.h.context, timestamp: x.h.context.timestamp + BigInt(a.dt) };
      return 0;
  }
}

export const actionSequence = (n: number) => fc.array(action, { minLength: n, maxLength: n });
