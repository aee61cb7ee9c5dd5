import type { Hash } from "viem";

/** A block the log follower finished, with its hash (to notice when a reorg replaces it). */
export interface Checkpoint {
  readonly number: bigint;
  readonly hash: Hash;
}

/**
 * Where a log follower stands: the blocks it finished, oldest first, the last one being how far it has read. The
 * caller stores it with what it made of the logs (one transaction of its database), so a restart resumes exactly.
 */
export interface LogCursor {
  readonly checkpoints: readonly Checkpoint[];
}

/** How many checkpoints a cursor keeps: a reorg deeper than this many ranges rewinds to the start. */
export const CURSOR_CHECKPOINTS = 64;

/**
 * The next block range to read (inclusive), or null when nothing new is `confirmations` deep: from the block after
 * `last` to the newest confirmed block, at most `maxRange` blocks (pure).
 */
export function nextLogRange(
  last: bigint,
  head: bigint,
  confirmations: number,
  maxRange: bigint,
): { from: bigint; to: bigint } | null {
  const safe = head - BigInt(Math.max(1, confirmations)) + 1n;
  const from = last + 1n;
  if (safe < from) return null;
  const to = safe - from + 1n > maxRange ? from + maxRange - 1n : safe;
  return { from, to };
}

/**
 * After a reorg, the newest checkpoint the chain still has (its hash unchanged), or null when none is left (pure).
 * `onChain(number)` is the chain's hash at that height now (null past its head).
 */
export function lastKeptCheckpoint(
  checkpoints: readonly Checkpoint[],
  onChain: ReadonlyMap<bigint, Hash | null>,
): Checkpoint | null {
  for (let i = checkpoints.length - 1; i >= 0; i--) {
    if (onChain.get(checkpoints[i].number) === checkpoints[i].hash) return checkpoints[i];
  }
  return null;
}

/** The cursor after finishing `cp`: appended, the oldest dropped past CURSOR_CHECKPOINTS. */
export function advanceCursor(cursor: LogCursor, cp: Checkpoint): LogCursor {
  const next = [...cursor.checkpoints, cp];
  return { checkpoints: next.length > CURSOR_CHECKPOINTS ? next.slice(-CURSOR_CHECKPOINTS) : next };
}
