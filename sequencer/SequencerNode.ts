/**
 * The sequencer node's core: intake (signers recovered ahead in worker threads), execution on
 * the fast path (vm TransactionRunner on engine.wasm over a per-batch StateOverlay), receipts,
 * the durable log (group-committed LMDB), batches sealed by size or time and committed to the
 * state tree with commitAsync, and restart by replaying what the tree does not hold yet.
 *
 * One lane executes: transactions run one at a time in arrival order, each on the state the one
 * before left. A transaction is answered only once its log record is durable; the log commits
 * in order, so an answer implies every earlier transaction is durable too.
 */
import { join } from "node:path";
import { bytesToHex, type Hex } from "viem";
import {
  decodeNonce,
  encodeGenesis,
  engineKeys,
  MAX_TX_BYTES,
  Outcome,
  TxType,
} from "../protocol/engine/index.ts";
import { transactionHash } from "../protocol/rollup/batch.ts";
import { StateTree } from "../protocol/smt/StateTree.ts";
import type { Logger } from "../service/index.ts";
import {
  ProvableState,
  type RecoveredSigner,
  StateOverlay,
  type StateReader,
  type StateWrite,
  TransactionRunner,
} from "../vm/index.ts";
import { calldataBytes, type SealLimits, sealBefore } from "./batching/sealPolicy.ts";
import {
  AccountNames,
  envelopeOf,
  outcomeLabel,
  type TradeEffects,
  tradeEffects,
} from "./execution/engineReceipt.ts";
import { StateCache } from "./execution/StateCache.ts";
import { type Recovery, RecoveryPool } from "./intake/RecoveryPool.ts";
import { type BatchRecord, type Durability, TxLog } from "./intake/TxLog.ts";
import type {
  BatchView,
  NodeEvent,
  NodeEventListener,
  NodeStatus,
  Receipt,
  Rejection,
  SubmitResult,
} from "./nodeTypes.ts";
import { BATCH_TIME_MS, MAX_BATCH_BYTES, MAX_BATCH_TXS, MAX_PENDING } from "./params.ts";
import type { SequencerMetrics } from "./SequencerMetrics.ts";

export interface SequencerOptions {
  readonly dataDir: string;
  readonly engineWasm: Uint8Array;
  /** The chain id GENESIS sets and every EIP-712 signature is over. */
  readonly chainId: bigint;
  /** The admin GENESIS sets (the deployment record's `admin`). */
  readonly admin: Hex;
  readonly logger: Logger;
  readonly metrics?: SequencerMetrics;
  readonly limits?: Partial<SealLimits>;
  readonly maxPending?: number;
  readonly durability?: Durability;
  /** State roots kept provable (batches), default StateTree's. */
  readonly keepRoots?: number;
  readonly recoveryThreads?: number;
  /** The clock, ms (tests move it). */
  readonly now?: () => number;
}

/** The log or the state disagree with a replay of the log: local corruption; the node halts. */
export class CorruptionError extends Error {
  override name = "CorruptionError";
}

interface Pending {
  readonly tx: Uint8Array;
  recovery: Recovery | Promise<Recovery>;
  readonly resolve: (r: SubmitResult) => void;
  readonly reject: (e: unknown) => void;
  /** 0: a sequencer transaction; 1: a delayed-inbox message (L1 authenticated it; runs first in a batch). */
  readonly origin: 0 | 1;
}

/** The open batch. */
interface OpenBatch {
  record: BatchRecord;
  txCount: number;
  /** Delayed messages in it (they come first). */
  delayed: number;
  bytes: number;
  openedAtMs: number;
  readonly hashes: Hex[];
}

/** Outcomes of transactions that change no state: answered with a rejection, never logged. */
const NOT_ENTERED = new Set<number>([Outcome.BAD_ENCODING, Outcome.BAD_SIGNATURE, Outcome.BAD_NONCE]);

function hex(b: Uint8Array): Hex {
  return bytesToHex(b);
}

function jsonEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export class SequencerNode {
  readonly limits: SealLimits;
  private readonly maxPending: number;
  private readonly now: () => number;
  private readonly runner: TransactionRunner;
  private readonly pool: RecoveryPool;
  private readonly names = new AccountNames();
  private readonly listeners = new Set<NodeEventListener>();
  private overlay: StateOverlay;
  /** The committed state, cached: every batch's overlay reads through it. */
  private readonly cache: StateCache;
  private open_: OpenBatch | undefined;
  private queue: Pending[] = [];
  private head = 0;
  private pumping = false;
  private sealDue = false;
  private sealTimer: NodeJS.Timeout | undefined;
  private nextSeq: number;
  /** Transactions executed whose log write is not yet durable. */
  private unacked = 0;
  private lastWrite: Promise<void> = Promise.resolve();
  private lastSealed: BatchRecord | undefined;
  private lastTimestamp = 0;
  private accepting = false;
  private halted: Error | undefined;
  private ready_ = false;

  private constructor(
    private readonly options: SequencerOptions,
    readonly tree: StateTree,
    readonly log: TxLog,
  ) {
    this.limits = {
      batchTimeMs: options.limits?.batchTimeMs ?? BATCH_TIME_MS,
      maxBatchBytes: options.limits?.maxBatchBytes ?? MAX_BATCH_BYTES,
      maxBatchTxs: options.limits?.maxBatchTxs ?? MAX_BATCH_TXS,
    };
    this.maxPending = options.maxPending ?? MAX_PENDING;
    this.now = options.now ?? Date.now;
    this.runner = TransactionRunner.load(options.engineWasm);
    this.pool = new RecoveryPool(options.chainId, options.recoveryThreads);
    this.cache = new StateCache(tree);
    this.overlay = new StateOverlay(this.cache);
    this.nextSeq = log.nextSeq();
  }

  /**
   * Opens the node at `dataDir`: replays the logged transactions the state tree does not hold
   * yet (checking each against the receipt it was acknowledged with), and on a new chain runs
   * GENESIS as the first transaction. Resolves once the node serves.
   */
  static async open(options: SequencerOptions): Promise<SequencerNode> {
    const tree = StateTree.open({ path: join(options.dataDir, "state"), keepRoots: options.keepRoots });
    const log = new TxLog(join(options.dataDir, "log"), options.durability);
    const node = new SequencerNode(options, tree, log);
    try {
      const t0 = performance.now();
      const replayed = await node.replay();
      node.accepting = true;
      if (node.nextSeq === 0) {
        const r = await node.enqueue(encodeGenesis(options.admin, options.chainId), 0);
        if (!r.ok || r.receipt.outcome !== Outcome.OK)
          throw new Error(`GENESIS failed: ${JSON.stringify(r.ok ? r.receipt : r.rejection)}`);
        options.logger.info({ seq: 0, tx: r.receipt.txHash, admin: options.admin }, "genesis");
      }
      node.ready_ = true;
      options.logger.info(
        { replayed, ms: Math.round(performance.now() - t0), head: node.nextSeq - 1, root: hex(tree.root) },
        "sequencer ready",
      );
      return node;
    } catch (e) {
      await node.pool.close();
      await tree.close();
      await log.close();
      throw e;
    }
  }

  /** Delayed-inbox messages executed so far (sealed and open batches): the next one's index. */
  get delayedConsumed(): number {
    const b = this.open_;
    return b !== undefined ? b.record.delayedFrom + b.delayed : (this.lastSealed?.delayedTo ?? 0);
  }

  get ready(): boolean {
    return this.ready_ && this.halted === undefined;
  }

  /** Why the node halted (local corruption or a storage failure), or undefined. */
  get haltReason(): Error | undefined {
    return this.halted;
  }

  // -------------------------------------------------------------------------------------------
  // Intake
  // -------------------------------------------------------------------------------------------

  /** Executes one transaction; resolves after its durable write with its receipt, or with a rejection. */
  submit(tx: Uint8Array): Promise<SubmitResult> {
    if (!(tx instanceof Uint8Array))
      return Promise.resolve(reject({ reason: "BAD_ENCODING", message: "expected bytes" }));
    if (!this.accepting || this.halted !== undefined)
      return Promise.resolve(
        reject({
          reason: "NOT_READY",
          message: this.halted ? `halted: ${this.halted.message}` : "starting or shutting down",
        }),
      );
    const depth = this.queue.length - this.head + this.unacked;
    if (depth >= this.maxPending)
      return Promise.resolve(reject({ reason: "OVERLOADED", queueDepth: depth, limit: this.maxPending }));
    if (tx.length === 0)
      return Promise.resolve(reject({ reason: "BAD_ENCODING", message: "empty transaction" }));
    // The engine's longest transaction (MAX_TX_BYTES): longer bytes never reach a worker.
    if (tx.length > MAX_TX_BYTES)
      return Promise.resolve(
        reject({
          reason: "BAD_ENCODING",
          message: `expected at most ${MAX_TX_BYTES} bytes (MAX_TX_BYTES), got ${tx.length}`,
        }),
      );
    if (tx[0] === TxType.GENESIS || tx[0] === TxType.DEPOSIT) {
      const type = tx[0] === TxType.GENESIS ? "GENESIS" : "DEPOSIT";
      return Promise.resolve(reject({ reason: "TYPE_NOT_ALLOWED", type }));
    }
    return this.enqueue(tx, 0);
  }

  /** submit for each, in order. */
  submitMany(txs: readonly Uint8Array[]): Promise<SubmitResult[]> {
    return Promise.all(txs.map((tx) => this.submit(tx)));
  }

  /**
   * Includes delayed-inbox messages (origin 1, e.g. DEPOSIT) in order: they start a new batch
   * (a batch runs its delayed messages before its sequencer transactions, docs/protocol.md).
   * The L1 follower (#10) calls this with the messages the bridge queued, in queue order.
   */
  includeDelayed(txs: readonly Uint8Array[]): Promise<SubmitResult[]> {
    if (!this.accepting || this.halted !== undefined)
      return Promise.resolve(
        txs.map(() => reject({ reason: "NOT_READY", message: "starting or shutting down" })),
      );
    return Promise.all(txs.map((tx) => this.enqueue(tx, 1)));
  }

  private enqueue(tx: Uint8Array, origin: 0 | 1): Promise<SubmitResult> {
    return new Promise<SubmitResult>((resolve, reject) => {
      const p: Pending = { tx: tx.slice(), recovery: this.pool.recover(tx), resolve, reject, origin };
      p.recovery = (p.recovery as Promise<Recovery>).then((r) => {
        p.recovery = r;
        return r;
      });
      this.queue.push(p);
      this.options.metrics?.accepted.inc();
      void this.pump();
    });
  }

  /** The lane: executes queued transactions in order and seals when due. */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (;;) {
        if (this.halted !== undefined) {
          this.failQueued();
          return;
        }
        if (this.sealDue) {
          await this.seal();
          continue;
        }
        if (this.head >= this.queue.length) break;
        const p = this.queue[this.head];
        const recovery = p.recovery instanceof Promise ? await p.recovery : p.recovery;
        this.queue[this.head++] = undefined as unknown as Pending;
        if (this.head > 1024 && this.head * 2 > this.queue.length) {
          this.queue = this.queue.slice(this.head);
          this.head = 0;
        }
        const b = this.open_;
        if (
          b !== undefined &&
          (sealBefore(b, calldataBytes(p.tx), this.limits) || (p.origin === 1 && b.txCount > b.delayed))
        )
          await this.seal();
        try {
          this.execute(p, recovery);
        } catch (e) {
          p.reject(e);
          throw e;
        }
      }
    } catch (e) {
      this.halt(e as Error);
    } finally {
      this.pumping = false;
    }
  }

  private failQueued(): void {
    for (let i = this.head; i < this.queue.length; i++)
      this.queue[i].resolve(reject({ reason: "NOT_READY", message: `halted: ${this.halted!.message}` }));
    this.queue = [];
    this.head = 0;
  }

  private halt(e: Error): void {
    if (this.halted !== undefined) return;
    this.halted = e;
    this.options.logger.fatal({ err: e }, "sequencer halted");
    this.failQueued();
  }

  /** Opens a batch for the next transaction: its number, timestamp and pre-state are fixed now. */
  private openBatch(): OpenBatch {
    const number = (this.lastSealed?.number ?? -1) + 1;
    // Timestamps never go back, even if the clock does.
    const timestamp = Math.max(this.lastTimestamp, Math.floor(this.now() / 1000));
    this.lastTimestamp = timestamp;
    const record: BatchRecord = {
      number,
      timestamp,
      firstSeq: this.nextSeq,
      delayedFrom: this.lastSealed?.delayedTo ?? 0,
      delayedTo: this.lastSealed?.delayedTo ?? 0,
      prevStateRoot: hex(this.tree.root),
    };
    // Not awaited: it commits with (or before) the batch's first transaction, which is.
    void this.log.putBatch(record);
    const b: OpenBatch = { record, txCount: 0, delayed: 0, bytes: 0, openedAtMs: this.now(), hashes: [] };
    this.open_ = b;
    this.sealTimer = setTimeout(() => {
      this.sealDue = true;
      void this.pump();
    }, this.limits.batchTimeMs);
    this.sealTimer.unref();
    return b;
  }

  /**
   * Runs one transaction in the open batch. If it changes state, applies its writes, numbers it
   * and returns its receipt; else returns its rejection (nothing changed).
   */
  private run(
    tx: Uint8Array,
    recovery: Recovery,
    origin: 0 | 1,
  ):
    | { ok: false; rejection: Rejection }
    | { ok: true; receipt: Receipt; effects: TradeEffects; hash: Uint8Array } {
    if (recovery.kind === "malformed")
      return { ok: false, rejection: { reason: "BAD_ENCODING", message: recovery.message } };
    const batch = this.open_ ?? this.openBatch();
    const recovered: RecoveredSigner | undefined =
      recovery.kind === "signed" ? { input: recovery.input, signer: recovery.signer } : undefined;
    const r = this.runner.runTransaction({
      input: tx,
      batchContext: {
        timestamp: BigInt(batch.record.timestamp),
        l2Block: BigInt(batch.record.number),
        origin: BigInt(origin),
      },
      state: this.overlay,
      recovered,
    });
    const env = envelopeOf(tx);
    if (r.outcome === "reverted" || (NOT_ENTERED.has(r.code) && r.writes.length === 0))
      return {
        ok: false,
        rejection: this.rejection(tx, r.outcome === "reverted" ? -1 : r.code, recovery, env, r.trap),
      };
    const effects: TradeEffects =
      r.code === Outcome.OK
        ? tradeEffects(tx, env, this.overlay, r.writes, this.names)
        : {
            market:
              env.typeByte >= TxType.ORDER && env.typeByte <= TxType.CANCEL_ALL
                ? (tx[29] << 8) | tx[30]
                : null,
            orderId: null,
            resting: false,
            fills: [],
            levels: [],
            accounts: env.signer === null ? [] : [env.signer],
          };
    this.overlay.apply(r.writes);
    const seq = this.nextSeq++;
    const hash = transactionHash(tx);
    const txHash = hex(hash);
    const receipt: Receipt = {
      txHash,
      seq: seq.toString(),
      block: batch.record.number,
      index: batch.txCount,
      type: env.type,
      signer: env.signer,
      nonce: env.nonce === null ? null : env.nonce.toString(),
      outcome: r.code,
      outcomeName: outcomeLabel(r.code),
      orderId: effects.orderId === null ? null : effects.orderId.toString(),
      market: effects.market,
      fills: effects.fills,
      resting: effects.resting,
      gasUsed: r.gasUsed.toString(),
    };
    batch.txCount++;
    if (origin === 1) batch.delayed++;
    else batch.bytes += calldataBytes(tx);
    batch.hashes.push(txHash);
    return { ok: true, receipt, effects, hash };
  }

  /** Runs one transaction and, unless it changes nothing, logs it and answers once durable. */
  private execute(p: Pending, recovery: Recovery): void {
    const out = this.run(p.tx, recovery, p.origin);
    if (!out.ok) {
      this.options.metrics?.rejected.inc();
      p.resolve(out);
      return;
    }
    const { receipt, effects, hash } = out;
    // Events read the post-state now, and go out once the transaction is durable.
    const events = this.listeners.size > 0 ? this.eventsOf(receipt, effects) : [];
    this.unacked++;
    const written = this.log.append(Number(receipt.seq), p.tx, receipt, hash, p.origin);
    this.lastWrite = written;
    const t0 = performance.now();
    written.then(
      () => {
        this.unacked--;
        this.options.metrics?.executed.inc();
        this.options.metrics?.durableMs.observe(performance.now() - t0);
        p.resolve({ ok: true, receipt });
        for (const e of events) this.emit(e);
      },
      (e) => {
        this.unacked--;
        p.reject(e);
        this.halt(new Error(`log write failed: ${(e as Error).message}`));
      },
    );
    if (this.open_ !== undefined && this.open_.txCount >= this.limits.maxBatchTxs) this.sealDue = true;
  }

  private rejection(
    tx: Uint8Array,
    code: number,
    recovery: Recovery,
    env: ReturnType<typeof envelopeOf>,
    trap?: string,
  ): Rejection {
    if (code === Outcome.BAD_SIGNATURE && env.signer !== null && recovery.kind === "signed")
      return {
        reason: "BAD_SIGNATURE",
        signer: env.signer,
        recovered: recovery.signer === undefined ? null : hex(recovery.signer.subarray(12)),
        expectedDigest: hex(recovery.input.subarray(0, 32)),
      };
    if (code === Outcome.BAD_NONCE && env.signer !== null) {
      const known = transactionHash(tx);
      const seq = this.log.seqOfHash(known);
      const expected = decodeNonce(this.overlay.get(engineKeys.nonce(env.signer)));
      return {
        reason: "BAD_NONCE",
        signer: env.signer,
        expected: expected.toString(),
        got: (env.nonce ?? 0n).toString(),
        ...(seq === undefined ? {} : { knownTxHash: hex(known) }),
      };
    }
    if (code === -1)
      return { reason: "BAD_ENCODING", message: `the engine refused the transaction (${trap})` };
    return { reason: "BAD_ENCODING", message: `the engine answered ${outcomeLabel(code)}` };
  }

  // -------------------------------------------------------------------------------------------
  // Batches
  // -------------------------------------------------------------------------------------------

  /** Seals the open batch (if any): durable seal record, then its state committed to the tree. */
  private async seal(): Promise<void> {
    this.sealDue = false;
    const b = this.open_;
    if (b === undefined) return;
    clearTimeout(this.sealTimer);
    if (b.txCount === 0) {
      // Opened by transactions that were all refused: nothing to seal. The next transaction
      // opens it again (same number, its own time) and arms a new timer.
      this.open_ = undefined;
      return;
    }
    this.open_ = undefined;
    const sealed: BatchRecord = {
      ...b.record,
      txCount: b.txCount,
      delayedTo: b.record.delayedFrom + b.delayed,
    };
    // The seal record is durable before the tree holds the batch: on restart, the tree never
    // holds a batch the log does not know sealed (tree version n = batches 1..n committed).
    await this.log.putBatch(sealed);
    const writes: StateWrite[] = this.overlay.writes();
    const pending = this.tree.commitAsync(writes);
    this.cache.committed(writes);
    if (pending.version !== sealed.number + 1)
      throw new CorruptionError(`state tree version ${pending.version} after sealing batch ${sealed.number}`);
    this.overlay = new StateOverlay(this.cache);
    const done: BatchRecord = { ...sealed, stateRoot: hex(pending.root) };
    this.lastSealed = done;
    this.options.metrics?.batches.inc();
    this.options.logger.info(
      {
        batch: done.number,
        txs: done.txCount,
        bytes: b.bytes,
        root: done.stateRoot,
        firstSeq: done.firstSeq,
      },
      "batch sealed",
    );
    const view = this.batchView(done, b.hashes);
    pending.written.then(
      () => {
        void this.log.putBatch(done);
        this.emit({ kind: "batch", seq: String(done.firstSeq + b.txCount - 1), batch: view });
      },
      (e) => this.halt(new Error(`state commit failed: ${(e as Error).message}`)),
    );
  }

  /** Seals the open batch now (operators, tests); resolves with the sealed batch's number, if any. */
  async sealNow(): Promise<number | undefined> {
    this.sealDue = true;
    await this.pump();
    while (this.pumping) await new Promise((r) => setImmediate(r));
    if (this.sealDue) await this.seal();
    return this.lastSealed?.number;
  }

  // -------------------------------------------------------------------------------------------
  // Restart
  // -------------------------------------------------------------------------------------------

  /** Replays logged transactions the tree does not hold: batches after tree.version, then the open one. */
  private async replay(): Promise<number> {
    const v = this.tree.version;
    let replayed = 0;
    // Tree version v holds batches 0..v-1.
    const committed = v === 0 ? undefined : this.log.batch(v - 1);
    if (v > 0 && committed === undefined)
      throw new CorruptionError(`the state tree holds ${v} batches, the log does not know batch ${v - 1}`);
    this.lastSealed = committed;
    if (committed !== undefined) this.lastTimestamp = committed.timestamp;
    if (committed !== undefined && committed.stateRoot === undefined) {
      await this.log.putBatch({ ...committed, stateRoot: hex(this.tree.root) });
      this.lastSealed = { ...committed, stateRoot: hex(this.tree.root) };
    }
    for (let n = v; ; n++) {
      const rec = this.log.batch(n);
      if (rec === undefined) break;
      if (rec.prevStateRoot !== hex(this.tree.root))
        throw new CorruptionError(
          `batch ${n} starts at ${rec.prevStateRoot}, the state tree is at ${hex(this.tree.root)}`,
        );
      const end = rec.txCount === undefined ? this.log.nextSeq() : rec.firstSeq + rec.txCount;
      const logged = [...this.log.range(rec.firstSeq, end)];
      const recoveries = await Promise.all(logged.map((l) => this.pool.recover(l.tx)));
      this.lastTimestamp = rec.timestamp;
      const b: OpenBatch = {
        record: rec,
        txCount: 0,
        delayed: 0,
        bytes: 0,
        openedAtMs: this.now(),
        hashes: [],
      };
      this.open_ = b;
      this.nextSeq = rec.firstSeq;
      for (let i = 0; i < logged.length; i++) {
        const { seq, tx, receipt } = logged[i];
        if (seq !== rec.firstSeq + i)
          throw new CorruptionError(`log gap: expected seq ${rec.firstSeq + i}, found ${seq}`);
        const out = this.run(tx, recoveries[i], logged[i].origin);
        const again = out.ok ? out.receipt : out.rejection;
        if (!jsonEqual(again, receipt))
          throw new CorruptionError(
            `replay of seq ${seq} differs from its acknowledged receipt: ${JSON.stringify(again)} vs ${JSON.stringify(receipt)}`,
          );
        replayed++;
      }
      this.nextSeq = end;
      if (rec.txCount !== undefined) {
        this.open_ = undefined;
        const writes = this.overlay.writes();
        const c = this.tree.commit(writes);
        this.cache.committed(writes);
        if (c.version !== n + 1)
          throw new CorruptionError(`state tree version ${c.version} after replaying batch ${n}`);
        this.overlay = new StateOverlay(this.cache);
        const done = { ...rec, stateRoot: hex(c.root) };
        if (rec.stateRoot !== undefined && rec.stateRoot !== done.stateRoot)
          throw new CorruptionError(`batch ${n} replays to ${done.stateRoot}, logged ${rec.stateRoot}`);
        await this.log.putBatch(done);
        this.lastSealed = done;
      } else {
        // The open batch continues: new transactions join it until it seals.
        this.sealTimer = setTimeout(() => {
          this.sealDue = true;
          void this.pump();
        }, this.limits.batchTimeMs);
        this.sealTimer.unref();
      }
    }
    return replayed;
  }

  // -------------------------------------------------------------------------------------------
  // Reads
  // -------------------------------------------------------------------------------------------

  /** Finds account ids' owners (shared with the views: accounts never move). */
  get accountNames(): AccountNames {
    return this.names;
  }

  /** The open batch's timestamp, else the last sealed one's (seconds): the time views mark at. */
  get batchTimestamp(): number {
    return this.open_?.record.timestamp ?? this.lastSealed?.timestamp ?? this.lastTimestamp;
  }

  /** The state as of the last executed transaction. */
  get state(): StateReader {
    return this.overlay;
  }

  nonce(address: Hex): bigint {
    return decodeNonce(this.overlay.get(engineKeys.nonce(address)));
  }

  receipt(txHash: Hex): Receipt | null {
    const seq = this.log.seqOfHash(hexBytes(txHash));
    if (seq === undefined) return null;
    return this.log.tx(seq)?.receipt ?? null;
  }

  receiptBySeq(seq: number): Receipt | null {
    return this.log.tx(seq)?.receipt ?? null;
  }

  batch(number: number): BatchView | null {
    if (this.open_ !== undefined && number === this.open_.record.number)
      return this.batchView(this.open_.record, this.open_.hashes);
    const rec = this.log.batch(number);
    if (rec === undefined || rec.txCount === undefined) return null;
    const hashes = [...this.log.range(rec.firstSeq, rec.firstSeq + rec.txCount)].map((l) => l.receipt.txHash);
    return this.batchView(rec, hashes);
  }

  private batchView(rec: BatchRecord, hashes: readonly Hex[]): BatchView {
    return {
      number: rec.number,
      stage: rec.txCount === undefined ? "open" : "sealed",
      timestamp: rec.timestamp.toString(),
      txCount: rec.txCount ?? hashes.length,
      txHashes: hashes,
      delayedMessages: { from: rec.delayedFrom.toString(), to: rec.delayedTo.toString() },
      prevStateRoot: rec.prevStateRoot as Hex,
      stateRoot: (rec.stateRoot as Hex | undefined) ?? null,
      l1TxHash: null,
      l1Block: null,
    };
  }

  status(): NodeStatus {
    return {
      chainId: this.options.chainId.toString(),
      ready: this.ready,
      headSeq: this.nextSeq === 0 ? null : (this.nextSeq - 1).toString(),
      headBlock: this.open_?.record.number ?? (this.lastSealed?.number ?? -1) + 1,
      stateRoot: hex(this.tree.root),
      lastSealedBatch: this.lastSealed?.number ?? null,
      lastPostedBatch: null,
      lastAssertedBatch: null,
      lastConfirmedBatch: null,
      queues: {
        recovery: this.pool.inFlight,
        execution: this.queue.length - this.head,
        durableWrite: this.unacked,
      },
    };
  }

  /**
   * The state root after each transaction of sealed batch `number` (the dispute window's
   * per-transaction roots), recomputed from the batch's pre-state: its transactions re-run on
   * the fast path, their writes applied to the state tree's proofs at the batch's start.
   */
  async txRoots(number: number): Promise<Hex[]> {
    const rec = this.log.batch(number);
    if (rec === undefined || rec.txCount === undefined) throw new Error(`batch ${number} is not sealed`);
    await this.tree.flushed();
    const pre = hexBytes(rec.prevStateRoot as Hex);
    const base: StateReader = { get: (k) => this.tree.get(k, pre) };
    const overlay = new StateOverlay(base);
    const proven = ProvableState.fromStateTree(this.tree, pre);
    const roots: Hex[] = [];
    const runner = TransactionRunner.load(this.options.engineWasm);
    for (const { tx, origin } of this.log.range(rec.firstSeq, rec.firstSeq + rec.txCount)) {
      const r = runner.runTransaction({
        input: tx,
        batchContext: { timestamp: BigInt(rec.timestamp), l2Block: BigInt(number), origin: BigInt(origin) },
        state: overlay,
      });
      overlay.apply(r.writes);
      for (const [k, v] of r.writes) proven.write(k, v);
      roots.push(hex(proven.root));
    }
    if (rec.stateRoot !== undefined && roots.at(-1) !== rec.stateRoot)
      throw new CorruptionError(
        `batch ${number}: per-transaction roots end at ${roots.at(-1)}, sealed ${rec.stateRoot}`,
      );
    return roots;
  }

  // -------------------------------------------------------------------------------------------
  // Events
  // -------------------------------------------------------------------------------------------

  subscribe(listener: NodeEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(e: NodeEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch (err) {
        this.options.logger.error({ err }, "event listener threw");
      }
    }
  }

  private eventsOf(receipt: Receipt, effects: TradeEffects): NodeEvent[] {
    const seq = receipt.seq;
    const out: NodeEvent[] = [{ kind: "executed", seq, receipt }];
    for (const fill of effects.fills) out.push({ kind: "fill", seq, txHash: receipt.txHash, fill });
    for (const [market, side, tick] of effects.levels) out.push(this.levelEvent(seq, market, side, tick));
    for (const address of effects.accounts) out.push({ kind: "account", seq, address });
    return out;
  }

  private levelEvent(seq: string, market: number, side: 0 | 1, tick: number): NodeEvent {
    const get = this.overlay.get.bind(this.overlay);
    const level = levelNow(get, market, side, tick);
    return {
      kind: "level",
      seq,
      market,
      side,
      price: level.price,
      quantity: level.quantity,
      orders: level.orders,
    };
  }

  // -------------------------------------------------------------------------------------------
  // Shutdown
  // -------------------------------------------------------------------------------------------

  /** Stop intake: new submissions are answered NOT_READY. */
  stopIntake(): void {
    this.accepting = false;
  }

  /** Drain: every accepted transaction executed and durable. */
  async drain(): Promise<void> {
    while (this.pumping || this.head < this.queue.length) {
      await this.pump();
      await new Promise((r) => setImmediate(r));
    }
    await this.lastWrite.catch(() => undefined);
  }

  /** Flush: the log and the state tree on disk. The open batch stays open (a restart resumes it). */
  async flush(): Promise<void> {
    clearTimeout(this.sealTimer);
    await this.log.flushed();
    await this.tree.flushed();
  }

  async close(): Promise<void> {
    this.stopIntake();
    await this.drain();
    await this.flush();
    await this.pool.close();
    await this.tree.close();
    await this.log.close();
  }
}

function reject(rejection: Rejection): SubmitResult {
  return { ok: false, rejection };
}

function hexBytes(h: Hex): Uint8Array {
  return Uint8Array.from(Buffer.from(h.slice(2), "hex"));
}

import { decodeLevel, decodeMarket, decodeOrder } from "../protocol/engine/index.ts";

function levelNow(
  get: (k: Uint8Array) => Uint8Array,
  market: number,
  side: 0 | 1,
  tick: number,
): { price: string; quantity: string; orders: number } {
  const m = decodeMarket(get(engineKeys.market(market, 0)), get(engineKeys.market(market, 1)));
  const level = decodeLevel(get(engineKeys.level(market, side, tick)));
  let orders = 0;
  for (
    let id = level.head;
    id !== 0n && orders < 10_000;
    id = decodeOrder(get(engineKeys.order(market, id))).next
  )
    orders++;
  return { price: (BigInt(tick) * m.tickSize).toString(), quantity: level.totalQuantity.toString(), orders };
}
