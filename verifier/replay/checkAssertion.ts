import type { Hex } from "viem";
import type { Verdict } from "../records.ts";

/** What checkAssertion needs of an assertion: its claim and its range. */
export interface AssertionClaim {
  readonly stateRoot: Hex;
  readonly batchEnd: number;
  readonly txEnd: number;
}

/** Our replay of the assertion's last batch, if we have it. */
export interface ReplayedBatch {
  readonly rootAfter: Hex;
  /** Transactions from genesis after the batch. */
  readonly txEnd: number;
}

/**
 * Our verdict on an assertion (pure; docs/verifier.md, "Verdicts"): `agree` when our replay's root after its last
 * batch is its state root, `disagree` (over its transactions parentTxEnd .. txEnd, where the game finds the first
 * wrong one) when it differs, and `unknown` when we have not replayed that far or a batch it covers could not be
 * read from L1: a verifier never disputes a claim it cannot check (the complaint about op-challenger disputing
 * valid claims from incomplete data). The outbox root needs no check of its own: L1 checked the assertion's
 * proof that its state root holds it, so equal state roots give equal outbox roots.
 */
export function checkAssertion(input: {
  assertion: AssertionClaim;
  /** The parent's txEnd (0 for genesis), or undefined when the parent is unknown to us. */
  parentTxEnd: number | undefined;
  /** Our replay of batch batchEnd - 1 (undefined: not replayed yet). */
  lastBatch: ReplayedBatch | undefined;
  /** A batch of the range could not be read (a finding): its replay waits. */
  blocked: boolean;
}): Verdict {
  const { assertion, parentTxEnd, lastBatch } = input;
  if (parentTxEnd === undefined) return { kind: "unknown", reason: "PARENT_UNKNOWN" };
  if (lastBatch === undefined)
    return { kind: "unknown", reason: input.blocked ? "BATCH_UNAVAILABLE" : "NOT_REPLAYED" };
  // L1 checked txEnd against the batch header, so a difference here means our replay is not of L1's batches.
  if (lastBatch.txEnd !== assertion.txEnd)
    return {
      kind: "disagree",
      txStart: parentTxEnd,
      txEnd: assertion.txEnd,
      ours: lastBatch.rootAfter,
      theirs: assertion.stateRoot,
      reason: "COUNTS",
    };
  if (lastBatch.rootAfter.toLowerCase() === assertion.stateRoot.toLowerCase()) return { kind: "agree" };
  return {
    kind: "disagree",
    txStart: parentTxEnd,
    txEnd: assertion.txEnd,
    ours: lastBatch.rootAfter,
    theirs: assertion.stateRoot,
    reason: "STATE_ROOT",
  };
}
