// Random transaction sequences from many accounts (orders of every kind, cancels, oracle
// moves including crashes and x100 jumps, deposits, withdrawals, transfers, colluding pairs
// and orders far from the mark) through the fast runner. After every transaction: collateral
// is conserved exactly, the insurance fund and every option settlement pool are not negative,
// and no account without positions has negative collateral (so every payout was backed). Every
// 250 transactions also: positions net to zero per market, the book's bookkeeping agrees with
// the resting orders, and each market's holder list is well linked and lists every holder.
// ENGINE_PROPERTY_RUNS / ENGINE_PROPERTY_TXS size it (CI: 100 x 1,000).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeAccount, decodePosition, engineKeys, Outcome } from "../protocol/engine/index.ts";
import { checkInvariants, checkSolvency } from "./engineInvariants.ts";
import { actionSequence, propertyExchange, runAction } from "./engineSequences.ts";

const RUNS = Number(process.env.ENGINE_PROPERTY_RUNS ?? 100);
const TXS = Number(process.env.ENGINE_PROPERTY_TXS ?? 1_000);

describe("engine property: random sequences", () => {
  it(`conserves collateral exactly over ${RUNS} sequences of ${TXS} transactions`, () => {
    const codes = new Map<number, number>();
    let liquidations = 0;
    fc.assert(
      fc.property(actionSequence(TXS), (actions) => {
        const { x, prices } = propertyExchange();
        for (let i = 0; i < actions.length; i++) {
          const a = actions[i];
          const c = runAction(x, prices, a);
          if (a.k === "liquidate" && c === Outcome.OK) {
            liquidations++;
            // A liquidation that leaves the account without positions leaves it solvent (bad debt went to the fund).
            const acct = decodeAccount(x.h.get(engineKeys.account(a.victim)));
            const flat = [0, 1, 2].every(
              (m) => decodePosition(x.h.get(engineKeys.position(a.victim, m))).base === 0n,
            );
            if (flat) expect(acct.collateral >= 0n).toBe(true);
          }
          codes.set(c, (codes.get(c) ?? 0) + 1);
          checkSolvency(x, { i, a, c });
          if (i % 250 === 249) checkInvariants(x);
        }
        checkInvariants(x);
      }),
      // No shrinking: replaying shortened 1,000-transaction sequences takes too long to be useful.
      { numRuns: RUNS, endOnFailure: true },
    );
    if (process.env.ENGINE_PROPERTY_VERBOSE) console.log(Object.fromEntries(codes), { liquidations });
    if (RUNS >= 10) expect(liquidations).toBeGreaterThan(0);
    // The sequences exercise successes and the main rejections, not only one path.
    expect(codes.get(Outcome.OK) ?? 0).toBeGreaterThan(RUNS * TXS * 0.3);
    for (const c of [
      Outcome.INSUFFICIENT_COLLATERAL,
      Outcome.ORDER_NOT_FOUND,
      Outcome.REDUCE_ONLY_REJECTED,
      Outcome.NOT_LIQUIDATABLE,
      Outcome.PRICE_OUT_OF_BAND,
      Outcome.INSUFFICIENT_MARGIN,
    ]) {
      expect(codes.get(c) ?? 0).toBeGreaterThan(0);
    }
  });
});
