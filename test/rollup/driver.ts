// One move at a time in any number of games on one assertion: each game has its own challenger (any address,
// honest or lying history) against the assertion's proposer. Tests of several parties, timing and random play
// drive games through this instead of playing each to its end (game.ts playDispute).
import type { Hex } from "viem";
import { bisectionValues, partBoundaries, pickPart, type RollupParams } from "../../protocol/index.ts";
import { hex, openingArg } from "./fixture.ts";
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
    g.roots = {
      rootBefore: hex(mover.root(lo)),
      defenderRoot: hex(g.defender.root(hi)),
      challengerRoot: hex(g.challenger.root(hi)),
    };
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
