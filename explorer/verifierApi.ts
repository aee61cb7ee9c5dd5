/**
 * The verifier's inspection API as the explorer reads it: JSON over HTTP GET, documented in
 * docs/explorer.md ("The verifier inspection API"). The verifier service is built on another branch; this
 * file is the one place that knows its shape, so adapting to what it serves is a change here only.
 * Shapes follow verifier/dispute (GamePhase, Level, Role) and docs/protocol.md ("Challenge game"):
 * amounts are decimal strings (wei), hashes 0x-hex, times L1 seconds, positions plain numbers.
 *
 *   GET {base}/assertions   -> { now, assertions: AssertionInfo[] }     newest first
 *   GET {base}/games        -> { now, games: GameSummary[] }            newest first
 *   GET {base}/games/{id}   -> GameDetail                               404 if unknown
 *
 * Live updates: the page polls (pollMs); a game's `version` grows with every change, so a poll that sees
 * the same version renders nothing.
 */

type Hex = `0x${string}`;
type Decimal = string;

/** verifier/dispute/gameState.ts GAME_PHASES: our record's phase. */
export type GamePhase =
  | "started"
  | "bisecting-tx"
  | "switching"
  | "bisecting-step"
  | "proving"
  | "awaiting-resolution"
  | "won"
  | "lost"
  | "refunded";
export type Role = "challenger" | "defender";
/** What we (the verifier) think of an assertion after replaying its batches. */
export type Verdict = "agrees" | "disagrees" | "pending";

export interface AssertionInfo {
  readonly id: Hex;
  readonly proposer: Hex;
  /** Wei bonded. */
  readonly bond: Decimal;
  readonly stateRoot: Hex;
  /** Batches [fromBatch, toBatch) and transactions it claims. */
  readonly fromBatch: number;
  readonly toBatch: number;
  readonly txCount: number;
  readonly createdAt: number;
  /** L1 second its challenge period ends. */
  readonly challengeDeadline: number;
  readonly status: "pending" | "confirmed" | "rejected";
  readonly verdict: Verdict;
  /** Our root after the same transactions (null until replayed). */
  readonly ourStateRoot: Hex | null;
  /** Challenges on it (ids, decimal). */
  readonly challenges: readonly string[];
}

export interface GameSummary {
  readonly id: string;
  readonly assertion: Hex;
  readonly role: Role;
  readonly phase: GamePhase;
  readonly level: 0 | 1;
  readonly moves: number;
  readonly updatedAt: number;
}

/** One move as L1 saw it. `start` is ChallengeStarted: the proposer's segment (0, N, [parent, claimed]). */
export interface GameMove {
  readonly n: number;
  readonly at: number;
  readonly mover: Role;
  readonly kind: "start" | "bisect" | "switchToStep" | "bisectToEnd" | "proveStep" | "timeout" | "dismiss";
  /** 0 transactions, 1 machine steps (verifier/dispute/game.ts Level). */
  readonly level: 0 | 1;
  /** Step level: the disputed transaction's index in the assertion's range. */
  readonly tx?: number;
  /** The part of the opponent's segment this move picked (absent for start, timeout, dismiss). */
  readonly part?: number;
  /** The segment posted (absent for proveStep, timeout, dismiss): the mover's values at its boundaries. */
  readonly lo?: number;
  readonly hi?: number;
  readonly values?: readonly Hex[];
  /** Our values at the same boundaries (what we compare against: equal = the mover agrees with us). */
  readonly ourValues?: readonly Hex[];
  readonly l1TxHash: Hex | null;
}

export interface OneStepProofInfo {
  readonly tx: number;
  readonly step: number;
  /** The instruction executed on L1, as the machine names it (e.g. "i64.add", "call_host keccak"). */
  readonly instruction: string;
  readonly prover: Role;
  readonly before: Hex;
  /** The opponent's claimed hash after the step, and what the one-step prover computed. */
  readonly claimedAfter: Hex;
  readonly provenAfter: Hex;
  readonly l1TxHash: Hex | null;
}

/** Where a bond went when the game (and the assertion) ended. */
export interface BondOutcome {
  readonly party: Hex;
  readonly role: Role;
  readonly bond: "assertion" | "challenge";
  readonly amount: Decimal;
  readonly fate: "slashed" | "refunded" | "paid" | "burned";
}

export interface GameDetail {
  readonly id: string;
  /** Grows with every change (a poll seeing the same version has nothing new). */
  readonly version: number;
  readonly assertion: Hex;
  /** Our side, and both parties. */
  readonly role: Role;
  readonly defender: Hex;
  readonly challenger: Hex;
  readonly phase: GamePhase;
  readonly degree: number;
  /** Transactions in the assertion's range (the transaction level spans 0..txCount) and MAX_TX_STEPS. */
  readonly txCount: number;
  readonly maxTxSteps: number;
  /** ChallengeManager's clocks: seconds left as of lastMoveAt, whose turn, and L1's time now. */
  readonly clocks: {
    readonly defender: number;
    readonly challenger: number;
    readonly lastMoveAt: number;
    readonly challengerToMove: boolean;
    readonly now: number;
  };
  readonly moves: readonly GameMove[];
  readonly levelSwitch: {
    readonly tx: number;
    readonly rootBefore: Hex;
    readonly defenderRoot: Hex;
    readonly challengerRoot: Hex;
  } | null;
  readonly proof: OneStepProofInfo | null;
  readonly outcome: {
    readonly winner: Role | null;
    readonly reason: "timeout" | "one-step-proof" | "dismissed";
    readonly bonds: readonly BondOutcome[];
  } | null;
}

/** The inspection API answered something the explorer cannot read. */
export class VerifierApiError extends Error {
  override readonly name = "VerifierApiError";
}

const PHASES = new Set<string>([
  "started",
  "bisecting-tx",
  "switching",
  "bisecting-step",
  "proving",
  "awaiting-resolution",
  "won",
  "lost",
  "refunded",
]);
const MOVE_KINDS = new Set([
  "start",
  "bisect",
  "switchToStep",
  "bisectToEnd",
  "proveStep",
  "timeout",
  "dismiss",
]);

function need(ok: boolean, what: string, got: unknown): void {
  if (!ok)
    throw new VerifierApiError(`verifier API: expected ${what}, got ${JSON.stringify(got)?.slice(0, 80)}`);
}
const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const isRole = (v: unknown) => v === "challenger" || v === "defender";
const isHex = (v: unknown) => typeof v === "string" && /^0x[0-9a-fA-F]*$/.test(v);
const isNat = (v: unknown) => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;

/** Checks a GameDetail's fields the views rely on (positions in range, known phases and kinds). */
export function parseGameDetail(v: unknown): GameDetail {
  need(isObj(v), "a game object", v);
  const g = v as Record<string, unknown>;
  need(typeof g.id === "string" && /^\d+$/.test(g.id), "game.id as a decimal string", g.id);
  need(isNat(g.version), "game.version as a number", g.version);
  need(isRole(g.role), "game.role challenger|defender", g.role);
  need(typeof g.phase === "string" && PHASES.has(g.phase), "game.phase a GamePhase", g.phase);
  need(isNat(g.txCount) && isNat(g.maxTxSteps) && isNat(g.degree), "txCount, maxTxSteps, degree", g);
  need(isObj(g.clocks), "game.clocks", g.clocks);
  const c = g.clocks as Record<string, unknown>;
  need(
    typeof c.defender === "number" && typeof c.challenger === "number" && isNat(c.lastMoveAt) && isNat(c.now),
    "clocks {defender, challenger, lastMoveAt, now}",
    c,
  );
  need(Array.isArray(g.moves), "game.moves an array", g.moves);
  for (const m of g.moves as unknown[]) {
    need(isObj(m), "a move object", m);
    const mv = m as Record<string, unknown>;
    need(typeof mv.kind === "string" && MOVE_KINDS.has(mv.kind), "move.kind", mv.kind);
    need(isRole(mv.mover) && (mv.level === 0 || mv.level === 1), "move.mover and level", mv);
    if (mv.values !== undefined) {
      const span = mv.level === 0 ? (g.txCount as number) : (g.maxTxSteps as number);
      need(
        isNat(mv.lo) && isNat(mv.hi) && (mv.lo as number) < (mv.hi as number) && (mv.hi as number) <= span,
        `move lo < hi <= ${span}`,
        [mv.lo, mv.hi],
      );
      need(
        Array.isArray(mv.values) && mv.values.length >= 2 && mv.values.every(isHex),
        "move.values: 2+ hex values",
        mv.values,
      );
      need(
        mv.ourValues === undefined ||
          (Array.isArray(mv.ourValues) && mv.ourValues.length === (mv.values as unknown[]).length),
        "move.ourValues as long as values",
        mv.ourValues,
      );
    }
  }
  return v as unknown as GameDetail;
}

export function parseAssertions(v: unknown): { now: number; assertions: AssertionInfo[] } {
  need(isObj(v) && Array.isArray(v.assertions) && isNat(v.now), "{now, assertions: [...]}", v);
  for (const a of (v as { assertions: unknown[] }).assertions) {
    need(isObj(a) && isHex(a.id) && isHex(a.proposer) && typeof a.bond === "string", "an assertion", a);
    const x = a as Record<string, unknown>;
    need(
      x.verdict === "agrees" || x.verdict === "disagrees" || x.verdict === "pending",
      "verdict",
      x.verdict,
    );
    need(isNat(x.challengeDeadline), "challengeDeadline", x.challengeDeadline);
  }
  return v as { now: number; assertions: AssertionInfo[] };
}

export function parseGames(v: unknown): { now: number; games: GameSummary[] } {
  need(isObj(v) && Array.isArray(v.games) && isNat(v.now), "{now, games: [...]}", v);
  for (const s of (v as { games: unknown[] }).games)
    need(isObj(s) && typeof s.id === "string" && isRole(s.role), "a game summary", s);
  return v as { now: number; games: GameSummary[] };
}

export interface VerifierClient {
  readonly url: string;
  assertions(): Promise<{ now: number; assertions: AssertionInfo[] }>;
  games(): Promise<{ now: number; games: GameSummary[] }>;
  /** null if the verifier knows no such game. */
  game(id: string): Promise<GameDetail | null>;
}

export function createVerifierClient(base: string, doFetch: typeof fetch = fetch): VerifierClient {
  const root = base.replace(/\/+$/, "");
  async function get(path: string): Promise<unknown> {
    let res: Response;
    try {
      res = await doFetch(`${root}${path}`, { signal: AbortSignal.timeout(10_000) });
    } catch (cause) {
      throw new VerifierApiError(`verifier API ${root}${path}: ${(cause as Error).message}`, { cause });
    }
    if (res.status === 404) return null;
    if (!res.ok) throw new VerifierApiError(`verifier API ${root}${path}: HTTP ${res.status}`);
    try {
      return await res.json();
    } catch (cause) {
      throw new VerifierApiError(`verifier API ${root}${path}: the answer is not JSON`, { cause });
    }
  }
  return {
    url: root,
    assertions: async () => parseAssertions(await get("/assertions")),
    games: async () => parseGames(await get("/games")),
    async game(id) {
      if (!/^\d+$/.test(id)) throw new VerifierApiError(`game id: expected a decimal string, got "${id}"`);
      const v = await get(`/games/${id}`);
      return v === null ? null : parseGameDetail(v);
    },
  };
}
