// Fault sites on real engine transactions (GENESIS, the exchange's set-up, a deposit from the delayed inbox, signed
// orders): every kind finds a step of its kind, replays from its seed, and its faulty history departs exactly there.
import { readFileSync } from "node:fs";
import { bytesToHex } from "viem";
import { describe, expect, it } from "vitest";
import { encodeDeposit, encodeGenesis } from "../../protocol/engine/index.ts";
import { Origin } from "../../protocol/index.ts";
import { order, setupTxs, trader } from "../../sequencer/testing/traders.ts";
import { loadModule, ProvableState, TransactionRunner } from "../../vm/index.ts";
import { rng } from "../../vm/testing/randomProgram.ts";
import { batchRoots } from "../batchRoots.ts";
import { DisputeHistory } from "../DisputeHistory.ts";
import { instructionAt } from "../instructionAt.ts";
import { type PlacedTransaction, placedBatchContext } from "../transactionProof.ts";
import { FAULT_KINDS, faultSite } from "./faultSites.ts";
import { faultyHistory } from "./faultyHistory.ts";

const ENGINE_WASM = new Uint8Array(readFileSync(new URL("../../engine/engine.wasm", import.meta.url)));
const chainId = 31337n;
const timestamp = 1_800_000_000;

function history(): DisputeHistory {
  const admin = trader(0);
  const [a, b] = [trader(2), trader(3)];
  const seq = [
    encodeGenesis(admin.address, chainId),
    ...setupTxs(chainId, admin, trader(1), BigInt(timestamp)),
  ];
  const deposits = [encodeDeposit(a.address, 0, 10n ** 12n), encodeDeposit(b.address, 0, 10n ** 12n)];
  const orders = [
    order(chainId, a, 1, 100_000_000n, 10_000_000n),
    order(chainId, b, 0, 100_000_000n, 10_000_000n, 1),
  ];
  const header = {
    txRoot: new Uint8Array(32),
    seqCount: seq.length + orders.length,
    delayedBefore: 0,
    delayedAfter: 2,
    txsBefore: 0,
    timestamp,
  };
  // Batch 0 runs GENESIS and the set-up; batch 1 its deposits first, then the orders (its own header suffices).
  const placed: PlacedTransaction[] = [
    ...seq.map((bytes, i) => ({
      bytes,
      batchNumber: 0,
      header,
      origin: Origin.SEQUENCER,
      seqIndex: i,
      batchTxs: seq,
    })),
    ...deposits.map((bytes) => ({
      bytes,
      batchNumber: 1,
      header,
      origin: Origin.DELAYED,
      queuedAt: timestamp,
    })),
    ...orders.map((bytes, i) => ({
      bytes,
      batchNumber: 1,
      header,
      origin: Origin.SEQUENCER,
      seqIndex: i,
      batchTxs: orders,
    })),
  ];
  const replay = batchRoots(
    TransactionRunner.load(ENGINE_WASM),
    ProvableState.empty(),
    placed.map((t) => ({ input: t.bytes, batchContext: placedBatchContext(t) })),
  );
  return new DisputeHistory(loadModule(ENGINE_WASM), replay, placed);
}

const EXPECTED: Record<string, RegExp> = {
  "wrong-arithmetic": /^i(32|64)\.(add|sub|mul)$/,
  "wrong-memory-write": /^i(32|64)\.store/,
  "wrong-slot-write": /^call_host state_write$/,
  "skipped-deposit": /^call_host input_read$/,
  "swapped-order": /^call_host input_read$/,
  "wrong-host-result": /^call_host (ecrecover|keccak)$/,
  "wrong-batch-context": /^call_host context$/,
};

describe("faultSite", () => {
  const h = history();

  it("test_faultSite_everyKind_departsAtAStepOfItsKind_andReplaysFromItsSeed", () => {
    for (const kind of FAULT_KINDS) {
      const site = faultSite(h, kind, rng(7));
      expect(site, kind).toBeDefined();
      if (site === undefined) continue;
      expect(faultSite(h, kind, rng(7))).toEqual(site);
      if (EXPECTED[kind]) expect(site.instruction, kind).toMatch(EXPECTED[kind]);
      if (kind === "skipped-deposit") expect(h.placed(site.tx).origin).toBe(Origin.DELAYED);
      if (kind === "swapped-order") expect(h.placed(site.tx + 1).origin).toBe(Origin.SEQUENCER);
      if (kind === "wrong-root") {
        expect(site.tx).toBe(h.count - 1);
        expect(site.step).toBe(h.transaction(site.tx).steps - 1);
      }
    }
  });

  it("test_instructionAt_namesEachSitesStep_andAStoppedMachine", () => {
    // instructionAt (what the explorer API shows for a one-step proof) runs to the step on its own machine and
    // must name what faultSite found by walking every step.
    for (const kind of ["wrong-arithmetic", "wrong-slot-write", "wrong-host-result", "wrong-root"] as const) {
      const site = faultSite(h, kind, rng(5));
      if (site === undefined) throw new Error(`no ${kind} site`);
      expect(instructionAt(h, site.tx, site.step), kind).toBe(site.instruction);
    }
    const last = h.count - 1;
    expect(instructionAt(h, last, h.transaction(last).steps)).toMatch(/^stopped \(/);
  });

  it("test_faultyHistory_agreesUpToTheSite_thenDiffersFromTheNextHashOn", () => {
    const site = faultSite(h, "wrong-arithmetic", rng(3));
    if (site === undefined) throw new Error("no arithmetic step");
    const bad = new Uint8Array(32).fill(9);
    const liar = faultyHistory(h, site, bad, "t");
    for (let p = 0; p <= site.tx; p++) expect(bytesToHex(liar.root(p))).toBe(bytesToHex(h.root(p)));
    expect(bytesToHex(liar.root(site.tx + 1))).not.toBe(bytesToHex(h.root(site.tx + 1)));
    expect(bytesToHex(liar.root(h.count))).toBe(bytesToHex(bad));
    expect(bytesToHex(liar.machine(site.tx, site.step))).toBe(bytesToHex(h.machine(site.tx, site.step)));
    expect(bytesToHex(liar.machine(site.tx, site.step + 1))).not.toBe(
      bytesToHex(h.machine(site.tx, site.step + 1)),
    );
  });

  it("test_faultSite_kindWithoutItsTransaction_isUndefined", () => {
    // The set-up alone has no deposit to skip.
    const admin = trader(0);
    const seq = [
      encodeGenesis(admin.address, chainId),
      ...setupTxs(chainId, admin, trader(1), BigInt(timestamp)),
    ];
    const header = {
      txRoot: new Uint8Array(32),
      seqCount: seq.length,
      delayedBefore: 0,
      delayedAfter: 0,
      txsBefore: 0,
      timestamp,
    };
    const placed = seq.map((bytes, i) => ({
      bytes,
      batchNumber: 0,
      header,
      origin: Origin.SEQUENCER,
      seqIndex: i,
      batchTxs: seq,
    }));
    const replay = batchRoots(
      TransactionRunner.load(ENGINE_WASM),
      ProvableState.empty(),
      placed.map((t) => ({ input: t.bytes, batchContext: placedBatchContext(t) })),
    );
    const small = new DisputeHistory(loadModule(ENGINE_WASM), replay, placed);
    expect(faultSite(small, "skipped-deposit", rng(1))).toBeUndefined();
  });
});
