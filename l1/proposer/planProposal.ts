/** The proposer's own last assertion (the parent of its next one). */
export interface OwnAssertion {
  readonly id: `0x${string}`;
  readonly batchEnd: bigint;
  /** L1 time it was created, seconds (the cadence is measured from it). */
  readonly createdAt: bigint;
}

/**
 * The batch end of the next assertion, or null (pure): only batches `confirmations` deep count
 * (`deepBatchCount`), only past the last assertion's end, and only `cadenceS` after the last assertion.
 */
export function nextAssertionEnd(input: {
  readonly last: OwnAssertion;
  readonly deepBatchCount: bigint;
  readonly now: bigint;
  readonly cadenceS: bigint;
  /** Cover at most this many batches in one assertion. */
  readonly maxBatches: bigint;
}): bigint | null {
  const { last, deepBatchCount, now, cadenceS, maxBatches } = input;
  if (deepBatchCount <= last.batchEnd) return null;
  if (now < last.createdAt + cadenceS) return null;
  return deepBatchCount - last.batchEnd > maxBatches ? last.batchEnd + maxBatches : deepBatchCount;
}

/** Rollup's assertion status (contracts/rollup/Rollup.sol `Status`). */
export const AssertionStatus = { None: 0, Pending: 1, Confirmed: 2, Rejected: 3 } as const;
