// The oracle (docs/engine.md, "Oracle"): k-of-n reporters, the median of the fresh reports, the
// move bound per report, staleness, and governance's checks of the reporter list.
import { describe, expect, it } from "vitest";
import {
  decodeOraclePrice,
  decodeReporter,
  decodeUnderlying,
  engineKeys,
  Outcome,
} from "../protocol/engine/index.ts";
import { EngineHarness, TestExchange, testAccount, underlyingBody } from "./engineHarness.ts";

const reporters = [testAccount(1), testAccount(21), testAccount(22), testAccount(23), testAccount(24)];
const ZERO = "0x0000000000000000000000000000000000000000" as const;
const P100 = 100_000_000n;

/** Underlying 0 with the five reporters, quorum 3, a 10% move bound. */
function fiveReporters(p: Parameters<TestExchange["setUnderlying"]>[2] = {}): TestExchange {
  const x = new TestExchange(new EngineHarness());
  expect(x.genesis().code).toBe(Outcome.OK);
  const r = x.setUnderlying(0n, 600n, {
    reporter1: reporters[1].address,
    reporter2: reporters[2].address,
    reporter3: reporters[3].address,
    reporter4: reporters[4].address,
    quorum: 3n,
    maxMovePpm: 100_000n,
    ...p,
  });
  expect(r.code).toBe(Outcome.OK);
  return x;
}

function report(x: TestExchange, i: number, price: bigint, timestamp = x.h.context.timestamp) {
  return x.send(reporters[i].address, "PRICE", { underlying: 0n, price, timestamp }).code;
}

function index(x: TestExchange) {
  return decodeOraclePrice(x.h.get(engineKeys.underlying(0, 1)));
}

function tick(x: TestExchange, seconds = 1n): void {
  x.h.context = { ...x.h.context, timestamp: x.h.context.timestamp + seconds };
}

describe("oracle reporters", () => {
  it("governance checks the list: distinct, quorum within it, bounds in range", () => {
    const x = new TestExchange(new EngineHarness());
    x.genesis();
    const bad: Parameters<TestExchange["setUnderlying"]>[2][] = [
      { reporter1: reporters[0].address }, // a duplicate would vote twice
      { quorum: 0n },
      { quorum: 2n }, // one reporter
      { maxMovePpm: 0n },
      { maxMovePpm: 1_000_001n },
      { settlementWindowSeconds: 86_401n },
      { reporter0: ZERO },
    ];
    for (const p of bad) expect(x.setUnderlying(0n, 600n, p).code).toBe(Outcome.BAD_MARKET_PARAMS);
    expect(x.setUnderlying(0n, 0n).code).toBe(Outcome.BAD_MARKET_PARAMS);
    expect(
      x.send(reporters[1].address, "SET_UNDERLYING", underlyingBody(0n, reporters[1].address)).code,
    ).toBe(Outcome.NOT_ADMIN);
    expect(x.setUnderlying(0n, 600n, { reporter3: reporters[3].address, quorum: 2n }).code).toBe(Outcome.OK);
    expect(decodeUnderlying(x.h.get(engineKeys.underlying(0, 0)))).toMatchObject({
      registered: true,
      quorum: 2,
      reporterMask: 0b1001,
      maxPriceAgeSeconds: 600,
    });
  });

  it("the index is the median of the fresh reports once a quorum is fresh", () => {
    const x = fiveReporters();
    expect(
      x.send(testAccount(30).address, "PRICE", { underlying: 0n, price: P100, timestamp: 1n }).code,
    ).toBe(Outcome.NOT_ORACLE_SIGNER);
    expect(report(x, 0, P100)).toBe(Outcome.OK);
    expect(report(x, 1, 102_000_000n)).toBe(Outcome.OK);
    expect(index(x).price).toBe(0n); // 2 of 3
    expect(report(x, 2, 99_000_000n)).toBe(Outcome.OK);
    expect(index(x).price).toBe(P100); // median of 99, 100, 102
    tick(x);
    expect(report(x, 3, 103_000_000n)).toBe(Outcome.OK);
    expect(index(x).price).toBe(101_000_000n); // even count: the mean of the middle two
    expect(report(x, 3, 104_000_000n)).toBe(Outcome.PRICE_NOT_NEWER); // per reporter
    expect(report(x, 4, 104_000_000n, x.h.context.timestamp + 1n)).toBe(Outcome.PRICE_STALE); // future
    expect(report(x, 4, 0n)).toBe(Outcome.BAD_AMOUNT);
  });

  it("one reporter's x100 or /100 print does not move the median", () => {
    const x = fiveReporters({ maxMovePpm: 1_000_000n });
    for (let i = 0; i < 5; i++) report(x, i, P100);
    tick(x);
    expect(report(x, 4, 100n * P100)).toBe(Outcome.OK);
    expect(index(x).price).toBe(P100);
    tick(x);
    expect(report(x, 4, P100 / 100n)).toBe(Outcome.OK);
    expect(index(x).price).toBe(P100);
  });

  it("reports are clamped to the move bound around a fresh index, so even a colluding quorum moves it in steps", () => {
    const x = fiveReporters();
    for (let i = 0; i < 5; i++) report(x, i, P100);
    tick(x);
    for (let i = 0; i < 3; i++) expect(report(x, i, 100n * P100)).toBe(Outcome.OK);
    expect(decodeReporter(x.h.get(engineKeys.reporter(0, 0))).price).toBe(110_000_000n);
    expect(index(x).price).toBe(110_000_000n); // +10%, not x100
    tick(x);
    for (let i = 0; i < 3; i++) report(x, i, P100 / 100n);
    // Each report is clamped around the index of its time: 99 (from 110), then 90 and 90 (from 100).
    expect(index(x).price).toBe(99_000_000n);
  });

  it("goes stale when fewer than a quorum of its reports are fresh; then a report is not clamped", () => {
    const x = fiveReporters();
    const t = x.h.context.timestamp;
    report(x, 0, P100);
    report(x, 1, P100);
    tick(x, 300n);
    report(x, 2, P100);
    expect(index(x)).toMatchObject({ price: P100, timestamp: t }); // the 3rd newest report
    tick(x, 301n); // reports 0 and 1 are 601 s old: two fresh reports, the index (timestamp t) is stale
    expect(report(x, 3, 500n * P100)).toBe(Outcome.OK);
    expect(index(x)).toMatchObject({ price: P100, timestamp: t });
    // No fresh index to clamp around: the report is stored as sent.
    expect(decodeReporter(x.h.get(engineKeys.reporter(0, 3))).price).toBe(500n * P100);
    expect(report(x, 4, P100)).toBe(Outcome.OK); // three fresh again: median of 100, 100, 50,000
    expect(index(x)).toMatchObject({ price: P100, timestamp: t + 300n });
  });
});
