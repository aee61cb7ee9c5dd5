import { bytesToHex, type Hex, hexToBytes } from "viem";
import { encodeProof, OUTBOX_ROOT_KEY, StateTree, ZERO } from "../../protocol/index.ts";
import {
  batchRoots,
  DisputeHistory,
  type PlacedTransaction,
  placedBatchContext,
} from "../../prover/index.ts";
import {
  type FlatModule,
  loadModule,
  ProvableState,
  type RecoveredSigner,
  StateOverlay,
  TransactionRunner,
} from "../../vm/index.ts";
import type { BatchRecord, ReplayRecord } from "../records.ts";
import type { VerifierStore } from "../VerifierStore.ts";
import { placedTransactions } from "./placedTransactions.ts";
import { SignerRecovery } from "./SignerRecovery.ts";

/** The meta key of a batch being committed (see step and repair). */
const PENDING = "replayPending";

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
  private readonly recovery?: SignerRecovery;
  /** Signer recoveries started for batches not replayed yet (the next batch's, during this one's run). */
  private readonly ahead = new Map<number, Promise<(RecoveredSigner | undefined)[]>>();

  constructor(
    private readonly store: VerifierStore,
    private readonly opts: {
      readonly statePath: string;
      readonly keepRoots: number;
      readonly engineWasm: Uint8Array;
      readonly txGasLimit: number;
      readonly genesisStateRoot: Hex;
      /** Worker threads that recover signers ahead of execution (0: the run recovers them itself). */
      readonly recoveryThreads?: number;
      /** The chain id the engine's signatures are over (GENESIS sets it to L1's); needed with recoveryThreads. */
      readonly chainId?: bigint;
    },
  ) {
    this.tree = StateTree.open({ path: opts.statePath, keepRoots: opts.keepRoots });
    this.runner = TransactionRunner.load(opts.engineWasm);
    this.flat = loadModule(opts.engineWasm);
    if ((opts.recoveryThreads ?? 0) > 0 && opts.chainId !== undefined)
      this.recovery = new SignerRecovery(opts.chainId, opts.recoveryThreads ?? 1);
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
   * The state after `batches` batches as an assertion claims it: the state root, the outbox root (the value at
   * OUTBOX_ROOT_KEY, ZERO while the engine keeps none) and its state proof, which Rollup.createAssertion checks.
   * Undefined when the replay has not run that far or the root is past `keepRoots`.
   */
  stateAfter(batches: number): { stateRoot: Hex; outboxRoot: Hex; outboxProof: Hex } | undefined {
    if (batches > this.store.replayedCount()) return undefined;
    const stateRoot = this.rootAfterBatches(batches);
    if (stateRoot === undefined) return undefined;
    const root = hexToBytes(stateRoot);
    if (!this.tree.hasRoot(root)) return undefined;
    return {
      stateRoot,
      outboxRoot: bytesToHex(this.tree.get(OUTBOX_ROOT_KEY, root)),
      outboxProof: bytesToHex(encodeProof(this.tree.prove(OUTBOX_ROOT_KEY, root))),
    };
  }

  /**
   * The tree must be at the last replay record's root. A crash between storing a record and committing its writes
   * (or a commit made and its record lost) leaves it elsewhere: undo the last record and replay it again.
   */
  private repair(): void {
    const pending = this.store.meta.get(PENDING) as
      | { number: number; rootBefore: Hex; keys: Hex[] }
      | undefined;
    if (pending !== undefined) {
      // A batch whose tree commit may or may not have happened: put its keys back to their values at its start.
      this.undoKeys(pending.keys, pending.rootBefore);
      this.store.meta.removeSync(PENDING);
    }
    const n = this.store.replayedCount();
    const expected = this.rootAfterBatches(n);
    if (expected !== undefined && bytesToHex(this.tree.root) !== expected)
      throw new Error(
        `the replay's state tree is at ${bytesToHex(this.tree.root)}, its records say ${expected}: the data directory is damaged (remove it to replay from L1 again)`,
      );
  }

  /** Writes every key back to its value at `target` (a root the tree keeps) and checks the tree is at `target`. */
  private undoKeys(keys: Iterable<Hex>, target: Hex): void {
    if (bytesToHex(this.tree.root) === target) return;
    const at = hexToBytes(target);
    const writes = [...new Set(keys)].map((k) => [hexToBytes(k), this.tree.get(hexToBytes(k), at)] as const);
    const root = bytesToHex(this.tree.commit(writes).root);
    if (root !== target) throw new Error(`undoing the replay: the tree's root ${root} is not ${target}`);
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
    // The fast path: reads through the batch's writes, then the tree at the batch's start; no hashing until the
    // batch's one commit. Per-transaction roots are recomputed from the batch's start when a dispute needs them
    // (history), so the replay does not hash the tree after every transaction.
    const recovering = this.ahead.get(next) ?? this.recover(placed);
    this.ahead.delete(next);
    this.prefetch(next + 1);
    const recovered = await recovering;
    const at = hexToBytes(rootBefore);
    const overlay = new StateOverlay({ get: (key) => this.tree.get(key, at) });
    for (const [i, t] of placed.entries()) {
      const result = this.runner.runTransaction({
        input: t.bytes,
        batchContext: placedBatchContext(t),
        state: overlay,
        gasLimit: this.opts.txGasLimit,
        recovered: recovered[i],
      });
      overlay.apply(result.writes);
    }
    const writes = overlay.writes();
    const keys = writes.map(([key]) => bytesToHex(key));
    // Pending first (the keys to undo it), then the tree, then the record: repair() undoes a half-done batch.
    await this.store.meta.put(PENDING, { number: next, rootBefore, keys });
    const rootAfter = bytesToHex(this.tree.commit(writes).root);
    const record: ReplayRecord = {
      number: next,
      rootBefore,
      rootAfter,
      txs: placed.length,
      txsBefore: batch.header.txsBefore,
      keys,
      at: Date.now(),
    };
    await this.store.env.transaction(() => {
      this.store.replays.put(next, record);
      this.store.meta.remove(PENDING);
    });
    return { kind: "replayed", record };
  }

  private recover(placed: readonly PlacedTransaction[]): Promise<(RecoveredSigner | undefined)[]> {
    return this.recovery ? this.recovery.recover(placed.map((t) => t.bytes)) : Promise.resolve([]);
  }

  /** Starts recovering batch `number`'s signers if its data is here (it runs while the current batch executes). */
  private prefetch(number: number): void {
    if (this.recovery === undefined || this.ahead.has(number)) return;
    const b = this.store.batches.get(number);
    if (b === undefined || b.finding !== undefined || this.store.delayedCount() < b.header.delayedAfter)
      return;
    this.ahead.set(number, this.recover(this.placed(b)));
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
    const keys = new Set<Hex>();
    for (const r of records) for (const k of r.keys) keys.add(k);
    this.undoKeys(keys, records[0].rootBefore);
    for (const r of records) this.store.replays.removeSync(r.number);
    this.histories.clear();
    this.ahead.clear();
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
    // A few ranges at once (games on several assertions); the oldest is dropped and rebuilt if needed again.
    if (this.histories.size >= 8) this.histories.delete(this.histories.keys().next().value as string);
    this.histories.set(key, h);
    return h;
  }

  async close(): Promise<void> {
    await this.recovery?.close();
    await this.tree.close();
  }
}
