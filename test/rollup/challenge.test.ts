// The bisection game on-chain: full games between scripted parties with real commitments (transactions proven
// against the inbox, initial machine hashes computed on-chain, last machine hashes opened), won by the honest
// side at both levels for degree 2 and 16, timeouts on either side, out-of-turn and malformed moves, and bonds.
import { describe, expect, test } from "vitest";
import {
  bisectionValues,
  DEVNET_PARAMS,
  machineHashOf,
  type RollupParams,
  stepClaimsHash,
} from "../../protocol/index.ts";
import { createChain, hex, openingArg, reverts } from "./fixture.ts";
import { playDispute, type Segment, segmentArg, setupDispute, transactionProofArg } from "./game.ts";

const chain = await createChain();
const base: RollupParams = { ...DEVNET_PARAMS, txGasLimit: 20 };

describe.each([2, 16])("degree %i", (degree) => {
  const params = { ...base, degree };
  test.each([
    { honestDefender: true, disputedTx: 1 },
    { honestDefender: false, disputedTx: 8 },
    { honestDefender: true, disputedTx: 6 },
    { honestDefender: false, disputedTx: 0 },
    // The first sequencer transaction after batch 1's delayed messages (5, 6): the proof tells the kinds apart.
    { honestDefender: true, disputedTx: 7 },
    // The traces agree until step 38 of 40: the game runs down the last parts, opening the last machine hash.
    { honestDefender: true, disputedTx: 4, divergeStep: 38 },
    { honestDefender: false, disputedTx: 10, divergeStep: 38 },
  ])("challenge_fullGame_honestWins (%o)", async ({ honestDefender, disputedTx, divergeStep }) => {
    const setup = await setupDispute(chain, params, { honestDefender, disputedTx, divergeStep });
    const { r } = setup;
    const { id, moves } = await playDispute(setup, params);
    const c = await r.cm.read.getChallenge([id]);
    expect(c.status).toBe(honestDefender ? 2 : 3);
    // Both levels were played: a level switch, then the one-step proof or the liar's timeout.
    expect(moves.some((m) => m.kind === "switchToStep")).toBe(true);
    expect(c.level).toBe(1);
    if (divergeStep) expect(moves.some((m) => m.kind === "bisectToEnd")).toBe(true);
    const a = await r.rollup.read.getAssertion([setup.assertion]);
    expect(a.openChallenges).toBe(0);
    expect(a.status).toBe(honestDefender ? 1 : 3);
    const burn = (params.challengeBond * BigInt(params.burnShareBps)) / 10_000n;
    const assertionBurn = (params.assertionBond * BigInt(params.burnShareBps)) / 10_000n;
    if (honestDefender) {
      expect(await r.cm.read.withdrawable([setup.honest.address])).toBe(params.challengeBond - burn);
      expect(await r.cm.read.burned()).toBe(burn);
      // The assertion stands and is confirmed once its period is over; its bond comes back.
      await r.advance(params.challengePeriod);
      await r.send(r.rollup, "confirm", [setup.assertion]);
      expect(await r.rollup.read.withdrawable([setup.honest.address])).toBe(params.assertionBond);
    } else {
      // The honest challenger gets its bond back and the assertion's, less the burned share.
      expect(await r.cm.read.withdrawable([setup.honest.address])).toBe(params.challengeBond);
      expect(await r.rollup.read.withdrawable([setup.honest.address])).toBe(
        params.assertionBond - assertionBurn,
      );
      expect(await r.rollup.read.withdrawable([setup.dishonest.address])).toBe(0n);
      await reverts(r.send(r.rollup, "confirm", [setup.assertion]), "BadAssertionStatus");
    }
    // Bonds are paid out: the winner withdraws, the loser has nothing.
    const before = await chain.publicClient.getBalance({ address: setup.honest.address });
    const receipt = await r.send(r.cm, "withdrawBonds", [], setup.honest.address);
    const after = await chain.publicClient.getBalance({ address: setup.honest.address });
    const won = honestDefender ? params.challengeBond - burn : params.challengeBond;
    expect(after - before).toBe(won - receipt.gasUsed * receipt.effectiveGasPrice);
    await reverts(r.send(r.cm, "withdrawBonds", [], setup.honest.address), "NothingToWithdraw");
    await reverts(r.send(r.cm, "withdrawBonds", [], setup.dishonest.address), "NothingToWithdraw");
  });
});

async function started(params: RollupParams, honestDefender = true) {
  const setup = await setupDispute(chain, params, { honestDefender, disputedTx: 6 });
  const { r } = setup;
  await r.send(r.cm, "startChallenge", [setup.assertion], setup.challenger.address, params.challengeBond);
  const id = (await r.cm.read.challengeCount()) as bigint;
  const first: Segment = { lo: 0, hi: 11, values: [setup.defender.root(0), setup.defender.root(11)] };
  return { setup, r, id, first };
}

test("challenge_timeout_eitherSideLoses_succeeds", async () => {
  const params = { ...base, degree: 4 };
  // The challenger never moves: the defender wins once the challenger's first-move deadline is out, not before.
  {
    const { setup, r, id } = await started(params);
    await r.advance(params.firstMoveDeadline - 5);
    await reverts(r.send(r.cm, "timeout", [id]), "ClockNotExpired");
    await r.advance(10);
    await r.send(r.cm, "timeout", [id]);
    expect((await r.cm.read.getChallenge([id])).status).toBe(2);
    expect((await r.rollup.read.getAssertion([setup.assertion])).status).toBe(1);
    // An ended challenge ends once: a second timeout (which would pay the bond again) or dismissal is refused.
    const paid = await r.cm.read.withdrawable([setup.defender.address]);
    await reverts(r.send(r.cm, "timeout", [id]), "ChallengeNotOpen");
    await reverts(r.send(r.cm, "dismiss", [id]), "ChallengeNotOpen");
    expect(await r.cm.read.withdrawable([setup.defender.address])).toBe(paid);
  }
  // The defender stops after the challenger's first move: the challenger wins and the assertion is rejected.
  {
    const { setup, r, id, first } = await started(params);
    const values = bisectionValues(setup.challenger.root, 0, 11, params.degree);
    await r.send(r.cm, "bisect", [id, segmentArg(first), 0n, values.map(hex)], setup.challenger.address);
    await r.advance(params.clock + 1);
    // A move after the clock ran out is refused; timeout ends it.
    const next: Segment = { lo: 0, hi: 11, values };
    await reverts(
      r.send(
        r.cm,
        "bisect",
        [id, segmentArg(next), 0n, [hex(setup.defender.root(0))]],
        setup.defender.address,
      ),
      "ClockExpired",
    );
    await r.send(r.cm, "timeout", [id], setup.challenger.address);
    expect((await r.cm.read.getChallenge([id])).status).toBe(3);
    expect((await r.rollup.read.getAssertion([setup.assertion])).status).toBe(3);
  }
});

test("challenge_outOfTurnAndMalformedMoves_revert", async () => {
  const params = { ...base, degree: 4 };
  const { setup, r, id, first } = await started(params, false);
  const ch = setup.challenger;
  const good = bisectionValues(ch.root, 0, 11, params.degree);
  // The defender (proposer) cannot move first, nor can a third party.
  await reverts(
    r.send(r.cm, "bisect", [id, segmentArg(first), 0n, good.map(hex)], setup.defender.address),
    "NotYourTurn",
  );
  await reverts(
    r.send(r.cm, "bisect", [id, segmentArg(first), 0n, good.map(hex)], chain.accounts.other),
    "NotYourTurn",
  );
  // A segment other than the one posted.
  const forged = { ...first, values: [first.values[0], ch.root(11)] };
  await reverts(
    r.send(r.cm, "bisect", [id, segmentArg(forged), 0n, good.map(hex)], ch.address),
    "CommitmentMismatch",
  );
  // Wrong number of values, wrong start, no disagreement at the end, part out of range, wrong move kind.
  await reverts(
    r.send(r.cm, "bisect", [id, segmentArg(first), 0n, good.slice(1).map(hex)], ch.address),
    "WrongValueCount",
  );
  const badStart = [ch.root(3), ...good.slice(1)];
  await reverts(
    r.send(r.cm, "bisect", [id, segmentArg(first), 0n, badStart.map(hex)], ch.address),
    "StartMismatch",
  );
  const agreeing = [...good.slice(0, -1), setup.defender.root(11)];
  await reverts(
    r.send(r.cm, "bisect", [id, segmentArg(first), 0n, agreeing.map(hex)], ch.address),
    "NoDisagreement",
  );
  await reverts(
    r.send(r.cm, "bisect", [id, segmentArg(first), 1n, good.map(hex)], ch.address),
    "PartOutOfRange",
  );
  await reverts(
    r.send(r.cm, "proveStep", [id, segmentArg(first), 0n, hex(r.machine.codeRoot)], ch.address),
    "WrongMove",
  );
  // A level switch needs a one-transaction part (this one spans all 11).
  const steps = bisectionValues(ch.machine, 0, 2 * params.txGasLimit, params.degree);
  await reverts(
    r.send(
      r.cm,
      "switchToStep",
      [id, segmentArg(first), 0n, transactionProofArg(setup, 0), openingArg(ch.end), steps.map(hex)],
      ch.address,
    ),
    "WrongMove",
  );
  // A good move goes through; then the challenger cannot move twice.
  await r.send(r.cm, "bisect", [id, segmentArg(first), 0n, good.map(hex)], ch.address);
  const posted: Segment = { lo: 0, hi: 11, values: good };
  await reverts(
    r.send(r.cm, "bisect", [id, segmentArg(posted), 0n, good.map(hex)], ch.address),
    "NotYourTurn",
  );
  expect((await r.cm.read.getChallenge([id])).challengerToMove).toBe(false);
});

test("challenge_levelSwitchAndStep_checkedOnChain_revert", async () => {
  // Degree 16 over 11 transactions: the challenger's first bisection already has one-transaction parts.
  const params = { ...base, degree: 16 };
  const { setup, r, id, first } = await started(params, true);
  const ch = setup.challenger; // dishonest: diverges after transaction 6
  const values = bisectionValues(ch.root, 0, 11, 16);
  await r.send(r.cm, "bisect", [id, segmentArg(first), 0n, values.map(hex)], ch.address);
  const seg: Segment = { lo: 0, hi: 11, values };
  const d = setup.defender;
  const steps = bisectionValues(d.machine, 0, 40, 16);
  const k = 6n;
  const move = (txIndex: number, end = d.end, stepValues = steps, part = k) =>
    r.send(
      r.cm,
      "switchToStep",
      [id, segmentArg(seg), part, transactionProofArg(setup, txIndex), openingArg(end), stepValues.map(hex)],
      d.address,
    );
  // The bytes of another transaction, a wrong initial machine hash, an opening of another hash, a last machine
  // that holds the opponent's root, a machine still running: all refused.
  await reverts(move(5), "TransactionNotProven");
  await reverts(move(6, d.end, [ch.machine(9), ...steps.slice(1)]), "StartMismatch");
  await reverts(move(6, { ...d.end, memoryRoot: new Uint8Array(32) }), "OpeningMismatch");
  const running = { ...d.end, statusWord: new Uint8Array(32) };
  const withRunning = [...steps.slice(0, -1), machineHashOf(running)];
  await reverts(move(6, running, withRunning), "MachineStillRunning");
  await reverts(move(6, ch.end, [...steps.slice(0, -1), machineHashOf(ch.end)]), "NoDisagreement");
  // The right one: transaction 6 (a sequencer transaction), proven and switched.
  await move(6);
  const c = await r.cm.read.getChallenge([id]);
  expect(c.level).toBe(1);
  expect(c.stepClaims).toBe(hex(stepClaimsHash(d.root(6), d.root(7), ch.root(7))));
  // The challenger's answer that ends at MAX_TX_STEPS must open its last machine hash to its own root.
  const stepSeg: Segment = { lo: 0, hi: 40, values: steps };
  const kk = 1n; // part 1: steps 2..5 (the traces diverge after step 3)
  const mine = bisectionValues(ch.machine, 2, 5, 16);
  // Picking the last part needs the recorded roots and an opening that holds the mover's own root.
  const roots = { rootBefore: hex(d.root(6)), defenderRoot: hex(d.root(7)), challengerRoot: hex(ch.root(7)) };
  const last = bisectionValues(ch.machine, 37, 40, 16);
  const toEnd = (v: Uint8Array[], end: typeof ch.end, rs: typeof roots) =>
    r.send(r.cm, "bisectToEnd", [id, segmentArg(stepSeg), 15n, v.map(hex), openingArg(end), rs], ch.address);
  await reverts(toEnd(last, ch.end, { ...roots, challengerRoot: roots.defenderRoot }), "StepRootsMismatch");
  const withHonestEnd = [...last.slice(0, -1), machineHashOf(d.end)];
  await reverts(toEnd(withHonestEnd, d.end, roots), "EndRootMismatch");
  await reverts(
    r.send(r.cm, "bisect", [id, segmentArg(stepSeg), 15n, last.map(hex)], ch.address),
    "WrongMove",
  );
  await r.send(r.cm, "bisect", [id, segmentArg(stepSeg), kk, mine.map(hex)], ch.address);
  // The defender proves step 3 -> 4: the double returns the honest hash, which differs from the challenger's.
  const seg2: Segment = { lo: 2, hi: 5, values: mine };
  await reverts(
    r.send(r.cm, "proveStep", [id, segmentArg(seg2), 1n, hex(new Uint8Array(32))], d.address),
    "WrongCodeRoot",
  );
  await reverts(
    r.send(r.cm, "proveStep", [id, segmentArg(seg2), 0n, hex(r.machine.codeRoot)], d.address),
    "StepAgrees",
  );
  await r.send(r.cm, "proveStep", [id, segmentArg(seg2), 1n, hex(r.machine.codeRoot)], d.address);
  expect((await r.cm.read.getChallenge([id])).status).toBe(2);
  // The game is over: the same proof again (which would pay the bond twice) is refused.
  await reverts(
    r.send(r.cm, "proveStep", [id, segmentArg(seg2), 1n, hex(r.machine.codeRoot)], d.address),
    "ChallengeNotOpen",
  );
});

test("challenge_startRules_revert", async () => {
  const params = { ...base, degree: 4 };
  const setup = await setupDispute(chain, params, { honestDefender: true, disputedTx: 6 });
  const { r } = setup;
  await reverts(
    r.send(r.cm, "startChallenge", [setup.assertion], setup.challenger.address, params.challengeBond - 1n),
    "WrongBond",
  );
  await reverts(
    r.send(r.cm, "startChallenge", [hex(new Uint8Array(32))], setup.challenger.address, params.challengeBond),
    "BadAssertionStatus",
  );
  // While a challenge is open the assertion cannot be confirmed, even after its period.
  await r.send(r.cm, "startChallenge", [setup.assertion], setup.challenger.address, params.challengeBond);
  await r.advance(params.challengePeriod);
  await reverts(r.send(r.rollup, "confirm", [setup.assertion]), "ChallengeOpen");
  // And no new challenge after the period.
  await reverts(
    r.send(r.cm, "startChallenge", [setup.assertion], chain.accounts.other, params.challengeBond),
    "ChallengePeriodOver",
  );
});

test("challenge_switchToStep_transactionProofOfAnotherBatch_reverts", async () => {
  // The transaction proof must be the inbox's record of the batch that holds the disputed transaction: a header
  // of another batch (here batch 0 for the first transaction of batch 1) or a forged header is refused.
  const params = { ...base, degree: 16 };
  const setup = await setupDispute(chain, params, { honestDefender: true, disputedTx: 5 });
  const { r } = setup;
  const d = setup.defender;
  const ch = setup.challenger;
  await r.send(r.cm, "startChallenge", [setup.assertion], ch.address, params.challengeBond);
  const id = (await r.cm.read.challengeCount()) as bigint;
  const first: Segment = { lo: 0, hi: 11, values: [d.root(0), d.root(11)] };
  const values = bisectionValues(ch.root, 0, 11, 16);
  await r.send(r.cm, "bisect", [id, segmentArg(first), 0n, values.map(hex)], ch.address);
  const seg: Segment = { lo: 0, hi: 11, values };
  const steps = bisectionValues(d.machine, 0, 40, 16);
  const switchWith = (tp: ReturnType<typeof transactionProofArg>) =>
    r.send(r.cm, "switchToStep", [id, segmentArg(seg), 5n, tp, openingArg(d.end), steps.map(hex)], d.address);
  const right = transactionProofArg(setup, 5);
  const ofBatch0 = { ...transactionProofArg(setup, 4), transaction: right.transaction };
  await reverts(switchWith(ofBatch0), "TransactionNotProven");
  const forged = { ...right, batch: { ...right.batch, txRoot: hex(new Uint8Array(32).fill(7)) } };
  await reverts(switchWith(forged), "BatchMismatch");
  // The right header with another transaction's bytes (a delayed message here) does not prove.
  await reverts(switchWith({ ...right, transaction: hex(setup.txs[6].bytes) }), "TransactionNotProven");
  await switchWith(right);
  expect((await r.cm.read.getChallenge([id])).level).toBe(1);
});

test("challenge_switchToStep_otherBytesForASequencerTransaction_reverts", async () => {
  // The sequencer-transaction branch: the batch's Merkle proof holds the bytes at that index and no other.
  const params = { ...base, degree: 16 };
  const setup = await setupDispute(chain, params, { honestDefender: true, disputedTx: 8 });
  const { r } = setup;
  const d = setup.defender;
  const ch = setup.challenger;
  await r.send(r.cm, "startChallenge", [setup.assertion], ch.address, params.challengeBond);
  const id = (await r.cm.read.challengeCount()) as bigint;
  const first: Segment = { lo: 0, hi: 11, values: [d.root(0), d.root(11)] };
  const values = bisectionValues(ch.root, 0, 11, 16);
  await r.send(r.cm, "bisect", [id, segmentArg(first), 0n, values.map(hex)], ch.address);
  const seg: Segment = { lo: 0, hi: 11, values };
  const steps = bisectionValues(d.machine, 0, 40, 16);
  const switchWith = (tp: ReturnType<typeof transactionProofArg>) =>
    r.send(r.cm, "switchToStep", [id, segmentArg(seg), 8n, tp, openingArg(d.end), steps.map(hex)], d.address);
  const right = transactionProofArg(setup, 8);
  await reverts(switchWith({ ...right, transaction: hex(setup.txs[9].bytes) }), "TransactionNotProven");
  await switchWith(right);
});
