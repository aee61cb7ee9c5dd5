// What a price report costs (docs/engine.md, "Oracle", "Cost"): the common case (one reporter,
// one perpetual) and the worst case (five reporters; 24 perpetuals, each sampled with impact
// walks of four levels per side; 8 option series passing both settlement boundaries in one
// update). Gas is the machine's metered gas, the same on the JIT and the interpreter.
import { describe, expect, it } from "vitest";
import { decodeSettlement, engineKeys, Outcome, Side } from "../protocol/engine/index.ts";
import { TX_GAS_LIMIT } from "../vm/params.ts";
import { EngineHarness, TestExchange, testAccount } from "./engineHarness.ts";

const reporters = [testAccount(1), testAccount(21), testAccount(22), testAccount(23), testAccount(24)];
const quoter = testAccount(50);
const P100 = 100_000_000n;
const ONE = 100_000_000n;

describe("engine prices: report gas", () => {
  it("common case and worst case, both far under the transaction gas limit", () => {
    const common = new TestExchange(new EngineHarness());
    common.setup();
    common.h.context = { ...common.h.context, timestamp: common.h.context.timestamp + 1n };
    const one = common.setPrice(0n, P100);
    expect(one.code).toBe(Outcome.OK);

    const x = new TestExchange(new EngineHarness());
    expect(x.genesis().code).toBe(Outcome.OK);
    const r = x.setUnderlying(0n, 3600n, {
      reporter1: reporters[1].address,
      reporter2: reporters[2].address,
      reporter3: reporters[3].address,
      reporter4: reporters[4].address,
      quorum: 3n,
      maxMovePpm: 100_000n,
      settlementWindowSeconds: 600n,
      impactQuantity: ONE,
    });
    expect(r.code).toBe(Outcome.OK);
    const report = (i: number) =>
      x.send(reporters[i].address, "PRICE", {
        underlying: 0n,
        price: P100,
        timestamp: x.h.context.timestamp,
      });
    for (let i = 0; i < 5; i++) expect(report(i).code).toBe(Outcome.OK);
    x.deposit(quoter.address, 1_000_000_000_000n);
    for (let m = 0n; m < 24n; m++) {
      expect(x.setMarket(m).code).toBe(Outcome.OK);
      // The impact quantity fills at the fourth level of each side: the longest walk.
      for (let i = 0n; i < 4n; i++) {
        x.order(quoter.address, Side.BUY, 99_000_000n - i * 10_000n, ONE / 4n, { market: m });
        x.order(quoter.address, Side.SELL, 101_000_000n + i * 10_000n, ONE / 4n, { market: m });
      }
    }
    const expiry = x.h.context.timestamp + 3_600n;
    for (let m = 24n; m < 32n; m++) expect(x.setOption(m, {}, 3_600n).code).toBe(Outcome.OK);
    // The others report before the windows open; reporter 0's report after expiry then
    // updates the index past both boundaries of every series at once.
    x.h.context = { ...x.h.context, timestamp: expiry - 601n };
    for (let i = 1; i < 5; i++) expect(report(i).code).toBe(Outcome.OK);
    x.h.context = { ...x.h.context, timestamp: expiry + 1n };
    const worst = report(0);
    expect(worst.code).toBe(Outcome.OK);
    for (let m = 24; m < 32; m++) expect(decodeSettlement(x.h.get(engineKeys.funding(m))).price).toBe(P100);
    console.log(`# PRICE gas: one reporter, one perpetual ${one.gasUsed}; worst case ${worst.gasUsed}`);
    expect(worst.gasUsed).toBeLessThan(TX_GAS_LIMIT / 10);
  });
});
