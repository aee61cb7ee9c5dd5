import type { Hash, Hex } from "viem";

/** A batch the sequencer sealed: what goes to L1 and what the proposer needs. */
export interface SealedBatch {
  /** Its number on L1 (= its L2 block number). */
  readonly number: bigint;
  /** The sequencer transactions, in order (delayed messages are not in calldata: only their count). */
  readonly transactions: readonly Uint8Array[];
  /** Seconds. */
  readonly timestamp: number;
  /** Delayed messages consumed once the batch is included (the previous batch's value when it consumes none). */
  readonly delayedAfter: number;
  /** The state root after the batch (the proposer asserts it). */
  readonly postRoot: Hex;
}

/** Where a batch landed on L1 (what the batch poster records with the batch). */
export interface PostedBatch {
  readonly number: bigint;
  readonly batchHash: Hash;
  readonly txHash: Hash | null;
  readonly blockNumber: bigint | null;
}

/**
 * The sequencer's batches as the L1 services see them (the sequencer's batch store implements it; l1/ does not
 * import the sequencer). Batches are numbered from 0 without gaps and never change once sealed.
 */
export interface BatchSource {
  /** Sealed batches numbered `from` and up, in order, at most `limit` (fewer when fewer are sealed). */
  sealedFrom(from: bigint, limit: number): Promise<readonly SealedBatch[]>;
  /** How many batches are recorded as posted (batches 0 .. count - 1): where recording resumes after a restart. */
  postedCount(): Promise<bigint>;
  /** Records that batch `posted.number` is on L1 (called once it is `confirmations` deep; may repeat). */
  markPosted(posted: PostedBatch): Promise<void>;
}
