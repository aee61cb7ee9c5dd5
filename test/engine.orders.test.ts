// Order book rules through the machine's fast runner: price-time priority, time in force,
// post-only, reduce-only, cancels, self-trade prevention, the fill bound, fees, margin.
import { describe, expect, it } from "vitest";
import {
  bookLevels,
  levelOrders,
  MAX_FILLS_PER_TX,
  MAX_OPEN_ORDERS,
  Outcome,
  Side,
  TimeInForce,
} from "../protocol/engine/index.ts";
import { TX_GAS_LIMIT } from "../vm/params.ts";
import { EngineHarness, TestExchange, testAccount } from "./engineHarness.ts";

const [alice, bob, carol] = [testAccount(10), testAccount(11), testAccount(12)];
const ONE = 100_000_000n; // 1 base unit (qtyE8)
const P100 = 100_000_000n; // 100 quote (6 decimals)
const TICK = 10_000n;

function fresh(index = P100): TestExchange {
  const x = new TestExchange(new EngineHarness());
  x.setup(index);
  for (const a of [alice, bob, carol]) x.deposit(a.address, 1_000_000_000_000n);
  return x;
}

describe("engine order book", () => {
  it("a crossing order fills at the maker's price with maker and taker fees", () => {
    const x = fresh();
    expect(x.order(alice.address, Side.SELL, P100, ONE).code).toBe(Outcome.OK);
    expect(x.book().bestAskTick).toBe(Number(P100 / TICK));
    const r = x.order(bob.address, Side.BUY, P100 + 50n * TICK, ONE / 2n);
    expect(r.code).toBe(Outcome.OK);
    expect(x.position(bob.address)).toEqual({ base: ONE / 2n, quote: -P100 / 2n, openBid: 0n, openAsk: 0n });
    expect(x.position(alice.address)).toEqual({
      base: -ONE / 2n,
      quote: P100 / 2n,
      openBid: 0n,
      openAsk: ONE / 2n,
    });
    // notional 50e6: taker 500 ppm = 25,000; maker 200 ppm = 10,000
    expect(x.account(bob.address).collateral).toBe(1_000_000_000_000n - 25_000n);
    expect(x.account(alice.address).collateral).toBe(1_000_000_000_000n - 10_000n);
    expect(x.totals().feePool).toBe(35_000n);
    expect(x.level(Side.SELL, Number(P100 / TICK)).totalQuantity).toBe(ONE / 2n);
  });

  it("fills better prices first, and within a price the older order first", () => {
    const x = fresh();
    x.order(alice.address, Side.SELL, P100 + TICK, ONE); // id 1
    x.order(bob.address, Side.SELL, P100 + TICK, ONE); // id 2
    x.order(alice.address, Side.SELL, P100 + 2n * TICK, ONE); // id 3
    x.order(bob.address, Side.SELL, P100, ONE); // id 4: best
    expect(x.order(carol.address, Side.BUY, P100 + 2n * TICK, 2n * ONE + ONE / 2n).code).toBe(Outcome.OK);
    expect(x.restingOrder(4n).quantity).toBe(0n); // filled and removed
    expect(x.restingOrder(1n).quantity).toBe(0n);
    expect(x.restingOrder(2n).quantity).toBe(ONE / 2n);
    expect(x.restingOrder(3n).quantity).toBe(ONE);
    expect(x.book().bestAskTick).toBe(Number((P100 + TICK) / TICK));
    // carol paid 100 + 100.01 + 0.5 * 100.01 = 250.015
    expect(x.position(carol.address).quote).toBe(-250_015_000n);
  });

  it("IOC cancels its remainder, GTC rests it", () => {
    const x = fresh();
    x.order(alice.address, Side.SELL, P100, ONE);
    expect(x.order(bob.address, Side.BUY, P100, 3n * ONE, { tif: TimeInForce.IOC }).code).toBe(Outcome.OK);
    expect(x.position(bob.address)).toMatchObject({ base: ONE, openBid: 0n });
    expect(x.book()).toMatchObject({ bestBidTick: 0, bestAskTick: 0 });
    x.order(alice.address, Side.SELL, P100, ONE);
    expect(x.order(bob.address, Side.BUY, P100, 3n * ONE).code).toBe(Outcome.OK);
    expect(x.position(bob.address)).toMatchObject({ base: 2n * ONE, openBid: 2n * ONE });
    expect(x.book().bestBidTick).toBe(Number(P100 / TICK));
  });

  it("FOK fills entirely or changes nothing but the nonce", () => {
    const x = fresh();
    x.order(alice.address, Side.SELL, P100, ONE);
    x.order(alice.address, Side.SELL, P100 + TICK, ONE);
    const root = x.h.root();
    const r = x.order(bob.address, Side.BUY, P100 + TICK, 3n * ONE, { tif: TimeInForce.FOK });
    expect(r.code).toBe(Outcome.FOK_NOT_FILLED);
    expect(r.writes.length).toBe(1); // the nonce
    expect(x.restingOrder(1n).quantity).toBe(ONE);
    expect(x.h.root()).not.toEqual(root);
    expect(x.order(bob.address, Side.BUY, P100 + TICK, 2n * ONE, { tif: TimeInForce.FOK }).code).toBe(
      Outcome.OK,
    );
    expect(x.position(bob.address).base).toBe(2n * ONE);
  });

  it("post-only rejects a crossing order and rests otherwise", () => {
    const x = fresh();
    x.order(alice.address, Side.SELL, P100, ONE);
    expect(x.order(bob.address, Side.BUY, P100, ONE, { tif: TimeInForce.POST_ONLY }).code).toBe(
      Outcome.POST_ONLY_WOULD_CROSS,
    );
    expect(x.order(bob.address, Side.BUY, P100 - TICK, ONE, { tif: TimeInForce.POST_ONLY }).code).toBe(
      Outcome.OK,
    );
    expect(x.book()).toMatchObject({
      bestBidTick: Number((P100 - TICK) / TICK),
      bestAskTick: Number(P100 / TICK),
    });
  });

  it("reduce-only only reduces, clipped to the position, and never rests", () => {
    const x = fresh();
    expect(x.order(bob.address, Side.SELL, P100, ONE, { reduceOnly: true }).code).toBe(
      Outcome.REDUCE_ONLY_REJECTED,
    );
    x.order(alice.address, Side.SELL, P100, ONE);
    x.order(bob.address, Side.BUY, P100, ONE, { tif: TimeInForce.IOC });
    expect(x.order(bob.address, Side.BUY, P100, ONE, { reduceOnly: true }).code).toBe(
      Outcome.REDUCE_ONLY_REJECTED,
    );
    x.order(carol.address, Side.BUY, P100, 5n * ONE);
    expect(x.order(bob.address, Side.SELL, P100, 3n * ONE, { reduceOnly: true }).code).toBe(Outcome.OK);
    expect(x.position(bob.address)).toEqual({ base: 0n, quote: 0n, openBid: 0n, openAsk: 0n });
    expect(x.position(carol.address).base).toBe(ONE);
  });

  it("rejects off-tick prices, off-lot and oversized quantities, unknown markets", () => {
    const x = fresh();
    expect(x.order(bob.address, Side.BUY, P100 + 1n, ONE).code).toBe(Outcome.PRICE_OFF_TICK);
    expect(x.order(bob.address, Side.BUY, 0n, ONE).code).toBe(Outcome.PRICE_OFF_TICK);
    expect(x.order(bob.address, Side.BUY, P100, 1n).code).toBe(Outcome.QUANTITY_OFF_LOT);
    expect(x.order(bob.address, Side.BUY, P100, 20_000n * ONE).code).toBe(Outcome.QUANTITY_TOO_LARGE);
    expect(x.order(bob.address, Side.BUY, P100, ONE, { market: 3n }).code).toBe(Outcome.UNKNOWN_MARKET);
    expect(x.order(testAccount(50).address, Side.BUY, P100, ONE).code).toBe(Outcome.UNKNOWN_ACCOUNT);
  });

  it("services read the book's levels and orders from state (protocol/engine readBook)", () => {
    const B = 10n * P100; // 1,000 quote
    const x = fresh(B); // the index there: every order inside the price band
    const get = (k: Uint8Array) => x.h.get(k);
    const prices = [B - TICK, B - 300n * TICK, B - 300n * TICK, B - 70_000n * TICK + 3n * TICK];
    for (const p of prices) expect(x.order(alice.address, Side.BUY, p, ONE).code).toBe(Outcome.OK);
    x.order(bob.address, Side.BUY, B - 300n * TICK, ONE / 2n);
    x.order(bob.address, Side.SELL, B, ONE);
    const bids = bookLevels(get, 0, 0, 10);
    expect(bids).toEqual([
      { tick: Number((B - TICK) / TICK), totalQuantity: ONE, orders: 1 },
      { tick: Number((B - 300n * TICK) / TICK), totalQuantity: 2n * ONE + ONE / 2n, orders: 3 },
      { tick: Number((B - 70_000n * TICK + 3n * TICK) / TICK), totalQuantity: ONE, orders: 1 },
    ]);
    expect(bookLevels(get, 0, 0, 2).length).toBe(2);
    expect(bookLevels(get, 0, 1, 10)).toEqual([{ tick: Number(B / TICK), totalQuantity: ONE, orders: 1 }]);
    const level = levelOrders(get, 0, 0, bids[1].tick);
    expect(level.map((o) => [o.id, o.owner, o.quantity])).toEqual([
      [2n, x.accountId(alice.address), ONE],
      [3n, x.accountId(alice.address), ONE],
      [5n, x.accountId(bob.address), ONE / 2n],
    ]);
  });

  it("cancels one order of its owner only, and all of them", () => {
    const P1000 = 10n * P100;
    const x = fresh(P1000);
    x.order(alice.address, Side.BUY, P1000 - TICK, ONE); // 1
    x.order(alice.address, Side.BUY, P1000 - 300n * TICK, ONE); // 2: another bitmap word
    x.order(alice.address, Side.BUY, P1000 - 70_000n * TICK, ONE); // 3: another level-1 word
    expect(x.book().bestBidTick).toBe(Number((P1000 - TICK) / TICK));
    expect(x.send(bob.address, "CANCEL", { market: 0n, subaccount: 0n, orderId: 1n }).code).toBe(
      Outcome.ORDER_NOT_FOUND,
    );
    expect(x.send(alice.address, "CANCEL", { market: 0n, subaccount: 0n, orderId: 1n }).code).toBe(
      Outcome.OK,
    );
    expect(x.book().bestBidTick).toBe(Number((P1000 - 300n * TICK) / TICK));
    expect(x.send(alice.address, "CANCEL", { market: 0n, subaccount: 0n, orderId: 1n }).code).toBe(
      Outcome.ORDER_NOT_FOUND,
    );
    expect(x.send(alice.address, "CANCEL", { market: 0n, subaccount: 0n, orderId: 2n }).code).toBe(
      Outcome.OK,
    );
    expect(x.book().bestBidTick).toBe(Number((P1000 - 70_000n * TICK) / TICK));
    x.order(alice.address, Side.SELL, P1000 + TICK, ONE);
    expect(x.send(alice.address, "CANCEL_ALL", { market: 0n, subaccount: 0n }).code).toBe(Outcome.OK);
    expect(x.book()).toMatchObject({ bestBidTick: 0, bestAskTick: 0 });
    expect(x.position(alice.address)).toEqual({ base: 0n, quote: 0n, openBid: 0n, openAsk: 0n });
    expect(x.account(alice.address).marketMask).toBe(0);
  });

  it("self-trade prevention cancels the resting order and keeps matching", () => {
    const x = fresh();
    x.order(alice.address, Side.SELL, P100, ONE); // 1: alice's own, oldest
    x.order(bob.address, Side.SELL, P100, ONE); // 2
    expect(x.order(alice.address, Side.BUY, P100, ONE).code).toBe(Outcome.OK);
    expect(x.restingOrder(1n).quantity).toBe(0n);
    expect(x.restingOrder(2n).quantity).toBe(0n);
    expect(x.position(alice.address)).toMatchObject({ base: ONE, openAsk: 0n });
    expect(x.position(bob.address).base).toBe(-ONE);
  });

  it(`touches at most ${MAX_FILLS_PER_TX} maker orders, and a remainder that still crosses does not rest`, () => {
    const x = fresh();
    const makers = Array.from({ length: 5 }, (_, i) => testAccount(20 + i));
    for (const m of makers) x.deposit(m.address, 1_000_000_000_000n);
    for (let i = 0; i < MAX_FILLS_PER_TX + 4; i++) {
      expect(x.order(makers[i % 5].address, Side.SELL, P100, ONE / 10n).code).toBe(Outcome.OK);
    }
    expect(x.order(bob.address, Side.BUY, P100, 10n * ONE).code).toBe(Outcome.OK);
    expect(x.position(bob.address)).toMatchObject({
      base: (BigInt(MAX_FILLS_PER_TX) * ONE) / 10n,
      openBid: 0n,
    });
    expect(x.level(Side.SELL, Number(P100 / TICK)).totalQuantity).toBe((4n * ONE) / 10n);
  });

  it("a worst-case sweep (the fill bound over levels far apart in the tick bitmap) stays far under the gas limit", () => {
    // The index at 15,000 quote: the band (0 to 2x the index) holds asks from 100 to 28,100.
    const x = fresh(15_000n * 1_000_000n);
    const makers = Array.from({ length: 8 }, (_, i) => testAccount(40 + i));
    for (const m of makers) x.deposit(m.address, 1_000_000_000_000n);
    // 40 asks, each on its own level, 70,000 ticks apart: every removal walks the bitmap's upper words.
    for (let i = 0; i < 40; i++) {
      const r = x.order(makers[i % 8].address, Side.SELL, P100 + BigInt(i) * 70_000n * TICK, ONE / 10n);
      expect(r.code).toBe(Outcome.OK);
    }
    const ok = x.order(bob.address, Side.BUY, P100 + 40n * 70_000n * TICK, 10n * ONE, {
      tif: TimeInForce.IOC,
    });
    expect(ok.code).toBe(Outcome.OK);
    expect(x.position(bob.address).base).toBe((BigInt(MAX_FILLS_PER_TX) * ONE) / 10n);
    expect(x.book().bestAskTick).toBe(Number((P100 + 32n * 70_000n * TICK) / TICK));
    expect(ok.gasUsed).toBeLessThan(TX_GAS_LIMIT / 10);
  });

  it(`keeps at most ${MAX_OPEN_ORDERS} resting orders per account and market`, () => {
    const x = fresh();
    for (let i = 0; i < MAX_OPEN_ORDERS; i++) {
      expect(x.order(alice.address, Side.BUY, P100 - BigInt(i + 1) * TICK, ONE).code).toBe(Outcome.OK);
    }
    expect(x.order(alice.address, Side.BUY, P100 - 20n * TICK, ONE).code).toBe(Outcome.TOO_MANY_OPEN_ORDERS);
    expect(x.order(alice.address, Side.BUY, P100 - 20n * TICK, ONE, { tif: TimeInForce.IOC }).code).toBe(
      Outcome.OK,
    );
  });

  it("rejects orders whose worst case breaks the initial margin, counting resting orders", () => {
    const x = fresh();
    const dan = testAccount(30);
    x.deposit(dan.address, 10_000_000n); // 10 quote: 100 quote of notional at 10%
    expect(x.order(dan.address, Side.BUY, P100, ONE).code).toBe(Outcome.OK);
    expect(x.order(dan.address, Side.BUY, P100, ONE / 1000n).code).toBe(Outcome.INSUFFICIENT_MARGIN);
    // The sell side's worst case nets against nothing: |0 - 1| = 1, still within margin.
    expect(x.order(dan.address, Side.SELL, 2n * P100, ONE).code).toBe(Outcome.OK);
  });

  it("margin checks need a fresh index: stale after the underlying's max age, which governance can change", () => {
    const x = fresh();
    x.h.context = { ...x.h.context, timestamp: x.h.context.timestamp + 3_601n };
    expect(x.order(bob.address, Side.BUY, P100, ONE).code).toBe(Outcome.PRICE_STALE);
    expect(x.setUnderlying(0n, 7_200n).code).toBe(Outcome.OK);
    expect(x.order(bob.address, Side.BUY, P100, ONE).code).toBe(Outcome.OK);
  });

  it("realizes the quote balance into collateral when a position closes", () => {
    const x = fresh();
    x.order(alice.address, Side.SELL, P100, ONE);
    x.order(bob.address, Side.BUY, P100, ONE);
    x.order(carol.address, Side.BUY, P100 + 1000n * TICK, ONE); // bid at 110
    const before = x.account(bob.address).collateral;
    expect(x.order(bob.address, Side.SELL, P100 + 1000n * TICK, ONE).code).toBe(Outcome.OK);
    // +10 quote of profit, minus the taker fee on 110 quote
    expect(x.account(bob.address).collateral).toBe(before + 10_000_000n - 55_000n);
    expect(x.position(bob.address)).toEqual({ base: 0n, quote: 0n, openBid: 0n, openAsk: 0n });
  });
});
