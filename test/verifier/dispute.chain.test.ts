// Whole disputes on Hardhat's in-process chain, chooseMove driving both sides over real engine orders with the
// real one-step prover (test/verifier/chainDispute.ts): the honest side wins as challenger against a dishonest
// proposer and as defender against a dishonest challenger, and the loser's bond goes to the winner.
import { expect, test } from "vitest";
import { ChallengeStatus } from "../../verifier/index.ts";
import { createChain } from "../rollup/fixture.ts";
import { playChainDispute, setupChainDispute } from "./chainDispute.ts";

const chain = await createChain();
const REJECTED = 3;
const PENDING = 1;

test("dispute_dishonestProposer_wrongRootAtTx1_honestChallengerWinsAndIsPaid", async () => {
  const d = await setupChainDispute(chain, {
    orders: 2,
    tx: 1,
    step: (s) => Math.floor(s / 2),
    honestRole: "challenger",
  });
  const before = (await d.r.cm.read.withdrawable([d.players.challenger.address])) as bigint;
  const { id, moves } = await playChainDispute(d);
  expect((await d.r.cm.read.getChallenge([id])).status).toBe(ChallengeStatus.CHALLENGER_WON);
  expect(Number((await d.r.rollup.read.getAssertion([d.assertion])).status)).toBe(REJECTED);
  // The game narrowed to the liar's first wrong transaction, then to one step the real prover executed.
  expect(moves.some((m) => m.kind === "switchToStep")).toBe(true);
  expect(moves.some((m) => m.kind === "proveStep")).toBe(true);
  const last = moves[moves.length - 1];
  expect(last.by).toBe("challenger");
  // The challenger's bond came back with it (the assertion bond's share goes through the rollup's ledger).
  expect((await d.r.cm.read.withdrawable([d.players.challenger.address])) as bigint).toBeGreaterThan(before);
});

test("dispute_dishonestChallenger_wrongRootAtTx2_honestDefenderWinsTheBond", async () => {
  const d = await setupChainDispute(chain, { orders: 2, tx: 2, step: (s) => s - 3, honestRole: "defender" });
  const before = (await d.r.cm.read.withdrawable([d.players.defender.address])) as bigint;
  const { id, moves } = await playChainDispute(d);
  expect((await d.r.cm.read.getChallenge([id])).status).toBe(ChallengeStatus.DEFENDER_WON);
  expect(Number((await d.r.rollup.read.getAssertion([d.assertion])).status)).toBe(PENDING);
  expect(moves.some((m) => m.kind === "proveStep")).toBe(true);
  expect(moves[moves.length - 1].by).toBe("defender");
  const burn = (d.params.challengeBond * BigInt(d.params.burnShareBps)) / 10_000n;
  expect(((await d.r.cm.read.withdrawable([d.players.defender.address])) as bigint) - before).toBe(
    d.params.challengeBond - burn,
  );
});

test("dispute_liarAtFirstAndLastTransaction_firstAndLastStep_degree4_honestAlwaysWins", async () => {
  const endings = new Set<string>();
  for (const [honestRole, tx, step] of [
    ["challenger", 0, () => 0],
    ["defender", 3, (s: number) => s - 1],
    ["challenger", 3, (s: number) => s - 1],
    ["defender", 0, () => 0],
  ] as const) {
    const d = await setupChainDispute(chain, { orders: 2, tx, step, honestRole, degree: 4 });
    const { id, moves } = await playChainDispute(d);
    const won = honestRole === "challenger" ? ChallengeStatus.CHALLENGER_WON : ChallengeStatus.DEFENDER_WON;
    expect((await d.r.cm.read.getChallenge([id])).status, `${honestRole} tx ${tx}`).toBe(won);
    const last = moves[moves.length - 1];
    expect(last.by).toBe(honestRole);
    // Either our one-step proof won, or the liar's was refused by the real prover and its clock ran out.
    if (last.kind === "timeout") expect(moves[moves.length - 2].refused).toContain("StepAgrees");
    else expect(last.kind).toBe("proveStep");
    endings.add(last.kind);
  }
  // Both endings happen across these four games (which side reaches the one-step part depends on depth parity).
  expect([...endings].sort()).toEqual(["proveStep", "timeout"]);
});

test("dispute_overADelayedDeposit_proofFromTheBridgeAccumulator_honestWinsBothRoles", async () => {
  // Deposits open once batch 0 exists, so the first order is batch 0 and the deposits are transactions 1 and 2.
  for (const [honestRole, tx] of [
    ["challenger", 2],
    ["defender", 1],
  ] as const) {
    const d = await setupChainDispute(chain, {
      orders: 1,
      deposits: 2,
      tx,
      step: (s) => Math.floor(s / 3),
      honestRole,
    });
    // The disputed transaction is a bridge deposit: switchToStep proves it against the bridge's accumulator.
    expect(d.honest.transactionProof(tx).queuedAt).toBeGreaterThan(0);
    expect(d.honest.transactionProof(tx).siblings).toEqual([]);
    const { id, moves } = await playChainDispute(d);
    const won = honestRole === "challenger" ? ChallengeStatus.CHALLENGER_WON : ChallengeStatus.DEFENDER_WON;
    expect((await d.r.cm.read.getChallenge([id])).status).toBe(won);
    expect(moves.some((m) => m.kind === "switchToStep")).toBe(true);
    expect(moves[moves.length - 1].by).toBe(honestRole);
  }
});

test("dispute_restartsMidGame_recordFromJsonHistoryRebuilt_stillWins", async () => {
  for (const honestRole of ["challenger", "defender"] as const) {
    const d = await setupChainDispute(chain, {
      orders: 2,
      tx: 2,
      step: (s) => Math.floor(s / 3),
      honestRole,
    });
    // Restarts after our 1st, 2nd and 4th moves: at the transaction level, around the level switch, mid step level.
    const { id, moves, record, restarts } = await playChainDispute(d, 100_000, {
      restartAfter: [1, 2, 4],
    });
    const won = honestRole === "challenger" ? ChallengeStatus.CHALLENGER_WON : ChallengeStatus.DEFENDER_WON;
    expect((await d.r.cm.read.getChallenge([id])).status).toBe(won);
    expect(restarts).toBe(3);
    expect(record.phase).toBe("won");
    // The record walked the phases in order and holds what we posted.
    const phases = record.transitions.map((t) => t.to);
    expect(phases).toContain("bisecting-step");
    expect(phases.some((p) => p === "proving" || p === "awaiting-resolution")).toBe(true);
    expect(record.posted.length).toBe(
      moves.filter((m) => m.by === honestRole && m.kind.startsWith("bisect")).length +
        moves.filter((m) => m.by === honestRole && m.kind === "switchToStep").length,
    );
  }
});
