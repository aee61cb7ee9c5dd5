import { bytesToHex, type Hex, hexToBytes } from "viem";
import { StateTree, ZERO } from "../../protocol/index.ts";
import {
  batchRoots,
  DisputeHistory,
  type PlacedTransaction,
  placedBatchContext,
} from "../../prover/index.ts";
import { type FlatModule, loadModule, ProvableState, TransactionRunner } from "../../vm/index.ts";
import type { BatchRecord, ReplayRecord } from "../records.ts";
import type { VerifierStore } from "../VerifierStore.ts";
import { placedTransactions } from "./placedTransactions.ts";

/** Why the replay cannot take the next batch now. */
export type ReplayWait =
  | { readonly kind: "upToDate" }
  | { readonly kind: "delayedNotRead"; readonly batch: number }
  | { readonly kind: "blocked"; readonly batch: number; readonly finding: string };

/**
 * Replays every batch L1 recorded on the fast path (the metered JIT, prover/batchRoots) into the verifier's own
 * state tree (protocol/smt StateTree in LMDB, `keepRoots` roots readable: the dispute window), one batch at a
 * time and in order, and records the root after each transaction. Disputes rebuild a range's per-transaction
 * roots and step histories from the tree at the range's start (`history`). A batch L1 recorded but whose
 * transactions we could not read is a finding: the replay waits at it (assertions past it stay `unknown`) and
 * never guesses.
 */
export class Replayer {
  readonly tree: StateTree;
  private readonly runner: TransactionRunner;
  private readonly flat: FlatModule;
  private readonly histories = new Map<string, DisputeHistory>();

  constructor(
    private readonly store: VerifierStore,
    private readonly opts: {
      readonly statePath: string;
      readonly keepRoots: number;
      readonly engineWasm: Uint8Array;
      readonly txGasLimit: number;
      readonly genesisStateRoot: Hex;
    },
  ) {
    this.tree = StateTree.open({ path: opts.statePath, keepRoots: opts.keepRoots });
    this.runner = TransactionRunner.load(opts.engineWasm);
    this.flat = loadModule(opts.engineWasm);
    if (bytesToHex(ZERO) !== opts.genesisStateRoot)
      throw new Error(
        `the genesis state root ${opts.genesisStateRoot} is not the empty tree: the replay starts from the empty state`,
      );
    this.repair();
  }

  /** The root after `batches` batches (the genesis root for 0). */
  rootAfterBatches(batches: number): Hex | undefined {
    if (batches === 0) return this.opts.genesisStateRoot;
    return this.store.replays.get(batches - 1)?.rootAfter;
  }

  /**
   * The tree must be at the last replay record's root. A crash between storing a record and committing its writes
   * (or a commit made and its record lost) leaves it elsewhere: undo the last record and replay it again.
   */
  private repair(): void {
    const n = this.store.replayedCount();
    const expected = this.rootAfterBatches(n);
    if (expected === undefined || bytesToHex(this.tree.root) === expected) return;
    if (n > 0) this.undoFrom(n - 1);
  }

  /** Replays the next batch if L1's data for it is in the store; returns what it did or why it waits. */
  async step(): Promise<{ kind: "replayed"; record: ReplayRecord } | ReplayWait> {
    const next = this.store.replayedCount();
    const batch = this.store.batches.get(next);
    if (batch === undefined) return { kind: "upToDate" };
    if (batch.finding !== undefined)
      return { kind: "blocked", batch: next, finding: `${batch.finding.code}: ${batch.finding.detail}` };
    if (this.store.delayedCount() < batch.header.delayedAfter) return { kind: "delayedNotRead", batch: next };
    const rootBefore = this.rootAfterBatches(next) as Hex;
    const placed = this.placed(batch);
    const replay = batchRoots(
      this.runner,
      ProvableState.fromStateTree(this.tree, hexToBytes(rootBefore)),
      placed.map((t) => ({ input: t.bytes, batchContext: placedBatchContext(t) })),
      this.opts.txGasLimit,
    );
    const writes = new Map<Hex, Uint8Array>();
    for (const r of replay.results) for (const [key, value] of r.writes) writes.set(bytesToHex(key), value);
    const roots = replay.roots.slice(1).map((r) => bytesToHex(r));
    const rootAfter = bytesToHex(replay.roots[replay.roots.length - 1]);
    const record: ReplayRecord = {
      number: next,
      rootBefore,
      roots,
      rootAfter,
      txsBefore: batch.header.txsBefore,
      keys: [...writes.keys()],
      at: Date.now(),
    };
    // The record first (with the keys to undo it), then the tree: repair() finishes either half after a crash.
    await this.store.replays.put(next, record);
    const committed = this.tree.commit([...writes].map(([k, v]) => [hexToBytes(k), v] as const));
    if (bytesToHex(committed.root) !== rootAfter)
      throw new Error(
        `replay of batch ${next}: the tree's root ${bytesToHex(committed.root)} is not ${rootAfter}`,
      );
    return { kind: "replayed", record };
  }

  /** The batch's transactions as L1 placed them (its delayed messages first). */
  placed(batch: BatchRecord): PlacedTransaction[] {
    const delayed = [
      ...this.store.range(this.store.delayed, batch.header.delayedBefore, batch.header.delayedAfter),
    ];
    return placedTransactions(batch, delayed);
  }

  /**
   * Undoes the replay of batches `from` and later (a reorg replaced them): every key they wrote goes back to its
   * value at the root before `from`, and their records are dropped.
   */
  undoFrom(from: number): void {
    const records = [...this.store.range(this.store.replays, from, Number.MAX_SAFE_INTEGER)];
    if (records.length === 0) return;
    const target = records[0].rootBefore;
    const keys = new Set<Hex>();
    for (const r of records) for (const k of r.keys) keys.add(k);
    const at = hexToBytes(target);
    if (bytesToHex(this.tree.root) !== target) {
      const writes = [...keys].map((k) => [hexToBytes(k), this.tree.get(hexToBytes(k), at)] as const);
      const root = bytesToHex(this.tree.commit(writes).root);
      if (root !== target)
        throw new Error(`undoing batches ${from}..: the tree's root ${root} is not ${target}`);
    }
    for (const r of records) this.store.replays.removeSync(r.number);
    this.histories.clear();
  }

  /**
   * Our values over an assertion's range (batches `batchStart` .. `batchEnd - 1`): per-transaction roots
   * recomputed from the tree at the range's start, and step histories on demand (prover/DisputeHistory). Cached
   * per range.
   */
  history(batchStart: number, batchEnd: number): DisputeHistory | undefined {
    const key = `${batchStart}-${batchEnd}`;
    const cached = this.histories.get(key);
    if (cached) return cached;
    if (this.store.replayedCount() < batchEnd) return undefined;
    const start = this.rootAfterBatches(batchStart) as Hex;
    const placed: PlacedTransaction[] = [];
    for (let b = batchStart; b < batchEnd; b++) {
      const batch = this.store.batches.get(b);
      if (batch === undefined) return undefined;
      placed.push(...this.placed(batch));
    }
    const replay = batchRoots(
      this.runner,
      ProvableState.fromStateTree(this.tree, hexToBytes(start)),
      placed.map((t) => ({ input: t.bytes, batchContext: placedBatchContext(t) })),
      this.opts.txGasLimit,
    );
    const h = new DisputeHistory(this.flat, replay, placed, { gasLimit: this.opts.txGasLimit });
    this.histories.set(key, h);
    return h;
  }

  async close(): Promise<void> {
    await this.tree.close();
  }
}
