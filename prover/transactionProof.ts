import { type BatchHeader, batchTransactionProof, Origin } from "../protocol/index.ts";
import type { BatchContext } from "../vm/index.ts";

/**
 * A transaction as L1 placed it: its bytes, its batch, and where in the batch. Sequencer transactions carry
 * their index among the batch's sequencer transactions and those transactions (for the tree proof); delayed
 * messages carry the time the bridge queued them (checked against its accumulator).
 */
export interface PlacedTransaction {
  readonly bytes: Uint8Array;
  readonly batchNumber: number;
  readonly header: BatchHeader;
  readonly origin: number;
  readonly seqIndex?: number;
  readonly batchTxs?: readonly Uint8Array[];
  readonly queuedAt?: number;
}

/** `ChallengeManager.switchToStep`'s TransactionProof (docs/protocol.md, "Challenge game"), as plain data. */
export interface TransactionProof {
  readonly batchNumber: number;
  readonly batch: BatchHeader;
  readonly transaction: Uint8Array;
  /** The batch tree proof of a sequencer transaction; empty for a delayed message. */
  readonly siblings: readonly Uint8Array[];
  /** A delayed message's queue time; 0 for a sequencer transaction. */
  readonly queuedAt: number;
}

/** The proof that `tx` is the transaction L1 recorded at its place. */
export function transactionProof(tx: PlacedTransaction): TransactionProof {
  const sequencer = tx.origin === Origin.SEQUENCER;
  if (sequencer && (tx.batchTxs === undefined || tx.seqIndex === undefined))
    throw new TypeError("a sequencer transaction needs seqIndex and batchTxs for its proof");
  return {
    batchNumber: tx.batchNumber,
    batch: tx.header,
    transaction: tx.bytes,
    siblings: sequencer ? batchTransactionProof(tx.batchTxs ?? [], tx.seqIndex ?? 0) : [],
    queuedAt: sequencer ? 0 : (tx.queuedAt ?? 0),
  };
}

/** The batch context the machine runs `tx` with: the batch's timestamp, its number as the L2 block, the origin. */
export function placedBatchContext(tx: PlacedTransaction): BatchContext {
  return {
    timestamp: BigInt(tx.header.timestamp),
    l2Block: BigInt(tx.batchNumber),
    origin: BigInt(tx.origin),
  };
}
