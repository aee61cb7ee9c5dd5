import { type MachineOpening, partBoundaries, pickPart, rootAfterTransaction } from "../../protocol/index.ts";
import type { TransactionProof } from "../../prover/index.ts";
import { ChallengeStatus, clocks, type GameView, type History, Level, type StepRoots } from "./game.ts";

/** Why chooseMove chose a wait, an end or no move (one table: logs and the API show the code). */
export const MoveReason = {
  /** It is the opponent's turn and its clock is still running. */
  OPPONENT_TO_MOVE: "OPPONENT_TO_MOVE",
  /** It is our turn, our clock ran out: the opponent can claim the timeout. */
  OUR_CLOCK_RAN_OUT: "OUR_CLOCK_RAN_OUT",
  /** The challenge is over (won, lost or dismissed). */
  ENDED: "ENDED",
  /** We disagree with the segment's first value, which the contract says both sides agreed: our history is not the one this game is about. */
  START_DISAGREES: "START_DISAGREES",
  /** We agree with every value of the opponent's segment: our history cannot be the one we posted (the contract forces a disagreement). */
  AGREES_WITH_ALL: "AGREES_WITH_ALL",
  /** Our own history contradicts itself (its last machine does not give its root after the transaction). */
  HISTORY_INCONSISTENT: "HISTORY_INCONSISTENT",
  /** The step level without the level switch's transaction or roots in the view. */
  MISSING_STEP_LEVEL: "MISSING_STEP_LEVEL",
  /** The view's segment cannot be one the contract stored (fewer than 2 values, more parts than positions, lo >= hi). */
  MALFORMED_VIEW: "MALFORMED_VIEW",
} as const;
export type MoveReason = (typeof MoveReason)[keyof typeof MoveReason];

/**
 * A move and everything the contract call takes (docs/verifier.md, "chooseMove"). `k` is the part of the
 * opponent's segment we picked; `lo..hi` its bounds.
 */
export type Move =
  | {
      readonly kind: "bisect";
      readonly k: number;
      readonly lo: number;
      readonly hi: number;
      readonly values: Uint8Array[];
    }
  | {
      readonly kind: "bisectToEnd";
      readonly k: number;
      readonly lo: number;
      readonly hi: number;
      readonly values: Uint8Array[];
      readonly end: MachineOpening;
      readonly roots: StepRoots;
    }
  | {
      readonly kind: "switchToStep";
      readonly k: number;
      readonly txIndex: number;
      readonly proof: TransactionProof;
      readonly end: MachineOpening;
      readonly values: Uint8Array[];
    }
  | { readonly kind: "proveStep"; readonly k: number; readonly step: number; readonly proof: Uint8Array }
  | { readonly kind: "timeout" }
  | { readonly kind: "dismiss" }
  /** Nothing to do before L1 time `until` (the opponent's clock runs out then), unless it moves. */
  | { readonly kind: "wait"; readonly until: number; readonly reason: MoveReason }
  | { readonly kind: "over"; readonly outcome: "won" | "lost" | "refunded"; readonly reason: MoveReason }
  /** No move can be made from our history: a local fault to report (never a crash; the clock is still running). */
  | { readonly kind: "stuck"; readonly reason: MoveReason; readonly position?: number };

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The first part of the opponent's segment whose end we disagree with (pickPart), with its bounds. */
function firstDisagreement(
  history: (position: number) => Uint8Array,
  lo: number,
  hi: number,
  values: readonly Uint8Array[],
): { k: number; lo: number; hi: number } | undefined {
  const k = pickPart(history, lo, hi, values);
  if (k === undefined) return undefined;
  const bounds = partBoundaries(lo, hi, values.length - 1);
  return { k, lo: bounds[k], hi: bounds[k + 1] };
}

/** Our values at the boundaries of a new segment over lo..hi (degree parts at most). */
function segmentValues(
  history: (position: number) => Uint8Array,
  lo: number,
  hi: number,
  degree: number,
): Uint8Array[] {
  return partBoundaries(lo, hi, Math.min(degree, hi - lo)).map((p) => history(p).slice());
}

/**
 * The move to make now, as a pure function of the game on L1 and our history (docs/verifier.md,
 * "chooseMove"). Ended games report their outcome; a dead game (its assertion rejected by another
 * challenge) is dismissed; on the opponent's turn we wait until its clock runs out, then claim the
 * timeout. On our turn we pick the first part of the opponent's segment whose end we disagree with
 * (so we agree with its start) and: bisect it with our values; at the transaction level, a
 * one-transaction part switches to the step level with the transaction's proof, our last machine's
 * opening and our step values; at the step level, the part ending at MAX_TX_STEPS is bisected with our
 * last machine's opening (bisectToEnd), and a one-step part is proven on L1.
 *
 * An honest history always finds a move: every value we posted is true, so the opponent's segment starts
 * at a value we agree with and (the contract forbids it to end where ours ended) ends at one we do not.
 */
export function chooseMove(game: GameView, history: History): Move {
  if (game.status !== ChallengeStatus.OPEN) return ended(game);
  if (game.assertionRejected) return { kind: "dismiss" };
  const c = clocks(game);
  if (!c.ourTurn) {
    // The contract accepts `timeout` once the elapsed time exceeds the clock: strictly after lastMoveAt + clock.
    if (c.theirs < 0) return { kind: "timeout" };
    return { kind: "wait", until: game.now + c.theirs + 1, reason: MoveReason.OPPONENT_TO_MOVE };
  }
  if (c.ours < 0) return { kind: "over", outcome: "lost", reason: MoveReason.OUR_CLOCK_RAN_OUT };
  const seg = game.segment;
  const parts = seg.values.length - 1;
  if (
    !(
      Number.isSafeInteger(seg.lo) &&
      Number.isSafeInteger(seg.hi) &&
      seg.lo < seg.hi &&
      parts >= 1 &&
      parts <= seg.hi - seg.lo
    )
  )
    return { kind: "stuck", reason: MoveReason.MALFORMED_VIEW };
  return game.level === Level.TRANSACTION ? transactionMove(game, history) : stepMove(game, history);
}

function ended(game: GameView): Move {
  const challenger = game.role === "challenger";
  switch (game.status) {
    case ChallengeStatus.DEFENDER_WON:
      return { kind: "over", outcome: challenger ? "lost" : "won", reason: MoveReason.ENDED };
    case ChallengeStatus.CHALLENGER_WON:
      return { kind: "over", outcome: challenger ? "won" : "lost", reason: MoveReason.ENDED };
    default:
      // Dismissed: the challenger's bond came back; the defender's assertion was rejected elsewhere.
      return { kind: "over", outcome: challenger ? "refunded" : "lost", reason: MoveReason.ENDED };
  }
}

function transactionMove(game: GameView, history: History): Move {
  const prev = game.segment;
  const root = (p: number) => history.root(p);
  if (!equal(root(prev.lo), prev.values[0]))
    return { kind: "stuck", reason: MoveReason.START_DISAGREES, position: prev.lo };
  const part = firstDisagreement(root, prev.lo, prev.hi, prev.values);
  if (part === undefined) return { kind: "stuck", reason: MoveReason.AGREES_WITH_ALL };
  const { k, lo, hi } = part;
  if (hi - lo >= 2) return { kind: "bisect", k, lo, hi, values: segmentValues(root, lo, hi, game.degree) };
  // One transaction: our last machine must give the root we claim after it (a consistent history).
  const end = history.end(lo);
  const after = rootAfterTransaction(root(lo), end);
  if (after === undefined || !equal(after, root(hi)))
    return { kind: "stuck", reason: MoveReason.HISTORY_INCONSISTENT, position: lo };
  return {
    kind: "switchToStep",
    k,
    txIndex: lo,
    proof: history.transactionProof(lo),
    end,
    values: segmentValues((s) => history.machine(lo, s), 0, game.maxTxSteps, game.degree),
  };
}

function stepMove(game: GameView, history: History): Move {
  const { txIndex, stepRoots } = game;
  if (txIndex === undefined || stepRoots === undefined)
    return { kind: "stuck", reason: MoveReason.MISSING_STEP_LEVEL };
  const prev = game.segment;
  const machine = (s: number) => history.machine(txIndex, s);
  if (!equal(machine(prev.lo), prev.values[0]))
    return { kind: "stuck", reason: MoveReason.START_DISAGREES, position: prev.lo };
  const part = firstDisagreement(machine, prev.lo, prev.hi, prev.values);
  if (part === undefined) return { kind: "stuck", reason: MoveReason.AGREES_WITH_ALL };
  const { k, lo, hi } = part;
  if (hi - lo === 1) return { kind: "proveStep", k, step: lo, proof: history.stepProof(txIndex, lo) };
  const values = segmentValues(machine, lo, hi, game.degree);
  if (hi !== game.maxTxSteps) return { kind: "bisect", k, lo, hi, values };
  // The last part: the contract opens our last hash and checks it gives the root we claimed at the switch.
  const end = history.end(txIndex);
  const claimed = game.role === "challenger" ? stepRoots.challengerRoot : stepRoots.defenderRoot;
  const after = rootAfterTransaction(stepRoots.rootBefore, end);
  if (after === undefined || !equal(after, claimed))
    return { kind: "stuck", reason: MoveReason.HISTORY_INCONSISTENT, position: txIndex };
  return { kind: "bisectToEnd", k, lo, hi, values, end, roots: stepRoots };
}
