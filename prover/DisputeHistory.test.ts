// batchRoots and DisputeHistory on a host-calling program (vm/testing/hostScenarios.ts "readWrite": each input
// is hashed and written under its hash): the fast path's per-transaction roots equal the provable path's, the
// state before each transaction is the one the roots say, step values split across independent instances
// agree, and transaction proofs verify against the batch's commitment.
import { describe, expect, it } from "vitest";
import { type BatchHeader, batchTransactionRoot, Origin, verifyBatchTransaction } from "../protocol/index.ts";
import { type Leaf, referenceHash, referenceProof } from "../protocol/smt/reference.ts";
import { loadModule, ProvableState, ProvableTransaction, TransactionRunner } from "../vm/index.ts";
import { hostScenarios, PRE_KEYS, PRE_VALUES } from "../vm/testing/hostScenarios.ts";
import { batchRoots } from "./batchRoots.ts";
import { DisputeHistory } from "./DisputeHistory.ts";
import { PositionError } from "./errors.ts";
import { StepProver } from "./StepProver.ts";
import { TransactionSteps } from "./TransactionSteps.ts";
import { type PlacedTransaction, placedBatchContext } from "./transactionProof.ts";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const scenario = hostScenarios(new Uint8Array(128)).find((s) => s.name === "readWrite");
if (scenario === undefined) throw new Error("no readWrite scenario");
const flat = loadModule(scenario.bytes);
const pre: Leaf[] = PRE_KEYS.map((key, i) => ({ key, value: PRE_VALUES[i] }));
const start = () =>
  ProvableState.fromSource({ root: referenceHash(pre), prove: (k) => referenceProof(pre, k) });
const inputs = Array.from({ length: 6 }, (_, i) => scenario.input.map((b, j) => (j === 0 ? b ^ i : b)));
const header: BatchHeader = {
  txRoot: batchTransactionRoot(inputs),
  seqCount: inputs.length,
  delayedBefore: 0,
  delayedAfter: 0,
  txsBefore: 0,
  timestamp: 1_700_000_000,
};
const placed: PlacedTransaction[] = inputs.map((bytes, i) => ({
  bytes,
  batchNumber: 3,
  header,
  origin: Origin.SEQUENCER,
  seqIndex: i,
  batchTxs: inputs,
}));
const requests = placed.map((t) => ({ input: t.bytes, batchContext: placedBatchContext(t) }));

describe("batchRoots and DisputeHistory", () => {
  const runner = TransactionRunner.load(scenario.bytes);
  const s0 = start();
  const replay = batchRoots(runner, s0, requests);

  it("test_batchRoots_fastPathRoots_equalProvablePathRoots", () => {
    expect(replay.roots).toHaveLength(inputs.length + 1);
    expect(hex(replay.roots[0])).toBe(hex(s0.root));
    expect(hex(s0.root)).toBe(hex(referenceHash(pre))); // the start state is not changed
    let state = start();
    for (let p = 0; p < inputs.length; p++) {
      expect(hex(replay.stateBefore(p).root)).toBe(hex(replay.roots[p]));
      const tx = ProvableTransaction.start(flat, { ...requests[p], state });
      tx.run();
      expect(hex(tx.postRoot), `tx ${p}`).toBe(hex(replay.roots[p + 1]));
      state = tx.state;
    }
    expect(new Set(replay.roots.map(hex)).size).toBe(inputs.length + 1);
    expect(hex(replay.stateBefore(inputs.length).root)).toBe(hex(replay.roots[inputs.length]));
    expect(() => replay.stateBefore(inputs.length + 1)).toThrow(RangeError);
  });

  it("test_disputeHistory_stepValues_equalHashingEveryStep_andSplitAcrossInstances", () => {
    const history = new DisputeHistory(flat, replay, placed, { maxSteps: 5_000, keepTransactions: 1 });
    for (const p of [4, 1, 4]) {
      const all = StepProver.forTransaction(flat, {
        ...requests[p],
        state: replay.stateBefore(p),
      }).machineHashes(5_000);
      const stop = all.length - 1;
      const positions = [0, 1, 7, Math.floor(stop / 2), stop - 1, stop, 4_999, 5_000];
      for (const s of positions)
        expect(hex(history.machine(p, s)), `tx ${p} step ${s}`).toBe(hex(all[Math.min(s, stop)]));
      // Two workers, each with its own instance, computing halves of a round: the same values.
      const a = TransactionSteps.start(
        flat,
        { ...requests[p], state: replay.stateBefore(p) },
        { maxSteps: 5_000 },
      );
      const b = TransactionSteps.start(
        flat,
        { ...requests[p], state: replay.stateBefore(p) },
        { maxSteps: 5_000 },
      );
      const split = [...a.hashesAt(positions.slice(0, 4)), ...b.hashesAt(positions.slice(4))];
      expect(split.map(hex)).toEqual(positions.map((s) => hex(all[Math.min(s, stop)])));
      expect(hex(history.transaction(p).rootAfter())).toBe(hex(replay.roots[p + 1]));
    }
  });

  it("test_disputeHistory_transactionProofs_verifyAgainstTheBatch", () => {
    const history = new DisputeHistory(flat, replay, placed);
    for (let p = 0; p < inputs.length; p++) {
      const proof = history.transactionProof(p);
      expect(
        verifyBatchTransaction(header.txRoot, header.seqCount, proof.transaction, p, proof.siblings),
      ).toBe(true);
      expect(
        verifyBatchTransaction(
          header.txRoot,
          header.seqCount,
          proof.transaction,
          (p + 1) % 6,
          proof.siblings,
        ),
      ).toBe(false);
    }
  });

  it("test_disputeHistory_badPositions_throwPositionError", () => {
    const history = new DisputeHistory(flat, replay, placed, { maxSteps: 100 });
    expect(() => history.root(inputs.length + 1)).toThrow(PositionError);
    expect(() => history.root(-1)).toThrow(PositionError);
    expect(() => history.machine(inputs.length, 0)).toThrow(PositionError);
    expect(() => history.machine(0, 101)).toThrow(PositionError);
    expect(() => history.transactionProof(inputs.length)).toThrow(PositionError);
    expect(() => new DisputeHistory(flat, replay, placed.slice(1))).toThrow(RangeError);
  });
});
