/**
 * `npm run bench -- engine [--txs N] [--signed N] [--sample N]`: the exchange engine in the machine.
 *
 * The workload is a realistic mix on 2 markets: market makers quoting GTC and post-only orders
 * around the index, takers sending crossing IOC and GTC orders, cancels of resting orders,
 * oracle reports, funding, and liquidation attempts (levered accounts after price moves). It is
 * planned once on a scratch engine (so cancels name real order ids), then replayed from the same
 * initial state for each measurement.
 *
 * engine.orders.nosig: transactions per second through the fast runner (metered JIT), state
 *   writes buffered in memory, signatures recovered ahead (the host's ecrecover answers from a
 *   table), so the figure is the engine's own cost including its EIP-712 hashing.
 * engine.orders: the same mix (all of it; --signed N takes its first N) with real secp256k1
 *   signatures: EIP-712 digests and signer recovery in 2 worker threads (the machine's
 *   ecrecover: libsecp256k1 where its addon loads, else @noble/curves) running ahead of
 *   execution, and a state-root commit (StateTree, LMDB) every 1,000 transactions. A short
 *   run carries fixed costs (the first chunk's recovery before execution can start, the last
 *   chunks' execution after recovery ends, warm-up): 6,000 transactions measured 100-145 us
 *   of CPU per transaction, 12,000 117 us, the whole 20,000 83-97 us.
 * engine.steps.per.order.TYPE: machine steps per transaction type on the interpreter for a
 *   sample of the mix (median, and max as an extra field).
 * engine.gas.per.tx: mean gas per transaction over the whole mix (deterministic: compare two
 *   engines by it when the machine is too busy for stable rates), per kind as extra fields.
 * engine.liquidation.adl.gas: the worst-case liquidation that auto-deleverages (a bankrupt long
 *   against 100 short holders: a walk of ADL_MAX_SCAN entries, ADL_MAX_COUNTERPARTIES closes).
 * Figures are medians of 3 runs.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Worker } from "node:worker_threads";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import {
  decodeBook,
  encodeFunding,
  encodeSignedTx,
  engineKeys,
  type SignedTypeName,
  txDigest,
  type UnsignedTx,
} from "../protocol/engine/index.ts";
import { StateTree } from "../protocol/smt/StateTree.ts";
import { EngineHarness, TestExchange, testAccount } from "../test/engineHarness.ts";
import { ECRECOVER_BACKEND } from "../vm/host/ecrecover.ts";
import { rng } from "../vm/testing/randomProgram.ts"; // seeded: every run plans the same mix
import { emit, median, note, round } from "./report.ts";

const TICK = 10_000n;
/** A recovery record from the workers: 128-byte ecrecover input, 32-byte answer. */
const RECORD_BYTES = 160;
const LOT = 100_000n;

interface Planned {
  readonly tx: UnsignedTx | undefined; // undefined: unsigned (funding)
  readonly bytes: Uint8Array; // presigned (table) encoding, or the unsigned bytes
  readonly kind: string;
  readonly time: bigint;
  /** The outcome when planned: every replay must reproduce it. */
  code: number;
}

const makers = Array.from({ length: 8 }, (_, i) => testAccount(200 + i));
const takers = Array.from({ length: 8 }, (_, i) => testAccount(300 + i));
const levered = Array.from({ length: 8 }, (_, i) => testAccount(400 + i));
const privateKeys = new Map<string, Uint8Array>();
for (const [i, a] of [
  ...makers.map((a, i) => [200 + i, a] as const),
  ...takers.map((a, i) => [300 + i, a] as const),
  ...levered.map((a, i) => [400 + i, a] as const),
  [0, testAccount(0)] as const,
  [1, testAccount(1)] as const,
]) {
  const k = new Uint8Array(32);
  k[31] = (i % 255) + 1;
  k[30] = Math.floor(i / 255) + 1;
  privateKeys.set(a.address, k);
}

export function setup(h: EngineHarness): TestExchange {
  const x = new TestExchange(h);
  x.setup();
  x.setUnderlying(1n);
  x.setPrice(1n, 2_000_000_000n);
  x.setMarket(1n, { underlying: 1n });
  for (const a of [...makers, ...takers]) x.deposit(a.address, 1_000_000_000_000n);
  for (const a of levered) x.deposit(a.address, 12_000_000n);
  return x;
}

/** Plans `n` transactions on a scratch engine; returns them with their batch times. */
export function plan(n: number, h = new EngineHarness()): Planned[] {
  const x = setup(h);
  const r = rng(42);
  const out: Planned[] = [];
  const prices = [100_000_000n, 2_000_000_000n];
  const resting = new Map<string, bigint[]>(); // maker:market -> order ids, oldest first
  const pick = <T>(a: readonly T[]) => a[Math.floor(r() * a.length)];
  const send = <N extends SignedTypeName>(
    kind: string,
    signer: `0x${string}`,
    type: N,
    body: UnsignedTx<N>["body"],
  ) => {
    const tx = { type, signer, nonce: x.nextNonce(signer), body } as UnsignedTx<N>;
    const bytes = h.presign(x.chainId, tx);
    const planned: Planned = {
      tx: tx as unknown as UnsignedTx,
      bytes,
      kind,
      time: h.context.timestamp,
      code: 0,
    };
    out.push(planned);
    const r = h.run(bytes);
    planned.code = r.code;
    return r;
  };
  while (out.length < n) {
    const u = r();
    const m = r() < 0.5 ? 0 : 1;
    const mid = prices[m] - (prices[m] % TICK);
    const step = m === 0 ? TICK : 10n * TICK;
    if (u < 0.45) {
      const maker = pick(makers);
      const key = `${maker.address}:${m}`;
      const ids = resting.get(key) ?? [];
      if (ids.length >= 8) {
        const id = ids.shift()!;
        send("cancel", maker.address, "CANCEL", { market: BigInt(m), subaccount: 0n, orderId: id });
        continue;
      }
      const side = r() < 0.5 ? 0 : 1;
      const off = BigInt(1 + Math.floor(r() * 10)) * step;
      const price = side === 0 ? mid - off : mid + off;
      const res = send("order.rest", maker.address, "ORDER", {
        market: BigInt(m),
        subaccount: 0n,
        side: BigInt(side),
        timeInForce: r() < 0.5 ? 0n : 3n,
        reduceOnly: false,
        price,
        quantity: BigInt(1 + Math.floor(r() * 20)) * LOT,
      });
      if (res.code === 0) {
        ids.push(decodeBook(h.get(engineKeys.book(m))).lastOrderId);
        resting.set(key, ids);
      }
    } else if (u < 0.72) {
      const taker = pick([...takers, ...levered]);
      const side = r() < 0.5 ? 0 : 1;
      const off = BigInt(Math.floor(r() * 8)) * step;
      send("order.take", taker.address, "ORDER", {
        market: BigInt(m),
        subaccount: 0n,
        side: BigInt(side),
        timeInForce: r() < 0.8 ? 1n : 0n,
        reduceOnly: false,
        price: side === 0 ? mid + off : mid - off,
        quantity: BigInt(1 + Math.floor(r() * 30)) * LOT,
      });
    } else if (u < 0.9) {
      const maker = pick(makers);
      const key = `${maker.address}:${m}`;
      const ids = resting.get(key) ?? [];
      const id = ids.length > 0 ? ids.splice(Math.floor(r() * ids.length), 1)[0] : 1n;
      send("cancel", maker.address, "CANCEL", { market: BigInt(m), subaccount: 0n, orderId: id });
    } else if (u < 0.97) {
      h.context = { ...h.context, timestamp: h.context.timestamp + 1n };
      const move = BigInt(Math.floor(r() * 41) - 20);
      prices[m] = prices[m] + (prices[m] * move) / 1000n;
      send("price", x.oracle.address, "PRICE", {
        underlying: BigInt(m),
        price: prices[m],
        timestamp: h.context.timestamp,
      });
    } else if (u < 0.99) {
      const victim = 17 + Math.floor(r() * levered.length); // the levered accounts' ids
      send("liquidate", pick(takers).address, "LIQUIDATE", {
        subaccount: 0n,
        market: BigInt(m),
        accountId: BigInt(victim),
        quantity: 100n * LOT,
      });
    } else {
      h.context = { ...h.context, timestamp: h.context.timestamp + 3_600n };
      for (const und of [0, 1]) {
        send("price", x.oracle.address, "PRICE", {
          underlying: BigInt(und),
          price: prices[und],
          timestamp: h.context.timestamp,
        });
      }
      const bytes = encodeFunding(m);
      out.push({ tx: undefined, bytes, kind: "funding", time: h.context.timestamp, code: h.run(bytes).code });
    }
  }
  return out;
}

/** Runs the planned mix on a fresh engine (after the same setup); returns seconds and outcome counts. */
function replay(
  mix: Planned[],
  h: EngineHarness,
  inputs: Uint8Array[],
  onCommit?: (h: EngineHarness, w: [Uint8Array, Uint8Array][]) => void,
) {
  h.reset();
  setup(h);
  const pending: [Uint8Array, Uint8Array][] = [];
  const ok = new Map<number, number>();
  const cpu = process.cpuUsage();
  const t = performance.now();
  for (let i = 0; i < mix.length; i++) {
    h.context = { ...h.context, timestamp: mix[i].time };
    const r = h.run(inputs[i]);
    if (r.code !== mix[i].code)
      throw new Error(`replay diverged at ${i} (${mix[i].kind}): ${r.code} != ${mix[i].code}`);
    ok.set(r.code, (ok.get(r.code) ?? 0) + 1);
    if (onCommit) {
      for (const w of r.writes) pending.push(w);
      if (i % 1000 === 999) {
        onCommit(h, pending);
        pending.length = 0;
      }
    }
  }
  if (onCommit && pending.length > 0) onCommit(h, pending);
  const s = (performance.now() - t) / 1000;
  return { s, cpuUs: cpuMicros(cpu), codes: ok };
}

/** CPU time (user + system, every thread of the process: the workers too) since `from`, in microseconds. */
function cpuMicros(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return d.user + d.system;
}

function signReal(chainId: bigint, tx: UnsignedTx): Uint8Array {
  const digest = txDigest(chainId, tx);
  const sig = secp256k1.sign(digest, privateKeys.get(tx.signer)!, { prehash: false });
  const out = new Uint8Array(65);
  out.set(sig.toBytes("compact"), 0);
  out[64] = 27 + sig.recovery;
  return encodeSignedTx(tx, out);
}

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      txs: { type: "string", default: "20000" },
      signed: { type: "string", default: String(Number.MAX_SAFE_INTEGER) },
      sample: { type: "string", default: "400" },
    },
  });
  const n = Number(values.txs);
  note(`planning ${n} transactions`);
  const mix = plan(n);
  const kinds = new Map<string, number>();
  for (const p of mix) kinds.set(p.kind, (kinds.get(p.kind) ?? 0) + 1);
  note(`mix: ${JSON.stringify(Object.fromEntries(kinds))}`);

  // engine.orders.nosig: one harness (one compiled engine), warmed up by one untimed replay
  // (V8 tiers the engine and the host functions up), then 3 timed replays from the initial state.
  const h = new EngineHarness();
  const planner = new EngineHarness();
  for (const p of mix) if (p.tx) planner.presign(31337n, p.tx); // rebuild the recovery table
  for (const [k, v] of planner.recovered) h.recovered.set(k, v);
  const inputs = mix.map((p) => p.bytes);
  const cold = replay(mix, h, inputs);
  const rates: number[] = [];
  const cpuPerTx: number[] = [];
  let codes = new Map<number, number>();
  for (let run = 0; run < 3; run++) {
    const r = replay(mix, h, inputs);
    rates.push(mix.length / r.s);
    cpuPerTx.push(r.cpuUs / mix.length);
    codes = r.codes;
  }
  note(`outcome codes: ${JSON.stringify(Object.fromEntries(codes))}`);
  emit({
    name: "engine.orders.nosig",
    value: Math.round(median(rates)),
    unit: "tx/s",
    target: 50_000,
    txs: mix.length,
    accepted: round((codes.get(0) ?? 0) / mix.length),
    coldFirstRun: Math.round(mix.length / cold.s),
    cpuUsPerTx: round(median(cpuPerTx)),
  });

  // engine.orders: real signatures, recovery in 2 workers ahead of execution, commits every 1,000.
  const m = Math.min(Number(values.signed), mix.length);
  note(`signing ${m} transactions`);
  const signedMix = mix.slice(0, m);
  const signedInputs = signedMix.map((p) => (p.tx ? signReal(31337n, p.tx) : p.bytes));
  const signedRates: number[] = [];
  const signedCpu: number[] = [];
  const commitUs: number[] = [];
  // The workers live across the runs (a sequencer's do), warmed up on a share of the mix before
  // the clock starts (tsx compiles their imports on first use, V8 tiers the hashing up).
  const workers = [0, 1].map(
    () =>
      new Worker(new URL("./workers/engineRecover.ts", import.meta.url), { execArgv: ["--import", "tsx"] }),
  );
  await Promise.all(
    workers.map(
      (w) =>
        new Promise((res) => {
          w.once("message", res);
          w.postMessage({ id: -1, txs: signedInputs.slice(0, 1000), chainId: 31337n });
        }),
    ),
  );
  for (let run = 0; run < 3; run++) {
    const dir = mkdtempSync(join(tmpdir(), "optio-bench-engine-"));
    const tree = StateTree.open({ path: join(dir, "smt"), keepRoots: 16 });
    h.reset();
    h.recovered.clear(); // only the workers' recoveries answer
    const chunk = 200;
    let commitMs = 0;
    const cpu = process.cpuUsage();
    const t = performance.now();
    // Hand out chunks round-robin; execution waits only for the chunk it needs.
    const waiting = new Map<number, (msg: { count: number; packed: Uint8Array }) => void>();
    const results = new Map<number, Promise<{ count: number; packed: Uint8Array }>>();
    for (const w of workers) {
      w.removeAllListeners("message");
      w.on("message", (msg: { id: number; count: number; packed: Uint8Array }) => waiting.get(msg.id)?.(msg));
    }
    for (let c = 0; c * chunk < m; c++) {
      results.set(c, new Promise((res) => waiting.set(c, res)));
      workers[c % 2].postMessage({
        id: c,
        txs: signedInputs.slice(c * chunk, (c + 1) * chunk),
        chainId: 31337n,
      });
    }
    setup(h);
    const pending: [Uint8Array, Uint8Array][] = [];
    for (let c = 0; c * chunk < m; c++) {
      const got = await results.get(c)!;
      // Each record: the 128-byte ecrecover input, then the 32-byte answer (bench/workers/engineRecover.ts).
      for (let i = 0; i < got.count; i++) {
        const at = i * RECORD_BYTES;
        h.recovered.set(got.packed.subarray(at, at + 128), got.packed.subarray(at + 128, at + RECORD_BYTES));
      }
      for (let i = c * chunk; i < Math.min(m, (c + 1) * chunk); i++) {
        h.context = { ...h.context, timestamp: signedMix[i].time };
        const r = h.run(signedInputs[i]);
        if (r.code !== signedMix[i].code)
          throw new Error(
            `signed replay diverged at ${i} (${signedMix[i].kind}): ${r.code} != ${signedMix[i].code}`,
          );
        for (const wr of r.writes) pending.push(wr);
        if (i % 1000 === 999) {
          const tc = performance.now();
          tree.commit(pending);
          commitMs += performance.now() - tc;
          pending.length = 0;
        }
      }
    }
    const tc = performance.now();
    if (pending.length > 0) tree.commit(pending);
    commitMs += performance.now() - tc;
    signedRates.push(m / ((performance.now() - t) / 1000));
    signedCpu.push(cpuMicros(cpu) / m);
    commitUs.push((commitMs * 1000) / m);
    await tree.close();
    rmSync(dir, { recursive: true, force: true });
  }
  await Promise.all(workers.map((w) => w.terminate()));
  emit({
    name: "engine.orders",
    value: Math.round(median(signedRates)),
    unit: "tx/s",
    target: 15_000,
    txs: m,
    recovery: `vm/host/ecrecover (${ECRECOVER_BACKEND}) in 2 worker threads`,
    cpuUsPerTx: round(median(signedCpu)),
    commitUsPerTx: round(median(commitUs)),
  });

  // engine.steps.per.order: interpreter steps per transaction type on a sample.
  const sample = Math.min(Number(values.sample), mix.length);
  const hi = new EngineHarness("interpreter");
  for (const p of mix) if (p.tx) hi.presign(31337n, p.tx);
  setup(hi);
  const steps = new Map<string, number[]>();
  for (let i = 0; i < sample; i++) {
    hi.context = { ...hi.context, timestamp: mix[i].time };
    hi.run(mix[i].bytes);
    const k = mix[i].kind;
    if (!steps.has(k)) steps.set(k, []);
    steps.get(k)!.push(hi.lastSteps);
  }
  for (const [k, s] of [...steps].sort()) {
    emit({
      name: `engine.steps.per.order.${k}`,
      value: median(s),
      unit: "steps",
      max: Math.max(...s),
      count: s.length,
    });
  }

  // engine.gas.per.tx over the whole mix, on a harness with the presigned recoveries.
  const hg = new EngineHarness();
  for (const [k, v] of planner.recovered) hg.recovered.set(k, v);
  setup(hg);
  const gas = new Map<string, number[]>();
  let total = 0;
  for (let i = 0; i < mix.length; i++) {
    hg.context = { ...hg.context, timestamp: mix[i].time };
    const g = hg.run(mix[i].bytes).gasUsed;
    total += g;
    if (!gas.has(mix[i].kind)) gas.set(mix[i].kind, []);
    gas.get(mix[i].kind)!.push(g);
  }
  const perKind: Record<string, number> = {};
  for (const [k, g] of [...gas].sort()) perKind[k] = Math.round(g.reduce((a, b) => a + b, 0) / g.length);
  emit({ name: "engine.gas.per.tx", value: Math.round(total / mix.length), unit: "gas", ...perKind });
  emit({ name: "engine.liquidation.adl.gas", value: adlWorstCaseGas(), unit: "gas", target: 1_000_000 });
}

/** Gas of a liquidation that deleverages a bankrupt long against 100 profitable short holders. */
function adlWorstCaseGas(): number {
  const x = new TestExchange(new EngineHarness());
  x.setup();
  const victim = testAccount(500);
  const keeper = testAccount(501);
  const Q = 1_000_000n;
  x.deposit(victim.address, 101n * Q);
  x.deposit(keeper.address, 1_000_000n * Q);
  for (let i = 0; i < 100; i++) {
    const s = testAccount(600 + i);
    x.deposit(s.address, 100n * Q);
    x.order(s.address, 1, 100n * Q, LOT * 100n);
  }
  for (let i = 0; i < 4; i++) x.order(victim.address, 0, 100n * Q, LOT * 2_500n, { tif: 1 });
  x.h.context = { ...x.h.context, timestamp: x.h.context.timestamp + 1n };
  x.setPrice(0n, 85n * Q); // the victim's equity is -49 quote, the fund is empty
  const r = x.send(keeper.address, "LIQUIDATE", {
    subaccount: 0n,
    market: 0n,
    accountId: BigInt(x.accountId(victim.address)),
    quantity: LOT * 10_000n,
  });
  if (r.code !== 0) throw new Error(`ADL liquidation failed: ${r.code}`);
  return r.gasUsed;
}
