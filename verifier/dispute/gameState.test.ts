// The game state machine: its table (every phase reaches an end, ends accept nothing, illegal events are
// refused as values), and whole games against the challenge model, fed the events a verifier would see.
import { describe, expect, it } from "vitest";
import { chooseMove } from "./chooseMove.ts";
import { ChallengeStatus, Level, type Role } from "./game.ts";
import {
  GAME_PHASES,
  type GameEvent,
  type GamePhase,
  type GameRecord,
  gameFromJson,
  gameToJson,
  type MoveCallKind,
  newGame,
  nextPhases,
  postedMismatch,
  postedSegment,
  TERMINAL_PHASES,
  transition,
} from "./gameState.ts";
import { ChallengeModel, label, World } from "./testing/challengeModel.ts";
import { liarHistory } from "./testing/players.ts";

function step(g: GameRecord, e: GameEvent, at = 0): GameRecord {
  const r = transition(g, e, at);
  if (!r.ok) throw new Error(`${g.phase} refused ${JSON.stringify(e)}`);
  return r.game;
}

describe("gameState", () => {
  it("test_table_everyPhaseReachesAnEnd_endsAcceptNothing", () => {
    for (const phase of GAME_PHASES) {
      const seen = new Set<GamePhase>([phase]);
      const queue = [phase];
      while (queue.length > 0)
        for (const n of nextPhases(queue.shift() as GamePhase))
          if (!seen.has(n)) {
            seen.add(n);
            queue.push(n);
          }
      if (TERMINAL_PHASES.includes(phase)) expect(nextPhases(phase)).toEqual([]);
      else
        expect(
          TERMINAL_PHASES.every((t) => seen.has(t)),
          phase,
        ).toBe(true);
    }
    // Every phase is reachable from "started".
    const fromStart = new Set<GamePhase>(["started"]);
    for (let i = 0; i < GAME_PHASES.length; i++)
      for (const p of [...fromStart]) for (const n of nextPhases(p)) fromStart.add(n);
    expect([...fromStart].sort()).toEqual([...GAME_PHASES].sort());
  });

  it("test_transition_illegalEvents_refusedAsValuesAndRecordUnchanged", () => {
    const g = newGame(7n, "0x01", "challenger");
    const bad: GameEvent[] = [
      { kind: "sent", move: "proveStep" },
      { kind: "bisected", level: Level.STEP },
    ];
    for (const e of bad) {
      const r = transition(g, e, 1);
      expect(r).toMatchObject({ ok: false, reason: "ILLEGAL_TRANSITION", phase: "started" });
      expect(g.phase).toBe("started");
      expect(g.transitions).toEqual([]);
    }
    const won = step(g, { kind: "ended", outcome: "won" });
    expect(transition(won, { kind: "sent", move: "timeout" }, 2).ok).toBe(false);
    const stepLevel = step(g, { kind: "levelSwitched" });
    expect(transition(stepLevel, { kind: "sent", move: "switchToStep" }, 3).ok).toBe(false);
  });

  it("test_json_roundTripAndBadRecordsRefused", () => {
    let g = newGame(12n, "0xabcd", "defender");
    g = step(g, { kind: "bisected", level: Level.TRANSACTION }, 5);
    expect(gameFromJson(gameToJson(g))).toEqual(g);
    expect(() => gameFromJson(gameToJson({ ...g, phase: "dancing" as GamePhase }))).toThrow("game phase");
    expect(() => gameFromJson(gameToJson({ ...g, role: "judge" as Role }))).toThrow("game role");
    expect(() => gameFromJson(gameToJson({ ...g, id: "-1" }))).toThrow("game id");
  });

  it("test_wholeGames_eventsFromTheModel_endWon_bothRoles", () => {
    for (const honest of ["challenger", "defender"] as const)
      for (const tx of [0, 3, 6]) {
        const world = new World(7, 50, () => 23);
        const liar = liarHistory(world, tx, 9);
        const model = new ChallengeModel(world, honest === "defender" ? world.root(7) : liar.root(7), 3);
        const them: Role = honest === "challenger" ? "defender" : "challenger";
        let g = newGame(1n, "0x02", honest);
        const phases = new Set<GamePhase>();
        for (let i = 0; i < 200 && model.status === ChallengeStatus.OPEN; i++) {
          model.now++;
          const mover = model.mover;
          const history = mover === honest ? world.history() : liar;
          const m = chooseMove(model.view(mover), history);
          const level = model.level;
          if (mover === them) {
            if (m.kind === "proveStep") {
              // The liar's proof reverts on L1: it stops; we wait as told, then claim the timeout.
              model.now = (chooseMove(model.view(honest), world.history()) as { until: number }).until;
              const claim = chooseMove(model.view(honest), world.history());
              expect(claim.kind).toBe("timeout");
              g = step(g, { kind: "sent", move: "timeout" });
              phases.add(g.phase);
              model.apply(honest, claim);
              break;
            }
            model.apply(them, m);
            g = step(g, model.level !== level ? { kind: "levelSwitched" } : { kind: "bisected", level });
          } else {
            g = step(g, {
              kind: "sent",
              move: m.kind as MoveCallKind,
              segment: postedSegment(m, level, 50, model.txIndex),
            });
            phases.add(g.phase);
            model.apply(honest, m);
            if (model.status !== ChallengeStatus.OPEN) break;
            g = step(g, model.level !== level ? { kind: "levelSwitched" } : { kind: "bisected", level });
          }
          phases.add(g.phase);
        }
        const won =
          model.status ===
          (honest === "challenger" ? ChallengeStatus.CHALLENGER_WON : ChallengeStatus.DEFENDER_WON);
        expect(won).toBe(true);
        g = step(g, { kind: "ended", outcome: "won" });
        expect(g.phase).toBe("won");
        expect(phases.has("bisecting-step")).toBe(true);
        expect(phases.has("proving") || phases.has("awaiting-resolution")).toBe(true);
        expect(g.transitions.length).toBeGreaterThan(3);
        // What we posted is what our history says; a history that changed (a replay of other data) is caught
        // at the first value it would contradict.
        expect(g.posted.length).toBeGreaterThan(1);
        expect(postedMismatch(g, world.history())).toBeUndefined();
        expect(postedMismatch(gameFromJson(gameToJson(g)), world.history())).toBeUndefined();
        const first = g.posted[0];
        const changed = {
          ...world.history(),
          root: (p: number) => (p === first.lo ? label("changed") : world.root(p)),
        };
        if (first.level === Level.TRANSACTION)
          expect(postedMismatch(g, changed)).toMatchObject({ level: Level.TRANSACTION, position: first.lo });
        const firstStep = g.posted.find((x) => x.level === Level.STEP);
        expect(firstStep).toBeDefined();
        const at = firstStep?.hi ?? -1;
        const stepChanged = {
          ...world.history(),
          machine: (p: number, s: number) => (s === at ? label("x") : world.machine(p, s)),
        };
        expect(postedMismatch(g, stepChanged)).toMatchObject({ level: Level.STEP, position: at });
      }
  });
});
