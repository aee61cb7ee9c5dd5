// Players for chooseMove's tests: a liar (a false history played with chooseMove itself, as a dishonest node
// running our code on wrong data would), a random adversary that makes any move the contract accepts, and a
// driver that plays a whole game against the ChallengeModel.
import { type MachineOpening, machineHashOf, partBoundaries } from "../../../protocol/index.ts";
import { chooseMove, type Move } from "../chooseMove.ts";
import { ChallengeStatus, type History, Level, type Role } from "../game.ts";
import { type ChallengeModel, haltedOpening, label, Revert, type World } from "./challengeModel.ts";

export { rng } from "../../../vm/testing/randomProgram.ts";

import { rng } from "../../../vm/testing/randomProgram.ts";

/**
 * A false history: true roots up to transaction `tx`, false after it; transaction `tx`'s machine true up to
 * step `step` (capped at its stop), false after it, ending in a halted machine that holds the false root.
 */
export function liarHistory(world: World, tx: number, step: number): History {
  const root = (p: number) => (p <= tx ? world.root(p) : label(`fake root ${p}`));
  const end = (p: number): MachineOpening =>
    p < tx ? world.end(p) : haltedOpening(root(p + 1), `fake end ${p}`);
  const diverge = Math.min(step, world.stepsOf(tx));
  const machine = (p: number, s: number): Uint8Array => {
    if (p < tx) return world.machine(p, s);
    if (p === tx && s <= diverge && s < world.stepsOf(tx)) return world.machine(p, s);
    if (s === 0) return world.m0(p, root(p));
    if (s >= world.stepsOf(p) + 3) return machineHashOf(end(p));
    return label(`fake step ${p} ${s}`);
  };
  return {
    root,
    machine,
    end,
    stepProof: (p, s) => new TextEncoder().encode(`fake proof ${p} ${s}`),
    transactionProof: (p) => world.transactionProof(p),
  };
}

/** What one side does on its turn: a move, or undefined to stop moving (its clock will run out). */
export type Strategy = (model: ChallengeModel, role: Role) => Move | undefined;

/** Play `history` with chooseMove; stop when chooseMove has no contract call to make. */
export function chooseMoveStrategy(history: History): Strategy {
  return (model, role) => {
    const m = chooseMove(model.view(role), history);
    return ["bisect", "bisectToEnd", "switchToStep", "proveStep", "timeout"].includes(m.kind) ? m : undefined;
  };
}

/**
 * An adversary that picks any part and posts any values the contract accepts: each value true or false at
 * random, the first one forced to the agreed value, the last one to differ from the opponent's; it switches
 * levels with any root it likes, opens any machine it likes, tries one-step proofs, and sometimes stops.
 */
export function randomAdversary(world: World, seed: number, giveUp = 0.02): Strategy {
  const r = rng(seed);
  let fakes = 0;
  const fake = () => label(`adversary ${seed} ${fakes++}`);
  const mix = (truth: Uint8Array) => (r() < 0.5 ? truth : fake());
  return (model, role) => {
    if (r() < giveUp) return undefined;
    const seg = model.segment;
    const parts = seg.values.length - 1;
    const bounds = partBoundaries(seg.lo, seg.hi, parts);
    const start = Math.floor(r() * parts);
    for (let i = 0; i < parts; i++) {
      const k = (start + i) % parts;
      const [lo, hi] = [bounds[k], bounds[k + 1]];
      const agreed = seg.values[k];
      const theirs = seg.values[k + 1];
      const step = model.level === Level.STEP;
      const truth = (p: number) => (step ? world.machine(model.txIndex as number, p) : world.root(p));
      const differ = (v: Uint8Array, salt = 0): Uint8Array =>
        Buffer.compare(v, theirs) !== 0 ? v : differ(label(`differ ${seed} ${fakes++} ${salt}`), salt + 1);
      let move: Move | undefined;
      if (step && hi - lo === 1) {
        move = { kind: "proveStep", k, step: lo, proof: new Uint8Array(1) };
      } else if (!step && hi - lo === 1) {
        // Any end the contract accepts: halted with a root of its choice, or trapped (the root before stands).
        const trapped = r() < 0.2;
        const end = haltedOpening(mix(world.root(hi)), `adversary end ${seed} ${fakes++}`, trapped ? 2 : 1);
        const values = segment(model, 0, model.world.maxTxSteps, (p, n) =>
          p === 0 ? world.m0(lo, agreed) : p === n ? machineHashOf(end) : mix(world.machine(lo, p)),
        );
        move = { kind: "switchToStep", k, txIndex: lo, proof: world.transactionProof(lo), end, values };
      } else if (step && hi === world.maxTxSteps) {
        const roots = model.stepRoots!;
        const end = haltedOpening(
          role === "challenger" ? roots.challengerRoot : roots.defenderRoot,
          `adv ${fakes++}`,
        );
        const values = segment(model, lo, hi, (p, n) =>
          p === 0 ? agreed : p === n ? machineHashOf(end) : mix(truth(posOf(lo, hi, model, p))),
        );
        move = { kind: "bisectToEnd", k, lo, hi, values, end, roots };
      } else {
        const values = segment(model, lo, hi, (p, n) =>
          p === 0 ? agreed : p === n ? differ(mix(truth(hi))) : mix(truth(posOf(lo, hi, model, p))),
        );
        move = { kind: "bisect", k, lo, hi, values };
      }
      try {
        trial(model, role, move);
        return move;
      } catch (e) {
        if (!(e instanceof Revert)) throw e;
      }
    }
    return undefined;
  };
}

/** The position of boundary j of a new segment over lo..hi. */
function posOf(lo: number, hi: number, model: ChallengeModel, j: number): number {
  return partBoundaries(lo, hi, Math.min(model.degree, hi - lo))[j];
}

/** Values of a new segment over lo..hi: value(j, parts) for each boundary j. */
function segment(
  model: ChallengeModel,
  lo: number,
  hi: number,
  value: (j: number, parts: number) => Uint8Array,
) {
  const parts = Math.min(model.degree, hi - lo);
  return Array.from({ length: parts + 1 }, (_, j) => value(j, parts));
}

/** Whether the contract would accept `move` now (applied to a copy of the model). */
function trial(model: ChallengeModel, role: Role, move: Move): void {
  const copy = Object.assign(Object.create(Object.getPrototypeOf(model)), model, {
    clocks: { ...model.clocks },
  }) as ChallengeModel;
  copy.apply(role, move);
}

export interface GameRecord {
  winner: Role | undefined;
  moves: { by: Role; kind: Move["kind"] }[];
  honestMoves: Move[];
  /** The contract errors of the opponent's refused moves. */
  refused: string[];
}

/**
 * Plays a game: `honest` plays `history` with chooseMove, the other side plays `opponent`. When the
 * opponent stops, time passes until the wait chooseMove asked for, and chooseMove claims the timeout.
 * Throws if chooseMove ever makes a move the contract refuses or finds no move.
 */
export function playGame(
  model: ChallengeModel,
  honest: Role,
  history: History,
  opponent: Strategy,
  maxMoves = 400,
): GameRecord {
  const record: GameRecord = { winner: undefined, moves: [], honestMoves: [], refused: [] };
  const other: Role = honest === "challenger" ? "defender" : "challenger";
  for (let i = 0; i < maxMoves && model.status === ChallengeStatus.OPEN; i++) {
    model.now += 1;
    if (model.mover === other) {
      const m = opponent(model, other);
      if (m !== undefined) {
        try {
          model.apply(other, m);
          record.moves.push({ by: other, kind: m.kind });
          continue;
        } catch (e) {
          // A move the contract refuses (a liar's one-step proof): it reverts and the opponent is stuck.
          if (!(e instanceof Revert)) throw e;
          record.refused.push(e.error);
        }
      }
      // The opponent stopped: we wait as told, then claim.
      const wait = chooseMove(model.view(honest), history);
      if (wait.kind !== "wait") throw new Error(`expected a wait on the opponent's turn, got ${wait.kind}`);
      model.now = wait.until;
    }
    const m = chooseMove(model.view(honest), history);
    record.honestMoves.push(m);
    if (m.kind === "stuck" || m.kind === "over" || m.kind === "wait" || m.kind === "dismiss")
      throw new Error(
        `honest player found no move: ${JSON.stringify({ kind: m.kind, reason: (m as { reason?: string }).reason })}`,
      );
    model.apply(honest, m);
    record.moves.push({ by: honest, kind: m.kind });
  }
  if (model.status === ChallengeStatus.CHALLENGER_WON) record.winner = "challenger";
  if (model.status === ChallengeStatus.DEFENDER_WON) record.winner = "defender";
  return record;
}
