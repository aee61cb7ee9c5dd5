/**
 * `./optio trade SUBCOMMAND`: a trader's commands against a running sequencer (and, for deposits,
 * the L1 bridge), through the SDK only. Amounts are human decimals: prices and collateral in the
 * token's units (6 decimals: "3000.5"), quantities in base units (8 decimals: "0.25").
 */
import { parseArgs } from "node:util";
import { createPublicClient, createWalletClient, type Hex, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { HARDHAT_TEST_KEYS, readDeployment } from "../deploy/index.ts";
import {
  ClaimRevertedError,
  createOptioClient,
  depositToL2,
  NotClaimableError,
  type OptioClient,
  OptioRpcError,
  OptioTransportError,
} from "../sdk/index.ts";
import type { Receipt, WithdrawalView } from "../sequencer/api/index.ts";
import { CliError } from "./CliError.ts";
import { printClaimed, printClaimsJson } from "./claimOutput.ts";
import { claimFromVerifier, DEFAULT_VERIFIER_URL, sendForced } from "./forced.ts";
import { formatUnits, parseUnits } from "./units.ts";

const COLLATERAL_DECIMALS = 6;
const QTY_DECIMALS = 8;
/** The sequencer API the devnet starts (OPTIO_API_URL moves it). */
export const DEFAULT_API_URL = "http://127.0.0.1:8547";
const DEFAULT_DEPLOYMENT = ".optio/devnet.json";

const USAGE = `usage: ./optio trade COMMAND [options]
  order       --market M --side buy|sell --price P --qty Q [--tif gtc|ioc|fok|post] [--reduce-only]
  cancel      --market M --order ID
  cancel-all  --market M          [--forced ...: as for withdraw]
  account     (balances, positions, open orders, margin)   positions (positions only)
  book        --market M [--depth N]
  markets     every market with its parameters and prices
  withdraw    --amount A          (L2: moves collateral to the outbox, claimable on L1 after confirmation)
              [--forced [--nonce N] [--from-verifier URL]]  without the sequencer: signed and queued in the L1
                                  bridge's delayed inbox; forced in after forceInclusionDelay (./optio l1 force-include).
                                  The nonce: --nonce, else a verifier's replay of L1 (--from-verifier, default
                                  $OPTIO_VERIFIER_URL or ${DEFAULT_VERIFIER_URL} when the sequencer does not answer)
  withdrawals                     your withdrawals: outbox index, amount, batch, stage on the way to L1
  claim       [--index I] [--from-verifier URL]  (L1: Outbox.claim of withdrawal I, or of every claimable one of
                                  the account; the proof from the sequencer, or from a verifier's replay of L1 with
                                  --from-verifier or when the sequencer does not answer)
  deposit     --amount A          (L1: approve + Bridge.deposit; credited on L2 when the sequencer includes it)
options for all: --api URL (default $OPTIO_API_URL or ${DEFAULT_API_URL}), --key HEX (default $OPTIO_KEY) or
  --account N (Hardhat test account N, 0-7; default 1), --subaccount N (default 0), --deployment FILE, --json`;

const OPTIONS = {
  api: { type: "string" },
  key: { type: "string" },
  account: { type: "string" },
  subaccount: { type: "string" },
  deployment: { type: "string" },
  market: { type: "string" },
  side: { type: "string" },
  price: { type: "string" },
  qty: { type: "string" },
  tif: { type: "string" },
  "reduce-only": { type: "boolean" },
  order: { type: "string" },
  depth: { type: "string" },
  amount: { type: "string" },
  index: { type: "string" },
  forced: { type: "boolean" },
  nonce: { type: "string" },
  "from-verifier": { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean" },
} as const;

const TIF = { gtc: 0n, ioc: 1n, fok: 2n, post: 3n } as const;

function integer(text: string | undefined, what: string, max: number): number {
  if (text === undefined)
    throw new CliError(`--${what} is required`, `add --${what} N (./optio trade --help)`);
  if (!/^\d+$/.test(text) || Number(text) > max)
    throw new CliError(`--${what}: expected an integer from 0 to ${max}, got "${text}"`, `e.g. --${what} 1`);
  return Number(text);
}

/** The trader's key: --key, $OPTIO_KEY, or Hardhat test account --account N (default 1). */
export function keyOf(v: { key?: string; account?: string }): Hex {
  const key = v.key ?? process.env.OPTIO_KEY;
  if (key !== undefined) {
    if (!/^0x[0-9a-fA-F]{64}$/.test(key))
      throw new CliError("--key: expected 0x followed by 64 hex digits", "pass the private key as 0x...");
    return key as Hex;
  }
  return HARDHAT_TEST_KEYS[integer(v.account ?? "1", "account", HARDHAT_TEST_KEYS.length - 1)];
}

function describeReceipt(r: Receipt): string {
  const lines = [
    `${r.type} ${r.outcomeName} (outcome ${r.outcome}) tx ${r.txHash} block ${r.block} seq ${r.seq}`,
  ];
  if (r.orderId !== null) lines.push(`order id ${r.orderId}${r.resting ? ", resting on the book" : ""}`);
  for (const f of r.fills)
    lines.push(
      `fill ${formatUnits(f.quantity, QTY_DECIMALS)} @ ${formatUnits(f.price, COLLATERAL_DECIMALS)} against order ${f.makerOrderId} (taker fee ${formatUnits(f.takerFee, COLLATERAL_DECIMALS)})`,
    );
  return lines.join("\n  ");
}

export async function tradeCommand(argv: readonly string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === "--help" || sub === "help") {
    console.log(USAGE);
    return sub === undefined ? 2 : 0;
  }
  const { values: v } = parseArgs({ args: rest, options: OPTIONS, strict: true });
  const account = privateKeyToAccount(keyOf(v));
  const api = v.api ?? process.env.OPTIO_API_URL ?? DEFAULT_API_URL;
  const client = createOptioClient({ url: api, account });
  const subaccount = BigInt(integer(v.subaccount ?? "0", "subaccount", 255));
  const out = (human: string, data: unknown) => console.log(v.json ? JSON.stringify(data, null, 2) : human);
  try {
    switch (sub) {
      case "order": {
        const side = v.side === "buy" ? 0n : v.side === "sell" ? 1n : undefined;
        if (side === undefined)
          throw new CliError(`--side: expected buy or sell, got "${v.side ?? ""}"`, "add --side buy");
        const tif = TIF[(v.tif ?? "gtc") as keyof typeof TIF];
        if (tif === undefined)
          throw new CliError(`--tif: expected gtc, ioc, fok or post, got "${v.tif}"`, "e.g. --tif ioc");
        if (v.price === undefined || v.qty === undefined)
          throw new CliError("--price and --qty are required", "e.g. --price 3000 --qty 0.5");
        const r = await client.send("ORDER", {
          market: BigInt(integer(v.market, "market", 65_535)),
          subaccount,
          side,
          timeInForce: tif,
          reduceOnly: v["reduce-only"] ?? false,
          price: parseUnits(v.price, COLLATERAL_DECIMALS, "price"),
          quantity: parseUnits(v.qty, QTY_DECIMALS, "qty"),
        });
        out(describeReceipt(r), r);
        return r.outcome === 0 ? 0 : 1;
      }
      case "cancel": {
        if (v.order === undefined || !/^\d+$/.test(v.order))
          throw new CliError("--order: expected an order id", "see the ids with ./optio trade account");
        const r = await client.send("CANCEL", {
          market: BigInt(integer(v.market, "market", 65_535)),
          subaccount,
          orderId: BigInt(v.order),
        });
        out(describeReceipt(r), r);
        return r.outcome === 0 ? 0 : 1;
      }
      case "cancel-all": {
        const body = { market: BigInt(integer(v.market, "market", 65_535)), subaccount };
        if (v.forced)
          return await sendForced(
            client,
            account,
            () => readDeploymentOr(v.deployment ?? DEFAULT_DEPLOYMENT),
            "CANCEL_ALL",
            body,
            v,
          );
        const r = await client.send("CANCEL_ALL", body);
        out(describeReceipt(r), r);
        return r.outcome === 0 ? 0 : 1;
      }
      case "withdraw": {
        if (v.amount === undefined) throw new CliError("--amount is required", "e.g. --amount 100");
        const body = { subaccount, amount: parseUnits(v.amount, COLLATERAL_DECIMALS, "amount") };
        if (v.forced)
          return await sendForced(
            client,
            account,
            () => readDeploymentOr(v.deployment ?? DEFAULT_DEPLOYMENT),
            "WITHDRAW",
            body,
            v,
          );
        const r = await client.send("WITHDRAW", body);
        out(describeReceipt(r), r);
        return r.outcome === 0 ? 0 : 1;
      }
      case "account":
      case "positions": {
        const a = await client.getAccount(account.address);
        const lines = [`${a.address} nonce ${a.nonce}`];
        for (const s of a.subaccounts) {
          lines.push(
            `subaccount ${s.subaccount} (account id ${s.accountId}): collateral ${formatUnits(s.collateral, COLLATERAL_DECIMALS)}, equity ${formatUnits(s.margin.equity, COLLATERAL_DECIMALS)}, free ${formatUnits(s.margin.freeCollateral, COLLATERAL_DECIMALS)}${s.margin.liquidatable ? ", LIQUIDATABLE" : ""}`,
          );
          for (const p of s.positions)
            lines.push(
              `  market ${p.market}: ${formatUnits(p.base, QTY_DECIMALS)} @ mark ${p.markPrice === null ? "-" : formatUnits(p.markPrice, COLLATERAL_DECIMALS)}, pnl ${p.unrealizedPnl === null ? "-" : formatUnits(p.unrealizedPnl, COLLATERAL_DECIMALS)}, liquidation ${p.liquidationPrice === null ? "-" : formatUnits(p.liquidationPrice, COLLATERAL_DECIMALS)}`,
            );
          if (sub === "account")
            for (const o of s.openOrders)
              lines.push(
                `  order ${o.orderId} market ${o.market}: ${o.side === 0 ? "buy" : "sell"} ${formatUnits(o.quantity, QTY_DECIMALS)} @ ${formatUnits(o.price, COLLATERAL_DECIMALS)}`,
              );
        }
        if (a.subaccounts.length === 0) lines.push("no collateral yet: ./optio trade deposit --amount 1000");
        out(lines.join("\n"), a);
        return 0;
      }
      case "book": {
        const market = integer(v.market, "market", 65_535);
        const b = await client.getBook(market, v.depth === undefined ? 10 : integer(v.depth, "depth", 1000));
        if (b === null)
          throw new CliError(`market ${market} does not exist`, "list them with ./optio trade markets");
        const row = (l: { price: string; quantity: string; orders: number }) =>
          `${formatUnits(l.price, COLLATERAL_DECIMALS).padStart(14)} ${formatUnits(l.quantity, QTY_DECIMALS).padStart(16)} (${l.orders})`;
        out(
          [`market ${market} asks`, ...[...b.asks].reverse().map(row), "bids", ...b.bids.map(row)].join("\n"),
          b,
        );
        return 0;
      }
      case "markets": {
        const ms = await client.getMarkets();
        out(
          ms
            .map(
              (m) =>
                `market ${m.market} ${m.kind}${m.option ? ` ${m.option.isCall ? "call" : "put"} strike ${formatUnits(m.option.strike, COLLATERAL_DECIMALS)} expiry ${new Date(Number(m.option.expiry) * 1000).toISOString()}` : ""} underlying ${m.underlying}: index ${m.indexPrice === null ? "-" : formatUnits(m.indexPrice, COLLATERAL_DECIMALS)} mark ${m.markPrice === null ? "-" : formatUnits(m.markPrice, COLLATERAL_DECIMALS)} bid ${m.bestBid === null ? "-" : formatUnits(m.bestBid, COLLATERAL_DECIMALS)} ask ${m.bestAsk === null ? "-" : formatUnits(m.bestAsk, COLLATERAL_DECIMALS)}`,
            )
            .join("\n") || "no markets yet",
          ms,
        );
        return 0;
      }
      case "deposit":
        return await deposit(v, account.address, keyOf(v), subaccount);
      case "withdrawals":
        return await listWithdrawals(client, account.address, v);
      case "claim": {
        const file = v.deployment ?? DEFAULT_DEPLOYMENT;
        if (v["from-verifier"] !== undefined)
          return await claimFromVerifier(v["from-verifier"], readDeploymentOr(file), account, v);
        try {
          return await claim(client, account.address, keyOf(v), v);
        } catch (e) {
          if (!(e instanceof OptioTransportError)) throw e;
          // The sequencer is gone: a verifier's replay of L1 proves withdrawals as well.
          const url = process.env.OPTIO_VERIFIER_URL ?? DEFAULT_VERIFIER_URL;
          console.error(`the sequencer does not answer at ${api}; asking the verifier at ${url}`);
          return await claimFromVerifier(url, readDeploymentOr(file), account, v);
        }
      }
      default:
        throw new CliError(`unknown trade command "${sub}"`, "./optio trade --help lists them");
    }
  } catch (e) {
    if (e instanceof OptioTransportError)
      throw new CliError(
        `the sequencer does not answer at ${api}: ${e.message}`,
        "start it (./optio devnet starts one) or pass --api URL",
      );
    if (e instanceof OptioRpcError) throw new CliError(e.message, fixFor(e));
    if (e instanceof ClaimRevertedError)
      throw new CliError(
        e.message,
        e.errorName === "AlreadyClaimed"
          ? "it was paid already: ./optio trade withdrawals shows the L1 transaction"
          : "check ./optio trade withdrawals, then retry",
      );
    throw e;
  }
}

function fixFor(e: OptioRpcError): string {
  switch (e.reason) {
    case "BAD_NONCE":
      return "another program uses this key; retry (the SDK refetches the nonce)";
    case "BAD_SIGNATURE":
      return "the node's chain id differs from the one signed for; check --api";
    case "RATE_LIMITED":
    case "OVERLOADED":
      return "retry in a moment";
    default:
      return "see docs/api.md, Errors";
  }
}

function readDeploymentOr(file: string): ReturnType<typeof readDeployment> {
  try {
    return readDeployment(file);
  } catch (e) {
    throw new CliError(
      `cannot read the deployment record ${file}: ${(e as Error).message}`,
      "run ./optio devnet, or pass --deployment FILE",
    );
  }
}

/** L1's latest block time (seconds), or null if L1 does not answer: assertions are timed on L1's clock. */
async function l1Now(file: string): Promise<bigint | null> {
  try {
    const d = readDeployment(file);
    const pub = createPublicClient({ transport: http(d.l1Rpc, { retryCount: 0, timeout: 5_000 }) });
    return (await pub.getBlock({ blockTag: "latest" })).timestamp;
  } catch {
    return null;
  }
}

function seconds(n: bigint): string {
  const s = Number(n);
  return s >= 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s} s`;
}

/** What a withdrawal's stage means for its owner, and what to do (or wait for). */
function describeStage(w: WithdrawalView, now: bigint | null): string {
  switch (w.stage) {
    case "pending":
      return `pending: batch ${w.batch} is not on L1 yet (the sequencer posts it within seconds of sealing)`;
    case "posted":
      return `posted: batch ${w.batch} is on L1 (tx ${w.batchL1TxHash}); waiting for an assertion to cover it`;
    case "asserted": {
      const at = BigInt(w.confirmableAt ?? "0");
      const left = now === null ? "" : at > now ? `; in ${seconds(at - now)}` : "; due now";
      return `asserted (${w.assertion}), confirmable after ${new Date(Number(at) * 1000).toISOString()} (L1 time${left}), then claimable`;
    }
    case "claimable":
      return `claimable: ./optio trade claim --index ${w.index}`;
    case "claimed":
      return `claimed on L1 (tx ${w.claimL1TxHash})`;
  }
}

async function listWithdrawals(
  client: OptioClient,
  address: Hex,
  v: { deployment?: string; json?: boolean },
): Promise<number> {
  const ws = await client.getWithdrawals(address);
  if (v.json) {
    console.log(JSON.stringify(ws, null, 2));
    return 0;
  }
  const now = ws.some((w) => w.stage === "asserted") ? await l1Now(v.deployment ?? DEFAULT_DEPLOYMENT) : null;
  console.log(
    ws.length === 0
      ? `no withdrawals for ${address}: ./optio trade withdraw --amount A`
      : ws
          .map(
            (w) =>
              `withdrawal ${w.index}: ${formatUnits(w.amount, COLLATERAL_DECIMALS)} to ${w.recipient}, batch ${w.batch} (tx ${w.txHash})
  ${describeStage(w, now)}`,
          )
          .join("\n"),
  );
  return 0;
}

/**
 * Claims withdrawal `--index`, or every claimable one of the account. The trader's key pays the L1 gas; the Outbox
 * is the deployment record's (the node's proof must name the same contract).
 */
async function claim(
  client: OptioClient,
  address: Hex,
  key: Hex,
  v: { index?: string; deployment?: string; json?: boolean },
): Promise<number> {
  const file = v.deployment ?? DEFAULT_DEPLOYMENT;
  let indexes: bigint[];
  if (v.index !== undefined) {
    if (!/^\d+$/.test(v.index))
      throw new CliError(
        `--index: expected an outbox index, got "${v.index}"`,
        "list them with ./optio trade withdrawals",
      );
    const index = BigInt(v.index);
    try {
      const p = await client.getWithdrawalProof(index);
      if (p.claimed)
        throw new CliError(
          `withdrawal ${index} was already claimed`,
          "nothing to do: ./optio trade withdrawals shows it",
        );
    } catch (e) {
      if (!(e instanceof NotClaimableError)) throw e;
      const now = e.stage === "asserted" ? await l1Now(file) : null;
      // Described like the list does when it is the account's own; anyone may claim any index.
      const w = (await client.getWithdrawals(address)).find((x) => x.index === index.toString());
      throw new CliError(
        `withdrawal ${index} is not claimable yet: ${w === undefined ? e.stage : describeStage(w, now)}`,
        e.stage === "asserted"
          ? "wait until its assertion is confirmed, then run this again (./optio trade withdrawals shows the stage)"
          : "wait for its batch to be posted and asserted (./optio trade withdrawals shows the stage)",
      );
    }
    indexes = [index];
  } else {
    const ws = await client.getWithdrawals(address);
    indexes = ws.filter((w) => w.stage === "claimable").map((w) => BigInt(w.index));
    if (indexes.length === 0) {
      const waiting = ws.filter((w) => w.stage !== "claimed");
      const now = waiting.some((w) => w.stage === "asserted") ? await l1Now(file) : null;
      console.log(
        v.json
          ? JSON.stringify({ claimed: [], waiting })
          : waiting.length === 0
            ? `nothing to claim for ${address}${ws.length === 0 ? ": no withdrawals (./optio trade withdraw --amount A)" : ": every withdrawal is claimed"}`
            : [
                `nothing claimable yet for ${address}:`,
                ...waiting.map(
                  (w) =>
                    `  withdrawal ${w.index} (${formatUnits(w.amount, COLLATERAL_DECIMALS)}): ${describeStage(w, now)}`,
                ),
              ].join("\n"),
      );
      return 0;
    }
  }
  const d = readDeploymentOr(file);
  const transport = http(d.l1Rpc, { retryCount: 0, timeout: 30_000 });
  const walletClient = createWalletClient({ account: privateKeyToAccount(key), transport });
  const publicClient = createPublicClient({ transport });
  const done = [];
  for (const index of indexes) {
    const c = await client.claimWithdrawal({
      walletClient,
      publicClient,
      index,
      outbox: d.contracts.outbox.address,
    });
    done.push(c);
    if (!v.json) printClaimed(c, d.token.symbol);
  }
  if (v.json) printClaimsJson(done);
  return 0;
}

async function deposit(
  v: { amount?: string; deployment?: string; json?: boolean },
  address: Hex,
  key: Hex,
  subaccount: bigint,
): Promise<number> {
  if (v.amount === undefined) throw new CliError("--amount is required", "e.g. --amount 1000");
  const amount = parseUnits(v.amount, COLLATERAL_DECIMALS, "amount");
  const d = readDeploymentOr(v.deployment ?? DEFAULT_DEPLOYMENT);
  const transport = http(d.l1Rpc, { retryCount: 0, timeout: 30_000 });
  const wallet = createWalletClient({ account: privateKeyToAccount(key), transport });
  const r = await depositToL2({
    walletClient: wallet,
    publicClient: createPublicClient({ transport }),
    token: d.token.address,
    bridge: d.contracts.bridge.address,
    amount,
    to: address,
    subaccount: Number(subaccount),
  }).catch((e: unknown) => {
    throw new CliError(
      (e as Error).message,
      "check the token balance (./optio devnet mints tUSD to accounts #0-#7)",
    );
  });
  console.log(
    v.json
      ? JSON.stringify({ l1TxHash: r.l1TxHash, l1Block: r.l1Block.toString(), amount: amount.toString() })
      : `deposited ${v.amount} ${d.token.symbol} for ${address} subaccount ${subaccount} in L1 block ${r.l1Block} (tx ${r.l1TxHash});\n  credited on L2 once the sequencer includes it: ./optio trade account`,
  );
  return 0;
}
