// A model of ChallengeManager's rules (contracts/rollup/ChallengeManager.sol, docs/protocol.md "Challenge game")
// over an abstract world: true roots per transaction, true machine hashes per step, and a one-step "prover" that
// maps a true hash to its true successor. chooseMove's tests play games against it without a chain: every rule
// the contract checks on a move is checked here, with the contract's error name when one fails.
import {
  keccak256,
  type MachineOpening,
  machineHashOf,
  partBoundaries,
  rootAfterTransaction,
} from "../../../protocol/index.ts";
import type { TransactionProof } from "../../../prover/index.ts";
import type { Move } from "../chooseMove.ts";
import {
  ChallengeStatus,
  type GameView,
  type History,
  Level,
  type Role,
  type Segment,
  type StepRoots,
} from "../game.ts";

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
export const hexOf = (b: Uint8Array): string => Buffer.from(b).toString("hex");
export const label = (s: string): Uint8Array => keccak256(utf8(s));
const equal = (a: Uint8Array, b: Uint8Array) => hexOf(a) === hexOf(b);

/** A stopped machine whose state root is `root` (status 1 halted), made distinct by `salt`. */
export function haltedOpening(root: Uint8Array, salt: string, status = 1): MachineOpening {
  const statusWord = new Uint8Array(32);
  statusWord[0] = status;
  return {
    statusWord,
    valueStackHash: label(`values ${salt}`),
    frameStackHash: new Uint8Array(32),
    globalsRoot: label("globals"),
    memoryRoot: label(`memory ${salt}`),
    codeRoot: label("code"),
    tableRoot: label("table"),
    stateRoot: root,
    inputHash: label(`input ${salt}`),
    batchContext: new Uint8Array(32),
    gasWord: new Uint8Array(32),
  };
}

/** The world's truth: N transactions, each running `stepsOf(p)` steps, and the machine hashes of each. */
export class World {
  constructor(
    readonly n: number,
    readonly maxTxSteps: number,
    readonly stepsOf: (p: number) => number,
    readonly seed = "world",
  ) {}

  root(p: number): Uint8Array {
    return p === 0 ? label(`${this.seed} genesis`) : label(`${this.seed} root ${p}`);
  }

  /** The initial machine hash of transaction p from `rootBefore` (what switchToStep computes on L1). */
  m0(p: number, rootBefore: Uint8Array): Uint8Array {
    return keccak256(utf8(`${this.seed} m0 ${p} ${hexOf(rootBefore)}`));
  }

  end(p: number): MachineOpening {
    return haltedOpening(this.root(p + 1), `${this.seed} end ${p}`);
  }

  machine(p: number, s: number): Uint8Array {
    if (s === 0) return this.m0(p, this.root(p));
    if (s >= this.stepsOf(p)) return machineHashOf(this.end(p));
    return label(`${this.seed} step ${p} ${s}`);
  }

  transactionProof(p: number): TransactionProof {
    return {
      batchNumber: 0,
      batch: {
        txRoot: new Uint8Array(32),
        seqCount: this.n,
        delayedBefore: 0,
        delayedAfter: 0,
        txsBefore: 0,
        timestamp: 0,
      },
      transaction: utf8(`${this.seed} tx ${p}`),
      siblings: [],
      queuedAt: 0,
    };
  }

  /** The one-step prover: a true hash steps to its true successor; anything else to a hash of itself. */
  oneStep(p: number, before: Uint8Array, step: number): Uint8Array {
    if (equal(before, this.machine(p, step))) return this.machine(p, step + 1);
    return keccak256(utf8(`junk after ${hexOf(before)}`));
  }

  /** The honest history: the truth. */
  history(): History {
    return {
      root: (p) => this.root(p),
      machine: (p, s) => this.machine(p, s),
      end: (p) => this.end(p),
      stepProof: (p, s) => utf8(`proof ${p} ${s}`),
      transactionProof: (p) => this.transactionProof(p),
    };
  }
}

/** A rule the contract enforces was broken: the move reverts with `error`. */
export class Revert extends Error {
  constructor(readonly error: string) {
    super(error);
  }
}

/** ChallengeManager for one challenge, over a World. Time is a number advanced by the test. */
export class ChallengeModel {
  status: number = ChallengeStatus.OPEN;
  level: Level = Level.TRANSACTION;
  challengerToMove = true;
  segment: Segment;
  txIndex?: number;
  stepRoots?: StepRoots;
  clocks: Record<Role, number>;
  lastMoveAt: number;
  now: number;
  moves = 0;
  challengerMoved = false;

  constructor(
    readonly world: World,
    claimedRoot: Uint8Array,
    readonly degree: number,
    readonly clock = 1000,
    start = 0,
    /** The challenger's time for its first move (ChallengeManager's firstMoveDeadline; default: the clock). */
    readonly firstMoveDeadline = clock,
  ) {
    this.segment = { lo: 0, hi: world.n, values: [world.root(0), claimedRoot] };
    this.clocks = { challenger: clock, defender: clock };
    this.lastMoveAt = start;
    this.now = start;
  }

  get mover(): Role {
    return this.challengerToMove ? "challenger" : "defender";
  }

  /** The mover's time left as of lastMoveAt (ChallengeManager._left). */
  left(): number {
    if (!this.challengerToMove || this.challengerMoved) return this.clocks[this.mover];
    return Math.min(this.clocks.challenger, this.firstMoveDeadline);
  }

  view(role: Role, assertionRejected = false): GameView {
    return {
      role,
      status: this.status,
      level: this.level,
      challengerToMove: this.challengerToMove,
      defenderClock: this.clocks.defender,
      challengerClock: this.clocks.challenger,
      lastMoveAt: this.lastMoveAt,
      challengerMoved: this.challengerMoved,
      firstMoveDeadline: this.firstMoveDeadline,
      now: this.now,
      segment: this.segment,
      txIndex: this.txIndex,
      stepRoots: this.stepRoots,
      degree: this.degree,
      maxTxSteps: this.world.maxTxSteps,
      assertionRejected,
    };
  }

  /** Apply `move` by `by`, as the contract would, or throw Revert. */
  apply(by: Role, move: Move): void {
    switch (move.kind) {
      case "bisect":
      case "bisectToEnd": {
        const p = this.pick(by, move.k);
        const endPart = this.level === Level.STEP && p.hi === this.world.maxTxSteps;
        if (p.hi - p.lo < 2 || endPart !== (move.kind === "bisectToEnd")) throw new Revert("WrongMove");
        if (move.kind === "bisectToEnd") {
          const r = this.stepRoots as StepRoots;
          if (!sameRoots(r, move.roots)) throw new Revert("StepRootsMismatch");
          const root = this.rootAfter(r.rootBefore, move.values[move.values.length - 1], move.end);
          const claimed = this.challengerToMove ? r.challengerRoot : r.defenderRoot;
          if (!equal(root, claimed)) throw new Revert("EndRootMismatch");
        }
        this.post(p, move.values);
        return;
      }
      case "switchToStep": {
        const p = this.pick(by, move.k);
        if (this.level !== Level.TRANSACTION || p.hi - p.lo !== 1) throw new Revert("WrongMove");
        if (!equal(move.proof.transaction, this.world.transactionProof(p.lo).transaction))
          throw new Revert("TransactionNotProven");
        const m0 = this.world.m0(p.lo, p.agreed);
        if (move.values.length < 3) throw new Revert("WrongValueCount");
        const myRoot = this.rootAfter(p.agreed, move.values[move.values.length - 1], move.end);
        if (equal(myRoot, p.opponentEnd)) throw new Revert("NoDisagreement");
        this.stepRoots = this.challengerToMove
          ? { rootBefore: p.agreed, defenderRoot: p.opponentEnd, challengerRoot: myRoot }
          : { rootBefore: p.agreed, defenderRoot: myRoot, challengerRoot: p.opponentEnd };
        this.txIndex = p.lo;
        this.level = Level.STEP;
        this.post(
          { lo: 0, hi: this.world.maxTxSteps, agreed: m0, opponentEnd: new Uint8Array(32) },
          move.values,
        );
        return;
      }
      case "proveStep": {
        const p = this.pick(by, move.k);
        if (this.level !== Level.STEP || p.hi - p.lo !== 1) throw new Revert("WrongMove");
        const after = this.world.oneStep(this.txIndex as number, p.agreed, p.lo);
        if (equal(after, p.opponentEnd)) throw new Revert("StepAgrees");
        this.status = this.challengerToMove ? ChallengeStatus.CHALLENGER_WON : ChallengeStatus.DEFENDER_WON;
        this.moves++;
        return;
      }
      case "timeout": {
        if (this.status !== ChallengeStatus.OPEN) throw new Revert("ChallengeNotOpen");
        if (this.now - this.lastMoveAt <= this.left()) throw new Revert("ClockNotExpired");
        this.status = this.challengerToMove ? ChallengeStatus.DEFENDER_WON : ChallengeStatus.CHALLENGER_WON;
        return;
      }
      default:
        throw new Error(`not a contract call: ${move.kind}`);
    }
  }

  private pick(by: Role, k: number) {
    if (this.status !== ChallengeStatus.OPEN) throw new Revert("ChallengeNotOpen");
    if (by !== this.mover) throw new Revert("NotYourTurn");
    if (this.now - this.lastMoveAt > this.left()) throw new Revert("ClockExpired");
    const parts = this.segment.values.length - 1;
    if (!Number.isInteger(k) || k < 0 || k >= parts) throw new Revert("PartOutOfRange");
    const b = partBoundaries(this.segment.lo, this.segment.hi, parts);
    return {
      lo: b[k],
      hi: b[k + 1],
      agreed: this.segment.values[k],
      opponentEnd: this.segment.values[k + 1],
    };
  }

  private post(
    p: { lo: number; hi: number; agreed: Uint8Array; opponentEnd: Uint8Array },
    values: readonly Uint8Array[],
  ) {
    const parts = Math.min(this.degree, p.hi - p.lo);
    if (values.length !== parts + 1) throw new Revert("WrongValueCount");
    if (!equal(values[0], p.agreed)) throw new Revert("StartMismatch");
    if (equal(values[parts], p.opponentEnd)) throw new Revert("NoDisagreement");
    this.clocks[this.mover] -= this.now - this.lastMoveAt;
    if (this.challengerToMove) this.challengerMoved = true;
    this.lastMoveAt = this.now;
    this.segment = { lo: p.lo, hi: p.hi, values: values.map((v) => v.slice()) };
    this.challengerToMove = !this.challengerToMove;
    this.moves++;
  }

  private rootAfter(rootBefore: Uint8Array, last: Uint8Array, end: MachineOpening): Uint8Array {
    if (!equal(machineHashOf(end), last)) throw new Revert("OpeningMismatch");
    const r = rootAfterTransaction(rootBefore, end);
    if (r === undefined) throw new Revert("MachineStillRunning");
    return r;
  }
}

function sameRoots(a: StepRoots, b: StepRoots): boolean {
  return (
    equal(a.rootBefore, b.rootBefore) &&
    equal(a.defenderRoot, b.defenderRoot) &&
    equal(a.challengerRoot, b.challengerRoot)
  );
}
