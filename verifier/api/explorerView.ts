import type { Hex } from "viem";
import type {
  AssertionInfo,
  BondOutcome,
  GameDetail,
  GameMove,
  GamePhase,
  GameSummary,
  Role,
  Verdict,
} from "../../explorer/index.ts";
import type { RollupParams } from "../../protocol/index.ts";
import type { GameEntry } from "../dispute/GameAgent.ts";
import type { AssertionRecord, ChallengeEvent, ChallengeRecord, Verdict as OurVerdict } from "../records.ts";

/**
 * The explorer's view of the verifier (explorer/verifierApi.ts, docs/explorer.md "The verifier inspection API"),
 * built from what the verifier keeps: its records of L1 (assertions, challenges and their events), its game
 * records, the deployment's parameters, our replay's values and a read of the challenge on L1 for the clocks.
 * Pure functions: verifier/api/explorerRoutes.ts does the reads and serves them under /explorer.
 */

const ZERO_ADDRESS: Hex = `0x${"00".repeat(20)}`;

/** checkAssertion's verdict as the explorer names it. */
export function verdictOf(v: OurVerdict | undefined): Verdict {
  return v?.kind === "agree" ? "agrees" : v?.kind === "disagree" ? "disagrees" : "pending";
}

/** Where an assertion's range starts: its parent's batch and transaction ends (genesis: 0, 0). */
export interface RangeStart {
  readonly batchEnd: number;
  readonly txEnd: number;
}

/**
 * One assertion. `createdAt` is derived: Rollup sets `deadline = block.timestamp + challengePeriod` at creation.
 * `ourRoot` is our replay's root after the assertion's last batch (null until replayed).
 */
export function explorerAssertion(
  a: AssertionRecord,
  o: {
    parent: RangeStart | undefined;
    params: Pick<RollupParams, "assertionBond" | "challengePeriod">;
    challenges: readonly ChallengeRecord[];
    ourRoot: Hex | null;
  },
): AssertionInfo {
  return {
    id: a.id,
    proposer: a.proposer,
    bond: o.params.assertionBond.toString(),
    stateRoot: a.stateRoot,
    fromBatch: o.parent?.batchEnd ?? 0,
    toBatch: a.batchEnd,
    txCount: a.txEnd - (o.parent?.txEnd ?? 0),
    createdAt: Math.max(0, a.deadline - o.params.challengePeriod),
    challengeDeadline: a.deadline,
    status: a.status,
    verdict: verdictOf(a.verdict),
    ourStateRoot: a.verdict?.kind === "disagree" ? a.verdict.ours : o.ourRoot,
    challenges: o.challenges.filter((c) => c.assertion === a.id).map((c) => String(c.id)),
  };
}

/**
 * Our side in a game: the role we play, or in a game we only watch the side our replay agrees with (the
 * challenger of an assertion we find wrong, else the defender).
 */
export function ourSide(entry: GameEntry | undefined, verdict: OurVerdict | undefined): Role {
  return entry?.record.role ?? (verdict?.kind === "disagree" ? "challenger" : "defender");
}

const endOf = (c: ChallengeRecord) =>
  c.events.find((e): e is Extract<ChallengeEvent, { kind: "ended" }> => e.kind === "ended");

/** ChallengeEnded's winner: none for a dismissal. */
function winnerOf(end: Extract<ChallengeEvent, { kind: "ended" }>): Role | null {
  return end.reason === 2 ? null : end.defenderWon ? "defender" : "challenger";
}

/** Our record's phase, or for a game we only watch the phase L1's events give from our side. */
function phaseOf(c: ChallengeRecord, entry: GameEntry | undefined, role: Role): GamePhase {
  if (entry !== undefined) return entry.record.phase;
  const end = endOf(c);
  if (end !== undefined) {
    const winner = winnerOf(end);
    return winner === null ? "refunded" : winner === role ? "won" : "lost";
  }
  const last = c.events.findLast((e) => e.kind === "bisected");
  return last === undefined ? "started" : last.level === 1 ? "bisecting-step" : "bisecting-tx";
}

/** An event's L1 time: recorded by the follower, or read from L1 for records older than that (`times`). */
export type BlockTimes = ReadonlyMap<number, number>;
const timeOf = (e: ChallengeEvent, times: BlockTimes) => e.at ?? times.get(e.l1Block) ?? 0;

/** One line of the games list (no L1 read, no history). */
export function explorerGameSummary(
  c: ChallengeRecord,
  entry: GameEntry | undefined,
  verdict: OurVerdict | undefined,
  times: BlockTimes,
): GameSummary {
  const role = ourSide(entry, verdict);
  const last = c.events.findLast((e) => e.kind === "bisected");
  return {
    id: String(c.id),
    assertion: c.assertion,
    role,
    phase: phaseOf(c, entry, role),
    level: last?.level === 1 ? 1 : 0,
    // A level switch is part of its switchToStep move (its Bisected event follows it in the same transaction).
    moves: c.events.filter((e) => e.kind !== "levelSwitched").length,
    updatedAt: timeOf(c.events[c.events.length - 1], times),
  };
}

/** Our values (docs/verifier.md, "History"): hex, for the views; undefined when not replayed yet. */
export interface OurValues {
  root(p: number): Hex;
  machine(p: number, s: number): Hex;
  /** The instruction transaction p runs at step s (prover/instructionAt). */
  instruction(p: number, s: number): string;
}

/** ChallengeManager.getChallenge's fields the clocks need. */
export interface ChallengeClocks {
  readonly defenderClock: bigint | number;
  readonly challengerClock: bigint | number;
  readonly lastMoveAt: bigint | number;
  readonly challengerToMove: boolean;
  readonly challengerMoved: boolean;
}

export interface GameInput {
  readonly challenge: ChallengeRecord;
  readonly entry: GameEntry | undefined;
  /** Our verdict on the game's assertion (our side in a game we only watch). */
  readonly verdict: OurVerdict | undefined;
  /** Every challenge on the same assertion (who shares a forfeited assertion bond). */
  readonly siblings: readonly ChallengeRecord[];
  readonly params: Pick<
    RollupParams,
    "assertionBond" | "challengeBond" | "burnShareBps" | "degree" | "txGasLimit" | "firstMoveDeadline"
  >;
  readonly onL1: ChallengeClocks;
  /** L1's time now. */
  readonly now: number;
  readonly times: BlockTimes;
  readonly ours: OurValues | undefined;
}

const boundary = (lo: number, hi: number, parts: number, j: number) =>
  lo + Math.floor((j * (hi - lo)) / parts);

interface Seg {
  readonly level: 0 | 1;
  readonly lo: number;
  readonly hi: number;
  readonly values: readonly Hex[];
}

/** The part of `seg` spanning lo..hi (the part a move picked), if any. */
function partOf(seg: Seg, lo: number, hi: number): number | undefined {
  const parts = seg.values.length - 1;
  for (let k = 0; k < parts; k++)
    if (boundary(seg.lo, seg.hi, parts, k) === lo && boundary(seg.lo, seg.hi, parts, k + 1) === hi) return k;
  return undefined;
}

/** One game in full: clocks, every move with our values, the level switch, the one-step proof, the bonds. */
export function explorerGame(g: GameInput): GameDetail {
  const c = g.challenge;
  const role = ourSide(g.entry, g.verdict);
  const maxTxSteps = 2 * g.params.txGasLimit;
  const roleOf = (a: Hex | undefined): Role | undefined =>
    a === undefined
      ? undefined
      : a.toLowerCase() === c.challenger.toLowerCase()
        ? "challenger"
        : a.toLowerCase() === c.defender.toLowerCase()
          ? "defender"
          : undefined;
  const ourAt = (level: 0 | 1, tx: number | undefined, lo: number, hi: number, parts: number) => {
    const ours = g.ours;
    if (ours === undefined || (level === 1 && tx === undefined)) return undefined;
    return Array.from({ length: parts + 1 }, (_, j) => {
      const b = boundary(lo, hi, parts, j);
      return level === 0 ? ours.root(b) : ours.machine(tx as number, b);
    });
  };

  const moves: GameMove[] = [];
  let seg: Seg | undefined;
  let txCount = 0;
  let switched: { tx: number; part?: number } | undefined;
  let switchedNow = false;
  let levelSwitch: GameDetail["levelSwitch"] = null;
  let proof: GameDetail["proof"] = null;
  let outcome: GameDetail["outcome"] = null;
  for (const e of g.challenge.events) {
    const base = { n: moves.length, at: timeOf(e, g.times), l1TxHash: e.l1Tx ?? null };
    switch (e.kind) {
      case "started": {
        txCount = e.transactions;
        seg = { level: 0, lo: 0, hi: e.transactions, values: [c.startRoot, c.claimedRoot] };
        const ourValues = ourAt(0, undefined, 0, e.transactions, 1);
        moves.push({
          ...base,
          mover: "defender",
          kind: "start",
          level: 0,
          lo: 0,
          hi: e.transactions,
          values: seg.values,
          ...(ourValues && { ourValues }),
        });
        break;
      }
      case "levelSwitched": {
        switched = { tx: e.txIndex, part: seg && partOf(seg, e.txIndex, e.txIndex + 1) };
        switchedNow = true;
        // The roots as announced; an older record without them: the agreed root and the poster's from the
        // transaction-level segment, the switcher's from our replay.
        const posterEnd = seg && switched.part !== undefined ? seg.values[switched.part + 1] : undefined;
        const switcher = roleOf((c.events[c.events.indexOf(e) + 1] as { mover?: Hex } | undefined)?.mover);
        levelSwitch = e.roots
          ? { tx: e.txIndex, ...e.roots }
          : {
              tx: e.txIndex,
              rootBefore:
                (seg && switched.part !== undefined ? seg.values[switched.part] : undefined) ?? "0x",
              defenderRoot: (switcher === "defender" ? g.ours?.root(e.txIndex + 1) : posterEnd) ?? "0x",
              challengerRoot: (switcher === "challenger" ? g.ours?.root(e.txIndex + 1) : posterEnd) ?? "0x",
            };
        break;
      }
      case "bisected": {
        const level = e.level === 1 ? 1 : 0;
        const kind = switchedNow
          ? "switchToStep"
          : level === 1 && e.hi === maxTxSteps
            ? "bisectToEnd"
            : "bisect";
        const part = switchedNow ? switched?.part : seg && partOf(seg, e.lo, e.hi);
        const tx = level === 1 ? switched?.tx : undefined;
        const ourValues = ourAt(level, tx, e.lo, e.hi, e.values.length - 1);
        moves.push({
          ...base,
          mover: roleOf(e.mover) ?? "defender",
          kind,
          level,
          ...(tx !== undefined && { tx }),
          ...(part !== undefined && { part }),
          lo: e.lo,
          hi: e.hi,
          values: e.values,
          ...(ourValues && { ourValues }),
        });
        seg = { level, lo: e.lo, hi: e.hi, values: e.values };
        switchedNow = false;
        break;
      }
      case "ended": {
        const winner = winnerOf(e);
        if (e.reason === 1 && seg?.level === 1 && switched !== undefined) {
          const tx = switched.tx;
          const last = seg;
          const parts = last.values.length - 1;
          // The part proven: from the proveStep calldata; else the first our replay disputes (what the honest
          // prover picks).
          let k = e.part;
          for (let j = 0; k === undefined && g.ours !== undefined && j < parts; j++)
            if (g.ours.machine(tx, boundary(last.lo, last.hi, parts, j + 1)) !== last.values[j + 1]) k = j;
          const step = e.step ?? (k === undefined ? undefined : boundary(last.lo, last.hi, parts, k));
          const prover = winner ?? roleOf(e.by) ?? role;
          moves.push({
            ...base,
            mover: prover,
            kind: "proveStep",
            level: 1,
            tx,
            ...(k !== undefined && { part: k }),
          });
          if (step !== undefined && k !== undefined)
            proof = {
              tx,
              step,
              instruction: g.ours?.instruction(tx, step) ?? "unknown (not replayed)",
              prover,
              before: last.values[k],
              claimedAfter: last.values[k + 1],
              // Not in any event: the step's true result, which our replay computes (what L1's one-step prover
              // computed, when our history is the true one).
              provenAfter: g.ours?.machine(tx, step + 1) ?? "0x",
              l1TxHash: e.l1Tx ?? null,
            };
        } else
          moves.push({
            ...base,
            mover: roleOf(e.by) ?? winner ?? "challenger",
            kind: e.reason === 2 ? "dismiss" : e.reason === 1 ? "proveStep" : "timeout",
            level: seg?.level ?? 0,
          });
        outcome = {
          winner,
          reason: e.reason === 0 ? "timeout" : e.reason === 1 ? "one-step-proof" : "dismissed",
          bonds: bondsOf(c, e, g),
        };
        break;
      }
    }
  }

  const onL1 = g.onL1;
  // ChallengeManager._left: until its first move the challenger's time is capped at firstMoveDeadline.
  const challengerClock =
    onL1.challengerToMove && !onL1.challengerMoved
      ? Math.min(Number(onL1.challengerClock), g.params.firstMoveDeadline)
      : Number(onL1.challengerClock);
  return {
    id: String(c.id),
    version: c.events.length + (g.entry?.record.transitions.length ?? 0) + (g.ours === undefined ? 0 : 1),
    assertion: c.assertion,
    role,
    defender: c.defender,
    challenger: c.challenger,
    phase: phaseOf(c, g.entry, role),
    degree: g.params.degree,
    txCount,
    maxTxSteps,
    clocks: {
      defender: Number(onL1.defenderClock),
      challenger: challengerClock,
      lastMoveAt: Number(onL1.lastMoveAt),
      challengerToMove: onL1.challengerToMove,
      now: g.now,
    },
    moves,
    levelSwitch,
    proof,
    outcome,
  };
}

/**
 * Where the bonds went (docs/protocol.md, "Assertions" and "Challenge game"). DERIVED, not read: the amounts come
 * from the deployment's parameters and ChallengeEnded's outcome, the shares of a forfeited assertion bond from
 * our records of the challenges on the assertion (the follower does not keep BondForfeited / BondCredited, which
 * would be the authoritative record; two challenges ending in one block are ordered by block only).
 *  - defender won: the challenger's bond is slashed, burnShareBps of it burned, the rest paid to the defender;
 *  - challenger won: its bond is refunded; the assertion's bond is slashed, burnShareBps of it (and the
 *    division's dust) burned, the rest split into equal shares, one per challenge open on it then;
 *  - dismissed: the challenger's bond is refunded, with its share if the assertion was forfeited while it was open.
 */
export function bondsOf(
  c: ChallengeRecord,
  end: Extract<ChallengeEvent, { kind: "ended" }>,
  g: Pick<GameInput, "params" | "siblings">,
): BondOutcome[] {
  const { challengeBond, assertionBond, burnShareBps } = g.params;
  const refund: BondOutcome = {
    party: c.challenger,
    role: "challenger",
    bond: "challenge",
    amount: challengeBond.toString(),
    fate: "refunded",
  };
  if (end.reason !== 2 && end.defenderWon) {
    const burn = (challengeBond * BigInt(burnShareBps)) / 10_000n;
    return [
      { ...refund, fate: "slashed" },
      {
        party: c.defender,
        role: "defender",
        bond: "challenge",
        amount: (challengeBond - burn).toString(),
        fate: "paid",
      },
      { party: ZERO_ADDRESS, role: "challenger", bond: "challenge", amount: burn.toString(), fate: "burned" },
    ];
  }
  // The challenge that forfeited the assertion (this one, or another while this one was open).
  const winning = g.siblings
    .map((s) => ({ s, e: endOf(s) }))
    .find(({ e }) => e !== undefined && e.reason !== 2 && !e.defenderWon);
  if (winning === undefined) return [refund];
  const at = (winning.e as Extract<ChallengeEvent, { kind: "ended" }>).l1Block;
  const open = g.siblings.filter(
    (s) => s.l1Block <= at && (endOf(s)?.l1Block ?? Number.MAX_SAFE_INTEGER) >= at,
  );
  const pool = assertionBond - (assertionBond * BigInt(burnShareBps)) / 10_000n;
  const perShare = pool / BigInt(Math.max(1, open.length));
  const burned = assertionBond - perShare * BigInt(open.length);
  const paid = (s: ChallengeRecord): BondOutcome => ({
    party: s.challenger,
    role: "challenger",
    bond: "assertion",
    amount: perShare.toString(),
    fate: "paid",
  });
  if (winning.s.id !== c.id) return open.some((s) => s.id === c.id) ? [refund, paid(c)] : [refund];
  return [
    {
      party: c.defender,
      role: "defender",
      bond: "assertion",
      amount: assertionBond.toString(),
      fate: "slashed",
    },
    ...open.map(paid),
    { party: ZERO_ADDRESS, role: "defender", bond: "assertion", amount: burned.toString(), fate: "burned" },
    refund,
  ];
}
