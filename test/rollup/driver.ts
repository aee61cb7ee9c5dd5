// One move at a time in any number of games on one assertion: each game has its own challenger (any address,
// honest or lying history) against the assertion's proposer. Tests of several parties, timing and random play
// drive games through this instead of playing each to its end (game.ts playDispute).
import type { Address, Hex } from "viem";
import {
  assertionHash,
  bisectionValues,
  partBoundaries,
  pickPart,
  type RollupParams,
} from "../../protocol/index.ts";
import { assertionArg, bytes, headerArg, hex, openingArg, type Rollup, stateWith } from "./fixture.ts";
import { type DisputeSetup, type Party, type Segment, segmentArg, transactionProofArg } from "./game.ts";

export interface Game {
  id: bigint;
  challenger: Party;
  defender: Party;
  /** The last segment posted (what the party to move answers). */
  prev: Segment;
  level: 0 | 1;
  roots?: { rootBefore: Hex; defenderRoot: Hex; challengerRoot: Hex };
  challengerToMove: boolean;
}

/** A party at another address with the same histories (a sybil, or a second honest watcher). */
export const as = (party: Party, address: Party["address"]): Party => ({ ...party, address });

/** Starts a challenge on the setup's assertion by `challenger` (with the bond). */
export async function openGame(setup: DisputeSetup, challenger: Party, params: RollupParams): Promise<Game> {
  const { r } = setup;
  await r.send(r.cm, "startChallenge", [setup.assertion], challenger.address, params.challengeBond);
  const id = (await r.cm.read.challengeCount()) as bigint;
  const n = setup.txs.length;
  return {
    id,
    challenger,
    defender: setup.defender,
    prev: { lo: 0, hi: n, values: [setup.defender.root(0), setup.defender.root(n)] },
    level: 0,
    challengerToMove: true,
  };
}

/** The roots the contract records at a level switch on part k: the opponent's are its posted value. */
function switchedRoots(g: Game, k: number, myRoot: Uint8Array) {
  const [agreed, opponentEnd] = [hex(g.prev.values[k]), hex(g.prev.values[k + 1])];
  return g.challengerToMove
    ? { rootBefore: agreed, defenderRoot: opponentEnd, challengerRoot: hex(myRoot) }
    : { rootBefore: agreed, defenderRoot: hex(myRoot), challengerRoot: opponentEnd };
}

/** What {move} did: a bisection or level switch, a winning one-step proof, or nothing (the mover cannot prove). */
export type MoveResult = "moved" | "proved" | "stuck";

/**
 * The party to move answers with its own history: picks the first part it disagrees with and bisects it,
 * switches level on one transaction, or proves one step. A mover whose one-step proof would be refused (it lies)
 * makes no move ("stuck"). Throws what the contract reverts with (a move out of time, on an ended game...).
 */
export async function move(setup: DisputeSetup, g: Game, params: RollupParams): Promise<MoveResult> {
  const { r } = setup;
  const mover = g.challengerToMove ? g.challenger : g.defender;
  const history = g.level === 0 ? mover.root : mover.machine;
  const k = pickPart(history, g.prev.lo, g.prev.hi, g.prev.values);
  if (k === undefined) throw new Error("the mover agrees with every value: the scenario is wrong");
  const bounds = partBoundaries(g.prev.lo, g.prev.hi, g.prev.values.length - 1);
  const [lo, hi] = [bounds[k], bounds[k + 1]];
  const maxSteps = 2 * params.txGasLimit;
  let next: Segment;
  if (g.level === 0 && hi - lo === 1) {
    next = { lo: 0, hi: maxSteps, values: bisectionValues(mover.machine, 0, maxSteps, params.degree) };
    await r.send(
      r.cm,
      "switchToStep",
      [
        g.id,
        segmentArg(g.prev),
        BigInt(k),
        transactionProofArg(setup, lo),
        openingArg(mover.end),
        next.values.map(hex),
      ],
      mover.address,
    );
    g.level = 1;
    g.roots = switchedRoots(g, k, mover.root(hi));
  } else if (g.level === 1 && hi - lo === 1) {
    const truth = setup.honest.machine(hi);
    const lies = history(hi).some((b, i) => b !== truth[i]);
    if (lies) return "stuck";
    const proof = setup.stepProof ? setup.stepProof(lo) : r.machine.codeRoot;
    await r.send(r.cm, "proveStep", [g.id, segmentArg(g.prev), BigInt(k), hex(proof)], mover.address);
    return "proved";
  } else {
    next = { lo, hi, values: bisectionValues(history, lo, hi, params.degree) };
    const toEnd = g.level === 1 && hi === maxSteps;
    const args: unknown[] = [g.id, segmentArg(g.prev), BigInt(k), next.values.map(hex)];
    if (toEnd) args.push(openingArg(mover.end), g.roots);
    await r.send(r.cm, toEnd ? "bisectToEnd" : "bisect", args, mover.address);
  }
  g.prev = next;
  g.challengerToMove = !g.challengerToMove;
  return "moved";
}

/**
 * Posts another batch (one sequencer transaction) and a child assertion of `parent` by `from` covering it (a
 * state of its own, salted by its parent); `at` sets the assertion's block time. Returns its id.
 */
export async function proposeChild(
  r: Rollup,
  parent: Hex,
  params: RollupParams,
  from: Address,
  at?: number,
  salt = "",
): Promise<Hex> {
  const { header, number } = await r.postBatch([Uint8Array.of(9, 9, 9)]);
  const state = stateWith(new Uint8Array(32), `child of ${parent} ${salt}`);
  const data = {
    parent: bytes(parent),
    stateRoot: state.root,
    outboxRoot: new Uint8Array(32),
    batchEnd: number + 1,
    txEnd: header.txsBefore + header.seqCount + header.delayedAfter - header.delayedBefore,
    delayedEnd: header.delayedAfter,
  };
  if (at !== undefined) await r.nextAt(at);
  await r.send(
    r.rollup,
    "createAssertion",
    [assertionArg(data), headerArg(header), state.outboxProof],
    from,
    params.assertionBond,
  );
  return hex(assertionHash(data, from));
}

/** A seeded source of choices (mulberry32). */
export function seeded(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  return {
    int: (n: number) => Math.floor(next() * n),
    word: () => Uint8Array.from({ length: 32 }, () => Math.floor(next() * 256)),
  };
}

/**
 * A random legal move by the lying party (the one whose histories diverge from the setup's honest ones): a random
 * part among those it may dispute, random values inside it (starting at the agreed value, ending at a value that
 * differs from the opponent's). At the transaction level it keeps to the part holding the disputed transaction
 * (only that transaction has machine traces in the setup); at the step level it disputes any part after the
 * traces diverge (or anywhere, once its random values led the game elsewhere). It never wins a one-step proof, so where it would have to prove it is "stuck".
 */
export async function randomMove(
  setup: DisputeSetup,
  g: Game,
  params: RollupParams,
  rng: ReturnType<typeof seeded>,
): Promise<MoveResult> {
  const { r } = setup;
  const mover = g.challengerToMove ? g.challenger : g.defender;
  const parts = g.prev.values.length - 1;
  const bounds = partBoundaries(g.prev.lo, g.prev.hi, parts);
  const t = setup.disputedTx;
  const maxSteps = 2 * params.txGasLimit;
  const candidates: number[] = [];
  for (let k = 0; k < parts; k++) {
    // At the step level its earlier random values may have led the game anywhere: any part is a legal dispute.
    if (g.level === 1 || (bounds[k] <= t && t < bounds[k + 1])) candidates.push(k);
  }
  const k = candidates[rng.int(candidates.length)];
  const [lo, hi] = [bounds[k], bounds[k + 1]];
  const agreed = g.prev.values[k];
  const randomValues = (from: number, to: number, first: Uint8Array, last: Uint8Array) => {
    const n = Math.min(params.degree, to - from);
    return Array.from({ length: n + 1 }, (_, i) => (i === 0 ? first : i === n ? last : rng.word()));
  };
  let next: Segment;
  if (hi - lo === 1) {
    if (g.level === 1) return "stuck";
    // The level switch on the disputed transaction: its own initial and last machine, random steps between.
    const values = randomValues(0, maxSteps, mover.machine(0), mover.machine(maxSteps));
    next = { lo: 0, hi: maxSteps, values };
    await r.send(
      r.cm,
      "switchToStep",
      [
        g.id,
        segmentArg(g.prev),
        BigInt(k),
        transactionProofArg(setup, lo),
        openingArg(mover.end),
        values.map(hex),
      ],
      mover.address,
    );
    g.level = 1;
    g.roots = switchedRoots(g, k, mover.root(hi));
  } else {
    const toEnd = g.level === 1 && hi === maxSteps;
    const mine = g.challengerToMove ? g.roots?.challengerRoot : g.roots?.defenderRoot;
    if (toEnd && mine !== hex(mover.end.stateRoot)) return "stuck"; // no opening holds the root it posted
    // Its end: its own root (transactions) or last machine hash (the end part), else any value but the opponent's.
    let last = g.level === 0 ? mover.root(hi) : toEnd ? mover.machine(maxSteps) : rng.word();
    if (hex(last) === hex(g.prev.values[k + 1])) last = rng.word();
    const values = randomValues(lo, hi, agreed, last);
    if (g.level === 0)
      for (let i = 0; i < values.length; i++) {
        const p = partBoundaries(lo, hi, values.length - 1)[i];
        // Up to the disputed transaction it tells the truth, after it its own root (what its last machine opens to).
        if (p <= t + 1) values[i] = mover.root(p);
      }
    next = { lo, hi, values };
    const args: unknown[] = [g.id, segmentArg(g.prev), BigInt(k), values.map(hex)];
    if (toEnd) args.push(openingArg(mover.end), g.roots);
    await r.send(r.cm, toEnd ? "bisectToEnd" : "bisect", args, mover.address);
  }
  g.prev = next;
  g.challengerToMove = !g.challengerToMove;
  return "moved";
}
