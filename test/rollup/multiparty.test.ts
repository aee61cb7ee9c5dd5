// Games with several dishonest parties: several challengers on one assertion at once, sybil races for a forfeited
// bond, an adversary making random legal moves (random parts, random values), delays to the last second, and a
// fork several assertions deep. The honest side wins every game it plays and every bond ends where the rules say.
import { describe, expect, test } from "vitest";
import { DEVNET_PARAMS, type RollupParams } from "../../protocol/index.ts";
import {
  as,
  type Game,
  type MoveResult,
  move,
  openGame,
  proposeChild,
  randomMove,
  seeded,
} from "./driver.ts";
import { createChain } from "./fixture.ts";
import { type DisputeSetup, setupDispute } from "./game.ts";

const chain = await createChain();
const { accounts } = chain;
const params: RollupParams = { ...DEVNET_PARAMS, txGasLimit: 20, degree: 4 };
const burnOf = (bond: bigint) => (bond * BigInt(params.burnShareBps)) / 10_000n;
const pool = params.assertionBond - burnOf(params.assertionBond);

/** The honest side of a game: the party whose histories are the setup's honest ones. */
const honestMoves = (s: DisputeSetup, g: Game) =>
  (g.challengerToMove ? g.challenger : g.defender).root === s.honest.root;

/**
 * Plays `g` to its end: the honest side with {move}, the liar with `liar` (default: its own history). A side that
 * cannot move lets its clock run out and the other times it out. Returns who won (the ChallengeEnded verdict).
 */
async function playOut(
  s: DisputeSetup,
  g: Game,
  liar: (g: Game) => Promise<MoveResult> = (x) => move(s, x, params),
): Promise<number> {
  const { r } = s;
  for (let guard = 0; guard < 100; guard++) {
    const result = honestMoves(s, g) ? await move(s, g, params) : await liar(g);
    if (result === "proved") break;
    if (result === "stuck") {
      await r.advance(Number(await r.cm.read.clockLeft([g.id])) + 1);
      await r.send(r.cm, "timeout", [g.id], accounts.user);
      break;
    }
  }
  return (await r.cm.read.getChallenge([g.id])).status;
}

describe("several challengers on one assertion", () => {
  test("test_honestDefender_threeLyingChallengersAtOnce_winsEveryGame_succeeds", async () => {
    const s = await setupDispute(chain, params, { honestDefender: true, disputedTx: 6 });
    const { r } = s;
    const games: Game[] = [];
    for (const who of [accounts.challenger, accounts.other, accounts.user])
      games.push(await openGame(s, as(s.dishonest, who), params));
    // Interleaved: one move in each game in turn, until each ends.
    const open = new Set(games);
    for (let round = 0; open.size > 0 && round < 60; round++) {
      for (const g of [...open]) {
        const result = await move(s, g, params);
        if (result === "proved") open.delete(g);
        if (result === "stuck") {
          await r.advance(Number(await r.cm.read.clockLeft([g.id])) + 1);
          await r.send(r.cm, "timeout", [g.id]);
          open.delete(g);
        }
      }
    }
    for (const g of games) expect((await r.cm.read.getChallenge([g.id])).status).toBe(2);
    expect(await r.cm.read.withdrawable([s.honest.address])).toBe(
      3n * (params.challengeBond - burnOf(params.challengeBond)),
    );
    await r.advance(params.challengePeriod);
    await r.send(r.rollup, "confirm", [s.assertion]);
    expect(await r.rollup.read.withdrawable([s.honest.address])).toBe(params.assertionBond);
  });

  test("test_lyingDefender_honestWatchersAndSybils_everyOpenGameGetsAShare_succeeds", async () => {
    // Two honest watchers and two sybils of the proposer race; a sybil wins first (the proposer throws it). Every
    // game open at that moment is paid one share of the pool: the honest ones half of it, not nothing.
    const s = await setupDispute(chain, params, { honestDefender: false, disputedTx: 6 });
    const { r } = s;
    const [w1, w2, z1, z2] = [accounts.challenger, accounts.user, accounts.other, accounts.deployer];
    const games = new Map<string, Game>();
    for (const who of [w1, z1, w2, z2]) {
      const g = await openGame(s, as(s.honest, who), params);
      await move(s, g, params);
      games.set(who, g);
    }
    // The proposer answers the watchers at the last moment (stalling them) and lets the sybils' clocks run out:
    // z1 times it out first.
    await r.advance(params.clock - 15);
    await move(s, games.get(w1) as Game, params);
    await move(s, games.get(w2) as Game, params);
    await r.advance(15);
    await r.send(r.cm, "timeout", [(games.get(z1) as Game).id], z1);
    // The watchers' games end: one by playing on to its proof, one by dismissal.
    expect(await playOut(s, games.get(w1) as Game)).toBe(4);
    await r.send(r.cm, "dismiss", [(games.get(w2) as Game).id]);
    await r.send(r.cm, "dismiss", [(games.get(z2) as Game).id]);
    const share = pool / 4n;
    for (const who of [w1, w2, z1, z2]) {
      expect(await r.rollup.read.withdrawable([who])).toBe(share);
      expect(await r.cm.read.withdrawable([who])).toBe(params.challengeBond);
    }
    expect(await r.rollup.read.withdrawable([s.dishonest.address])).toBe(0n);
    expect((await r.rollup.read.getAssertion([s.assertion])).openChallenges).toBe(0);
  });
});

describe("an adversary making random legal moves", () => {
  // ROLLUP_RANDOM_GAMES=<n> plays more (8 in CI).
  const seeds = Array.from({ length: Number(process.env.ROLLUP_RANDOM_GAMES ?? 8) }, (_, i) => i + 1);
  test.each(seeds.map((seed) => ({ seed, honestDefender: seed % 2 === 0 })))(
    "test_randomLiar_honestWins (%o)",
    async ({ seed, honestDefender }) => {
      const divergeStep = 3 + (seed % 30);
      const s = await setupDispute(chain, params, {
        honestDefender,
        disputedTx: 2 + (seed % 8),
        divergeStep,
      });
      const rng = seeded(seed);
      const g = await openGame(s, s.challenger, params);
      const status = await playOut(s, g, (x) => randomMove(s, x, params, rng));
      expect(status).toBe(honestDefender ? 2 : 3);
      expect((await s.r.rollup.read.getAssertion([s.assertion])).status).toBe(honestDefender ? 1 : 3);
    },
  );
});

describe("delays to the last second", () => {
  test("test_bothSidesMoveAtTheLastSecond_honestStillWins_succeeds", async () => {
    // The liar (challenger) makes its first move at the last second of its deadline and every later one at the
    // last second of its clock; the honest defender answers with a reserve of a few seconds per move left.
    const s = await setupDispute(chain, params, { honestDefender: true, disputedTx: 6 });
    const { r } = s;
    const g = await openGame(s, s.dishonest, params);
    for (let guard = 0; guard < 60; guard++) {
      const c = await r.cm.read.getChallenge([g.id]);
      const left = Number(await r.cm.read.clockLeft([g.id]));
      const liar = g.challengerToMove;
      if (liar && left === 0) {
        // It spent its whole clock: it loses at the next second.
        await r.nextAt(Number(c.lastMoveAt) + 1);
        await r.send(r.cm, "timeout", [g.id]);
        break;
      }
      await r.nextAt(Number(c.lastMoveAt) + (liar ? left : Math.max(1, left - 90)));
      const result = await move(s, g, params);
      if (result === "proved") break;
      if (result === "stuck") {
        await r.nextAt(Number(c.lastMoveAt) + left + 1);
        await r.send(r.cm, "timeout", [g.id]);
        break;
      }
    }
    expect((await r.cm.read.getChallenge([g.id])).status).toBe(2);
  });
});

describe("forks several assertions deep", () => {
  test("test_lyingBranchThreeDeep_rejectedAndDead_honestBranchConfirms_succeeds", async () => {
    // genesis -> B1 (lying, by the proposer) -> B2 -> B3, and genesis -> A1 -> A2 (by the other proposer). A
    // watcher rejects B1; B2 and B3 become dead: a game on B3 is dismissed at once, both are rejected with their
    // bonds returned; A1 and A2 confirm.
    const s = await setupDispute(chain, params, { honestDefender: false, disputedTx: 6 });
    const { r } = s;
    const b2 = await proposeChild(r, s.assertion, params, accounts.proposer, undefined, "b2");
    const b3 = await proposeChild(r, b2, params, accounts.proposer, undefined, "b3");
    const genesis = await r.rollup.read.genesis();
    const a1 = await proposeChild(r, genesis, params, accounts.challenger, undefined, "a1");
    const a2 = await proposeChild(r, a1, params, accounts.challenger, undefined, "a2");
    await r.send(r.cm, "startChallenge", [b3], accounts.other, params.challengeBond);
    const onB3 = (await r.cm.read.challengeCount()) as bigint;
    const g = await openGame(s, as(s.honest, accounts.user), params);
    expect(await playOut(s, g)).toBe(3);
    expect(await r.rollup.read.isStanding([b2])).toBe(false);
    await r.send(r.rollup, "reject", [b2]);
    await r.send(r.cm, "dismiss", [onB3]);
    await r.send(r.rollup, "reject", [b3]);
    await r.advance(params.challengePeriod);
    await r.send(r.rollup, "confirm", [a1]);
    await r.send(r.rollup, "confirm", [a2]);
    expect(await r.rollup.read.latestConfirmed()).toBe(a2);
    // The proposer lost B1's bond and got B2's and B3's back; the watcher got its bond and the whole pool (the
    // only open game); the B3 challenger its bond.
    expect(await r.rollup.read.withdrawable([accounts.proposer])).toBe(2n * params.assertionBond);
    expect(await r.rollup.read.withdrawable([accounts.user])).toBe(pool);
    expect(await r.cm.read.withdrawable([accounts.other])).toBe(params.challengeBond);
    expect(await r.rollup.read.withdrawable([accounts.challenger])).toBe(2n * params.assertionBond);
  });
});
