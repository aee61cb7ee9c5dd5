import type { MachineOpening } from "../../protocol/index.ts";
import type { TransactionProof } from "../../prover/index.ts";

/** Which side of a challenge we play. */
export type Role = "challenger" | "defender";

/** ChallengeManager's levels: transactions (roots), then one transaction's machine steps (machine hashes). */
export const Level = { TRANSACTION: 0, STEP: 1 } as const;
export type Level = (typeof Level)[keyof typeof Level];

/** ChallengeManager's `Challenge.status` values. */
export const ChallengeStatus = { OPEN: 1, DEFENDER_WON: 2, CHALLENGER_WON: 3, DISMISSED: 4 } as const;

/** A posted segment (docs/protocol.md, "Challenge game"): the mover's values at the boundaries of lo..hi. */
export interface Segment {
  readonly lo: number;
  readonly hi: number;
  readonly values: readonly Uint8Array[];
}

/** The step level's roots as `LevelSwitched` announced them (what bisectToEnd passes back). */
export interface StepRoots {
  readonly rootBefore: Uint8Array;
  readonly defenderRoot: Uint8Array;
  readonly challengerRoot: Uint8Array;
}

/**
 * A challenge as L1 holds it (`getChallenge` plus the events that carry what the contract keeps only as a
 * hash: the last `Bisected` segment, `LevelSwitched`'s transaction and roots), and the chain's time.
 */
export interface GameView {
  readonly role: Role;
  readonly status: number;
  readonly level: Level;
  readonly challengerToMove: boolean;
  /** Seconds left on each clock as of `lastMoveAt` (L1 seconds). */
  readonly defenderClock: number;
  readonly challengerClock: number;
  readonly lastMoveAt: number;
  /** Whether the challenger made its first move (until then its time to move is capped at firstMoveDeadline). */
  readonly challengerMoved?: boolean;
  /** ChallengeManager's firstMoveDeadline (seconds; absent: no cap). */
  readonly firstMoveDeadline?: number;
  /** L1 time now (the latest block's timestamp). */
  readonly now: number;
  /** The last segment posted: the opponent's when it is our turn. */
  readonly segment: Segment;
  /** Step level: the disputed transaction's index in the assertion's range. */
  readonly txIndex?: number;
  /** Step level: the roots the level switch announced. */
  readonly stepRoots?: StepRoots;
  readonly degree: number;
  readonly maxTxSteps: number;
  /** Another challenge rejected the assertion: the game is dead and can be dismissed. */
  readonly assertionRejected: boolean;
}

/**
 * Our values at every position (docs/verifier.md, "History"): the state root after p transactions of the
 * assertion's range, and for transaction p its machine hash after s steps, the opening of its last hash,
 * the one-step proof of step s and the proof that L1 recorded it. Lookups are deterministic; the step-level
 * ones may compute (prover/DisputeHistory caches them).
 */
export interface History {
  root(p: number): Uint8Array;
  machine(p: number, s: number): Uint8Array;
  end(p: number): MachineOpening;
  stepProof(p: number, s: number): Uint8Array;
  transactionProof(p: number): TransactionProof;
}

/**
 * The challenger's time to move as the contract counts it (`ChallengeManager._left`): until its first move,
 * at most `firstMoveDeadline`, so a challenge never played ends after the deadline rather than a whole clock.
 */
export function challengerLeft(g: GameView): number {
  if (g.challengerMoved || g.firstMoveDeadline === undefined || !g.challengerToMove) return g.challengerClock;
  return Math.min(g.challengerClock, g.firstMoveDeadline);
}

/** Whose turn it is and how much of each clock is left now. */
export function clocks(g: GameView): { ourTurn: boolean; ours: number; theirs: number } {
  const ourTurn = g.challengerToMove === (g.role === "challenger");
  const elapsed = Math.max(0, g.now - g.lastMoveAt);
  const challenger = challengerLeft(g);
  const [ourClock, theirClock] =
    g.role === "challenger" ? [challenger, g.defenderClock] : [g.defenderClock, challenger];
  return {
    ourTurn,
    ours: ourTurn ? ourClock - elapsed : ourClock,
    theirs: ourTurn ? theirClock : theirClock - elapsed,
  };
}

/** ChallengeManager's `getChallenge` fields a game view needs (viem returns the struct as an object). */
export interface ChallengeOnChain {
  readonly defenderClock: bigint | number;
  readonly challengerClock: bigint | number;
  readonly lastMoveAt: bigint | number;
  readonly challengerToMove: boolean;
  readonly challengerMoved?: boolean;
  readonly level: number;
  readonly status: number;
}

/** A GameView from the challenge on L1, its last segment and level switch (from events), and L1's time. */
export function gameViewOf(input: {
  role: Role;
  challenge: ChallengeOnChain;
  segment: Segment;
  switched?: { txIndex: number; roots: StepRoots };
  now: number;
  degree: number;
  maxTxSteps: number;
  assertionRejected: boolean;
  /** ChallengeManager's firstMoveDeadline (seconds). */
  firstMoveDeadline?: number;
}): GameView {
  const c = input.challenge;
  return {
    role: input.role,
    status: c.status,
    level: c.level === Level.STEP ? Level.STEP : Level.TRANSACTION,
    challengerToMove: c.challengerToMove,
    defenderClock: Number(c.defenderClock),
    challengerClock: Number(c.challengerClock),
    lastMoveAt: Number(c.lastMoveAt),
    challengerMoved: c.challengerMoved,
    firstMoveDeadline: input.firstMoveDeadline,
    now: input.now,
    segment: input.segment,
    txIndex: input.switched?.txIndex,
    stepRoots: input.switched?.roots,
    degree: input.degree,
    maxTxSteps: input.maxTxSteps,
    assertionRejected: input.assertionRejected,
  };
}
