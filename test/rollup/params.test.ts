// The deployment parameters and the game's arithmetic: the step bound matches the engine's, and a dispute at
// the default degree fits the budget of 20 L1 transactions per side.
import { expect, test } from "vitest";
import {
  bisectionMoves,
  bisectionValues,
  DEVNET_PARAMS,
  disputeMoves,
  MAX_TRANSACTION_BYTES,
  PUBLIC_PARAMS,
  partBoundaries,
  pickPart,
} from "../../protocol/index.ts";
import { params as vmParams } from "../../vm/index.ts";

test("params_txGasLimitIsTheEngines_succeeds", () => {
  const engine = (vmParams as Record<string, unknown>).TX_GAS_LIMIT;
  expect(PUBLIC_PARAMS.txGasLimit).toBe(engine);
  expect(DEVNET_PARAMS.txGasLimit).toBe(engine);
});

test("params_maxTransactionBytesIsTheMachinesInputBound_succeeds", () => {
  // The inboxes refuse what the runners refuse; contracts/rollup/RollupHashes.sol holds the same 4096.
  expect(MAX_TRANSACTION_BYTES).toBe((vmParams as Record<string, unknown>).MAX_INPUT_BYTES);
});

test("disputeMoves_defaultDegree_withinTwentyPerSide_succeeds", () => {
  const d = disputeMoves(10_000, 2 ** 24, PUBLIC_PARAMS.degree);
  expect(Math.max(d.challenger, d.defender)).toBeLessThanOrEqual(20);
  // 10,000 transactions in parts of 16: 625, 40, 3, 1 (4 moves); 2^24 steps: 6 moves.
  expect(d.transactionLevel).toBe(4);
  expect(d.stepLevel).toBe(6);
  expect(bisectionMoves(1, 16)).toBe(0);
  expect(bisectionMoves(2, 2)).toBe(1);
  expect(bisectionMoves(2 ** 24, 2)).toBe(24);
});

test("partBoundaries_coverTheSegmentWithoutEmptyParts_succeeds", () => {
  for (const [lo, hi, parts] of [
    [0, 11, 4],
    [3, 20, 16],
    [0, 40, 16],
    [5, 7, 2],
    [0, 10_000, 16],
  ]) {
    const b = partBoundaries(lo, hi, Math.min(parts, hi - lo));
    expect(b[0]).toBe(lo);
    expect(b[b.length - 1]).toBe(hi);
    for (let i = 1; i < b.length; i++) expect(b[i]).toBeGreaterThan(b[i - 1]);
  }
});

test("pickPart_firstDisagreement_succeeds", () => {
  const mine = (p: number) => Uint8Array.of(p);
  const theirs = (p: number) => Uint8Array.of(p < 13 ? p : 200 + p);
  const values = bisectionValues(theirs, 0, 40, 4);
  // Boundaries 0, 10, 20, 30, 40: the first disagreement is at 20, so part 1 (10..20).
  expect(pickPart(mine, 0, 40, values)).toBe(1);
  expect(pickPart(theirs, 0, 40, values)).toBeUndefined();
});

test("params_firstMoveDeadlineAndProposerInactivity_fitTheClocks_succeeds", () => {
  for (const p of [PUBLIC_PARAMS, DEVNET_PARAMS]) {
    // The first move is a single bisection: well within a clock, and long enough to send one L1 transaction.
    expect(p.firstMoveDeadline).toBeGreaterThan(0);
    expect(p.firstMoveDeadline).toBeLessThanOrEqual(p.clock);
    // Proposing opens only after longer than the slowest confirmation (a period and both clocks of a played
    // game), so an allowlisted proposer waiting out a dispute does not open it.
    expect(p.proposerInactivity).toBeGreaterThan(p.challengePeriod + 2 * p.clock);
  }
});
