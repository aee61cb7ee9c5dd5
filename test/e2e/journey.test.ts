/**
 * A user's full journey through the SDK only, on `./optio devnet` as a user starts it, with the short-expiry
 * call and put (OPTIO_DEVNET_SHORT_EXPIRY_S, markets 20 and 21): the trader (Hardhat #1) and an option seller
 * (Hardhat #2; the devnet's market maker quotes perpetuals only) deposit with depositToL2 and are credited on L2;
 * the seller offers one call and one put at the money, the trader lifts both (a straddle, so the payoff is |S - K|
 * whichever way ETH went) and buys and sells back 0.01 ETH of the perpetual against the market-making bot; after
 * expiry the engine fixes the settlement price from the index alone, and client.settle (the unsigned SETTLE) settles
 * the short, then the long; the trader withdraws all its free collateral, the batch is asserted, L1's clock is
 * moved past the challenge period (the test's stand-in for waiting five minutes), the assertion is confirmed and
 * claimWithdrawal pays on L1. Then, to the unit:
 *
 *   L1:  trader's token balance after - before = -deposit + withdrawn
 *   L2:  withdrawn = deposit - fees - premium + realized PnL + payoff     (and the account is left with 0)
 *
 * every term from the API: fees, premium (option notional) and realized PnL (perpetual notional sold - bought) from
 * the fills in the ORDER receipts, the payoff from each series' settlement price in optio_getMarkets by the engine's
 * rounding (journeyLedger.ts); funding is checked to be zero (the perpetual's cumulative funding did not move while
 * it was held). The seller's collateral closes the same way from its side of the same fills. No CLI and no contract
 * call the SDK does not wrap; the L1 token balance is read (a view) to reconcile. Prints one JSON line of timings.
 */
import { createPublicClient, createWalletClient, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, expect, test } from "vitest";
import { SHORT_EXPIRY_FIRST_MARKET } from "../../cli/devnet/devnetMarkets.ts";
import { HARDHAT_TEST_KEYS, readDeployment } from "../../deploy/index.ts";
import { testTokenAbi } from "../../l1/index.ts";
import { createOptioClient, depositToL2, type OptioClient } from "../../sdk/index.ts";
import type { Fill, MarketView, SubaccountView } from "../../sequencer/api/index.ts";
import { type DevnetProcess, startDevnetProcess } from "./devnetProcess.ts";
import { fillsOf, ledger, notional, optionPayoff, settlementAmount } from "./journeyLedger.ts";
import { until as untilOr } from "./until.ts";

/** Seconds from the devnet's market setup to the short series' expiry: its start, the deposits and the trades fit. */
const EXPIRY_S = process.env.OPTIO_DEVNET_SHORT_EXPIRY_S ?? "150";
const TRADER = privateKeyToAccount(HARDHAT_TEST_KEYS[1]);
const SELLER = privateKeyToAccount(HARDHAT_TEST_KEYS[2]);
/** The devnet's market-making bot (docs/devnet.md: Hardhat #4). */
const MARKET_MAKER = privateKeyToAccount(HARDHAT_TEST_KEYS[4]).address.toLowerCase();
const PERP = 1;
const CALL = SHORT_EXPIRY_FIRST_MARKET;
const PUT = SHORT_EXPIRY_FIRST_MARKET + 1;
const OPTIONS = new Set([CALL, PUT]);
const UNIT = 1_000_000n; // tUSD has 6 decimals
const DEPOSIT = 1_000n * UNIT;
const SELLER_DEPOSIT = 5_000n * UNIT;
const CONTRACTS = 100_000_000n; // one contract of one ETH (qtyE8)
const PERP_QTY = 1_000_000n; // 0.01 ETH

let devnet: DevnetProcess | undefined;
const clients: OptioClient[] = [];

afterAll(async () => {
  for (const c of clients) c.close();
  await devnet?.stop();
}, 30_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const until = <T>(what: string, f: () => Promise<T | null | undefined | false>, ms: number) =>
  untilOr(what, f, ms, {
    pollMs: 500,
    gone: () =>
      devnet !== undefined && devnet.child.exitCode !== null
        ? `the devnet exited (${devnet.child.exitCode}):\n${devnet.stderr().slice(-2000)}`
        : undefined,
    explain: () => `the devnet's stderr ends:\n${devnet?.stderr().slice(-2000)}`,
  });
test("journey_depositTradeSettleWithdrawClaim_reconcilesToTheUnit", async () => {
  const t0 = Date.now();
  const timings: Record<string, number> = {};
  const lap = (what: string) => {
    timings[what] = Math.round((Date.now() - t0) / 100) / 10;
  };
  devnet = await startDevnetProcess([], 240_000, { OPTIO_DEVNET_SHORT_EXPIRY_S: EXPIRY_S });
  lap("devnetReady");
  const d = readDeployment(devnet.out);
  const l1Url = `http://127.0.0.1:${devnet.ports.l1}`;
  const api = `http://127.0.0.1:${devnet.ports.api}`;
  const transport = http(l1Url, { retryCount: 0 });
  const pub = createPublicClient({ transport });
  const traderWallet = createWalletClient({ account: TRADER, transport });
  const sellerWallet = createWalletClient({ account: SELLER, transport });
  const trader = createOptioClient({ url: api, account: TRADER });
  const seller = createOptioClient({ url: api, account: SELLER });
  clients.push(trader, seller);
  const l1Rpc = async (method: string, params: unknown[] = []) => {
    const r = await fetch(l1Url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    });
    const body = (await r.json()) as { error?: { message: string } };
    if (body.error !== undefined) throw new Error(`${method}: ${body.error.message}`);
  };
  const tokenBalance = () =>
    pub.readContract({
      address: d.token.address,
      abi: testTokenAbi,
      functionName: "balanceOf",
      args: [TRADER.address],
    });
  const subaccount = async (c: OptioClient): Promise<SubaccountView> => (await c.getAccount()).subaccounts[0];
  const market = async (m: number): Promise<MarketView> => {
    const found = (await trader.getMarkets()).find((x) => x.market === m);
    if (found === undefined) throw new Error(`market ${m} is not listed`);
    return found;
  };
  const l1Before = await tokenBalance();

  // Deposit on L1 through the bridge; credited on L2.
  const bridge = { publicClient: pub, token: d.token.address, bridge: d.contracts.bridge.address };
  await Promise.all([
    depositToL2({ ...bridge, walletClient: traderWallet, amount: DEPOSIT }),
    depositToL2({ ...bridge, walletClient: sellerWallet, amount: SELLER_DEPOSIT }),
  ]);
  expect(await tokenBalance()).toBe(l1Before - DEPOSIT);
  await until(
    "both deposits credited on L2",
    async () =>
      (await subaccount(trader))?.collateral === DEPOSIT.toString() &&
      (await subaccount(seller))?.collateral === SELLER_DEPOSIT.toString(),
    60_000,
  );
  lap("depositsCredited");
  const traderId = (await subaccount(trader)).accountId;
  const sellerId = (await subaccount(seller)).accountId;

  // The short series, as the API lists them; enough time left to trade them.
  const call = await market(CALL);
  const put = await market(PUT);
  expect([call.kind, call.option?.isCall, put.kind, put.option?.isCall]).toEqual([
    "option",
    true,
    "option",
    false,
  ]);
  const expiry = Number(call.option?.expiry);
  expect([put.option?.expiry, put.option?.strike]).toEqual([call.option?.expiry, call.option?.strike]);
  const left = expiry - Date.now() / 1000;
  if (left < 15)
    throw new Error(
      `only ${left.toFixed(0)} s to the series' expiry once the devnet was ready (${timings.devnetReady} s after start): run with a larger OPTIO_DEVNET_SHORT_EXPIRY_S (now ${EXPIRY_S})`,
    );

  // The seller offers one contract of each a tick above its mark; the trader lifts both.
  const optionFills: Fill[] = [];
  for (const m of [CALL, PUT]) {
    const view = await until(
      "a fresh option mark",
      async () => {
        const v = await market(m);
        return v.markPrice === null ? null : v;
      },
      20_000,
    );
    const tick = BigInt(view.tickSize);
    const price = (BigInt(view.markPrice as string) / tick + 1n) * tick;
    const order = { market: BigInt(m), subaccount: 0n, reduceOnly: false, price, quantity: CONTRACTS };
    const ask = await seller.send("ORDER", { ...order, side: 1n, timeInForce: 0n });
    expect(ask, `ask on ${m}`).toMatchObject({ outcomeName: "OK", resting: true });
    const bid = await trader.send("ORDER", { ...order, side: 0n, timeInForce: 1n });
    expect(bid.outcomeName, `bid on ${m}`).toBe("OK");
    expect(bid.fills).toHaveLength(1);
    expect([bid.fills[0].maker.toLowerCase(), bid.fills[0].price, bid.fills[0].quantity]).toEqual([
      SELLER.address.toLowerCase(),
      price.toString(),
      CONTRACTS.toString(),
    ]);
    optionFills.push(...bid.fills);
  }
  lap("optionsBought");
  // Before expiry a SETTLE is pending and changes nothing.
  expect((await trader.settle(CALL, traderId)).outcomeName).toBe("SETTLEMENT_PENDING");

  // The perpetual against the bot: buy 0.01 ETH, sell it back (reduce-only), IOC, retried while the bot requotes.
  const fundingBefore = (await market(PERP)).funding?.cumulative;
  const perpFills: Fill[] = [];
  const take = async (side: 0n | 1n) => {
    let remaining = PERP_QTY;
    for (let attempt = 0; remaining > 0n; attempt++) {
      if (attempt === 30)
        throw new Error(`perpetual side ${side}: ${remaining} qtyE8 not filled in 30 tries`);
      const m = await market(PERP);
      const index = BigInt(m.indexPrice as string);
      const tick = BigInt(m.tickSize);
      // Through the bot's three levels (0.1% apart) and no further: 0.5% from the index, inside the 10% band.
      const price =
        side === 0n
          ? ((index * 1_005n) / 1_000n / tick + 1n) * tick
          : ((index * 995n) / 1_000n / tick) * tick;
      const r = await trader.send("ORDER", {
        market: BigInt(PERP),
        subaccount: 0n,
        side,
        timeInForce: 1n,
        reduceOnly: side === 1n,
        price,
        quantity: remaining,
      });
      expect(r.outcomeName).toBe("OK");
      for (const f of r.fills) {
        expect(f.maker.toLowerCase()).toBe(MARKET_MAKER);
        remaining -= BigInt(f.quantity);
      }
      perpFills.push(...r.fills);
      if (remaining > 0n) await sleep(500);
    }
  };
  await take(0n);
  await take(1n);
  lap("perpetualRoundTrip");
  expect((await market(PERP)).funding?.cumulative).toBe(fundingBefore); // no funding term

  // Collateral so far: deposit - fees + realized PnL; the premium sits in the option positions' quote.
  const traderFills = [...fillsOf(optionFills, TRADER.address), ...fillsOf(perpFills, TRADER.address)];
  const open = ledger({
    deposited: DEPOSIT,
    withdrawn: 0n,
    fills: traderFills,
    optionMarkets: OPTIONS,
    settlements: [],
  });
  const beforeExpiry = await subaccount(trader);
  expect(BigInt(beforeExpiry.collateral)).toBe(open.collateral + open.premium);
  // The perpetual's position is flat (realized); each option's quote is minus its premium.
  const held = beforeExpiry.positions.filter((p) => p.base !== "0" || p.quote !== "0");
  expect(held.map((p) => [p.market, p.base, p.quote])).toEqual(
    fillsOf(optionFills, TRADER.address).map((f) => [
      f.market,
      CONTRACTS.toString(),
      (-notional(f)).toString(),
    ]),
  );

  // Expiry; the first index update at or after it fixes the settlement price (the TWAP of the window before it).
  const settlementPrice = await until(
    "the settlement price fixed",
    async () => {
      const [c, p] = [
        (await market(CALL)).option?.settlementPrice,
        (await market(PUT)).option?.settlementPrice,
      ];
      return c && p ? [BigInt(c), BigInt(p)] : null;
    },
    Math.max(0, expiry * 1000 - Date.now()) + 60_000,
  );
  lap("settlementPriceFixed");
  expect(settlementPrice[1]).toBe(settlementPrice[0]); // one underlying, one expiry, one window
  const S = settlementPrice[0];
  const strike = BigInt(call.option?.strike as string);
  const payoff = { [CALL]: optionPayoff(true, strike, S), [PUT]: optionPayoff(false, strike, S) };

  // SETTLE, unsigned, through the SDK: the short pays in first; a long in the money before it is pending.
  for (const m of [CALL, PUT]) {
    if (payoff[m] > 0n) expect((await trader.settle(m, traderId)).outcomeName).toBe("SETTLEMENT_PENDING");
    expect((await trader.settle(m, sellerId)).outcomeName, `short on ${m}`).toBe("OK");
    expect((await seller.settle(m, traderId)).outcomeName, `long on ${m}`).toBe("OK");
    expect((await trader.settle(m, traderId)).outcomeName).toBe("NOTHING_TO_SETTLE");
  }
  lap("settled");
  const settled = await subaccount(trader);
  expect(settled.positions.filter((p) => p.base !== "0" || p.quote !== "0")).toEqual([]);
  expect(settled.openOrders).toEqual([]);
  const closed = ledger({
    deposited: DEPOSIT,
    withdrawn: 0n,
    fills: traderFills,
    optionMarkets: OPTIONS,
    settlements: [settlementAmount(CONTRACTS, payoff[CALL]), settlementAmount(CONTRACTS, payoff[PUT])],
  });
  expect(BigInt(settled.collateral)).toBe(closed.collateral);
  // The seller, from its side of the same fills: premium received, maker fees, the payoff paid (rounded up).
  const sellerLedger = ledger({
    deposited: SELLER_DEPOSIT,
    withdrawn: 0n,
    fills: fillsOf(optionFills, SELLER.address),
    optionMarkets: OPTIONS,
    settlements: [settlementAmount(-CONTRACTS, payoff[CALL]), settlementAmount(-CONTRACTS, payoff[PUT])],
  });
  expect(BigInt((await subaccount(seller)).collateral)).toBe(sellerLedger.collateral);

  // Withdraw all the free collateral (all of it: nothing is open).
  const free = BigInt(settled.margin.freeCollateral);
  expect(free).toBe(BigInt(settled.collateral));
  const w = await trader.send("WITHDRAW", { subaccount: 0n, amount: free });
  expect(w.outcomeName).toBe("OK");
  expect((await subaccount(trader)).collateral).toBe("0");
  const mine = (await trader.getWithdrawals()).find((x) => x.txHash === w.txHash);
  expect([mine?.amount, mine?.recipient.toLowerCase()]).toEqual([
    free.toString(),
    TRADER.address.toLowerCase(),
  ]);
  const index = BigInt(mine?.index as string);
  lap("withdrawn");

  // Posted and asserted; L1's clock past the challenge period; the sequencer confirms; claim on L1.
  const stage = async (s: string) =>
    (await trader.getWithdrawals()).find((x) => BigInt(x.index) === index && x.stage === s);
  await until("the withdrawal asserted", () => stage("asserted"), 90_000);
  lap("asserted");
  await l1Rpc("evm_increaseTime", [Number(d.params.challengePeriod) + 1]);
  await l1Rpc("evm_mine");
  await until("the assertion confirmed (withdrawal claimable)", () => stage("claimable"), 90_000);
  lap("confirmed");
  const claimed = await trader.claimWithdrawal({
    walletClient: traderWallet,
    publicClient: pub,
    index,
    outbox: d.contracts.outbox.address,
  });
  expect([claimed.amount, claimed.recipient.toLowerCase()]).toEqual([free, TRADER.address.toLowerCase()]);
  lap("claimed");

  // To the unit, on L1 and on L2.
  const l1Change = (await tokenBalance()) - l1Before;
  expect(l1Change).toBe(-DEPOSIT + free);
  const final = ledger({
    deposited: DEPOSIT,
    withdrawn: free,
    fills: traderFills,
    optionMarkets: OPTIONS,
    settlements: [settlementAmount(CONTRACTS, payoff[CALL]), settlementAmount(CONTRACTS, payoff[PUT])],
  });
  expect(final.collateral).toBe(0n);
  expect(free).toBe(DEPOSIT - final.fees - final.premium + final.realizedPnl + final.payoff);
  expect((await subaccount(trader)).collateral).toBe("0");
  await until("the withdrawal shown claimed", () => stage("claimed"), 30_000);
  lap("done");
  console.log(
    JSON.stringify({
      test: "journey",
      shortExpiryS: Number(EXPIRY_S),
      seconds: timings,
      secondsToExpiryWhenReady: Math.round(left),
      settlementPrice: S.toString(),
      strike: strike.toString(),
      deposited: DEPOSIT.toString(),
      withdrawn: free.toString(),
      fees: final.fees.toString(),
      premium: final.premium.toString(),
      realizedPnl: final.realizedPnl.toString(),
      payoff: final.payoff.toString(),
      l1Change: l1Change.toString(),
    }),
  );
}, 420_000);
