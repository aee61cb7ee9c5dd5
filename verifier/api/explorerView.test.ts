// The explorer's views of the verifier built from records as the verifier stores them (a game played by chooseMove
// against the ChallengeModel, recorded as the L1Follower records it), checked by the explorer's own parsers
// (explorer/verifierApi.ts) and against the game: moves and their parts, our values, the level switch, the proof,
// the clocks and where the bonds went.
import { describe, expect, it } from "vitest";
import { parseAssertions, parseGameDetail, parseGames } from "../../explorer/index.ts";
import type { ChallengeRecord } from "../records.ts";
import { bondsOf, explorerAssertion, explorerGame, explorerGameSummary, verdictOf } from "./explorerView.ts";
import {
  ASSERTION,
  CHALLENGER,
  DEFENDER,
  PARAMS,
  type RecordedGame,
  recordedGame,
  T0,
} from "./testing/recordedGame.ts";

const detail = (g: RecordedGame, over: Partial<Parameters<typeof explorerGame>[0]> = {}) =>
  explorerGame({
    challenge: g.challenge,
    entry: undefined,
    verdict: g.assertion.verdict,
    siblings: [g.challenge],
    params: PARAMS,
    onL1: g.onL1,
    now: g.now,
    times: new Map(),
    ours: g.ours,
    ...over,
  });
const burn = (amount: bigint) => (amount * BigInt(PARAMS.burnShareBps)) / 10_000n;

describe("explorerView", () => {
  it("test_explorerGame_liarDefenderTimedOut_movesOurValuesSwitchAndSlashedAssertionBond", () => {
    const g = recordedGame({ liar: "defender", tx: 28, step: 100 });
    const d = parseGameDetail(JSON.parse(JSON.stringify(detail(g))));
    // Watching (no game entry): our side is the challenger of an assertion we find wrong.
    expect(d).toMatchObject({ id: "1", role: "challenger", phase: "won", txCount: 40, maxTxSteps: 1000 });
    expect(d.moves.map((m) => m.kind)).toEqual([
      "start",
      "bisect",
      "bisect",
      "switchToStep",
      "bisect",
      "bisect",
      "timeout",
    ]);
    expect(d.moves.map((m) => m.n)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(d.moves.map((m) => m.mover)).toEqual([
      "defender",
      "challenger",
      "defender",
      "challenger",
      "defender",
      "challenger",
      "challenger",
    ]);
    for (const m of d.moves) {
      if (m.values === undefined) continue;
      // Our moves post our values; the liar's end on a value we dispute.
      if (m.mover === "challenger") expect(m.ourValues).toEqual(m.values);
      else expect(m.ourValues?.at(-1)).not.toBe(m.values.at(-1));
      if (m.level === 1) expect(m.tx).toBe(28);
    }
    // Each move's part is the opponent's part it spans (the switch: the one transaction 28).
    expect(d.moves[3]).toMatchObject({ tx: 28, lo: 0, hi: 1000, level: 1 });
    const before = d.moves[2];
    const parts = (before.values?.length ?? 0) - 1;
    const b = (j: number) =>
      (before.lo ?? 0) + Math.floor((j * ((before.hi ?? 0) - (before.lo ?? 0))) / parts);
    expect([b(d.moves[3].part ?? -1), b((d.moves[3].part ?? -1) + 1)]).toEqual([28, 29]);
    expect(d.levelSwitch).toEqual({
      tx: 28,
      rootBefore: g.ours.root(28),
      challengerRoot: g.ours.root(29),
      defenderRoot: expect.not.stringMatching(g.ours.root(29)),
    });
    expect(d.proof).toBeNull();
    expect(d.moves[0]).toMatchObject({ at: T0, l1TxHash: g.challenge.events[0].l1Tx });
    expect(d.clocks).toMatchObject({ lastMoveAt: g.onL1.lastMoveAt, now: g.now, challengerToMove: false });
    const slashedPool = PARAMS.assertionBond - burn(PARAMS.assertionBond);
    expect(d.outcome).toEqual({
      winner: "challenger",
      reason: "timeout",
      bonds: [
        {
          party: DEFENDER,
          role: "defender",
          bond: "assertion",
          amount: "100000000000000000",
          fate: "slashed",
        },
        {
          party: CHALLENGER,
          role: "challenger",
          bond: "assertion",
          amount: String(slashedPool),
          fate: "paid",
        },
        {
          party: `0x${"00".repeat(20)}`,
          role: "defender",
          bond: "assertion",
          amount: String(burn(PARAMS.assertionBond)),
          fate: "burned",
        },
        {
          party: CHALLENGER,
          role: "challenger",
          bond: "challenge",
          amount: "10000000000000000",
          fate: "refunded",
        },
      ],
    });
  });

  it("test_explorerGame_liarChallengerProvenWrong_proofWithInstructionAndSlashedChallengeBond", () => {
    const g = recordedGame({ liar: "challenger", tx: 3, step: 20 });
    const d = parseGameDetail(JSON.parse(JSON.stringify(detail(g))));
    expect(d).toMatchObject({ role: "defender", phase: "won" });
    const last = d.moves[d.moves.length - 1];
    expect(last).toMatchObject({ kind: "proveStep", mover: "defender", level: 1, tx: 3, part: 1 });
    const seg = d.moves[d.moves.length - 2];
    expect(d.proof).toEqual({
      tx: 3,
      step: 20,
      instruction: "i64.add (tx 3 step 20)",
      prover: "defender",
      before: seg.values?.[1],
      claimedAfter: seg.values?.[2],
      provenAfter: g.ours.machine(3, 21),
      l1TxHash: g.challenge.events[g.challenge.events.length - 1].l1Tx,
    });
    expect(d.proof?.provenAfter).not.toBe(d.proof?.claimedAfter);
    expect(d.outcome?.bonds.map((b) => [b.party, b.bond, b.fate, b.amount])).toEqual([
      [CHALLENGER, "challenge", "slashed", String(PARAMS.challengeBond)],
      [DEFENDER, "challenge", "paid", String(PARAMS.challengeBond - burn(PARAMS.challengeBond))],
      [`0x${"00".repeat(20)}`, "challenge", "burned", String(burn(PARAMS.challengeBond))],
    ]);
  });

  it("test_explorerGame_proofWithoutItsCalldata_partDerivedFromOurValues_andNoHistoryNoOurValues", () => {
    const g = recordedGame({ liar: "challenger", tx: 3, step: 20 });
    const events = g.challenge.events.map((e) =>
      e.kind === "ended" ? { ...e, part: undefined, step: undefined, at: undefined } : e,
    );
    const end = events[events.length - 1];
    const d = detail(
      { ...g, challenge: { ...g.challenge, events } },
      { times: new Map([[end.l1Block, 42]]) },
    );
    expect(d.proof).toMatchObject({ tx: 3, step: 20 });
    expect(d.moves.at(-1)?.at).toBe(42);
    const blind = parseGameDetail(JSON.parse(JSON.stringify(detail(g, { ours: undefined }))));
    expect(blind.moves.every((m) => m.ourValues === undefined)).toBe(true);
    expect(blind.proof).toMatchObject({ step: 20, instruction: "unknown (not replayed)" });
  });

  it("test_explorerGame_ourRecordsPhaseAndRole_andTheChallengersFirstMoveCap", () => {
    const g = recordedGame({ liar: "defender", tx: 28, step: 100 });
    const started = { ...g.challenge, events: g.challenge.events.slice(0, 1) };
    const entry = {
      record: {
        id: "1",
        assertion: ASSERTION,
        role: "challenger" as const,
        phase: "started" as const,
        posted: [],
        transitions: [],
      },
      seen: 0,
      retries: 0,
    };
    const onL1 = {
      defenderClock: 120n,
      challengerClock: 120n,
      lastMoveAt: BigInt(T0),
      challengerToMove: true,
      challengerMoved: false,
    };
    const d = parseGameDetail(JSON.parse(JSON.stringify(detail(g, { challenge: started, entry, onL1 }))));
    expect(d).toMatchObject({ phase: "started", role: "challenger", outcome: null, levelSwitch: null });
    // Until its first move the challenger has firstMoveDeadline (ChallengeManager._left).
    expect(d.clocks).toMatchObject({ defender: 120, challenger: 60, lastMoveAt: T0, challengerToMove: true });
  });

  it("test_bondsOf_twoChallengesOnAForfeitedAssertion_eachAShare_dustBurned", () => {
    const g = recordedGame({ liar: "defender", tx: 28, step: 100 });
    const end = g.challenge.events[g.challenge.events.length - 1];
    const other: ChallengeRecord = {
      ...g.challenge,
      id: 2,
      challenger: "0x00000000000000000000000000000000000000c2",
      l1Block: g.challenge.l1Block + 1,
      events: [
        g.challenge.events[0],
        { kind: "ended", l1Block: end.l1Block + 1, defenderWon: false, reason: 2, by: CHALLENGER },
      ],
    };
    const params = { ...PARAMS, assertionBond: 100_000_000_000_000_001n };
    const siblings = [g.challenge, other];
    const pool = params.assertionBond - burn(params.assertionBond);
    const share = pool / 2n;
    const won = bondsOf(g.challenge, end as never, { params, siblings });
    expect(won.filter((b) => b.fate === "paid").map((b) => [b.party, b.amount])).toEqual([
      [CHALLENGER, String(share)],
      [other.challenger, String(share)],
    ]);
    expect(won.find((b) => b.fate === "burned")?.amount).toBe(String(params.assertionBond - 2n * share));
    // The dismissed one: its bond back, and its share.
    const dismissed = bondsOf(other, other.events[1] as never, { params, siblings });
    expect(dismissed.map((b) => [b.bond, b.fate, b.amount])).toEqual([
      ["challenge", "refunded", String(params.challengeBond)],
      ["assertion", "paid", String(share)],
    ]);
    // A dismissal with no forfeit (the assertion died): only the refund.
    expect(bondsOf(other, other.events[1] as never, { params, siblings: [other] })).toHaveLength(1);
  });

  it("test_explorerAssertion_andGameSummaries_parsedByTheExplorer", () => {
    const g = recordedGame({ liar: "defender", tx: 28, step: 100 });
    const a = explorerAssertion(g.assertion, {
      parent: { batchEnd: 1, txEnd: 5 },
      params: PARAMS,
      challenges: [g.challenge],
      ourRoot: null,
    });
    expect(a).toMatchObject({
      fromBatch: 1,
      toBatch: 3,
      txCount: 35,
      createdAt: T0 - 40,
      challengeDeadline: T0 - 40 + 300,
      verdict: "disagrees",
      ourStateRoot: g.ours.root(40),
      challenges: ["1"],
      bond: String(PARAMS.assertionBond),
    });
    parseAssertions({ now: g.now, assertions: [a] });
    expect([
      verdictOf({ kind: "agree" }),
      verdictOf(undefined),
      verdictOf({ kind: "unknown", reason: "NOT_REPLAYED" }),
    ]).toEqual(["agrees", "pending", "pending"]);
    const s = explorerGameSummary(g.challenge, undefined, g.assertion.verdict, new Map());
    expect(s).toEqual({
      id: "1",
      assertion: ASSERTION,
      role: "challenger",
      phase: "won",
      level: 1,
      moves: detail(g).moves.length,
      updatedAt: g.challenge.events[g.challenge.events.length - 1].at,
    });
    parseGames({ now: g.now, games: [s] });
  });
});
