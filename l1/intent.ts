import type { Address, Hash, Hex } from "viem";

/**
 * The L1 actions services take, each a named intent. The kind selects the `alreadyDone` check the TxSender runs
 * before every (re)send; the key makes it idempotent (it is the BullMQ job id: a second submit is a no-op).
 */
export type IntentKind =
  | "postBatch"
  | "postAssertion"
  | "confirmAssertion"
  | "challengeMove"
  | "withdrawBonds"
  | "forceInclusion"
  | "call";

/** Idempotency keys of the named intents (one intent per key and TxSender, ever). No `:` (BullMQ ids refuse it). */
export const intentKey = {
  postBatch: (batch: bigint | number) => `postBatch/${batch}`,
  postAssertion: (assertion: Hex) => `postAssertion/${assertion}`,
  confirmAssertion: (assertion: Hex) => `confirmAssertion/${assertion}`,
  /** One move per challenge, level and position in it (a move is made once). */
  challengeMove: (challenge: bigint | number, move: string) => `challengeMove/${challenge}/${move}`,
  /** A withdrawal of the bonds credited up to an L1 block (a later credit gets a later key). */
  withdrawBonds: (contract: Address, creditedUpTo: bigint | number) =>
    `withdrawBonds/${contract}/${creditedUpTo}`,
} as const;

/** What to send: the job payload, plain JSON (amounts as decimal strings). */
export interface Intent {
  readonly key: string;
  readonly kind: IntentKind;
  readonly to: Address;
  readonly data: Hex;
  /** Wei sent with the call (a bond), decimal. */
  readonly value?: string;
  /** A fixed gas limit, decimal; by default the estimate plus TxSenderConfig.gasMarginPercent. */
  readonly gas?: string;
  /**
   * The key of an intent that must be sent before this one (batch n - 1 before batch n: postBatch carries no
   * number, so order is all that makes it batch n). If that intent failed, this one fails too without sending
   * (`predecessorFailed`); if it has not been sent yet, this one waits.
   */
  readonly after?: string;
}

/** One signed transaction of an intent (the first send or a replacement; all share the intent's nonce). */
export interface Attempt {
  readonly hash: Hash;
  readonly nonce: number;
  readonly maxFeePerGas: string;
  readonly maxPriorityFeePerGas: string;
  readonly gas: string;
  /** ms since the epoch. */
  readonly sentAt: number;
}

/**
 * An intent's states (docs/l1.md has the transition table):
 * queued -> sending -> pending -> mined -> confirmed | reverted; queued/sending -> alreadyDone; any -> failed.
 */
export type IntentState =
  | "queued"
  | "sending"
  | "pending"
  | "mined"
  | "confirmed"
  | "alreadyDone"
  | "reverted"
  | "failed";

/** The intent's progress, kept in the job's data (Redis) so an operator sees it and a restart resumes it. */
export interface IntentProgress {
  readonly state: IntentState;
  /** The nonce the intent holds (null before its first send, or after its nonce was taken by another tx). */
  readonly nonce: number | null;
  readonly attempts: readonly Attempt[];
  readonly bumps: number;
  /** The mined transaction, once seen (cleared again when a reorg drops it). */
  readonly mined: { readonly hash: Hash; readonly blockNumber: string; readonly blockHash: Hash } | null;
  /** How many times a reorg dropped a mined transaction of this intent. */
  readonly reorgs: number;
  /** The last error of a send, by kind (classifyRpcError), or the decoded revert. */
  readonly lastError: {
    readonly kind: string;
    readonly message: string;
    readonly errorName?: string;
    readonly args?: readonly string[];
  } | null;
}

export const NEW_PROGRESS: IntentProgress = {
  state: "queued",
  nonce: null,
  attempts: [],
  bumps: 0,
  mined: null,
  reorgs: 0,
  lastError: null,
};

/** The job's data: the intent and its progress. */
export interface IntentJob {
  readonly intent: Intent;
  readonly progress: IntentProgress;
}

/** How an intent ended (the job's return value). */
export interface IntentResult {
  readonly key: string;
  readonly outcome: "confirmed" | "alreadyDone";
  readonly hash: Hash | null;
  readonly nonce: number | null;
  readonly blockNumber: string | null;
  readonly gasUsed: string | null;
  /** Wei paid for gas (gasUsed x effective gas price). */
  readonly feePaid: string | null;
  readonly bumps: number;
}
