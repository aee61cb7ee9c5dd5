import { bytesToHex, type Hash, type Hex, hexToBytes } from "viem";
import {
  type BatchHeader,
  batchHash,
  batchTransactionRoot,
  decodeBatch,
  encodeBatch,
  MAX_TRANSACTION_BYTES,
} from "../../protocol/index.ts";
import type { SealedBatch } from "./BatchSource.ts";

/** The sequencer inbox's counters where the next batch starts (read from L1). */
export interface InboxState {
  /** Batches on L1 (the next batch's number). */
  readonly batchCount: bigint;
  readonly delayedConsumed: number;
  readonly totalTransactions: number;
  readonly lastTimestamp: number;
  /** Delayed messages queued in the bridge. */
  readonly delayedQueued: number;
}

/** A batch ready to post: its calldata and the header and hash the inbox will record. */
export interface PlannedBatch {
  readonly number: bigint;
  readonly calldata: Hex;
  readonly timestamp: number;
  readonly delayedAfter: number;
  readonly header: BatchHeader;
  readonly batchHash: Hash;
}

/** Why a sealed batch cannot be posted as is (the sequencer must fix its batches; nothing is sent). */
export type BatchPlanRefusal =
  | { readonly reason: "outOfOrder"; readonly expected: bigint; readonly got: bigint }
  | { readonly reason: "transactionTooLong"; readonly index: number; readonly length: number }
  | { readonly reason: "encodingMismatch" }
  | { readonly reason: "empty" }
  | { readonly reason: "delayedBackwards"; readonly before: number; readonly after: number }
  | { readonly reason: "delayedNotQueued"; readonly after: number; readonly queued: number }
  | { readonly reason: "timestampBackwards"; readonly previous: number; readonly timestamp: number };

export type BatchPlan =
  | { readonly ok: true; readonly batches: readonly PlannedBatch[] }
  | {
      readonly ok: false;
      /** The batches before the refused one (still posted). */
      readonly batches: readonly PlannedBatch[];
      readonly number: bigint;
      readonly refusal: BatchPlanRefusal;
    };

/**
 * The calldata, header and batch hash of each sealed batch from L1's next batch on, chained the way
 * SequencerInbox._record chains them (pure). Each batch is checked before it may be sent: in order, every
 * transaction at most MAX_TRANSACTION_BYTES, its calldata decoding back to its transactions, not empty, delayed
 * counts that only grow and are queued, timestamps that never go back. The first refusal stops the plan.
 */
export function planBatches(l1: InboxState, sealed: readonly SealedBatch[]): BatchPlan {
  const out: PlannedBatch[] = [];
  let number = l1.batchCount;
  let delayedBefore = l1.delayedConsumed;
  let txsBefore = l1.totalTransactions;
  let lastTimestamp = l1.lastTimestamp;
  const refuse = (refusal: BatchPlanRefusal): BatchPlan => ({ ok: false, batches: out, number, refusal });
  for (const b of sealed) {
    if (b.number !== number) return refuse({ reason: "outOfOrder", expected: number, got: b.number });
    const long = b.transactions.findIndex((t) => t.length > MAX_TRANSACTION_BYTES);
    if (long >= 0)
      return refuse({ reason: "transactionTooLong", index: long, length: b.transactions[long].length });
    const data = encodeBatch(b.transactions);
    // What the verifier will read back from calldata must be exactly what the sequencer executed.
    const back = decodeBatch(data);
    if (
      back.length !== b.transactions.length ||
      back.some((t, i) => bytesToHex(t) !== bytesToHex(b.transactions[i]))
    ) {
      return refuse({ reason: "encodingMismatch" });
    }
    if (b.delayedAfter < delayedBefore) {
      return refuse({ reason: "delayedBackwards", before: delayedBefore, after: b.delayedAfter });
    }
    if (b.delayedAfter > l1.delayedQueued) {
      return refuse({ reason: "delayedNotQueued", after: b.delayedAfter, queued: l1.delayedQueued });
    }
    if (b.transactions.length === 0 && b.delayedAfter === delayedBefore) return refuse({ reason: "empty" });
    if (b.timestamp < lastTimestamp) {
      return refuse({ reason: "timestampBackwards", previous: lastTimestamp, timestamp: b.timestamp });
    }
    const header: BatchHeader = {
      txRoot: batchTransactionRoot(b.transactions),
      seqCount: b.transactions.length,
      delayedBefore,
      delayedAfter: b.delayedAfter,
      txsBefore,
      timestamp: b.timestamp,
    };
    out.push({
      number,
      calldata: bytesToHex(data),
      timestamp: b.timestamp,
      delayedAfter: b.delayedAfter,
      header,
      batchHash: bytesToHex(batchHash(header)),
    });
    txsBefore += b.transactions.length + (b.delayedAfter - delayedBefore);
    delayedBefore = b.delayedAfter;
    lastTimestamp = b.timestamp;
    number++;
  }
  return { ok: true, batches: out };
}

/** A batch's calldata back to its transactions (for a check of what L1 holds). */
export const calldataTransactions = (calldata: Hex): Uint8Array[] => decodeBatch(hexToBytes(calldata));
