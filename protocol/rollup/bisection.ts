import { writeU64 } from "../bytes.ts";
import { Domain } from "../domain.ts";
import { keccak256 } from "../keccak.ts";
import { InvalidBisectionError } from "./errors.ts";

/**
 * The bisection game's arithmetic (docs/protocol.md, "Challenge game"). A
 * segment lo..hi is split into parts = min(degree, hi - lo) parts with
 * boundaries b_j = lo + floor(j * (hi - lo) / parts); a move posts the mover's
 * values at every boundary.
 */
export function partCount(lo: number, hi: number, degree: number): number {
  return Math.min(degree, hi - lo);
}

/** The boundaries b_0 = lo .. b_parts = hi of a segment split into `parts` parts. */
export function partBoundaries(lo: number, hi: number, parts: number): number[] {
  const span = hi - lo;
  return Array.from({ length: parts + 1 }, (_, j) => lo + Math.floor((j * span) / parts));
}

/** The values a party posts when it bisects lo..hi: its history at each boundary. */
export function bisectionValues(
  history: (position: number) => Uint8Array,
  lo: number,
  hi: number,
  degree: number,
): Uint8Array[] {
  if (hi - lo < 1) throw new InvalidBisectionError(`empty segment ${lo}..${hi}`);
  return partBoundaries(lo, hi, partCount(lo, hi, degree)).map(history);
}

/** keccak(0x0b || lo (u64) || hi (u64) || values (32 each)): what the challenge manager stores per move. */
export function bisectionCommitment(lo: number, hi: number, values: readonly Uint8Array[]): Uint8Array {
  const pre = new Uint8Array(17 + 32 * values.length);
  pre[0] = Domain.BISECTION;
  writeU64(pre, 1, lo);
  writeU64(pre, 9, hi);
  values.forEach((v, i) => {
    pre.set(v, 17 + 32 * i);
  });
  return keccak256(pre);
}

/**
 * The part an honest party picks in the opponent's segment: the first whose
 * end it disagrees with (its start then agrees, as the previous part's end
 * did). `undefined` if it agrees with every value.
 */
export function pickPart(
  history: (position: number) => Uint8Array,
  lo: number,
  hi: number,
  values: readonly Uint8Array[],
): number | undefined {
  const bounds = partBoundaries(lo, hi, values.length - 1);
  for (let k = 0; k + 1 < bounds.length; k++) {
    const mine = history(bounds[k + 1]);
    if (!mine.every((b, i) => b === values[k + 1][i])) return k;
  }
  return undefined;
}

/** Bisection moves that take a picked part of `span` positions down to one position (worst case: the largest part). */
export function bisectionMoves(span: number, degree: number): number {
  let moves = 0;
  for (let s = span; s > 1; moves++) s = Math.ceil(s / Math.min(degree, s));
  return moves;
}

/**
 * Moves of a whole dispute over `txCount` transactions whose disputed one has
 * `maxTxSteps` steps: the transaction-level bisections, the level switch
 * (which also bisects the steps, so it replaces the step level's first
 * bisection), the remaining step-level bisections and the one-step proof.
 * The challenger moves first; its challenge start is one more transaction.
 */
export function disputeMoves(
  txCount: number,
  maxTxSteps: number,
  degree: number,
): { transactionLevel: number; stepLevel: number; total: number; challenger: number; defender: number } {
  const transactionLevel = bisectionMoves(txCount, degree);
  const stepLevel = bisectionMoves(maxTxSteps, degree);
  const total = transactionLevel + 1 + (stepLevel - 1) + 1;
  return {
    transactionLevel,
    stepLevel,
    total,
    challenger: 1 + Math.ceil(total / 2),
    defender: Math.floor(total / 2),
  };
}

/** keccak(0x0c || root before || defender's root after || challenger's root after): the step level's roots. */
export function stepClaimsHash(
  rootBefore: Uint8Array,
  defenderRoot: Uint8Array,
  challengerRoot: Uint8Array,
): Uint8Array {
  const pre = new Uint8Array(97);
  pre[0] = Domain.STEP_CLAIMS;
  pre.set(rootBefore, 1);
  pre.set(defenderRoot, 33);
  pre.set(challengerRoot, 65);
  return keccak256(pre);
}
