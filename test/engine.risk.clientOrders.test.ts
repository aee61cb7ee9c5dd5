// Client order ids (ORDER_CID / CANCEL_CID): a 16-byte id the client picks, unique among the
// account's live orders in a market, cancel by it; free again once its order is gone.
import { describe, expect, it } from "vitest";
import { engineKeys, Outcome, Side, TimeInForce } from "../protocol/engine/index.ts";
import { EngineHarness, TestExchange, testAccount } from "./engineHarness.ts";

const [alice, bob] = [testAccount(10), testAccount(11)];
const ONE = 100_000_000n;
const Q = 1_000_000n;
const CID = { high: 0x0123456789abcdefn, low: 0xfedcba9876543210n };

function fresh(): TestExchange {
  const x = new TestExchange(new EngineHarness());
  x.setup();
  x.deposit(alice.address, 10_000n * Q);
  x.deposit(bob.address, 10_000n * Q);
  return x;
}

function orderCid(x: TestExchange, who: `0x${string}`, side: number, price: bigint, cid = CID, tif = 0) {
  return x.send(who, "ORDER_CID", {
    market: 0n,
    subaccount: 0n,
    side: BigInt(side),
    timeInForce: BigInt(tif),
    reduceOnly: false,
    price,
    quantity: ONE,
    clientIdHigh: cid.high,
    clientIdLow: cid.low,
  });
}

function cancelCid(x: TestExchange, who: `0x${string}`, cid = CID) {
  return x.send(who, "CANCEL_CID", {
    market: 0n,
    subaccount: 0n,
    clientIdHigh: cid.high,
    clientIdLow: cid.low,
  });
}

describe("client order ids", () => {
  it("names a resting order: unique while it lives, cancel by it, free again after", () => {
    const x = fresh();
    expect(orderCid(x, alice.address, Side.BUY, 99n * Q).code).toBe(Outcome.OK);
    expect(orderCid(x, alice.address, Side.BUY, 98n * Q).code).toBe(Outcome.DUPLICATE_CLIENT_ID);
    // another account may use the same id, and a different id is fine
    expect(orderCid(x, bob.address, Side.SELL, 101n * Q).code).toBe(Outcome.OK);
    expect(orderCid(x, alice.address, Side.BUY, 98n * Q, { high: 1n, low: 2n }).code).toBe(Outcome.OK);
    // bob cannot cancel alice's order by her id (his own id names his own order)
    expect(cancelCid(x, bob.address).code).toBe(Outcome.OK);
    expect(x.position(alice.address).openBid).toBe(2n * ONE);
    expect(cancelCid(x, alice.address).code).toBe(Outcome.OK);
    expect(x.position(alice.address).openBid).toBe(ONE);
    expect(cancelCid(x, alice.address).code).toBe(Outcome.ORDER_NOT_FOUND);
    // the id is free again
    expect(orderCid(x, alice.address, Side.BUY, 97n * Q).code).toBe(Outcome.OK);
    expect(x.h.get(engineKeys.clientOrder(x.accountId(alice.address), 0, CID.high, CID.low))[0]).toBe(4);
  });

  it("an order that fills or does not rest leaves its id free; a filled order cannot be cancelled by it", () => {
    const x = fresh();
    expect(orderCid(x, alice.address, Side.SELL, 100n * Q).code).toBe(Outcome.OK);
    expect(x.order(bob.address, Side.BUY, 100n * Q, ONE, { tif: TimeInForce.IOC }).code).toBe(Outcome.OK);
    expect(cancelCid(x, alice.address).code).toBe(Outcome.ORDER_NOT_FOUND);
    expect(orderCid(x, alice.address, Side.BUY, 90n * Q, CID, TimeInForce.IOC).code).toBe(Outcome.OK); // nothing to fill
    expect(cancelCid(x, alice.address).code).toBe(Outcome.ORDER_NOT_FOUND);
    expect(orderCid(x, alice.address, Side.BUY, 90n * Q).code).toBe(Outcome.OK);
    expect(cancelCid(x, alice.address).code).toBe(Outcome.OK);
  });
});
