import type { Address, Hex } from "viem";
// Issue 12's problems 1, 2, 3, 5 and 6: each test says how the attack worked against the old contracts and shows
// it is gone. Honest watchers are paid from a forfeited bond, a rejected or dead assertion's games refund their
// challengers by any path, dead assertions' games end at once, a permissioned rollup opens after inactivity, and
// an unplayed challenge ends after the first-move deadline.
import { describe, expect, test } from "vitest";
import { assertionHash, DEVNET_PARAMS, type RollupParams } from "../../protocol/index.ts";
import { as, move, openGame, proposeChild } from "./driver.ts";
import { assertionArg, bytes, createChain, eventsOf, headerArg, hex, reverts, stateWith } from "./fixture.ts";
import { type DisputeSetup, setupDispute } from "./game.ts";

const chain = await createChain();
const { accounts } = chain;
// Degree 4 over 11 transactions: the first bisection has parts of 2-3 transactions, so each side makes a
// transaction-level move before any level switch.
const params: RollupParams = { ...DEVNET_PARAMS, txGasLimit: 20, degree: 4 };
const burn = (bond: bigint) => (bond * BigInt(params.burnShareBps)) / 10_000n;

/** A lying proposer's assertion (diverging after transaction 6), the honest watcher at accounts.challenger. */
const lyingProposer = () => setupDispute(chain, params, { honestDefender: false, disputedTx: 6 });

describe("problem 1: the forfeited bond pays the honest challengers", () => {
  test("test_closeChallenge_sybilFastLoss_honestWatcherPaidEqualShare_succeeds", async () => {
    // Old contracts: the lying proposer challenged its own assertion from a second key (the sybil), threw that
    // game fast, and the sybil took 80% of the assertion bond; the honest watcher's game, stalled by the
    // proposer, could only be dismissed with its own bond back. Fraud cost the burn (2 of 10 ETH).
    // Now: the bond less the burn is split equally among every challenge open at rejection, the watcher's too.
    const setup = await lyingProposer();
    const { r } = setup;
    const watcher = await openGame(setup, setup.honest, params);
    await move(setup, watcher, params); // the watcher's first bisection
    await move(setup, watcher, params); // the proposer answers (stalling: the game goes on)
    const sybil = await openGame(setup, as(setup.honest, accounts.other), params);
    await move(setup, sybil, params); // the sybil bisects; the proposer lets its own clock run out
    await r.advance(params.clock + 1);
    await r.send(r.cm, "timeout", [sybil.id], accounts.other);
    const a = await r.rollup.read.getAssertion([setup.assertion]);
    expect(a.status).toBe(3);
    expect(a.forfeited).toBe(true);
    const share = (params.assertionBond - burn(params.assertionBond)) / 2n;
    expect(await r.rollup.read.rewardPerShare([setup.assertion])).toBe(share);
    expect(await r.rollup.read.withdrawable([accounts.other])).toBe(share);
    // The watcher's game ends (here dismissed by anyone) and pays its share: the sybil took half, not 80%.
    await r.send(r.cm, "dismiss", [watcher.id], accounts.user);
    expect(await r.rollup.read.withdrawable([setup.honest.address])).toBe(share);
    expect(await r.cm.read.withdrawable([setup.honest.address])).toBe(params.challengeBond);
    expect(await r.rollup.read.withdrawable([setup.dishonest.address])).toBe(0n);
    expect(await r.rollup.read.burned()).toBe(params.assertionBond - 2n * share);
    expect((await r.rollup.read.getAssertion([setup.assertion])).openChallenges).toBe(0);
  });

  test("test_closeChallenge_threeOpenGames_equalSharesDustBurned_succeeds", async () => {
    const setup = await lyingProposer();
    const { r } = setup;
    const games = [];
    for (const who of [setup.honest.address, accounts.other, accounts.user]) {
      const g = await openGame(setup, as(setup.honest, who), params);
      await move(setup, g, params);
      games.push(g);
    }
    await r.advance(params.clock + 1);
    await r.send(r.cm, "timeout", [games[1].id]);
    for (const g of [games[0], games[2]]) await r.send(r.cm, "timeout", [g.id]);
    const pool = params.assertionBond - burn(params.assertionBond);
    const share = pool / 3n;
    for (const g of games) {
      expect(await r.rollup.read.withdrawable([g.challenger.address])).toBe(share);
      expect(await r.cm.read.withdrawable([g.challenger.address])).toBe(params.challengeBond);
    }
    expect(await r.rollup.read.burned()).toBe(params.assertionBond - 3n * share);
  });

  test("test_startChallenge_ownAssertionFromOwnAddress_reverts", async () => {
    const setup = await lyingProposer();
    const { r } = setup;
    await reverts(
      r.send(r.cm, "startChallenge", [setup.assertion], setup.dishonest.address, params.challengeBond),
      "OwnAssertion",
    );
  });
});

describe("problem 2: a rejected assertion's games refund their challengers by any path", () => {
  test("test_timeout_afterRejection_challengerRefundedNotPaidToProposer_succeeds", async () => {
    // Old contracts: once one challenge rejected the assertion, its proposer called timeout on another
    // challenger's still-open game (the challenger, to move, saw no point in playing on) and took its bond.
    const setup = await lyingProposer();
    const { r } = setup;
    const a = await openGame(setup, setup.honest, params);
    const b = await openGame(setup, as(setup.honest, accounts.other), params);
    await move(setup, a, params);
    await move(setup, b, params);
    await move(setup, b, params); // the proposer answers b: b's challenger is to move
    await r.advance(params.clock + 1);
    await r.send(r.cm, "timeout", [a.id]); // a rejects the assertion (the proposer ran out)
    expect((await r.rollup.read.getAssertion([setup.assertion])).status).toBe(3);
    // b's challenger ran out too; the proposer's timeout now ends b as a dismissal.
    expect((await r.cm.read.clockLeft([b.id])) < BigInt(params.clock)).toBe(true);
    const receipt = await r.send(r.cm, "timeout", [b.id], setup.dishonest.address);
    const [ended] = eventsOf<{ defenderWon: boolean; reason: number }>(r.cm, receipt, "ChallengeEnded");
    expect(ended).toMatchObject({ defenderWon: false, reason: 2 });
    expect((await r.cm.read.getChallenge([b.id])).status).toBe(4);
    expect(await r.cm.read.withdrawable([accounts.other])).toBe(params.challengeBond);
    expect(await r.cm.read.withdrawable([setup.dishonest.address])).toBe(0n);
    expect(await r.cm.read.burned()).toBe(0n);
  });
});

/** Posts another batch and a child assertion of `parent` by `from` over it; returns its id. */
const child = (setup: DisputeSetup, parent: Hex, from: Address = accounts.proposer, at?: number) =>
  proposeChild(setup.r, parent, params, from, at);

describe("problem 3: a dead assertion's games end at once, both bonds refunded", () => {
  test("test_dismiss_parentRejected_refundsBothBonds_succeeds", async () => {
    // Old contracts: a challenge on an assertion whose parent was rejected could not be dismissed (the assertion
    // itself was still Pending) nor cut short; Rollup.reject refused while it was open. The honest defender
    // had to play on or wait out a clock.
    const setup = await lyingProposer();
    const { r } = setup;
    const b = await child(setup, setup.assertion);
    await r.send(r.cm, "startChallenge", [b], accounts.other, params.challengeBond);
    const onB = (await r.cm.read.challengeCount()) as bigint;
    await reverts(r.send(r.cm, "dismiss", [onB]), "NotDismissable");
    const a = await openGame(setup, setup.honest, params);
    await move(setup, a, params);
    await r.advance(params.clock + 1);
    await r.send(r.cm, "timeout", [a.id]); // the parent is rejected: b is dead
    expect(await r.rollup.read.isStanding([b])).toBe(false);
    await reverts(r.send(r.cm, "startChallenge", [b], accounts.user, params.challengeBond), "AssertionDead");
    // Not rejected while its game is open (the game would then close on an assertion already settled).
    await reverts(r.send(r.rollup, "reject", [b]), "ChallengeOpen");
    await r.send(r.cm, "dismiss", [onB]);
    await reverts(r.send(r.cm, "dismiss", [onB]), "ChallengeNotOpen");
    await r.send(r.rollup, "reject", [b]);
    await reverts(r.send(r.rollup, "reject", [b]), "BadAssertionStatus");
    expect(await r.cm.read.withdrawable([accounts.other])).toBe(params.challengeBond);
    // The proposer's bond on b comes back (never proven wrong); the one on the parent was forfeited.
    expect(await r.rollup.read.withdrawable([setup.dishonest.address])).toBe(params.assertionBond);
    expect((await r.rollup.read.getAssertion([b])).forfeited).toBe(false);
  });

  test("test_dismiss_siblingConfirmed_refundsBothBonds_succeeds", async () => {
    const setup = await setupDispute(chain, params, { honestDefender: true, disputedTx: 6 });
    const { r } = setup;
    // A sibling of the setup's assertion by the other allowlisted proposer, challenged by a third party.
    const last = setup.txs[setup.txs.length - 1];
    const state = stateWith(new Uint8Array(32), "sibling");
    const data = {
      parent: bytes(await r.rollup.read.genesis()),
      stateRoot: state.root,
      outboxRoot: new Uint8Array(32),
      batchEnd: last.batchNumber + 1,
      txEnd: setup.txs.length,
      delayedEnd: last.header.delayedAfter,
    };
    await r.send(
      r.rollup,
      "createAssertion",
      [assertionArg(data), headerArg(last.header), state.outboxProof],
      accounts.challenger,
      params.assertionBond,
    );
    const sibling = hex(assertionHash(data, accounts.challenger));
    await r.send(r.cm, "startChallenge", [sibling], accounts.other, params.challengeBond);
    const id = (await r.cm.read.challengeCount()) as bigint;
    await r.advance(params.challengePeriod);
    await r.send(r.rollup, "confirm", [setup.assertion]);
    await r.send(r.cm, "dismiss", [id]);
    await r.send(r.rollup, "reject", [sibling]);
    expect(await r.cm.read.withdrawable([accounts.other])).toBe(params.challengeBond);
    expect(await r.rollup.read.withdrawable([accounts.challenger])).toBe(params.assertionBond);
  });
});

describe("problem 5: a permissioned rollup opens to anyone after inactivity", () => {
  test("test_createAssertion_afterProposerInactivity_opensForGood_succeeds", async () => {
    // Old contracts: with permissionless = false, if the allowlisted proposers stopped, nobody else could ever
    // propose, so a user's forced withdrawal could never be confirmed.
    const setup = await setupDispute(chain, params, { honestDefender: true, disputedTx: 6 });
    const { r } = setup;
    const created = Number((await r.rollup.read.lastProgressAt()) as bigint);
    const opensAt = created + params.proposerInactivity;
    expect(await r.rollup.read.proposingOpen()).toBe(false);
    await reverts(child(setup, setup.assertion, accounts.other, opensAt - 1), "NotAllowedProposer");
    // An allowlisted proposer's assertion is progress: the clock starts again (even one made as it would open).
    const again = await child(setup, setup.assertion, accounts.proposer, opensAt);
    const restart = opensAt;
    expect(Number(await r.rollup.read.lastProgressAt())).toBe(restart);
    await reverts(
      child(setup, again, accounts.other, restart + params.proposerInactivity - 1),
      "NotAllowedProposer",
    );
    // Exactly at the end of the inactivity period, anyone may propose, and from then on for good.
    const third = await child(setup, again, accounts.other, restart + params.proposerInactivity);
    expect(await r.rollup.read.proposingOpened()).toBe(true);
    await child(setup, third, accounts.user);
  });
});

describe("problem 6: an unplayed challenge ends at the first-move deadline", () => {
  test("test_timeout_challengerNeverMoves_endsAfterFirstMoveDeadline_succeeds", async () => {
    // Old contracts: a griefer's challenge that was never played held the assertion for a whole clock
    // (3.5 days on a public chain) before its timeout.
    const setup = await setupDispute(chain, params, { honestDefender: true, disputedTx: 6 });
    const { r } = setup;
    const g = await openGame(setup, setup.dishonest, params);
    const startedAt = await r.now();
    expect(await r.cm.read.clockLeft([g.id])).toBe(BigInt(params.firstMoveDeadline));
    await r.nextAt(startedAt + params.firstMoveDeadline);
    await reverts(r.send(r.cm, "timeout", [g.id]), "ClockNotExpired");
    await r.nextAt(startedAt + params.firstMoveDeadline + 1);
    await r.send(r.cm, "timeout", [g.id]);
    expect((await r.cm.read.getChallenge([g.id])).status).toBe(2);
  });

  test("test_firstMove_atDeadline_keepsTheRestOfTheClock_succeeds", async () => {
    const setup = await setupDispute(chain, params, { honestDefender: true, disputedTx: 6 });
    const { r } = setup;
    const g = await openGame(setup, setup.dishonest, params);
    const startedAt = await r.now();
    await r.nextAt(startedAt + params.firstMoveDeadline); // elapsed == deadline: still in time
    await move(setup, g, params);
    const c = await r.cm.read.getChallenge([g.id]);
    expect(c.challengerMoved).toBe(true);
    expect(c.challengerClock).toBe(BigInt(params.clock - params.firstMoveDeadline));
    await move(setup, g, params);
    // Its second move may take the rest of its clock, past the first-move deadline.
    const answeredAt = await r.now();
    await r.nextAt(answeredAt + params.clock - params.firstMoveDeadline);
    await move(setup, g, params);
  });
});

describe("bond payments", () => {
  test("test_withdrawBonds_recipientRefusesEther_revertsAndKeepsTheCredit", async () => {
    // A bond holder that refuses ether: the payment fails and reverts, so the credit is not lost (dropping the
    // PaymentFailed check would zero it with nothing paid).
    const setup = await lyingProposer();
    const { r } = setup;
    const holder = (await chain.viem.deployContract("BondHolder" as never)) as unknown as {
      address: Address;
      write: Record<string, (args: unknown[], o?: object) => Promise<Hex>>;
    };
    const send = async (fn: string, args: unknown[], value?: bigint) =>
      chain.publicClient.waitForTransactionReceipt({
        hash: await holder.write[fn](args, { account: accounts.user, value }),
      });
    await send("challenge", [r.cm.address, setup.assertion], params.challengeBond);
    const id = (await r.cm.read.challengeCount()) as bigint;
    const a = await openGame(setup, setup.honest, params);
    await move(setup, a, params);
    await r.advance(params.clock + 1);
    await r.send(r.cm, "timeout", [a.id]);
    await r.send(r.cm, "dismiss", [id]);
    expect(await r.cm.read.withdrawable([holder.address])).toBe(params.challengeBond);
    await reverts(send("withdraw", [r.cm.address]), "PaymentFailed");
    expect(await r.cm.read.withdrawable([holder.address])).toBe(params.challengeBond);
    await send("setRefusing", [false]);
    await send("withdraw", [r.cm.address]);
    expect(await r.cm.read.withdrawable([holder.address])).toBe(0n);
    expect(await chain.publicClient.getBalance({ address: holder.address })).toBe(params.challengeBond);
    // Its share of the forfeited bond, from the rollup's ledger.
    expect(await r.rollup.read.withdrawable([holder.address])).toBe(
      (params.assertionBond - burn(params.assertionBond)) / 2n,
    );
  });
});
