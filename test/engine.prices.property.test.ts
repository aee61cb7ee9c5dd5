// Adversarial price actors over random sequences (docs/engine.md, "Oracle", "Mark price",
// "Funding", "Settlement price"): two honest reporters and one that prints x100 or /100, true
// jumps of x100 and /100, thin quotes placed before FUNDING, and SETTLE sent at random times by
// anyone. After every transaction: the index moves at most the move bound from a fresh index and
// stays between the honest reports (or the last index) while they are fresh; every FUNDING moves the cumulative by
// at most n * cap. At the end: the settlement price equals an independent model of the TWAP
// computed from the index history, and a twin run without the racing SETTLEs ends with the same
// price and the same balances.
import { describe, expect, it } from "vitest";
import {
  decodeFunding,
  decodeOraclePrice,
  decodeReporter,
  decodeSettlement,
  encodeFunding,
  encodeSettle,
  engineKeys,
  FUNDING_INTERVAL,
  MAX_FUNDING_PPM,
  Outcome,
  PPM,
  Side,
  TimeInForce,
} from "../protocol/engine/index.ts";
import { rng } from "../vm/testing/randomProgram.ts";
import { EngineHarness, type RunnerKind, TestExchange, testAccount } from "./engineHarness.ts";

const RUNS = 12;
/** Steps of the sequence also replayed on the interpreter (the provable path): same state root. */
const LOCKSTEP_STEPS = 200;
const STEPS = 400;
const ONE = 100_000_000n;
const MAX_AGE = 600n;
const MOVE_PPM = 100_000n;
const WINDOW = 1_800n;
const TTL = 3_600n;
const honest = [testAccount(1), testAccount(31)];
const liar = testAccount(32);
const [alice, bob, maker, thin] = [testAccount(40), testAccount(41), testAccount(42), testAccount(43)];

type Step =
  | { k: "time"; dt: bigint }
  | { k: "report"; who: number; price: bigint }
  | { k: "truth"; factor: number }
  | { k: "thin"; bid: bigint }
  | { k: "trade"; side: number }
  | { k: "funding" }
  | { k: "settle"; id: number };

function plan(seed: number): Step[] {
  const r = rng(seed);
  const out: Step[] = [];
  let truth = 100_000_000n;
  for (let i = 0; i < STEPS; i++) {
    const u = r();
    if (u < 0.25) out.push({ k: "time", dt: BigInt(1 + Math.floor(r() * 120)) });
    else if (u < 0.55) out.push({ k: "report", who: r() < 0.5 ? 0 : 1, price: truth });
    else if (u < 0.65) out.push({ k: "report", who: 2, price: r() < 0.5 ? truth * 100n : truth / 100n });
    else if (u < 0.7) {
      const f = r() < 0.02 ? (r() < 0.5 ? 100 : 0.01) : 0.97 + r() * 0.06;
      truth = BigInt(Math.max(1_000, Math.round(Number(truth) * f)));
      out.push({ k: "truth", factor: f });
    } else if (u < 0.78) out.push({ k: "thin", bid: (truth * BigInt(50 + Math.floor(r() * 100))) / 100n });
    else if (u < 0.86) out.push({ k: "trade", side: r() < 0.5 ? 0 : 1 });
    else if (u < 0.9) out.push({ k: "funding" });
    else out.push({ k: "settle", id: 1 + Math.floor(r() * 4) });
  }
  return out;
}

const min = (a: bigint, b: bigint) => (a < b ? a : b);
const max = (a: bigint, b: bigint) => (a < b ? b : a);

interface Update {
  readonly at: bigint;
  readonly price: bigint;
  readonly staleAt: bigint;
}

/** The settlement price from the index history alone (docs/engine.md, "Settlement price"). */
function modelSettlement(updates: Update[], expiry: bigint, window: bigint): bigint {
  const start = expiry - window;
  let priceSeconds = 0n;
  let seconds = 0n;
  for (let i = 0; i < updates.length; i++) {
    const u = updates[i];
    if (u.at >= expiry) return seconds === 0n ? u.price : priceSeconds / seconds;
    const next = i + 1 < updates.length ? updates[i + 1].at : expiry;
    const from = max(u.at, start);
    let to = min(next, u.staleAt);
    if (to > expiry) to = expiry;
    if (to > from) {
      priceSeconds += u.price * (to - from);
      seconds += to - from;
    }
  }
  return 0n; // not fixed yet
}

function exchange(kind: RunnerKind, ttl: bigint): { x: TestExchange; expiry: bigint } {
  const x = new TestExchange(new EngineHarness(kind));
  expect(x.genesis().code).toBe(Outcome.OK);
  expect(
    x.setUnderlying(0n, MAX_AGE, {
      reporter1: honest[1].address,
      reporter2: liar.address,
      quorum: 2n,
      maxMovePpm: MOVE_PPM,
      settlementWindowSeconds: WINDOW,
    }).code,
  ).toBe(Outcome.OK);
  for (const a of honest)
    x.send(a.address, "PRICE", { underlying: 0n, price: ONE, timestamp: x.h.context.timestamp });
  expect(x.setMarket(0n).code).toBe(Outcome.OK);
  const expiry = x.h.context.timestamp + ttl;
  expect(x.setOption(1n, {}, ttl).code).toBe(Outcome.OK);
  for (const a of [alice, bob, maker, thin]) x.deposit(a.address, 1_000_000_000_000n);
  x.order(alice.address, Side.SELL, 3_000_000n, 2n * ONE, { market: 1n });
  x.order(bob.address, Side.BUY, 3_000_000n, 2n * ONE, { market: 1n, tif: TimeInForce.IOC });
  return { x, expiry };
}

const index = (x: TestExchange) => decodeOraclePrice(x.h.get(engineKeys.underlying(0, 1)));

/** Runs the steps (skipping SETTLEs unless `settles`); checks the per-transaction invariants. */
function run(steps: Step[], settles: boolean, kind: RunnerKind = "jit", ttl = TTL) {
  const { x, expiry } = exchange(kind, ttl);
  const updates: Update[] = [];
  let last = index(x);
  updates.push({ at: x.h.context.timestamp, price: last.price, staleAt: last.timestamp + MAX_AGE });
  const reporters = [...honest, liar];
  let fundings = 0;
  for (const s of steps) {
    const now = x.h.context.timestamp;
    const before = decodeFunding(x.h.get(engineKeys.funding(0)));
    switch (s.k) {
      case "time":
        x.h.context = { ...x.h.context, timestamp: now + s.dt };
        break;
      case "report":
        x.h.context = { ...x.h.context, timestamp: now + 1n };
        x.send(reporters[s.who].address, "PRICE", { underlying: 0n, price: s.price, timestamp: now + 1n });
        break;
      case "thin":
        x.send(thin.address, "CANCEL_ALL", { market: 0n, subaccount: 0n });
        x.order(thin.address, Side.BUY, (s.bid / 10_000n) * 10_000n || 10_000n, ONE / 1000n);
        x.order(thin.address, Side.SELL, (s.bid / 10_000n + 1n) * 10_000n, ONE / 1000n);
        break;
      case "trade": {
        const p = ((last.price || ONE) / 10_000n) * 10_000n || 10_000n;
        x.order(maker.address, 1 - s.side, p, ONE / 10n);
        x.order(alice.address, s.side, p, ONE / 10n, { tif: TimeInForce.IOC });
        break;
      }
      case "funding":
        x.h.run(encodeFunding(0));
        break;
      case "settle":
        if (settles) x.h.run(encodeSettle(1, s.id));
        break;
    }
    const now2 = x.h.context.timestamp;
    const cur = index(x);
    // Funding moves (by FUNDING or by the first sample after a boundary) are n * rate with
    // |rate| within the cap at the index of the step.
    const after = decodeFunding(x.h.get(engineKeys.funding(0)));
    if (after.lastTime !== before.lastTime || after.cumulative !== before.cumulative) {
      const n = (after.lastTime - before.lastTime) / FUNDING_INTERVAL;
      const d = after.cumulative - before.cumulative;
      expect(n >= 1n && (d < 0n ? -d : d) <= (n * cur.price * MAX_FUNDING_PPM) / PPM).toBe(true);
      fundings++;
    }
    if (cur.price !== last.price || cur.timestamp !== last.timestamp) {
      // The move bound, from a fresh index.
      if (now2 - last.timestamp <= MAX_AGE) {
        const d = (last.price * MOVE_PPM) / PPM;
        expect(cur.price <= last.price + d && cur.price + d >= last.price).toBe(true);
      }
      // Between the honest reports while both are fresh.
      const hs = [0, 1].map((i) => decodeReporter(x.h.get(engineKeys.reporter(0, i))));
      if (hs.every((h) => now2 - BigInt(h.timestamp) <= MAX_AGE)) {
        const lo = min(hs[0].price, hs[1].price);
        const hi = max(hs[0].price, hs[1].price);
        // (or between them and the last index, when the move bound holds it back)
        expect(cur.price >= min(lo, last.price) && cur.price <= max(hi, last.price)).toBe(true);
      }
      updates.push({ at: now2, price: cur.price, staleAt: cur.timestamp + MAX_AGE });
      last = cur;
    }
  }
  // Anyone settles both sides at the end.
  for (const a of [alice, bob]) x.h.run(encodeSettle(1, x.accountId(a.address)));
  return {
    root: kind === "interpreter" || steps.length <= LOCKSTEP_STEPS ? x.h.root() : undefined,
    settlement: decodeSettlement(x.h.get(engineKeys.funding(1))),
    balances: [alice, bob].map((a) => x.account(a.address).collateral),
    model: modelSettlement(updates, expiry, WINDOW),
    fundings,
  };
}

describe("engine prices: adversarial price actors", () => {
  it(`${RUNS} sequences of ${STEPS} steps keep the oracle, funding and settlement rules`, () => {
    let fixed = 0;
    let fundings = 0;
    for (let seed = 1; seed <= RUNS; seed++) {
      const steps = plan(seed);
      const racing = run(steps, true);
      const quiet = run(steps, false);
      expect(racing.settlement.price).toBe(racing.model);
      expect(quiet).toEqual(racing);
      if (racing.model !== 0n) fixed++;
      fundings += racing.fundings;
    }
    expect(fixed).toBeGreaterThan(RUNS / 2); // most sequences reach the expiry and fix a price
    expect(fundings).toBeGreaterThan(RUNS / 2); // and funding moves were checked
  });

  it(`the interpreter replays ${LOCKSTEP_STEPS} adversarial steps to the same state root`, () => {
    const steps = plan(7).slice(0, LOCKSTEP_STEPS);
    const ttl = WINDOW + 600n; // the series settles inside the replayed steps
    const jit = run(steps, true, "jit", ttl);
    const interpreted = run(steps, true, "interpreter", ttl);
    expect(jit.settlement.price).not.toBe(0n);
    expect(interpreted.root).toEqual(jit.root);
    expect(interpreted.settlement).toEqual(jit.settlement);
  });
});
