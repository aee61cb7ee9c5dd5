/**
 * Where a withdrawal, or any batch, stands on its way to L1, as a pure function of the batch
 * number and what L1 shows (the assertion record): decisions as data, read by createNodeApi.
 */
import type { Hex } from "viem";
import type { WithdrawalStage } from "../api/NodeApi.ts";
import { type AssertionEntry, type AssertionState, latestConfirmed } from "../l1/assertionState.ts";

/** The assertions that cover batch `batch`: the latest confirmed (if it does), else the first pending one that does. */
export function coveringAssertion(
  state: AssertionState,
  batch: number,
): { readonly confirmed: AssertionEntry | null; readonly pending: AssertionEntry | null } {
  const confirmed = latestConfirmed(state);
  if (confirmed !== null && confirmed.batchEnd > batch) return { confirmed, pending: null };
  let pending: AssertionEntry | null = null;
  for (const a of state.assertions)
    if (
      a.status === "pending" &&
      a.batchEnd > batch &&
      (pending === null ||
        a.batchEnd < pending.batchEnd ||
        (a.batchEnd === pending.batchEnd && a.deadline < pending.deadline))
    )
      pending = a;
  return { confirmed: null, pending };
}

export interface StageOfWithdrawal {
  readonly stage: WithdrawalStage;
  readonly assertion: Hex | null;
  /** asserted: L1 seconds from which the covering assertion can be confirmed. */
  readonly confirmableAt: number | null;
  readonly claimL1TxHash: Hex | null;
}

/**
 * A withdrawal's stage: claimed (the outbox paid it) > claimable (the latest confirmed assertion covers
 * its batch) > asserted (a pending assertion does) > posted (its batch is on L1) > pending. With no L1
 * record (the node runs without L1 work) it is pending or posted at most.
 */
export function withdrawalStage(input: {
  readonly index: bigint;
  readonly batch: number;
  readonly posted: boolean;
  readonly l1: AssertionState | undefined;
}): StageOfWithdrawal {
  const none = { assertion: null, confirmableAt: null, claimL1TxHash: null };
  const { l1, batch } = input;
  const claim = l1?.claims[input.index.toString()];
  if (claim !== undefined)
    return {
      stage: "claimed",
      assertion: claim.assertion,
      confirmableAt: null,
      claimL1TxHash: claim.l1TxHash,
    };
  if (l1 !== undefined) {
    const c = coveringAssertion(l1, batch);
    if (c.confirmed !== null) return { ...none, stage: "claimable", assertion: c.confirmed.id };
    if (c.pending !== null)
      return { ...none, stage: "asserted", assertion: c.pending.id, confirmableAt: c.pending.deadline };
  }
  return { ...none, stage: input.posted ? "posted" : "pending" };
}

/** The last batch an assertion (pending or confirmed) covers, and the last a confirmed one covers (null: none). */
export function assertedBatches(state: AssertionState): {
  readonly lastAsserted: number | null;
  readonly lastConfirmed: number | null;
} {
  let end = 0;
  for (const a of state.assertions) if (a.status !== "rejected" && a.batchEnd > end) end = a.batchEnd;
  const confirmedEnd = latestConfirmed(state)?.batchEnd ?? 0;
  return {
    lastAsserted: end === 0 ? null : end - 1,
    lastConfirmed: confirmedEnd === 0 ? null : confirmedEnd - 1,
  };
}
