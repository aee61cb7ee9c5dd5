// The replay without a chain: batch records as the L1 follower stores them (real engine transactions: GENESIS, the
// exchange's set-up, orders), replayed into the verifier's LMDB state tree; checked against prover/batchRoots over
// the same transactions, and through the failure paths: a batch whose data could not be read, a reorg that takes
// batches back, a crash between a replay record and its tree commit.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bytesToHex, type Hex } from "viem";
import { afterEach, describe, expect, it } from "vitest";
import { encodeGenesis } from "../../protocol/engine/index.ts";
import { batchHash, batchTransactionRoot, ZERO } from "../../protocol/index.ts";
import { batchRoots, placedBatchContext } from "../../prover/index.ts";
import { order, setupTxs, trader } from "../../sequencer/testing/traders.ts";
import { ProvableState, TransactionRunner } from "../../vm/index.ts";
import { TX_GAS_LIMIT } from "../../vm/params.ts";
import { type BatchRecord, FindingCode } from "../records.ts";
import { VerifierStore } from "../VerifierStore.ts";
import { placedTransactions } from "./placedTransactions.ts";
import { Replayer } from "./Replayer.ts";

const ENGINE = new Uint8Array(readFileSync(new URL("../../engine/engine.wasm", import.meta.url)));
const CHAIN = 31337n;
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function open(dir?: string, recoveryThreads = 0) {
  const d = dir ?? mkdtempSync(join(tmpdir(), "optio-replay-"));
  if (dir === undefined) dirs.push(d);
  const store = new VerifierStore(join(d, "db"));
  const replayer = new Replayer(store, {
    statePath: join(d, "state"),
    keepRoots: 64,
    engineWasm: ENGINE,
    txGasLimit: TX_GAS_LIMIT,
    genesisStateRoot: bytesToHex(ZERO),
    recoveryThreads,
    chainId: CHAIN,
  });
  return { dir: d, store, replayer };
}

/** Batches of real transactions as BatchPosted and the posting calldata give them. */
function batches(): BatchRecord[] {
  const [admin, oracle, a, b] = [trader(0), trader(1), trader(2), trader(3)];
  const ts = 1_700_000_000;
  const groups = [
    [encodeGenesis(admin.address, CHAIN), ...setupTxs(CHAIN, admin, oracle, BigInt(ts))],
    [order(CHAIN, a, 1, 100_000_000n, 100_000n), order(CHAIN, b, 0, 100_000_000n, 100_000n)],
    [order(CHAIN, a, 1, 101_000_000n, 100_000n)],
  ];
  let txsBefore = 0;
  return groups.map((txs, number) => {
    const header = {
      txRoot: bytesToHex(batchTransactionRoot(txs)),
      seqCount: txs.length,
      delayedBefore: 0,
      delayedAfter: 0,
      txsBefore,
      timestamp: ts + number,
    };
    txsBefore += txs.length;
    return {
      number,
      batchHash: bytesToHex(batchHash({ ...header, txRoot: batchTransactionRoot(txs) })),
      header,
      forced: false,
      l1Block: 10 + number,
      l1Tx: `0x${"00".repeat(32)}` as Hex,
      txs: txs.map((t) => bytesToHex(t)),
    };
  });
}

/** The reference: prover/batchRoots over every transaction of `records` from the empty state. */
function reference(records: readonly BatchRecord[]): Hex[] {
  const placed = records.flatMap((b) => placedTransactions(b, []));
  const r = batchRoots(
    TransactionRunner.load(ENGINE),
    ProvableState.empty(),
    placed.map((t) => ({ input: t.bytes, batchContext: placedBatchContext(t) })),
    TX_GAS_LIMIT,
  );
  return r.roots.slice(1).map((x) => bytesToHex(x));
}

async function replayAll(replayer: Replayer) {
  for (let i = 0; i < 10; i++) {
    const r = await replayer.step();
    if (r.kind !== "replayed") return r;
  }
  throw new Error("did not stop");
}

describe("Replayer", () => {
  it("test_replay_batchesFromTheStore_rootsAndDisputeHistoryEqualBatchRoots", async () => {
    const { store, replayer } = open();
    const bs = batches();
    for (const b of bs) await store.batches.put(b.number, b);
    expect(await replayAll(replayer)).toEqual({ kind: "upToDate" });
    const ref = reference(bs);
    // Each batch's root is the reference's after its last transaction; the tree is at the last one.
    let end = 0;
    for (const b of bs) {
      end += b.txs?.length ?? 0;
      expect(store.replays.get(b.number)?.rootAfter).toBe(ref[end - 1]);
      expect(store.replays.get(b.number)?.txs).toBe(b.txs?.length);
    }
    expect(bytesToHex(replayer.tree.root)).toBe(ref[ref.length - 1]);
    // A dispute's per-transaction roots, recomputed from the tree at the range's start.
    const first = bs[0].txs?.length ?? 0;
    const h = replayer.history(1, 3);
    expect(h?.count).toBe(ref.length - first);
    for (let p = 1; p <= (h?.count ?? 0); p++) expect(bytesToHex(h!.root(p))).toBe(ref[first + p - 1]);
    await replayer.close();
    await store.close();
  });

  it("test_replay_signersRecoveredInAWorker_sameRoots", async () => {
    const { store, replayer } = open(undefined, 1);
    const bs = batches();
    for (const b of bs) await store.batches.put(b.number, b);
    expect(await replayAll(replayer)).toEqual({ kind: "upToDate" });
    expect(store.replays.get(2)?.rootAfter).toBe(reference(bs).at(-1));
    await replayer.close();
    await store.close();
  });

  it("test_replay_unreadableBatch_isAFindingTheReplayWaitsAtNeverACrash", async () => {
    const { store, replayer } = open();
    const [b0, b1, b2] = batches();
    const { txs: _dropped, ...rest } = b1;
    const bad: BatchRecord = {
      ...rest,
      finding: { code: FindingCode.CALLDATA_UNAVAILABLE, detail: "posted through a contract" },
    };
    for (const b of [b0, bad, b2]) await store.batches.put(b.number, b);
    expect(await replayAll(replayer)).toEqual({
      kind: "blocked",
      batch: 1,
      finding: "CALLDATA_UNAVAILABLE: posted through a contract",
    });
    expect(store.replayedCount()).toBe(1);
    // Looking again changes nothing and throws nothing.
    expect((await replayer.step()).kind).toBe("blocked");
    await replayer.close();
    await store.close();
  });

  it("test_replay_reorgTakesBatchesBack_treeUndoneAndReplayedAgainToTheSameRoots", async () => {
    const { store, replayer } = open();
    const bs = batches();
    for (const b of bs) await store.batches.put(b.number, b);
    await replayAll(replayer);
    const after0 = store.replays.get(0)!.rootAfter;
    const after2 = store.replays.get(2)!.rootAfter;
    expect(after2).not.toBe(after0); // the orders changed the state: undoing them is not a no-op
    // A reorg drops batches 1 and 2 (the follower removed them): the tree goes back to batch 0's root.
    replayer.undoFrom(1);
    expect(store.replayedCount()).toBe(1);
    expect(bytesToHex(replayer.tree.root)).toBe(after0);
    // The new chain brings them again: the same roots.
    await replayAll(replayer);
    expect(store.replays.get(2)!.rootAfter).toBe(after2);
    await replayer.close();
    await store.close();
  });

  it("test_replay_crashAfterTheTreeCommitBeforeTheRecord_repairedAtOpenAndReplayedAgain", async () => {
    const first = open();
    const bs = batches();
    for (const b of bs) await first.store.batches.put(b.number, b);
    await replayAll(first.replayer);
    const r2 = first.store.replays.get(2)!;
    // The process died after batch 2's tree commit and before its record: the pending marker is all that is left.
    await first.store.meta.put("replayPending", { number: 2, rootBefore: r2.rootBefore, keys: r2.keys });
    await first.store.replays.remove(2);
    await first.replayer.close();
    await first.store.close();
    const again = open(first.dir);
    expect(again.store.replayedCount()).toBe(2);
    expect(bytesToHex(again.replayer.tree.root)).toBe(r2.rootBefore);
    await replayAll(again.replayer);
    expect(again.store.replays.get(2)!.rootAfter).toBe(r2.rootAfter);
    expect(again.store.meta.get("replayPending")).toBeUndefined();
    await again.replayer.close();
    await again.store.close();
  });

  it("test_replay_crashBeforeTheTreeCommit_pendingMarkerDropped", async () => {
    const first = open();
    const bs = batches();
    for (const b of bs) await first.store.batches.put(b.number, b);
    await first.replayer.step();
    const r0 = first.store.replays.get(0)!;
    await first.store.meta.put("replayPending", { number: 1, rootBefore: r0.rootAfter, keys: r0.keys });
    await first.replayer.close();
    await first.store.close();
    const again = open(first.dir);
    expect(bytesToHex(again.replayer.tree.root)).toBe(r0.rootAfter);
    await replayAll(again.replayer);
    expect(again.store.replays.get(2)!.rootAfter).toBe(reference(bs).at(-1));
    await again.replayer.close();
    await again.store.close();
  });
});
