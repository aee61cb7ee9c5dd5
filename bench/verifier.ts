/**
 * `./optio bench verifier`: the verifier's dispute library (prover/).
 *
 * verifier.bisection.point: seconds to compute the degree + 1 (17) step-level values of one bisection
 *   round of the longest engine transaction the test exchange builds (test/verifier/engineBatch.ts "sweep":
 *   a taker order walking the fill bound over levels far apart in the tick bitmap, real signature), for the
 *   round whose segment spans the transaction's executed steps (0..its stop): a fresh TransactionSteps (no
 *   cache) runs the interpreter unhashed to each boundary and hashes only there. Baseline in the same run:
 *   hashing the machine after every step up to the same last boundary (the plain way to get a trace).
 * verifier.bisection.dispute: seconds for every step-level value and the one-step proof one side of a
 *   whole dispute over that transaction needs (all rounds from 0..MAX_TX_STEPS down to one step, at a
 *   disagreement in the middle of the run), with TransactionSteps' cache and snapshots; baseline in the same
 *   run: without stepping tracked over short gaps (trackedGap 0: the trees rebuilt at every point).
 * verifier.bisection.steps: steps the sweep runs (context).
 * verifier.dispute: wall-clock seconds of a whole dispute over a real engine order in a batch of
 *   `--dispute-txs` (default 1,000) signed orders on Hardhat's in-process chain with the real one-step
 *   prover, chooseMove driving both sides (our challenger against a proposer wrong from the middle
 *   transaction on): from startChallenge to ChallengeEnded, our replay's step values, both sides' moves and
 *   the chain's mining included (the liar's values come from the same DisputeHistory). With
 *   verifier.dispute.gas.challenger / .defender: L1 gas per side. Not the devnet service figure of issue 15
 *   (that needs the service); the same game, in process.
 *
 * verifier.replay: L2 transactions per second the verifier's replay takes from L1 data: batch calldata decoded
 *   (protocol/rollup decodeBatch) and checked against its tree root, as the L1 follower does, then
 *   verifier/Replayer.step (the metered JIT with the engine's own ecrecover on every signed order, the writes
 *   committed to its LMDB state tree with per-transaction roots). `--replay-txs` (default 4,000) signed orders
 *   (maker/taker pairs that fill) in batches of 500, after a set-up batch and the traders' deposits (delayed
 *   messages). Signature recovery is single-threaded here (inside the engine): no worker pool yet.
 *
 * Figures are medians of `--runs` runs (default 3). This bench imports the engine fixture from test/ (as
 * bench/engine.ts does).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { bytesToHex, hexToBytes } from "viem";
import { encodeGenesis, Side, TimeInForce } from "../protocol/engine/index.ts";
import {
  batchTransactionRoot,
  decodeBatch,
  encodeBatch,
  Origin,
  partBoundaries,
  ZERO,
} from "../protocol/index.ts";
import { batchRoots, StepProver, TransactionSteps } from "../prover/index.ts";
import { deposit, LOT, order, PRICE, setupTxs, trader } from "../sequencer/testing/traders.ts";
import { createChain } from "../test/rollup/fixture.ts";
import { playChainDispute, setupChainDispute } from "../test/verifier/chainDispute.ts";
import { engineBatch } from "../test/verifier/engineBatch.ts";
import { Replayer, VerifierStore } from "../verifier/index.ts";
import { loadModule, ProvableState, params, TransactionRunner } from "../vm/index.ts";

const ENGINE = new Uint8Array(readFileSync(new URL("../engine/engine.wasm", import.meta.url)));

import { emit, median, note, round } from "./report.ts";

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      runs: { type: "string", default: "3" },
      degree: { type: "string", default: "16" },
      "dispute-txs": { type: "string", default: "1000" },
      "replay-txs": { type: "string", default: "4000" },
      "recovery-threads": { type: "string", default: "1" },
    },
  });
  const runs = Number(values.runs);
  const degree = Number(values.degree);
  const replayTxs = Number(values["replay-txs"]);
  if (replayTxs > 0) await replayBench(replayTxs, runs, Number(values["recovery-threads"]));
  const timestamp = 2_000_000_000;
  const batch = await engineBatch({ timestamp, sweep: true });
  const flat = loadModule(batch.engine);
  const context = { timestamp: BigInt(timestamp), l2Block: 0n, origin: BigInt(Origin.SEQUENCER) };
  const txs = batch.txs.map((input) => ({ input, batchContext: context }));
  const replay = batchRoots(TransactionRunner.load(batch.engine), batch.preState(), txs);
  const p = txs.length - 1;
  const request = () => ({ input: txs[p].input, batchContext: context, state: replay.stateBefore(p) });
  if (replay.results[p].outcome !== "executed" || replay.results[p].code !== 0)
    throw new Error(`the sweep did not execute: ${JSON.stringify(replay.results[p])}`);

  const stop = TransactionSteps.start(flat, request()).steps;
  note(`sweep: ${stop} steps, gas ${replay.results[p].gasUsed}`);
  emit({ name: "verifier.bisection.steps", value: stop, unit: "steps" });
  const bounds = partBoundaries(0, stop, Math.min(degree, stop));

  // Warm-up (untimed): V8 compiles the interpreter's loop and the hasher before either way is timed.
  TransactionSteps.start(flat, request()).hashesAt(bounds);
  StepProver.forTransaction(flat, request()).machineHashes(stop);
  const ours: number[] = [];
  const base: number[] = [];
  for (let i = 0; i < runs; i++) {
    let t = performance.now();
    const steps = TransactionSteps.start(flat, request());
    steps.hashesAt(bounds);
    ours.push((performance.now() - t) / 1000);
    // Baseline: the machine hashed after every step (StepProver.machineHashes), up to the last boundary.
    t = performance.now();
    const all = StepProver.forTransaction(flat, request()).machineHashes(stop);
    base.push((performance.now() - t) / 1000);
    if (Buffer.compare(all[bounds[1]], steps.hashAt(bounds[1])) !== 0)
      throw new Error("the two ways disagree");
  }
  emit({
    name: "verifier.bisection.point",
    value: round(median(ours)),
    unit: "s",
    baseline: "hash after every step",
    baselineValue: round(median(base)),
    points: bounds.length,
    steps: stop,
  });

  // One side of a whole dispute: every round's values and the final proof, from one TransactionSteps;
  // baseline in the same run: the same without stepping tracked over short gaps (a rebuild at every point).
  const target = Math.floor(stop / 2) + 1;
  const side = (trackedGap?: number) => {
    const t = performance.now();
    const steps = TransactionSteps.start(flat, request(), { trackedGap });
    let [lo, hi] = [0, params.MAX_TX_STEPS];
    let rounds = 0;
    while (hi - lo > 1) {
      const b = partBoundaries(lo, hi, Math.min(degree, hi - lo));
      steps.hashesAt(b);
      rounds++;
      const k = b.findIndex((_, j) => j + 1 < b.length && b[j + 1] >= target);
      [lo, hi] = [b[k], b[k + 1]];
    }
    steps.proveStep(lo);
    return { seconds: (performance.now() - t) / 1000, rounds, hashes: steps.stats.hashes };
  };
  const whole: number[] = [];
  const rebuilt: number[] = [];
  let last = side();
  for (let i = 0; i < runs; i++) {
    last = side();
    whole.push(last.seconds);
    rebuilt.push(side(0).seconds);
  }
  emit({
    name: "verifier.bisection.dispute",
    value: round(median(whole)),
    unit: "s",
    baseline: "a rebuild at every point (trackedGap 0)",
    baselineValue: round(median(rebuilt)),
    rounds: last.rounds,
    hashes: last.hashes,
  });

  const disputeTxs = Number(values["dispute-txs"]);
  if (disputeTxs >= 2) await dispute(disputeTxs);
}

/** One whole dispute on Hardhat's in-process chain (see the header). */
async function dispute(txs: number): Promise<void> {
  const chain = await createChain();
  let t = performance.now();
  const pairs = Math.floor(txs / 2);
  const d = await setupChainDispute(chain, {
    orders: pairs,
    tx: pairs,
    step: (s) => Math.floor(s / 2),
    honestRole: "challenger",
  });
  note(
    `dispute setup (sign, post, replay, assert) over ${d.txCount} transactions: ${round((performance.now() - t) / 1000)} s`,
  );
  t = performance.now();
  const { moves } = await playChainDispute(d, 300_000);
  const wall = (performance.now() - t) / 1000;
  const gas = (role: string) => moves.filter((m) => m.by === role).reduce((a, m) => a + m.gas, 0n);
  const count = (role: string) => moves.filter((m) => m.by === role && m.refused === undefined).length;
  emit({
    name: "verifier.dispute",
    value: round(wall),
    unit: "s",
    transactions: d.txCount,
    moves: moves.length,
    chain: "hardhat in-process",
    ended: moves[moves.length - 1].kind,
  });
  // The challenger's moves include startChallenge.
  emit({
    name: "verifier.dispute.gas.challenger",
    value: Number(gas("challenger")),
    unit: "gas",
    moves: count("challenger"),
  });
  emit({
    name: "verifier.dispute.gas.defender",
    value: Number(gas("defender")),
    unit: "gas",
    moves: count("defender"),
  });
}

/** verifier.replay (see the header): batches as the L1 follower stores them, replayed by the verifier's Replayer. */
async function replayBench(orders: number, runs: number, threads: number): Promise<void> {
  const chainId = 31337n;
  const [admin, oracle] = [trader(0), trader(1)];
  const makers = Array.from({ length: 16 }, (_, i) => trader(100 + i));
  const takers = Array.from({ length: 16 }, (_, i) => trader(200 + i));
  const ts = 2_000_000_000;
  const setup = [encodeGenesis(admin.address, chainId), ...setupTxs(chainId, admin, oracle, BigInt(ts))];
  const deposits = [...makers, ...takers].map((t) => deposit(t, 1_000_000_000_000n));
  const calldata: Uint8Array[] = [];
  for (let i = 0; i < orders / 2; i += 250) {
    const txs: Uint8Array[] = [];
    for (let j = i; j < Math.min(i + 250, orders / 2); j++) {
      txs.push(order(chainId, makers[j % 16], Side.SELL, PRICE, LOT, TimeInForce.GTC));
      txs.push(order(chainId, takers[j % 16], Side.BUY, PRICE, LOT, TimeInForce.IOC));
    }
    calldata.push(encodeBatch(txs));
  }
  const seconds: number[] = [];
  let rejected = 0;
  for (let r = 0; r < runs; r++) {
    const dir = mkdtempSync(join(tmpdir(), "optio-bench-replay-"));
    const store = new VerifierStore(join(dir, "db"));
    const replayer = new Replayer(store, {
      statePath: join(dir, "state"),
      keepRoots: 64,
      engineWasm: ENGINE,
      txGasLimit: params.TX_GAS_LIMIT,
      genesisStateRoot: bytesToHex(ZERO),
      recoveryThreads: threads,
      chainId,
    });
    const put = async (
      number: number,
      txs: readonly Uint8Array[],
      delayed: [number, number],
      txsBefore: number,
    ) => {
      const header = {
        txRoot: bytesToHex(batchTransactionRoot(txs)),
        seqCount: txs.length,
        delayedBefore: delayed[0],
        delayedAfter: delayed[1],
        txsBefore,
        timestamp: ts + number,
      };
      await store.batches.put(number, {
        number,
        batchHash: `0x${"00".repeat(32)}`,
        header,
        forced: false,
        l1Block: number,
        l1Tx: `0x${"00".repeat(32)}`,
        txs: txs.map((t) => bytesToHex(t)),
      });
    };
    for (const [i, t] of deposits.entries())
      await store.delayed.put(i, {
        index: i,
        transaction: bytesToHex(t),
        queuedAt: ts,
        accumulator: `0x${"00".repeat(32)}`,
        l1Block: 0,
      });
    await put(0, setup, [0, 0], 0);
    await put(1, [], [0, deposits.length], setup.length);
    for (let i = 0; i < 2; i++) await replayer.step();
    let txsBefore = setup.length + deposits.length;
    const t0 = performance.now();
    // As the follower after a catch-up range: every batch's calldata decoded and checked against its tree root,
    // stored, then replayed in order (the next batch's signers recovered while one runs).
    for (const [i, data] of calldata.entries()) {
      const txs = decodeBatch(data);
      if (batchTransactionRoot(txs).length !== 32) throw new Error("unreachable");
      await put(2 + i, txs, [deposits.length, deposits.length], txsBefore);
      txsBefore += txs.length;
    }
    for (let i = 0; i < calldata.length; i++) {
      const done = await replayer.step();
      if (done.kind !== "replayed") throw new Error(`batch ${2 + i} not replayed: ${done.kind}`);
    }
    seconds.push((performance.now() - t0) / 1000);
    // What the orders did (the engine mix, not a stream of rejections): batch 2 re-run from the tree at its start.
    const first = decodeBatch(calldata[0]);
    const start = store.replays.get(2)?.rootBefore as `0x${string}`;
    const rerun = batchRoots(
      TransactionRunner.load(ENGINE),
      ProvableState.fromStateTree(replayer.tree, hexToBytes(start)),
      first.map((input) => ({ input, batchContext: { timestamp: BigInt(ts + 2), l2Block: 2n, origin: 0n } })),
    );
    rejected = rerun.results.filter((x) => x.outcome !== "executed" || x.code !== 0).length / first.length;
    await replayer.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const total = calldata.reduce((n, d) => n + decodeBatch(d).length, 0);
  emit({
    name: "verifier.replay",
    value: Math.round(total / median(seconds)),
    unit: "tx/s",
    txs: total,
    batches: calldata.length,
    rejectedShare: round(rejected),
    recoveryThreads: threads,
  });
}
