import type { Hex } from "viem";

/** A batch as the sequencer inbox recorded it (BatchPosted), with its transactions from the posting calldata. */
export interface BatchRecord {
  readonly number: number;
  readonly batchHash: Hex;
  readonly header: {
    readonly txRoot: Hex;
    readonly seqCount: number;
    readonly delayedBefore: number;
    readonly delayedAfter: number;
    readonly txsBefore: number;
    readonly timestamp: number;
  };
  readonly forced: boolean;
  readonly l1Block: number;
  readonly l1Tx: Hex;
  /** The sequencer transactions, decoded from the posting transaction's calldata and checked against txRoot. */
  readonly txs?: readonly Hex[];
  /** Why the transactions are not known (docs/verifier.md, "Failure policy"). */
  readonly finding?: Finding;
}

/** A delayed message as the bridge queued it (checked against its accumulator). */
export interface DelayedRecord {
  readonly index: number;
  readonly transaction: Hex;
  readonly queuedAt: number;
  readonly accumulator: Hex;
  readonly l1Block: number;
}

/** A condition the verifier found in L1's data: recorded and shown, never a crash or a halt. */
export interface Finding {
  readonly code: FindingCode;
  readonly detail: string;
}

export const FindingCode = {
  /** The posting transaction's calldata is not a direct SequencerInbox.postBatch call (e.g. via a contract). */
  CALLDATA_UNAVAILABLE: "CALLDATA_UNAVAILABLE",
  /** The calldata decodes to transactions whose tree or count differs from the header L1 recorded. */
  CALLDATA_MISMATCH: "CALLDATA_MISMATCH",
  /** The event's batch hash is not the hash of its header. */
  BATCH_HASH_MISMATCH: "BATCH_HASH_MISMATCH",
  /** A delayed message skipped, repeated or altered (accumulator check): the follower waits for a good RPC. */
  DELAYED_CHAIN: "DELAYED_CHAIN",
} as const;
export type FindingCode = (typeof FindingCode)[keyof typeof FindingCode];

/**
 * Our replay of one batch: the root before and after it. The root after each of its transactions is recomputed
 * from the batch's start when a dispute needs it (Replayer.history), so the replay hashes the tree once a batch.
 */
export interface ReplayRecord {
  readonly number: number;
  readonly rootBefore: Hex;
  readonly rootAfter: Hex;
  /** Transactions the batch ran (its delayed messages and its sequencer transactions). */
  readonly txs: number;
  /** The global index of the batch's first transaction. */
  readonly txsBefore: number;
  /** Keys the batch wrote (to undo it on a reorg). */
  readonly keys: readonly Hex[];
  /** Wall-clock ms the replay finished. */
  readonly at: number;
}

/** Our verdict on an assertion (checkAssertion). */
export type Verdict =
  | { readonly kind: "agree" }
  | {
      readonly kind: "disagree";
      /** The assertion's transactions (txStart .. txEnd) in which the game will find the first wrong one. */
      readonly txStart: number;
      readonly txEnd: number;
      readonly ours: Hex;
      readonly theirs: Hex;
      readonly reason: "STATE_ROOT" | "OUTBOX_ROOT" | "COUNTS";
    }
  | { readonly kind: "unknown"; readonly reason: "NOT_REPLAYED" | "PARENT_UNKNOWN" | "BATCH_UNAVAILABLE" };

export interface AssertionRecord {
  readonly id: Hex;
  readonly parent: Hex;
  readonly proposer: Hex;
  readonly stateRoot: Hex;
  readonly outboxRoot: Hex;
  readonly batchEnd: number;
  readonly txEnd: number;
  readonly delayedEnd: number;
  /** L1 time the challenge period ends. */
  readonly deadline: number;
  readonly l1Block: number;
  status: "pending" | "confirmed" | "rejected";
  verdict?: Verdict;
  /** Wall-clock ms we first saw it (for the detection metric). */
  seenAt?: number;
}

/**
 * Where L1 recorded a challenge event: the transaction and its block's time (L1 seconds). Optional: records
 * written before they were kept lack them (the explorer API then reads the block's time from L1).
 */
export interface OnL1 {
  readonly l1Tx?: Hex;
  readonly at?: number;
}

/** A challenge's moves as L1 shows them (for the inspection API; play reads L1 itself). */
export type ChallengeEvent =
  | ({ readonly kind: "started"; readonly l1Block: number; readonly transactions: number } & OnL1)
  | ({
      readonly kind: "bisected";
      readonly l1Block: number;
      readonly mover: Hex;
      readonly level: number;
      readonly lo: number;
      readonly hi: number;
      readonly values: readonly Hex[];
    } & OnL1)
  | ({
      readonly kind: "levelSwitched";
      readonly l1Block: number;
      readonly txIndex: number;
      /** The roots LevelSwitched announced (absent in older records). */
      readonly roots?: { readonly rootBefore: Hex; readonly defenderRoot: Hex; readonly challengerRoot: Hex };
    } & OnL1)
  | ({
      readonly kind: "ended";
      readonly l1Block: number;
      readonly defenderWon: boolean;
      /** ChallengeEnded's reason: 0 clock ran out, 1 one-step proof, 2 dismissed. */
      readonly reason: number;
      /** Who sent the ending transaction (timeout, proveStep or dismiss). */
      readonly by?: Hex;
      /**
       * A proof that ended it (reason 1), from the proveStep calldata (ChallengeEnded does not carry it): the part
       * picked of the last segment and the step proven (from machine hash `step` to `step + 1`).
       */
      readonly part?: number;
      readonly step?: number;
    } & OnL1);

export interface ChallengeRecord {
  readonly id: number;
  readonly assertion: Hex;
  readonly challenger: Hex;
  readonly defender: Hex;
  readonly l1Block: number;
  readonly startRoot: Hex;
  readonly claimedRoot: Hex;
  events: ChallengeEvent[];
}
