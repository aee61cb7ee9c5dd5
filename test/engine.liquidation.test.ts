// Liquidation through the fast runner: below maintenance only, partial first, penalty split
// between liquidator and insurance fund, bad debt absorbed by the fund.
import { describe, expect, it } from "vitest";
import { Outcome, Side, TimeInForce } from "../protocol/engine/index.ts";
import { EngineHarness, TestExchange, testAccount } from "./engineHarness.ts";

const [alice, bob, dan] = [testAccount(10), testAccount(11), testAccount(13)];
const ONE = 100_000_000n;
const P100 = 100_000_000n;

function liquidate(x: TestExchange, by: typeof bob, victim: number, quantity: bigint) {
  return x.send(by.address, "LIQUIDATE", { subaccount: 0n, market: 0n, accountId: BigInt(victim), quantity });
}

function leveredLong(): { x: TestExchange; victim: number } {
  const x = new TestExchange(new EngineHarness());
  x.setup();
  x.deposit(alice.address, 1_000_000_000_000n);
  x.deposit(bob.address, 1_000_000_000_000n);
  x.deposit(dan.address, 12_000_000n);
  x.order(alice.address, Side.SELL, P100, ONE);
  expect(x.order(dan.address, Side.BUY, P100, ONE, { tif: TimeInForce.IOC }).code).toBe(Outcome.OK);
  x.order(dan.address, Side.SELL, 2n * P100, ONE / 10n); // a resting order the liquidation cancels
  return { x, victim: x.accountId(dan.address) };
}

function nextPrice(x: TestExchange, price: bigint) {
  x.h.context = { ...x.h.context, timestamp: x.h.context.timestamp + 1n };
  expect(x.setPrice(0n, price).code).toBe(Outcome.OK);
}

describe("engine liquidation", () => {
  it("only below maintenance, never oneself", () => {
    const { x, victim } = leveredLong();
    nextPrice(x, 93_000_000n); // equity 4.95, maintenance 4.65
    expect(liquidate(x, bob, victim, ONE).code).toBe(Outcome.NOT_LIQUIDATABLE);
    nextPrice(x, 92_000_000n); // equity 3.95, maintenance 4.6
    expect(
      x.send(dan.address, "LIQUIDATE", {
        subaccount: 0n,
        market: 0n,
        accountId: BigInt(victim),
        quantity: ONE,
      }).code,
    ).toBe(Outcome.SELF_LIQUIDATION);
    expect(liquidate(x, bob, 999, ONE).code).toBe(Outcome.UNKNOWN_ACCOUNT);
  });

  it("takes half the position first, at the mark, with the penalty split, and restores the account", () => {
    const { x, victim } = leveredLong();
    nextPrice(x, 92_000_000n);
    const bobBefore = x.account(bob.address).collateral;
    expect(liquidate(x, bob, victim, ONE).code).toBe(Outcome.OK);
    // half of 1 base at 92: notional 46e6, penalty 1% = 460,000: 230,000 each to liquidator and fund
    expect(x.position(dan.address)).toEqual({
      base: ONE / 2n,
      quote: -54_000_000n,
      openBid: 0n,
      openAsk: 0n,
    });
    expect(x.account(dan.address).collateral).toBe(12_000_000n - 50_000n - 460_000n);
    expect(x.position(bob.address)).toMatchObject({ base: ONE / 2n, quote: -46_000_000n });
    expect(x.account(bob.address).collateral).toBe(bobBefore + 230_000n);
    expect(x.totals().insuranceFund).toBe(230_000n);
    // equity 3.49e6 >= maintenance 2.3e6: no longer liquidatable
    expect(liquidate(x, bob, victim, ONE).code).toBe(Outcome.NOT_LIQUIDATABLE);
  });

  it("takes the whole position of a bankrupt account; the fund pays its bad debt when it can", () => {
    const { x, victim } = leveredLong();
    nextPrice(x, 92_000_000n);
    liquidate(x, bob, victim, ONE);
    nextPrice(x, 89_000_000n); // equity 11.49 - 54 + 44.5 = 1.99e6 < maintenance 2.225e6, not bankrupt
    expect(liquidate(x, bob, victim, ONE).code).toBe(Outcome.OK);
    // not bankrupt: half at most, penalty 1% of 22.25 = 222,500 (at most the equity)
    expect(x.position(dan.address).base).toBe(ONE / 4n);
  });

  it("a bankrupt account's deficit beyond the fund is auto-deleveraged against the most profitable short", () => {
    const { x, victim } = leveredLong();
    nextPrice(x, 92_000_000n);
    liquidate(x, bob, victim, ONE); // bob takes 0.5 long at 92; the fund gets 230,000
    nextPrice(x, 80_000_000n); // dan: equity 11.49 - 54 + 40 = -2.51e6, more than the fund holds
    const alicePos = x.position(alice.address); // alice: short 1 at 100, 20 quote of profit
    expect(alicePos.base).toBe(-ONE);
    expect(liquidate(x, bob, victim, ONE).code).toBe(Outcome.OK);
    expect(x.position(dan.address)).toEqual({ base: 0n, quote: 0n, openBid: 0n, openAsk: 0n });
    expect(x.account(dan.address).collateral).toBe(0n);
    // bob (a long, like dan) took nothing more: the close went to alice, the opposite side
    expect(x.position(bob.address).base).toBe(ONE / 2n);
    // alice bought 0.5 back at the bankruptcy price 80 + (2.51e6 - 230,000 + 4 slack) / 0.5 = 84.560008
    expect(x.position(alice.address)).toMatchObject({ base: -ONE / 2n });
    // the fund paid all it had (the slack's 4 units stay in it); no one is left negative
    expect(x.totals().insuranceFund).toBe(4n);
  });
});
