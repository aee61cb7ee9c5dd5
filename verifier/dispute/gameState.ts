import { bytesToHex, type Hex } from "viem";
import type { Move } from "./chooseMove.ts";
import { type History, Level, type Role } from "./game.ts";

/**
 * Where one of our games stands (docs/verifier.md, "Game state machine"). The phase is what an operator
 * reads and what a restart resumes from; the move itself is always chosen again from L1 (chooseMove), so a
 * phase never holds a decision, only what we are waiting for.
 */
export const GAME_PHASES = [
  "started", // the challenge exists; no bisection yet
  "bisecting-tx", // transaction-level moves are being made
  "switching", // our switchToStep was sent, not yet seen on L1
  "bisecting-step", // step-level moves are being made
  "proving", // our one-step proof was sent, not yet seen on L1
  "awaiting-resolution", // we claimed the timeout or dismissed: waiting for ChallengeEnded
  "won",
  "lost",
  "refunded", // dismissed: the challenger's bond came back
] as const;
export type GamePhase = (typeof GAME_PHASES)[number];

/** Phases a game never leaves. */
export const TERMINAL_PHASES: readonly GamePhase[] = ["won", "lost", "refunded"];

/** The contract calls chooseMove can ask for. */
export type MoveCallKind = Extract<
  Move["kind"],
  "bisect" | "bisectToEnd" | "switchToStep" | "proveStep" | "timeout" | "dismiss"
>;

/** What moves a game: what we sent, and what L1 showed. */
export type GameEvent =
  /** Our move was handed to the transaction manager (with the segment it posts, if it posts one). */
  | { readonly kind: "sent"; readonly move: MoveCallKind; readonly segment?: PostedSegment }
  /** Our sent move reverted or was dropped (e.g. the opponent moved first): choose again at `level`. */
  | { readonly kind: "moveFailed"; readonly level: Level }
  /** A Bisected event by the opponent (or by us, seen on L1) at `level`. */
  | { readonly kind: "bisected"; readonly level: Level }
  /** LevelSwitched: the step level started (by either side). */
  | { readonly kind: "levelSwitched" }
  /** ChallengeEnded, read from our side. */
  | { readonly kind: "ended"; readonly outcome: "won" | "lost" | "refunded" };

const atLevel = (level: Level): GamePhase =>
  level === Level.TRANSACTION ? "bisecting-tx" : "bisecting-step";
const ended = (e: GameEvent) => (e.kind === "ended" ? e.outcome : undefined);

/**
 * The transition table: for each phase, the next phase per event (undefined: the event cannot happen
 * there, which `transition` reports as ILLEGAL_TRANSITION). Terminal phases accept nothing.
 */
const TABLE: Record<GamePhase, (e: GameEvent) => GamePhase | undefined> = {
  started: (e) => open(e, Level.TRANSACTION),
  "bisecting-tx": (e) => open(e, Level.TRANSACTION),
  switching: (e) =>
    e.kind === "levelSwitched"
      ? "bisecting-step"
      : e.kind === "moveFailed"
        ? atLevel(e.level)
        : e.kind === "bisected" && e.level === Level.TRANSACTION
          ? "bisecting-tx" // the opponent moved before our switch landed: it failed, choose again
          : ended(e),
  "bisecting-step": (e) => open(e, Level.STEP),
  proving: (e) => (e.kind === "moveFailed" ? atLevel(e.level) : ended(e)),
  "awaiting-resolution": (e) =>
    e.kind === "moveFailed" ? atLevel(e.level) : e.kind === "bisected" ? atLevel(e.level) : ended(e),
  won: () => undefined,
  lost: () => undefined,
  refunded: () => undefined,
};

/** From a phase where moves are being made at `level`. */
function open(e: GameEvent, level: Level): GamePhase | undefined {
  switch (e.kind) {
    case "sent":
      switch (e.move) {
        case "bisect":
        case "bisectToEnd":
          return atLevel(level);
        case "switchToStep":
          return level === Level.TRANSACTION ? "switching" : undefined;
        case "proveStep":
          return level === Level.STEP ? "proving" : undefined;
        default:
          return "awaiting-resolution";
      }
    case "moveFailed":
      return atLevel(e.level);
    case "bisected":
      return e.level === level ? atLevel(level) : undefined;
    case "levelSwitched":
      return level === Level.TRANSACTION ? "bisecting-step" : undefined;
    case "ended":
      return e.outcome;
  }
}

/** A segment we posted: our values at its boundaries (at the step level, of transaction `tx`). */
export interface PostedSegment {
  readonly level: Level;
  readonly tx?: number;
  readonly lo: number;
  readonly hi: number;
  readonly values: readonly Hex[];
}

/**
 * The segment a move posts, for the record (undefined for moves that post none). `maxTxSteps` is the step
 * level's last position (a level switch posts over 0..maxTxSteps); `txIndex` the step level's transaction.
 */
export function postedSegment(
  move: Move,
  level: Level,
  maxTxSteps: number,
  txIndex?: number,
): PostedSegment | undefined {
  switch (move.kind) {
    case "bisect":
    case "bisectToEnd":
      return {
        level,
        tx: level === Level.STEP ? txIndex : undefined,
        lo: move.lo,
        hi: move.hi,
        values: move.values.map((v) => bytesToHex(v)),
      };
    case "switchToStep":
      return {
        level: Level.STEP,
        tx: move.txIndex,
        lo: 0,
        hi: maxTxSteps,
        values: move.values.map((v) => bytesToHex(v)),
      };
    default:
      return undefined;
  }
}

/**
 * Whether `history` still gives every value we posted (after a restart, a replay that changed would make us
 * contradict ourselves on L1): the first position where it does not, or undefined.
 */
export function postedMismatch(
  game: GameRecord,
  history: History,
): { level: Level; tx?: number; position: number } | undefined {
  for (const s of game.posted) {
    const parts = s.values.length - 1;
    for (let j = 0; j <= parts; j++) {
      const position = s.lo + Math.floor((j * (s.hi - s.lo)) / parts);
      const ours = s.level === Level.STEP ? history.machine(s.tx ?? -1, position) : history.root(position);
      if (bytesToHex(ours) !== s.values[j]) return { level: s.level, tx: s.tx, position };
    }
  }
  return undefined;
}

/** One game as we persist it: ids, our role, the phase, the segments we posted, and every transition with its time. */
export interface GameRecord {
  /** The challenge id (decimal). */
  readonly id: string;
  readonly assertion: Hex;
  readonly role: Role;
  readonly phase: GamePhase;
  /** Our values as posted, in order (what a restarted verifier checks its history against). */
  readonly posted: readonly PostedSegment[];
  readonly transitions: readonly {
    readonly from: GamePhase;
    readonly to: GamePhase;
    readonly event: GameEvent;
    readonly at: number;
  }[];
}

/** A new game record in phase `started`. */
export function newGame(id: bigint | string, assertion: Hex, role: Role): GameRecord {
  return { id: String(id), assertion, role, phase: "started", posted: [], transitions: [] };
}

/** Why a transition was refused. */
export const GameStateError = { ILLEGAL_TRANSITION: "ILLEGAL_TRANSITION" } as const;

/** The record after `event` at time `at`, or why it cannot happen (the record is unchanged then). */
export function transition(
  game: GameRecord,
  event: GameEvent,
  at: number,
):
  | { ok: true; game: GameRecord }
  | { ok: false; reason: typeof GameStateError.ILLEGAL_TRANSITION; phase: GamePhase; event: GameEvent } {
  const to = TABLE[game.phase](event);
  if (to === undefined)
    return { ok: false, reason: GameStateError.ILLEGAL_TRANSITION, phase: game.phase, event };
  const posted =
    event.kind === "sent" && event.segment !== undefined ? [...game.posted, event.segment] : game.posted;
  return {
    ok: true,
    game: {
      ...game,
      phase: to,
      posted,
      transitions: [...game.transitions, { from: game.phase, to, event, at }],
    },
  };
}

/** The phases reachable in one event from `phase` (for docs and tests). */
export function nextPhases(phase: GamePhase): GamePhase[] {
  const events: GameEvent[] = [
    ...(["bisect", "bisectToEnd", "switchToStep", "proveStep", "timeout", "dismiss"] as const).map(
      (move) => ({ kind: "sent", move }) as const,
    ),
    { kind: "moveFailed", level: Level.TRANSACTION },
    { kind: "moveFailed", level: Level.STEP },
    { kind: "bisected", level: Level.TRANSACTION },
    { kind: "bisected", level: Level.STEP },
    { kind: "levelSwitched" },
    ...(["won", "lost", "refunded"] as const).map((outcome) => ({ kind: "ended", outcome }) as const),
  ];
  const out = new Set<GamePhase>();
  for (const e of events) {
    const to = TABLE[phase](e);
    if (to !== undefined) out.add(to);
  }
  return [...out];
}

/** A record as JSON text (what the verifier's database stores) and back, checked. */
export function gameToJson(game: GameRecord): string {
  return JSON.stringify(game);
}

export function gameFromJson(text: string): GameRecord {
  const g = JSON.parse(text) as GameRecord;
  if (!GAME_PHASES.includes(g.phase))
    throw new TypeError(`game phase: expected one of ${GAME_PHASES.join(", ")}, got ${String(g.phase)}`);
  if (g.role !== "challenger" && g.role !== "defender")
    throw new TypeError(`game role: expected challenger or defender, got ${String(g.role)}`);
  if (typeof g.id !== "string" || !/^\d+$/.test(g.id))
    throw new TypeError(`game id: expected a decimal string, got ${String(g.id)}`);
  if (!Array.isArray(g.transitions)) throw new TypeError("game transitions: expected an array");
  if (!Array.isArray(g.posted)) throw new TypeError("game posted: expected an array");
  return g;
}
