// chooseMove without a chain: against a model of the challenge manager's rules (testing/challengeModel.ts),
// a liar at every possible disagreement (transaction and step), on both sides, and (fast-check) any adversary
// whose moves the contract accepts.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { disputeMoves } from "../../protocol/index.ts";
import { chooseMove, MoveReason } from "./chooseMove.ts";
import { ChallengeStatus, type Role } from "./game.ts";
import { ChallengeModel, hexOf, label, World } from "./testing/challengeModel.ts";
import { chooseMoveStrategy, liarHistory, playGame, randomAdversary } from "./testing/players.ts";

const other = (r: Role): Role => (r === "challenger" ? "defender" : "challenger");

/** A game where `honest` is right and the other side plays `liar` (claims the liar's root if it defends). */
function liarGame(world: World, degree: number, honest: Role, tx: number, step: number) {
  const liar = liarHistory(world, tx, step);
  const claimed = honest === "defender" ? world.root(world.n) : liar.root(world.n);
  const model = new ChallengeModel(world, claimed, degree);
  return { model, record: playGame(model, honest, world.history(), chooseMoveStrategy(liar)) };
}

describe("chooseMove against a liar", () => {
  it("test_chooseMove_liarAtEveryTransaction_bothRoles_honestWins", () => {
    for (const n of [1, 2, 5, 17, 33])
      for (const degree of [2, 3, 16])
        for (const honest of ["challenger", "defender"] as const)
          for (let tx = 0; tx < n; tx++) {
            const world = new World(n, 40, (p) => 7 + (p % 5), `w${n}`);
            const { model, record } = liarGame(world, degree, honest, tx, 3);
            expect(record.winner, `n=${n} d=${degree} ${honest} tx=${tx}`).toBe(honest);
            // Whoever ends it, the game reached the step level of the liar's first false transaction.
            expect(model.txIndex).toBe(tx);
          }
  });

  it("test_chooseMove_liarAtEveryStep_bothRoles_honestWinsByProofOrTimeout", () => {
    const world = new World(3, 64, () => 37);
    for (const degree of [2, 4, 16])
      for (const honest of ["challenger", "defender"] as const)
        for (let step = 0; step <= 37; step++) {
          const { model, record } = liarGame(world, degree, honest, 1, step);
          expect(record.winner, `d=${degree} ${honest} step=${step}`).toBe(honest);
          const last = record.moves[record.moves.length - 1];
          expect(last.by).toBe(honest);
          // The liar's one-step proof is refused (StepAgrees); ours is accepted.
          if (last.kind === "timeout") expect(record.refused).toEqual(["StepAgrees"]);
          else expect(last.kind).toBe("proveStep");
          // The proven step goes from the liar's last true hash (its divergence, the stop at most) to its first false one.
          const proven = record.honestMoves.find((m) => m.kind === "proveStep");
          if (proven?.kind === "proveStep") expect(proven.step).toBe(Math.min(step, 36));
          expect(model.moves).toBeLessThanOrEqual(disputeMoves(3, 64, degree).total + 1);
        }
  });

  it("test_chooseMove_stoppedOpponent_waitsExactlyUntilTimeoutIsValid", () => {
    const world = new World(4, 16, () => 5);
    const model = new ChallengeModel(world, label("wrong"), 2, 100);
    model.now = 10;
    const m = chooseMove(model.view("challenger"), world.history());
    expect(m.kind).toBe("bisect");
    model.apply("challenger", m as never);
    model.now = 50;
    const wait = chooseMove(model.view("challenger"), world.history());
    expect(wait).toEqual({ kind: "wait", until: 111, reason: MoveReason.OPPONENT_TO_MOVE });
    model.now = 110;
    expect(() => model.apply("challenger", { kind: "timeout" })).toThrow("ClockNotExpired");
    expect(chooseMove(model.view("challenger"), world.history()).kind).toBe("wait");
    model.now = 111;
    expect(chooseMove(model.view("challenger"), world.history())).toEqual({ kind: "timeout" });
    model.apply("challenger", { kind: "timeout" });
    expect(model.status).toBe(ChallengeStatus.CHALLENGER_WON);
    expect(chooseMove(model.view("challenger"), world.history())).toMatchObject({
      kind: "over",
      outcome: "won",
    });
    expect(chooseMove(model.view("defender"), world.history())).toMatchObject({
      kind: "over",
      outcome: "lost",
    });
  });

  it("test_chooseMove_firstMoveDeadline_defenderClaimsAfterDeadlineAndChallengerSeesItsCap", () => {
    const world = new World(4, 16, () => 5);
    // Clock 100, first-move deadline 30: a challenger that never moves loses after 30 s, not 100.
    const model = new ChallengeModel(world, label("wrong"), 2, 100, 0, 30);
    model.now = 10;
    expect(chooseMove(model.view("defender"), world.history())).toEqual({
      kind: "wait",
      until: 31,
      reason: MoveReason.OPPONENT_TO_MOVE,
    });
    model.now = 30;
    expect(() => model.apply("defender", { kind: "timeout" })).toThrow("ClockNotExpired");
    // The challenger at 31 has run out (its cap, not its clock): it must not move, the defender claims.
    model.now = 31;
    expect(chooseMove(model.view("challenger"), world.history())).toMatchObject({
      kind: "over",
      reason: MoveReason.OUR_CLOCK_RAN_OUT,
    });
    expect(chooseMove(model.view("defender"), world.history())).toEqual({ kind: "timeout" });
    model.apply("defender", { kind: "timeout" });
    expect(model.status).toBe(ChallengeStatus.DEFENDER_WON);
  });

  it("test_chooseMove_firstMoveDeadline_afterFirstMoveTheWholeClockLessItsTimeCounts", () => {
    const world = new World(4, 16, () => 5);
    const liar = liarHistory(world, 1, 3);
    const model = new ChallengeModel(world, liar.root(world.n), 2, 100, 0, 30);
    model.now = 20;
    model.apply("challenger", chooseMove(model.view("challenger"), world.history()) as never);
    model.now = 40;
    model.apply("defender", chooseMove(model.view("defender"), liar) as never);
    // 80 s left on the challenger's clock now (100 - 20), well past the 30 s cap.
    model.now = 40 + 80;
    expect(chooseMove(model.view("defender"), world.history())).toMatchObject({ kind: "wait", until: 121 });
    expect(chooseMove(model.view("challenger"), world.history()).kind).not.toBe("over");
  });

  it("test_chooseMove_ourClockRanOut_reportsLostAndMakesNoMove", () => {
    const world = new World(4, 16, () => 5);
    const model = new ChallengeModel(world, label("wrong"), 2, 100);
    model.now = 101;
    expect(chooseMove(model.view("challenger"), world.history())).toEqual({
      kind: "over",
      outcome: "lost",
      reason: MoveReason.OUR_CLOCK_RAN_OUT,
    });
  });

  it("test_chooseMove_endedAndDeadGames_outcomesAndDismiss", () => {
    const world = new World(4, 16, () => 5);
    const model = new ChallengeModel(world, label("wrong"), 2);
    expect(chooseMove(model.view("challenger", true), world.history())).toEqual({ kind: "dismiss" });
    expect(chooseMove(model.view("defender", true), world.history())).toEqual({ kind: "dismiss" });
    const outcomes: [number, Role, string][] = [
      [ChallengeStatus.DEFENDER_WON, "defender", "won"],
      [ChallengeStatus.DEFENDER_WON, "challenger", "lost"],
      [ChallengeStatus.CHALLENGER_WON, "challenger", "won"],
      [ChallengeStatus.DISMISSED, "challenger", "refunded"],
      [ChallengeStatus.DISMISSED, "defender", "lost"],
    ];
    for (const [status, role, outcome] of outcomes) {
      model.status = status;
      expect(chooseMove(model.view(role), world.history())).toMatchObject({ kind: "over", outcome });
    }
  });

  it("test_chooseMove_historyThatCannotBeOurs_isStuckNotAMove", () => {
    const world = new World(4, 16, () => 5);
    // The claimed root is the true one: a challenger with the true history agrees with every value.
    const agreeing = new ChallengeModel(world, world.root(4), 2);
    expect(chooseMove(agreeing.view("challenger"), world.history())).toEqual({
      kind: "stuck",
      reason: MoveReason.AGREES_WITH_ALL,
    });
    // A history for another parent: it disagrees with the agreed start.
    const elsewhere = new World(4, 16, () => 5, "other chain");
    const model = new ChallengeModel(world, label("wrong"), 2);
    expect(chooseMove(model.view("challenger"), elsewhere.history())).toMatchObject({
      kind: "stuck",
      reason: MoveReason.START_DISAGREES,
    });
    // A history whose last machine does not hold its root after the transaction.
    const broken = { ...world.history(), end: (p: number) => world.end(p + 1) };
    const one = new ChallengeModel(new World(1, 16, () => 5), label("wrong"), 2);
    expect(chooseMove(one.view("challenger"), broken)).toMatchObject({
      kind: "stuck",
      reason: MoveReason.HISTORY_INCONSISTENT,
    });
  });

  it("test_chooseMove_malformedView_isStuckNotAThrow", () => {
    const world = new World(9, 40, () => 11);
    const model = new ChallengeModel(world, label("wrong"), 3);
    const view = model.view("challenger");
    for (const segment of [
      { lo: 0, hi: 9, values: [world.root(0)] },
      { lo: 5, hi: 5, values: [world.root(5), world.root(5)] },
      { lo: 0, hi: 2, values: [world.root(0), world.root(1), world.root(2), world.root(2)] },
      { lo: 0.5, hi: 2, values: [world.root(0), world.root(2)] },
    ])
      expect(chooseMove({ ...view, segment }, world.history())).toEqual({
        kind: "stuck",
        reason: MoveReason.MALFORMED_VIEW,
      });
  });

  it("test_chooseMove_isPure_sameInputsSameMove", () => {
    const world = new World(9, 40, () => 11);
    const model = new ChallengeModel(world, label("wrong"), 3);
    const a = chooseMove(model.view("challenger"), world.history());
    const b = chooseMove(model.view("challenger"), world.history());
    expect(a.kind).toBe("bisect");
    if (a.kind === "bisect" && b.kind === "bisect") {
      expect(b.k).toBe(a.k);
      expect(b.values.map(hexOf)).toEqual(a.values.map(hexOf));
    }
  });
});

describe("chooseMove against any adversary (fast-check)", () => {
  it("test_chooseMove_anyAcceptedOpponentMoves_honestAlwaysWins", () => {
    // What the adversaries did over all runs: the property must have met every kind of opponent move.
    const seen = new Set<string>();
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 24 }),
        fc.integer({ min: 2, max: 96 }),
        fc.integer({ min: 2, max: 17 }),
        fc.constantFrom<Role>("challenger", "defender"),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.double({ min: 0, max: 0.2, noNaN: true }),
        (n, maxTxSteps, degree, honest, seed, giveUp) => {
          const world = new World(n, maxTxSteps, (p) => 1 + ((p * 7 + seed) % maxTxSteps), `s${seed}`);
          // A challenger claims the true root is wrong: any other root; a dishonest defender claims a false one.
          const claimed = honest === "defender" ? world.root(n) : label(`claimed ${seed}`);
          const model = new ChallengeModel(world, claimed, degree);
          const record = playGame(model, honest, world.history(), randomAdversary(world, seed, giveUp));
          for (const m of record.moves) if (m.by !== honest) seen.add(m.kind);
          for (const e of record.refused) seen.add(`refused ${e}`);
          for (const m of record.honestMoves) seen.add(`ours ${m.kind}`);
          expect(record.winner).toBe(honest);
          expect(record.moves[record.moves.length - 1].by).toBe(honest);
          const last = record.moves[record.moves.length - 1].kind;
          expect(["proveStep", "timeout"]).toContain(last);
          // Every move the honest side made was a contract call the contract accepted.
          expect(
            record.honestMoves.every((m) =>
              ["bisect", "bisectToEnd", "switchToStep", "proveStep", "timeout"].includes(m.kind),
            ),
          ).toBe(true);
          expect(other(honest)).not.toBe(honest);
        },
      ),
      { numRuns: Number(process.env.OPTIO_FC_RUNS ?? 300) },
    );
    for (const kind of [
      "bisect",
      "switchToStep",
      "bisectToEnd",
      "ours bisectToEnd",
      "ours switchToStep",
      "ours proveStep",
      "ours timeout",
    ])
      expect(seen, kind).toContain(kind);
  });
});
