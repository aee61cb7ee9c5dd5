// MAX_OPEN_ORDERS (64) resting orders per account and market stay gas-bounded: placing the
// last, cancelling all, the open-loss walk over all of them, and a liquidation that cancels
// them all and then auto-deleverages, each measured against the transaction gas limit.
import { describe, expect, it } from "vitest";
import { MAX_OPEN_ORDERS, Outcome, Side, TimeInForce } from "../protocol/engine/index.ts";
import { TX_GAS_LIMIT } from "../vm/params.ts";
import { EngineHarness, TestExchange, testAccount } from "./engineHarness.ts";

const [mm, bob, keeper] = [testAccount(10), testAccount(11), testAccount(12)];
const ONE = 100_000_000n;
const Q = 1_000_000n;
const TICK = 10_000n;

/** A market maker with MAX_OPEN_ORDERS resting orders, alternating bids and asks around 100. */
function ladder(collateral: bigint): TestExchange {
  const x = new TestExchange(new EngineHarness());
  x.setup();
  x.deposit(mm.address, collateral);
  x.deposit(bob.address, 1_000_000n * Q);
  x.deposit(keeper.address, 1_000_000n * Q);
  for (let i = 0; i < MAX_OPEN_ORDERS; i++) {
    const off = BigInt(Math.floor(i / 2) + 1) * TICK * 10n;
    const r = x.order(mm.address, i % 2, i % 2 === 0 ? 100n * Q - off : 100n * Q + off, ONE / 100n);
    expect(r.code).toBe(Outcome.OK);
  }
  return x;
}

describe(`${MAX_OPEN_ORDERS} open orders per account and market`, () => {
  it("cancel-all, the open-loss walk and a further order stay under a tenth of the gas limit", () => {
    const x = ladder(1_000n * Q);
    expect(x.order(mm.address, Side.BUY, 90n * Q, ONE / 100n).code).toBe(Outcome.TOO_MANY_OPEN_ORDERS);
    // The index falls below every bid: the initial check walks all 64 orders.
    x.h.context = { ...x.h.context, timestamp: x.h.context.timestamp + 1n };
    expect(x.setPrice(0n, 95n * Q).code).toBe(Outcome.OK);
    const walk = x.send(mm.address, "WITHDRAW", { subaccount: 0n, amount: Q });
    expect(walk.code).toBe(Outcome.OK);
    const all = x.send(mm.address, "CANCEL_ALL", { market: 0n, subaccount: 0n });
    expect(all.code).toBe(Outcome.OK);
    expect(x.position(mm.address)).toMatchObject({ openBid: 0n, openAsk: 0n });
    console.log(
      `64 orders: withdraw with the open-loss walk ${walk.gasUsed} gas, cancel-all ${all.gasUsed} gas`,
    );
    expect(walk.gasUsed).toBeLessThan(TX_GAS_LIMIT / 10);
    expect(all.gasUsed).toBeLessThan(TX_GAS_LIMIT / 10);
  });

  it("a liquidation that cancels 64 orders and then auto-deleverages stays under a tenth of the gas limit", () => {
    const x = ladder(30n * Q);
    // mm goes long 1 from bob, with its 64 orders still resting
    x.order(bob.address, Side.SELL, 100n * Q, ONE);
    expect(x.order(mm.address, Side.BUY, 100n * Q, ONE, { tif: TimeInForce.IOC }).code).toBe(Outcome.OK);
    x.h.context = { ...x.h.context, timestamp: x.h.context.timestamp + 1n };
    expect(x.setPrice(0n, 60n * Q).code).toBe(Outcome.OK); // mm is bankrupt, the fund empty
    const r = x.send(keeper.address, "LIQUIDATE", {
      subaccount: 0n,
      market: 0n,
      accountId: BigInt(x.accountId(mm.address)),
      quantity: 10n * ONE,
    });
    expect(r.code).toBe(Outcome.OK);
    expect(x.position(mm.address)).toMatchObject({ openBid: 0n, openAsk: 0n });
    console.log(`64 orders: liquidation with cancels and ADL ${r.gasUsed} gas`);
    expect(r.gasUsed).toBeLessThan(TX_GAS_LIMIT / 10);
  });
});

describe("makers spread over every market", () => {
  it("an order sweeping 32 makers with positions in 32 markets each executes (matching stops at the slot reserve)", () => {
    const x = new TestExchange(new EngineHarness());
    x.setup();
    const LOT = 100_000n;
    const filler = testAccount(20);
    const makers = Array.from({ length: 32 }, (_, i) => testAccount(100 + i));
    x.deposit(filler.address, 10_000_000n * Q);
    x.deposit(bob.address, 10_000_000n * Q);
    for (let m = 1n; m < 32n; m++) expect(x.setMarket(m).code).toBe(Outcome.OK);
    for (let m = 0n; m < 32n; m++) {
      expect(x.order(filler.address, Side.BUY, 100n * Q, 32n * LOT, { market: m }).code).toBe(Outcome.OK);
    }
    for (const k of makers) {
      x.deposit(k.address, 100_000n * Q);
      for (let m = 0n; m < 32n; m++) {
        expect(x.order(k.address, Side.SELL, 100n * Q, LOT, { market: m, tif: TimeInForce.IOC }).code).toBe(
          Outcome.OK,
        );
      }
      expect(x.order(k.address, Side.SELL, 100n * Q + TICK, LOT).code).toBe(Outcome.OK);
    }
    const r = x.order(bob.address, Side.BUY, 100n * Q + TICK, 32n * LOT, { tif: TimeInForce.IOC });
    expect(r.outcome).toBe("executed");
    expect(r.code).toBe(Outcome.OK);
    const got = x.position(bob.address).base;
    expect(got).toBeGreaterThan(0n);
    console.log(
      `sweep of makers in 32 markets: ${got / LOT} of 32 fills before the slot reserve, ${r.gasUsed} gas`,
    );
    expect(r.gasUsed).toBeLessThan(TX_GAS_LIMIT / 2);
  });
});
