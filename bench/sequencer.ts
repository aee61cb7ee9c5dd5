/**
 * `npm run bench -- sequencer [--txs N] [--runs N] [--rate N]`: the sequencer node's core, in
 * process (the trader API is measured end to end once it lands, sequencer/api/).
 *
 * The load is sequencer/testing/mix.ts: two perpetual markets, makers quoting GTC and post-only
 * orders, takers crossing with IOC and GTC orders, cancels, oracle reports; every transaction
 * really signed, so the node recovers every signer (libsecp256k1 in its worker thread).
 *
 * sequencer.core.orders: acknowledged transactions per second: submitted with at most --window
 *   in flight, each answered after execution (TransactionRunner on engine.wasm), its receipt
 *   (fills from the writes) and its durable log write (LMDB group commit, fsync'd); batches
 *   sealed every second and committed to the state tree (commitAsync).
 *   Baseline (same run, same mix): the fast path alone, TransactionRunner over a StateOverlay
 *   with signers recovered ahead and no log, receipts or tree commits.
 * sequencer.core.ack.p50 / .p99: ms from submit to the durable answer at a fixed offered load
 *   (--rate per second, submitted on a timer).
 * sequencer.core.txroots: seconds to recompute the per-transaction state roots of the run's
 *   largest sealed batch from its start (re-executed, writes applied to the tree's proofs).
 * sequencer.core.reopen: seconds to reopen the node after the run (log and tree on disk,
 *   replaying the open batch) until it serves.
 * sequencer.core.rss: resident memory after the runs, MB.
 * Figures are medians of --runs runs; each line carries the machine's load average.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { parseArgs } from "node:util";
import { recoveryInput } from "../protocol/engine/index.ts";
import { TxLog } from "../sequencer/intake/TxLog.ts";
import type { Receipt } from "../sequencer/nodeTypes.ts";
import { SequencerNode } from "../sequencer/SequencerNode.ts";
import { planMix } from "../sequencer/testing/mix.ts";
import { trader } from "../sequencer/testing/traders.ts";
import { createLogger } from "../service/index.ts";
import { EMPTY_STATE, ecrecover, StateOverlay, TransactionRunner } from "../vm/index.ts";
import { emit, median, note, round } from "./report.ts";

const CHAIN = 31337n;
const T0 = 1_800_000_000n; // seconds: the mix's first price time
const ENGINE = readFileSync(new URL("../engine/engine.wasm", import.meta.url));
const quiet = () =>
  createLogger({
    service: "bench",
    level: "warn",
    destination: new Writable({ write: (_c, _e, cb) => cb() }),
  });

function load(): number {
  return round(loadavg()[0], 2);
}

async function openNode(dir: string): Promise<SequencerNode> {
  return SequencerNode.open({
    dataDir: dir,
    engineWasm: ENGINE,
    chainId: CHAIN,
    admin: trader(9000).address,
    logger: quiet(),
    now: () => Number(T0 + 1_000_000n) * 1000 + (performance.now() | 0),
    recoveryThreads: Number(process.env.OPTIO_BENCH_RECOVERY_THREADS ?? 1),
    keepRoots: 64,
    durability: (process.env.OPTIO_BENCH_DURABILITY as "flushed" | "committed" | undefined) ?? "flushed",
  });
}

/** Durable acknowledged tx/s for the whole load, at most `window` in flight. */
async function throughput(mix: ReturnType<typeof planMix>, window: number) {
  const dir = mkdtempSync(join(tmpdir(), "optio-bench-seq-"));
  const node = await openNode(dir);
  for (const r of await node.includeDelayed(mix.deposits)) if (!r.ok) throw new Error("deposit refused");
  for (const r of await node.submitMany(mix.setup))
    if (!r.ok || r.receipt.outcome !== 0) throw new Error("setup failed");
  const codes = new Map<string, number>();
  const receipts: Receipt[] = [];
  let fills = 0;
  let next = 0;
  const t = performance.now();
  const cpu = process.cpuUsage();
  await new Promise<void>((resolve, reject) => {
    let done = 0;
    const more = () => {
      while (next < mix.txs.length && next - done < window) {
        node.submit(mix.txs[next++]).then((r) => {
          if (!r.ok) return reject(new Error(`rejected: ${JSON.stringify(r.rejection)}`));
          codes.set(r.receipt.outcomeName, (codes.get(r.receipt.outcomeName) ?? 0) + 1);
          fills += r.receipt.fills.length;
          receipts.push(r.receipt);
          if (++done === mix.txs.length) resolve();
          else if (next - done < window / 2) more();
        }, reject);
      }
    };
    more();
  });
  const s = (performance.now() - t) / 1000;
  const c = process.cpuUsage(cpu);
  // Per-transaction roots of the largest sealed batch, recomputed from its start (a dispute's ask).
  await node.sealNow();
  let largest = 0;
  for (let b = 1; b <= (node.status().lastSealedBatch ?? 0); b++)
    if ((node.batch(b)?.txCount ?? 0) > (node.batch(largest)?.txCount ?? 0)) largest = b;
  const tr = performance.now();
  const roots = await node.txRoots(largest);
  const txRootsS = (performance.now() - tr) / 1000;
  const t1 = performance.now();
  await node.close();
  const closeS = (performance.now() - t1) / 1000;
  return {
    rate: mix.txs.length / s,
    cpuUs: (c.user + c.system) / mix.txs.length,
    codes,
    fills,
    dir,
    closeS,
    receipts,
    txRootsS,
    txRootsCount: roots.length,
  };
}

/** The fast path alone on the same mix: TransactionRunner, StateOverlay, signers recovered ahead. */
function baseline(mix: ReturnType<typeof planMix>, genesisAndSetup: Uint8Array[]) {
  const runner = TransactionRunner.load(ENGINE);
  const state = new StateOverlay(EMPTY_STATE);
  const ctx = (origin: bigint) => ({ timestamp: T0 + 1_000_000n, l2Block: 1n, origin });
  for (const tx of genesisAndSetup.slice(0, 1))
    state.apply(runner.runTransaction({ input: tx, batchContext: ctx(0n), state }).writes);
  for (const tx of mix.deposits)
    state.apply(runner.runTransaction({ input: tx, batchContext: ctx(1n), state }).writes);
  for (const tx of mix.setup)
    state.apply(runner.runTransaction({ input: tx, batchContext: ctx(0n), state }).writes);
  const recovered = mix.txs.map((tx) => {
    const input = recoveryInput(CHAIN, tx)!;
    return { input, signer: ecrecover(input) };
  });
  const t = performance.now();
  for (let i = 0; i < mix.txs.length; i++) {
    const r = runner.runTransaction({
      input: mix.txs[i],
      batchContext: ctx(0n),
      state,
      recovered: recovered[i],
    });
    state.apply(r.writes);
  }
  return mix.txs.length / ((performance.now() - t) / 1000);
}

/**
 * The durable log alone: appends/s with group commit (appends of one turn share a commit and
 * an fsync) against awaiting each append's fsync before the next (the same log, one by one).
 */
async function logAppends(receipts: Receipt[], txs: Uint8Array[]) {
  const dir = mkdtempSync(join(tmpdir(), "optio-bench-log-"));
  const log = new TxLog(dir, "flushed");
  const hash = (i: number) => {
    const h = new Uint8Array(32);
    new DataView(h.buffer).setUint32(28, i);
    return h;
  };
  let seq = 0;
  const n = receipts.length;
  const t = performance.now();
  for (let start = 0; start < n; start += 1000) {
    const turn: Promise<void>[] = [];
    for (let i = start; i < Math.min(n, start + 1000); i++)
      turn.push(log.append(seq++, txs[i], receipts[i], hash(seq), 0));
    await Promise.all(turn);
  }
  const grouped = n / ((performance.now() - t) / 1000);
  const one = Math.min(200, n);
  const t1 = performance.now();
  for (let i = 0; i < one; i++) await log.append(seq++, txs[i], receipts[i], hash(seq), 0);
  const single = one / ((performance.now() - t1) / 1000);
  await log.close();
  rmSync(dir, { recursive: true, force: true });
  return { grouped, single };
}

/** Ack latency at a fixed offered load: `rate` per second for `count` transactions. */
async function latency(mix: ReturnType<typeof planMix>, rate: number, count: number) {
  const dir = mkdtempSync(join(tmpdir(), "optio-bench-seq-"));
  const node = await openNode(dir);
  await node.includeDelayed(mix.deposits);
  await node.submitMany(mix.setup);
  const ms: number[] = [];
  const start = performance.now();
  const all: Promise<unknown>[] = [];
  let i = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(count, Math.floor(((performance.now() - start) / 1000) * rate));
      while (i < due) {
        const t = performance.now();
        all.push(node.submit(mix.txs[i++]).then(() => ms.push(performance.now() - t)));
      }
      if (i >= count) resolve();
      else setTimeout(tick, 1);
    };
    tick();
  });
  await Promise.all(all);
  await node.close();
  rmSync(dir, { recursive: true, force: true });
  const sorted = ms.sort((a, b) => a - b);
  return { p50: sorted[Math.floor(sorted.length * 0.5)], p99: sorted[Math.floor(sorted.length * 0.99)] };
}

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      txs: { type: "string", default: "20000" },
      runs: { type: "string", default: "3" },
      window: { type: "string", default: "4000" },
      rate: { type: "string", default: "2000" },
    },
  });
  const n = Number(values.txs);
  note(`signing ${n} transactions`);
  const mix = planMix(CHAIN, n, T0);
  note(`mix: ${JSON.stringify(mix.kinds)}`);
  const { encodeGenesis } = await import("../protocol/engine/index.ts");
  const genesis = [encodeGenesis(trader(9000).address, CHAIN)];
  const rates: number[] = [];
  const cpus: number[] = [];
  const bases: number[] = [];
  const reopens: number[] = [];
  const txRoots: { s: number; n: number }[] = [];
  let last: Awaited<ReturnType<typeof throughput>> | undefined;
  for (let run = 0; run < Number(values.runs); run++) {
    const r = await throughput(mix, Number(values.window));
    rates.push(r.rate);
    txRoots.push({ s: r.txRootsS, n: r.txRootsCount });
    cpus.push(r.cpuUs);
    bases.push(baseline(mix, genesis));
    const t = performance.now();
    const again = await openNode(r.dir);
    reopens.push((performance.now() - t) / 1000);
    await again.close();
    rmSync(r.dir, { recursive: true, force: true });
    if (last) rmSync(last.dir, { recursive: true, force: true });
    last = r;
    note(
      `run ${run}: ${Math.round(r.rate)} tx/s durable, baseline ${Math.round(bases.at(-1)!)} tx/s, load ${load()}`,
    );
  }
  note(`outcomes: ${JSON.stringify(Object.fromEntries(last!.codes))}, fills ${last!.fills}`);
  emit({
    name: "sequencer.core.orders",
    value: Math.round(median(rates)),
    unit: "tx/s",
    baseline: "TransactionRunner alone (no recovery, log, receipts or commits)",
    baselineValue: Math.round(median(bases)),
    txs: n,
    cpuUsPerTx: round(median(cpus), 1),
    runs: rates.map(Math.round),
    load: load(),
  });
  emit({
    name: "sequencer.core.txroots",
    value: round(median(txRoots.map((x) => x.s)), 3),
    unit: "s",
    batchTxs: txRoots.map((x) => x.n),
    load: load(),
  });
  const appends = [];
  for (let run = 0; run < Number(values.runs); run++) appends.push(await logAppends(last!.receipts, mix.txs));
  const grouped = median(appends.map((a) => a.grouped));
  emit({
    name: "sequencer.log.append",
    value: Math.round(grouped),
    unit: "appends/s",
    baseline: "one fsync'd append at a time",
    baselineValue: Math.round(median(appends.map((a) => a.single))),
    usPerAppend: round(1e6 / grouped, 1),
    load: load(),
  });
  const rate = Number(values.rate);
  const lat = [];
  for (let run = 0; run < Number(values.runs); run++)
    lat.push(await latency(mix, rate, Math.min(n, rate * 3)));
  emit({
    name: "sequencer.core.ack.p50",
    value: round(median(lat.map((l) => l.p50)), 2),
    unit: "ms",
    offered: rate,
    load: load(),
  });
  emit({
    name: "sequencer.core.ack.p99",
    value: round(median(lat.map((l) => l.p99)), 2),
    unit: "ms",
    offered: rate,
    load: load(),
  });
  emit({
    name: "sequencer.core.reopen",
    value: round(median(reopens), 3),
    unit: "s",
    loggedTxs: n,
    load: load(),
  });
  emit({
    name: "sequencer.core.rss",
    value: Math.round(process.memoryUsage().rss / 2 ** 20),
    unit: "MB",
    txs: n,
    load: load(),
  });
}
