/**
 * TEST DATA. A whole challenge played by chooseMove against the ChallengeModel (verifier/dispute/testing: the
 * contract's rules over an abstract world), recorded as the verifier's L1Follower records it (a ChallengeRecord
 * with its events, times, transactions, level-switch roots and the proven part), with our values from the true
 * history: what the explorer routes build their views from.
 */
import { bytesToHex, type Hex } from "viem";
import { partBoundaries } from "../../../protocol/index.ts";
import type { Move } from "../../dispute/chooseMove.ts";
import { ChallengeStatus, type Role } from "../../dispute/game.ts";
import { ChallengeModel, World } from "../../dispute/testing/challengeModel.ts";
import { chooseMoveStrategy, liarHistory, playGame } from "../../dispute/testing/players.ts";
import type { AssertionRecord, ChallengeEvent, ChallengeRecord } from "../../records.ts";
import type { ChallengeClocks, OurValues } from "../explorerView.ts";

export const DEFENDER: Hex = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";
export const CHALLENGER: Hex = "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc";
export const ASSERTION: Hex = `0x${"a5".repeat(32)}`;
export const T0 = 1_765_000_000;
/** Devnet parameters with a small step bound (MAX_TX_STEPS = 2 * txGasLimit = 1,000). */
export const PARAMS = {
  challengePeriod: 300,
  assertionBond: 10n ** 17n,
  challengeBond: 10n ** 16n,
  burnShareBps: 2_000,
  degree: 16,
  txGasLimit: 500,
  firstMoveDeadline: 60,
  clock: 120,
};

export interface RecordedGame {
  readonly challenge: ChallengeRecord;
  readonly assertion: AssertionRecord;
  readonly onL1: ChallengeClocks;
  readonly now: number;
  readonly ours: OurValues;
  readonly winner: Role | undefined;
}

/** `liar` lies from transaction `tx`, step `step` on; the other side plays the truth. */
export function recordedGame(o: {
  liar: Role;
  tx: number;
  step: number;
  n?: number;
  id?: number;
}): RecordedGame {
  const n = o.n ?? 40;
  const world = new World(n, 2 * PARAMS.txGasLimit, (p) => 300 + 7 * p);
  const lie = liarHistory(world, o.tx, o.step);
  const honest: Role = o.liar === "defender" ? "challenger" : "defender";
  const claimed = o.liar === "defender" ? lie.root(n) : world.root(n);
  const model = new ChallengeModel(world, claimed, PARAMS.degree, PARAMS.clock, T0, PARAMS.firstMoveDeadline);
  const address = (r: Role) => (r === "challenger" ? CHALLENGER : DEFENDER);
  let block = 100;
  const events: ChallengeEvent[] = [
    { kind: "started", l1Block: block, transactions: n, at: T0, l1Tx: txHash(block) },
  ];
  const apply = model.apply.bind(model);
  model.apply = (by: Role, move: Move) => {
    const before = model.segment;
    apply(by, move);
    block++;
    const at = { l1Block: block, at: model.now, l1Tx: txHash(block) };
    const posted = () => ({
      kind: "bisected" as const,
      ...at,
      mover: address(by),
      level: model.level,
      lo: model.segment.lo,
      hi: model.segment.hi,
      values: model.segment.values.map((v) => bytesToHex(v)),
    });
    if (move.kind === "switchToStep") {
      const r = model.stepRoots;
      if (r === undefined) throw new Error("no step roots after a switch");
      events.push({
        kind: "levelSwitched",
        ...at,
        txIndex: model.txIndex as number,
        roots: {
          rootBefore: bytesToHex(r.rootBefore),
          defenderRoot: bytesToHex(r.defenderRoot),
          challengerRoot: bytesToHex(r.challengerRoot),
        },
      });
      events.push(posted());
    } else if (move.kind === "bisect" || move.kind === "bisectToEnd") events.push(posted());
    else if (move.kind === "proveStep" || move.kind === "timeout")
      events.push({
        kind: "ended",
        ...at,
        defenderWon: model.status === ChallengeStatus.DEFENDER_WON,
        reason: move.kind === "proveStep" ? 1 : 0,
        by: address(by),
        ...(move.kind === "proveStep" && {
          part: move.k,
          step: partBoundaries(before.lo, before.hi, before.values.length - 1)[move.k],
        }),
      });
  };
  const played = playGame(model, honest, world.history(), chooseMoveStrategy(lie));
  const challenge: ChallengeRecord = {
    id: o.id ?? 1,
    assertion: ASSERTION,
    challenger: CHALLENGER,
    defender: DEFENDER,
    l1Block: 100,
    startRoot: bytesToHex(world.root(0)),
    claimedRoot: bytesToHex(claimed),
    events,
  };
  const assertion: AssertionRecord = {
    id: ASSERTION,
    parent: `0x${"00".repeat(32)}`,
    proposer: DEFENDER,
    stateRoot: bytesToHex(claimed),
    outboxRoot: `0x${"00".repeat(32)}`,
    batchEnd: 3,
    txEnd: n,
    delayedEnd: 0,
    deadline: T0 - 40 + PARAMS.challengePeriod,
    l1Block: 90,
    status: played.winner === "challenger" ? "rejected" : "pending",
    verdict:
      o.liar === "defender"
        ? {
            kind: "disagree",
            txStart: 0,
            txEnd: n,
            ours: bytesToHex(world.root(n)),
            theirs: bytesToHex(claimed),
            reason: "STATE_ROOT",
          }
        : { kind: "agree" },
  };
  return {
    challenge,
    assertion,
    onL1: {
      defenderClock: model.clocks.defender,
      challengerClock: model.clocks.challenger,
      lastMoveAt: model.lastMoveAt,
      challengerToMove: model.challengerToMove,
      challengerMoved: model.challengerMoved,
    },
    now: model.now + 2,
    ours: {
      root: (p) => bytesToHex(world.root(p)),
      machine: (p, s) => bytesToHex(world.machine(p, s)),
      instruction: (p, s) => `i64.add (tx ${p} step ${s})`,
    },
    winner: played.winner,
  };
}

const txHash = (block: number): Hex => `0x${block.toString(16).padStart(64, "0")}`;
