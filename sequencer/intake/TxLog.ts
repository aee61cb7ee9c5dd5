import { mkdirSync } from "node:fs";
import { type Database, open, type RootDatabase } from "lmdb";
import type { Receipt } from "../nodeTypes.ts";

/** One logged transaction: its bytes and the receipt it was acknowledged with. */
export interface LoggedTx {
  readonly seq: number;
  readonly tx: Uint8Array;
  readonly receipt: Receipt;
  /** 0: a sequencer transaction; 1: a delayed-inbox message. */
  readonly origin: 0 | 1;
}

/**
 * A batch as logged. Written "open" with the batch's first transaction (its timestamp is then
 * fixed), rewritten "sealed" with its transaction count before its state is committed to the
 * tree, and once more with its post-state root.
 */
export interface BatchRecord {
  readonly number: number;
  /** Seconds. */
  readonly timestamp: number;
  /** Sequence number of its first transaction. */
  readonly firstSeq: number;
  /** Transactions in it (sealed), or undefined while open. */
  readonly txCount?: number;
  /** Delayed-inbox messages it consumes, [from, to) (#10; empty until the L1 follower lands). */
  readonly delayedFrom: number;
  readonly delayedTo: number;
  /** Hex of the state root before / after the batch (after: undefined until committed). */
  readonly prevStateRoot: string;
  readonly stateRoot?: string;
}

/**
 * When an acknowledged write is durable: "flushed" once fsync'd (survives a power loss);
 * "committed" once LMDB committed it (survives the process being killed, not the machine).
 */
export type Durability = "flushed" | "committed";

/**
 * The node's append-only transaction log in LMDB (its embedded database). Appends made in one
 * event-loop turn commit in one LMDB transaction and one fsync (lmdb-js batches asynchronous
 * writes): group commit, so durability costs microseconds per transaction. Writes commit in
 * the order made, so a transaction is never durable before the ones executed ahead of it.
 */
export class TxLog {
  private readonly env: RootDatabase;
  private readonly txs: Database<{ t: Uint8Array; r: Receipt; o?: 1 }, number>;
  private readonly batches: Database<BatchRecord, number>;
  private readonly byHash: Database<number, Uint8Array>;

  constructor(
    path: string,
    readonly durability: Durability = "flushed",
  ) {
    mkdirSync(path, { recursive: true });
    this.env = open({ path, maxDbs: 8, separateFlushed: true, compression: false });
    // Default (ordered-binary) keys: lmdb-js's uint32 keys skip key 0 in reverse scans.
    this.txs = this.env.openDB({ name: "txs" });
    this.batches = this.env.openDB({ name: "batches" });
    this.byHash = this.env.openDB({ name: "byHash", keyEncoding: "binary" });
  }

  private durable(p: Promise<boolean>): Promise<void> {
    const flushed = (p as Promise<boolean> & { flushed?: Promise<void> }).flushed;
    if (this.durability === "flushed" && flushed !== undefined) return flushed.then(() => undefined);
    return p.then(() => undefined);
  }

  /** Appends a transaction; resolves once durable. */
  append(seq: number, tx: Uint8Array, receipt: Receipt, hash: Uint8Array, origin: 0 | 1): Promise<void> {
    this.byHash.put(hash, seq);
    return this.durable(
      this.txs.put(seq, origin === 1 ? { t: tx, r: receipt, o: 1 } : { t: tx, r: receipt }),
    );
  }

  /** Writes a batch record; resolves once durable. */
  putBatch(b: BatchRecord): Promise<void> {
    return this.durable(this.batches.put(b.number, b));
  }

  tx(seq: number): LoggedTx | undefined {
    const v = this.txs.get(seq);
    return v === undefined ? undefined : { seq, tx: v.t, receipt: v.r, origin: v.o ?? 0 };
  }

  seqOfHash(hash: Uint8Array): number | undefined {
    return this.byHash.get(hash);
  }

  /** Transactions with seq in [from, to), in order. */
  *range(from: number, to: number): Generator<LoggedTx> {
    for (const { key, value } of this.txs.getRange({ start: from, end: to })) {
      yield { seq: key, tx: value.t, receipt: value.r, origin: value.o ?? 0 };
    }
  }

  /** The next sequence number (0 for an empty log). */
  nextSeq(): number {
    for (const key of this.txs.getKeys({ reverse: true, limit: 1 })) return key + 1;
    return 0;
  }

  batch(n: number): BatchRecord | undefined {
    return this.batches.get(n);
  }

  /** The newest batch record, or undefined. */
  lastBatch(): BatchRecord | undefined {
    for (const { value } of this.batches.getRange({ reverse: true, limit: 1 })) return value;
    return undefined;
  }

  /** LMDB's last transaction id: how many commits the log has made (group commit shows as few). */
  get commits(): number {
    return (this.env.getStats() as { lastTxnId: number }).lastTxnId;
  }

  /** Resolves once every write so far is flushed to disk. */
  flushed(): Promise<void> {
    return this.env.flushed.then(() => undefined);
  }

  async close(): Promise<void> {
    await this.env.flushed;
    await this.env.close();
  }
}
