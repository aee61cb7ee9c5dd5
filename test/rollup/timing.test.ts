// Exact-boundary timing: every deadline of the contracts at the second before, at, and after it (elapsed == left,
// now == endsAt, forced inclusion at exactly the delay, batch timestamps at both ends of the drift window), and
// same-block orderings (a timeout against a move, a dismissal against a timeout): the order inside a block decides,
// and either order leaves the bonds accounted for.
import type { Address, Hex } from "viem";
import { describe, expect, test } from "vitest";
import {
  bisectionValues,
  DEVNET_PARAMS,
  depositMessage,
  encodeBatch,
  type RollupParams,
  transactionHash,
} from "../../protocol/index.ts";
import { as, type Game, move, openGame } from "./driver.ts";
import { type Contract, createChain, deployRollup, hex, type Rollup, reverts } from "./fixture.ts";
import { type DisputeSetup, segmentArg, setupDispute } from "./game.ts";

const chain = await createChain();
const { accounts } = chain;
const params: RollupParams = { ...DEVNET_PARAMS, txGasLimit: 20, degree: 4 };

/** Sends the calls into one block, in this order (falling tips), and returns each one's status. */
async function sameBlock(
  r: Rollup,
  calls: { contract: Contract; fn: string; args: unknown[]; from: Address }[],
  timestamp?: number,
): Promise<("success" | "reverted")[]> {
  await chain.testClient.setAutomine(false);
  try {
    const hashes: Hex[] = [];
    for (let i = 0; i < calls.length; i++) {
      const c = calls[i];
      hashes.push(
        await c.contract.write[c.fn](c.args, {
          account: c.from,
          gas: 3_000_000n,
          maxPriorityFeePerGas: BigInt(1_000_000_000 * (calls.length - i)),
          maxFeePerGas: 100_000_000_000n,
        }),
      );
    }
    if (timestamp !== undefined) await r.nextAt(timestamp);
    await chain.testClient.mine({ blocks: 1 });
    const receipts = await Promise.all(
      hashes.map((hash) => chain.publicClient.waitForTransactionReceipt({ hash })),
    );
    expect(new Set(receipts.map((x) => x.blockNumber)).size).toBe(1);
    return receipts.map((x) => x.status);
  } finally {
    await chain.testClient.setAutomine(true);
  }
}

/** The time of the game's last move (what the clock of the party to move is charged from). */
const lastMoveAt = async (s: DisputeSetup, g: Game) =>
  Number((await s.r.cm.read.getChallenge([g.id])).lastMoveAt);

describe("chess clocks", () => {
  test("test_move_elapsedEqualsLeft_succeeds_andOneSecondLater_reverts", async () => {
    const s = await setupDispute(chain, params, { honestDefender: true, disputedTx: 6 });
    const g = await openGame(s, s.dishonest, params);
    await move(s, g, params);
    // The defender to move: its whole clock is left.
    const left = Number(await s.r.cm.read.clockLeft([g.id]));
    expect(left).toBe(params.clock);
    const t = await lastMoveAt(s, g);
    await s.r.nextAt(t + left + 1);
    await reverts(move(s, { ...g }, params), "ClockExpired");
    // A fresh game: the same move with elapsed == left goes through and leaves the defender 0 seconds.
    const g2 = await openGame(s, as(s.dishonest, accounts.other), params);
    await move(s, g2, params);
    const t2 = await lastMoveAt(s, g2);
    await s.r.nextAt(t2 + params.clock);
    await move(s, g2, params);
    expect((await s.r.cm.read.getChallenge([g2.id])).defenderClock).toBe(0n);
  });

  test("test_timeout_elapsedEqualsLeft_reverts_andOneSecondLater_succeeds", async () => {
    const s = await setupDispute(chain, params, { honestDefender: true, disputedTx: 6 });
    const g = await openGame(s, s.dishonest, params);
    await move(s, g, params);
    await move(s, g, params);
    // The challenger to move, after its first move: its clock, less what the first move took.
    const left = Number(await s.r.cm.read.clockLeft([g.id]));
    const c = await s.r.cm.read.getChallenge([g.id]);
    expect(left).toBe(Number(c.challengerClock));
    const t = await lastMoveAt(s, g);
    await s.r.nextAt(t + left);
    await reverts(s.r.send(s.r.cm, "timeout", [g.id]), "ClockNotExpired");
    await s.r.nextAt(t + left + 1);
    await s.r.send(s.r.cm, "timeout", [g.id]);
    expect((await s.r.cm.read.getChallenge([g.id])).status).toBe(2);
  });

  test("test_sameBlock_moveBeforeTimeout_moveWins_andTimeoutBeforeMove_timeoutWins", async () => {
    const s = await setupDispute(chain, params, { honestDefender: true, disputedTx: 6 });
    const { r } = s;
    // The challenger's first move at exactly its deadline, in the same block as the defender's timeout call.
    const first = async (g: Game) => {
      const values = bisectionValues(g.challenger.root, 0, s.txs.length, params.degree);
      return { values, args: [g.id, segmentArg(g.prev), 0n, values.map(hex)] };
    };
    const a = await openGame(s, s.dishonest, params);
    const ma = await first(a);
    const ta = await lastMoveAt(s, a);
    const orderA = await sameBlock(
      r,
      [
        { contract: r.cm, fn: "bisect", args: ma.args, from: a.challenger.address },
        { contract: r.cm, fn: "timeout", args: [a.id], from: s.defender.address },
      ],
      ta + params.firstMoveDeadline,
    );
    expect(orderA).toEqual(["success", "reverted"]);
    expect((await r.cm.read.getChallenge([a.id])).challengerMoved).toBe(true);
    // One second later the timeout comes first: the move finds the game ended.
    const b = await openGame(s, as(s.dishonest, accounts.other), params);
    const mb = await first(b);
    const tb = await lastMoveAt(s, b);
    const orderB = await sameBlock(
      r,
      [
        { contract: r.cm, fn: "timeout", args: [b.id], from: s.defender.address },
        { contract: r.cm, fn: "bisect", args: mb.args, from: accounts.other },
      ],
      tb + params.firstMoveDeadline + 1,
    );
    expect(orderB).toEqual(["success", "reverted"]);
    expect((await r.cm.read.getChallenge([b.id])).status).toBe(2);
  });

  test("test_sameBlock_dismissAndTimeout_eitherOrderRefundsOnce", async () => {
    // Two watchers on a lying assertion; in one block watcher A's timeout rejects the assertion and the proposer
    // times out watcher B (out of time too). Timeout(A) first: B's game ends as a dismissal (refund and share).
    // Timeout(B) first: the assertion still stood, so the proposer wins B's bond; then A rejects it.
    for (const aFirst of [true, false]) {
      const s = await setupDispute(chain, params, { honestDefender: false, disputedTx: 6 });
      const { r } = s;
      const a = await openGame(s, s.honest, params);
      const b = await openGame(s, as(s.honest, accounts.other), params);
      await move(s, a, params);
      await move(s, b, params);
      await move(s, b, params); // b's challenger to move
      await r.advance(params.clock + 1);
      const timeoutA = { contract: r.cm, fn: "timeout", args: [a.id], from: s.honest.address };
      const timeoutB = { contract: r.cm, fn: "timeout", args: [b.id], from: s.dishonest.address };
      const dismissB = { contract: r.cm, fn: "dismiss", args: [b.id], from: accounts.user };
      const order = aFirst ? [timeoutA, dismissB, timeoutB] : [timeoutB, timeoutA, dismissB];
      const statuses = await sameBlock(r, order);
      expect(statuses).toEqual(
        aFirst ? ["success", "success", "reverted"] : ["success", "success", "reverted"],
      );
      const cb = await r.cm.read.getChallenge([b.id]);
      const pool = params.assertionBond - (params.assertionBond * BigInt(params.burnShareBps)) / 10_000n;
      if (aFirst) {
        expect(cb.status).toBe(4);
        expect(await r.cm.read.withdrawable([accounts.other])).toBe(params.challengeBond);
        expect(await r.rollup.read.withdrawable([accounts.other])).toBe(pool / 2n);
        expect(await r.rollup.read.withdrawable([s.honest.address])).toBe(pool / 2n);
      } else {
        expect(cb.status).toBe(2);
        expect(await r.cm.read.withdrawable([accounts.other])).toBe(0n);
        expect(await r.rollup.read.withdrawable([s.honest.address])).toBe(pool);
      }
      expect((await r.rollup.read.getAssertion([s.assertion])).openChallenges).toBe(0);
    }
  });
});

describe("challenge period", () => {
  test("test_confirmAndStartChallenge_atEndsAt_succeedsAndReverts", async () => {
    const s = await setupDispute(chain, params, { honestDefender: true, disputedTx: 6 });
    const { r } = s;
    const created = Number((await r.rollup.read.getAssertion([s.assertion])).createdAt);
    const endsAt = created + params.challengePeriod;
    await r.nextAt(endsAt - 1);
    await reverts(r.send(r.rollup, "confirm", [s.assertion]), "ChallengePeriodNotOver");
    // A challenge at endsAt - 1 is in time (a reverted call mines no block: the timestamp is still free).
    await r.send(r.cm, "startChallenge", [s.assertion], accounts.other, params.challengeBond);
    const id = (await r.cm.read.challengeCount()) as bigint;
    await r.nextAt(endsAt);
    await reverts(
      r.send(r.cm, "startChallenge", [s.assertion], accounts.user, params.challengeBond),
      "ChallengePeriodOver",
    );
    await r.nextAt(endsAt + params.firstMoveDeadline);
    await r.send(r.cm, "timeout", [id]);
    const s2 = await setupDispute(chain, params, { honestDefender: true, disputedTx: 6 });
    const created2 = Number((await s2.r.rollup.read.getAssertion([s2.assertion])).createdAt);
    await s2.r.nextAt(created2 + params.challengePeriod);
    await s2.r.send(s2.r.rollup, "confirm", [s2.assertion]);
    expect(await s2.r.rollup.read.latestConfirmed()).toBe(s2.assertion);
  });
});

describe("inbox", () => {
  test("test_forceInclusion_exactlyAtDelay_succeeds", async () => {
    const r = await deployRollup(chain, { params });
    await r.start();
    await r.send(r.token, "mint", [accounts.user, 10n]);
    await r.send(r.token, "approve", [r.bridge.address, 10n], accounts.user);
    const receipt = await r.send(r.bridge, "deposit", [10n, accounts.user, 0], accounts.user);
    const queuedAt = Number(
      (await chain.publicClient.getBlock({ blockNumber: receipt.blockNumber })).timestamp,
    );
    const h = hex(transactionHash(depositMessage(accounts.user, 0, 10n)));
    const force = () => r.send(r.inbox, "forceInclusion", [1n, BigInt(queuedAt), h], accounts.other);
    await r.nextAt(queuedAt + params.forceInclusionDelay - 1);
    await reverts(force(), "ForceInclusionTooEarly");
    await r.nextAt(queuedAt + params.forceInclusionDelay);
    await force();
    expect(await r.inbox.read.delayedConsumed()).toBe(1n);
  });

  test("test_postBatch_timestampAtBothEndsOfDrift_succeeds", async () => {
    const r = await deployRollup(chain, { params });
    const post = (ts: number) =>
      r.send(r.inbox, "postBatch", [hex(encodeBatch([Uint8Array.of(1, 2)])), BigInt(ts), 0n]);
    const t0 = (await r.now()) + 10;
    // The earliest allowed: exactly maxTimestampDrift behind L1; one second more is refused.
    await r.nextAt(t0);
    await reverts(post(t0 - params.maxTimestampDrift - 1), "BadTimestamp");
    await r.nextAt(t0);
    await post(t0 - params.maxTimestampDrift);
    // The latest allowed: L1's own time; one second ahead is refused.
    await r.nextAt(t0 + 5);
    await reverts(post(t0 + 6), "BadTimestamp");
    await r.nextAt(t0 + 5);
    await post(t0 + 5);
    // Equal to the previous batch's is allowed, one second before it is not.
    await r.nextAt(t0 + 6);
    await reverts(post(t0 + 4), "BadTimestamp");
    await r.nextAt(t0 + 6);
    await post(t0 + 5);
    expect(await r.inbox.read.batchCount()).toBe(3n);
  });
});
