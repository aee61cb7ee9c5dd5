// Engine rules through the machine's fast runner: envelope and signatures, genesis and
// governance, oracle reports, deposits, withdrawals into the outbox, transfers.
import { describe, expect, it } from "vitest";
import {
  decodeCounters,
  decodeNonce,
  decodeOraclePrice,
  decodeWithdrawal,
  engineKeys,
  Outcome,
  signTx,
} from "../protocol/engine/index.ts";
import { EngineHarness, TestExchange, testAccount, underlyingBody } from "./engineHarness.ts";

const alice = testAccount(10);
const bob = testAccount(11);

function fresh(): TestExchange {
  const x = new TestExchange(new EngineHarness());
  x.setup();
  return x;
}

describe("engine envelope", () => {
  it("accepts a real EIP-712 signature and rejects a tampered one, a replay and a wrong signer", async () => {
    const x = new TestExchange(new EngineHarness());
    expect(x.genesis().code).toBe(Outcome.OK);
    const tx = await signTx(x.admin, x.chainId, {
      type: "SET_UNDERLYING",
      nonce: 0n,
      body: underlyingBody(0n, x.oracle.address, 60n),
    });
    const tampered = tx.slice();
    tampered[30] ^= 1; // a body byte: the digest changes, the recovered signer differs
    expect(x.h.run(tampered).code).toBe(Outcome.BAD_SIGNATURE);
    const r = x.h.run(tx);
    expect(r).toMatchObject({ outcome: "executed", code: Outcome.OK });
    expect(decodeNonce(x.h.get(engineKeys.nonce(x.admin.address)))).toBe(1n);
    expect(x.h.run(tx).code).toBe(Outcome.BAD_NONCE);
    // Signed by alice but claiming the admin as signer.
    const forged = await signTx(alice, x.chainId, {
      type: "SET_UNDERLYING",
      nonce: 1n,
      body: underlyingBody(1n, x.oracle.address, 60n),
    });
    forged.set(Buffer.from(x.admin.address.slice(2), "hex"), 1);
    expect(x.h.run(forged).code).toBe(Outcome.BAD_SIGNATURE);
    // A signature for another chain id does not verify.
    const other = await signTx(x.admin, 1n, {
      type: "SET_UNDERLYING",
      nonce: 1n,
      body: underlyingBody(1n, x.oracle.address, 60n),
    });
    expect(x.h.run(other).code).toBe(Outcome.BAD_SIGNATURE);
  });

  it("rejects malformed inputs without writing anything", () => {
    const x = new TestExchange(new EngineHarness());
    x.genesis();
    const before = x.h.root();
    for (const input of [new Uint8Array([0x40]), new Uint8Array([0x99, 1, 2]), new Uint8Array(600)]) {
      const r = x.h.run(input);
      expect(r).toMatchObject({ outcome: "executed", code: Outcome.BAD_ENCODING, writes: [] });
    }
    expect(x.h.root()).toEqual(before);
  });

  it("a rejected signed transaction consumes its nonce and nothing else", () => {
    const x = fresh();
    const before = x.h.state.size;
    const r = x.send(alice.address, "SET_MARKET", {
      market: 1n,
      underlying: 0n,
      tickSize: 1n,
      lotSize: 1n,
      maxQuantity: 1n,
      initialMarginPpm: 1n,
      maintenanceMarginPpm: 1n,
      makerFeePpm: 0n,
      takerFeePpm: 0n,
      liquidationPenaltyPpm: 0n,
      priceBandPpm: 1n,
    });
    expect(r.code).toBe(Outcome.NOT_ADMIN);
    expect(r.writes.length).toBe(1);
    expect(x.h.state.size).toBe(before + 1);
    expect(decodeNonce(x.h.get(engineKeys.nonce(alice.address)))).toBe(1n);
  });
});

describe("engine genesis and governance", () => {
  it("genesis runs once; signed transactions need it", () => {
    const x = new TestExchange(new EngineHarness());
    expect(x.setUnderlying(0n).code).toBe(Outcome.NOT_INITIALIZED);
    expect(x.genesis().code).toBe(Outcome.OK);
    expect(x.genesis().code).toBe(Outcome.ALREADY_INITIALIZED);
  });

  it("validates market parameters", () => {
    const x = fresh();
    expect(x.setMarket(1n, { underlying: 9n }).code).toBe(Outcome.UNKNOWN_UNDERLYING);
    expect(x.setMarket(1n, { initialMarginPpm: 10_000n }).code).toBe(Outcome.BAD_MARKET_PARAMS); // imf < mmf
    expect(x.setMarket(1n, { tickSize: 0n }).code).toBe(Outcome.BAD_MARKET_PARAMS);
    expect(x.setMarket(1n, { maxQuantity: 150_000n }).code).toBe(Outcome.BAD_MARKET_PARAMS); // not a lot multiple
    expect(x.setMarket(32n).code).toBe(Outcome.BAD_MARKET_PARAMS);
    expect(x.setMarket(0n, { tickSize: 20_000n }).code).toBe(Outcome.BAD_MARKET_PARAMS); // tick of a live market
    expect(x.setMarket(0n, { takerFeePpm: 700n }).code).toBe(Outcome.OK); // fees may change
  });
});

describe("engine oracle", () => {
  it("accepts newer, fresh reports from the registered signer only", () => {
    const x = fresh();
    const now = x.h.context.timestamp;
    expect(x.send(alice.address, "PRICE", { underlying: 0n, price: 5n, timestamp: now }).code).toBe(
      Outcome.NOT_ORACLE_SIGNER,
    );
    expect(x.setPrice(0n, 7n, now).code).toBe(Outcome.PRICE_NOT_NEWER); // setup stored `now`
    expect(x.setPrice(0n, 7n, now + 1n).code).toBe(Outcome.PRICE_STALE); // in the batch's future
    x.h.context = { ...x.h.context, timestamp: now + 10_000n };
    expect(x.setPrice(0n, 7n, now + 1n).code).toBe(Outcome.PRICE_STALE); // older than max age
    expect(x.setPrice(0n, 7n, now + 9_000n).code).toBe(Outcome.OK);
    expect(decodeOraclePrice(x.h.get(engineKeys.underlying(0, 1)))).toEqual({
      price: 7n,
      timestamp: now + 9_000n,
      maxPriceAgeSeconds: 3600,
      nextSettlementBoundary: 0n,
    });
    expect(x.setPrice(5n, 7n, now + 9_001n).code).toBe(Outcome.UNKNOWN_UNDERLYING);
  });
});

describe("engine collateral", () => {
  it("credits deposits only from the delayed inbox", () => {
    const x = fresh();
    expect(x.h.run(new Uint8Array([0x02, 1, 2, 3]), 1n).code).toBe(Outcome.BAD_ENCODING); // truncated
    const r = x.h.run(
      (() => {
        const d = new Uint8Array(30);
        d[0] = 0x02;
        d.set(Buffer.from(alice.address.slice(2), "hex"), 1);
        d[29] = 5;
        return d;
      })(),
      0n,
    );
    expect(r.code).toBe(Outcome.NOT_FROM_L1);
    expect(x.deposit(alice.address, 1_000n).code).toBe(Outcome.OK);
    expect(x.deposit(alice.address, 500n).code).toBe(Outcome.OK);
    expect(x.account(alice.address).collateral).toBe(1_500n);
    expect(x.account(alice.address).owner).toBe(alice.address.toLowerCase());
    expect(x.deposit(alice.address, 0n).code).toBe(Outcome.BAD_AMOUNT);
    expect(x.totals().deposited).toBe(1_500n);
  });

  it("withdraws into the outbox, within collateral", () => {
    const x = fresh();
    x.deposit(alice.address, 1_000n);
    expect(x.send(bob.address, "WITHDRAW", { subaccount: 0n, amount: 1n }).code).toBe(
      Outcome.UNKNOWN_ACCOUNT,
    );
    expect(x.send(alice.address, "WITHDRAW", { subaccount: 0n, amount: 1_001n }).code).toBe(
      Outcome.INSUFFICIENT_COLLATERAL,
    );
    expect(x.send(alice.address, "WITHDRAW", { subaccount: 0n, amount: 400n }).code).toBe(Outcome.OK);
    expect(x.send(alice.address, "WITHDRAW", { subaccount: 0n, amount: 600n }).code).toBe(Outcome.OK);
    expect(x.account(alice.address).collateral).toBe(0n);
    expect(decodeCounters(x.h.get(engineKeys.counters())).withdrawals).toBe(2n);
    expect(decodeWithdrawal(x.h.get(engineKeys.outbox(0n)))).toEqual({
      recipient: alice.address.toLowerCase(),
      amount: 400n,
    });
    expect(decodeWithdrawal(x.h.get(engineKeys.outbox(1n))).amount).toBe(600n);
    expect(x.totals().withdrawn).toBe(1_000n);
  });

  it("withdrawals keep the initial margin of open positions", () => {
    const x = fresh();
    x.deposit(alice.address, 100_000_000n);
    x.deposit(bob.address, 100_000_000n);
    // 1 base at 100 quote: notional 100e6, initial margin 10% = 10e6.
    expect(x.order(alice.address, 1, 100_000_000n, 100_000_000n).code).toBe(Outcome.OK);
    expect(x.order(bob.address, 0, 100_000_000n, 100_000_000n, { tif: 1 }).code).toBe(Outcome.OK);
    const col = x.account(bob.address).collateral; // 100e6 minus the taker fee
    expect(col).toBe(100_000_000n - 50_000n);
    expect(x.send(bob.address, "WITHDRAW", { subaccount: 0n, amount: col - 9_999_999n }).code).toBe(
      Outcome.INSUFFICIENT_MARGIN,
    );
    expect(x.send(bob.address, "WITHDRAW", { subaccount: 0n, amount: col - 10_000_000n }).code).toBe(
      Outcome.OK,
    );
  });

  it("transfers between subaccounts of one owner", () => {
    const x = fresh();
    x.deposit(alice.address, 1_000n);
    expect(
      x.send(alice.address, "TRANSFER", { fromSubaccount: 0n, toSubaccount: 3n, amount: 300n }).code,
    ).toBe(Outcome.OK);
    expect(x.account(alice.address, 0).collateral).toBe(700n);
    expect(x.account(alice.address, 3).collateral).toBe(300n);
    expect(
      x.send(alice.address, "TRANSFER", { fromSubaccount: 3n, toSubaccount: 0n, amount: 301n }).code,
    ).toBe(Outcome.INSUFFICIENT_COLLATERAL);
    expect(x.send(alice.address, "TRANSFER", { fromSubaccount: 3n, toSubaccount: 3n, amount: 1n }).code).toBe(
      Outcome.BAD_AMOUNT,
    );
    expect(x.send(bob.address, "TRANSFER", { fromSubaccount: 0n, toSubaccount: 1n, amount: 1n }).code).toBe(
      Outcome.UNKNOWN_ACCOUNT,
    );
  });
});
