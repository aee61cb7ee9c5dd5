/**
 * A small market-making bot for the devnet, so a new user sees a live book: on each perpetual it
 * keeps a few bids and asks around the index, cancelling and requoting every period. It trades
 * through the SDK with its own key and collateral, like any trader.
 */
import type { LocalAccount } from "viem";
import { createOptioClient } from "../../sdk/index.ts";
import { PERP_MARKETS } from "./devnetMarkets.ts";

export interface MarketMakerOptions {
  readonly url: string;
  readonly chainId: bigint;
  readonly account: LocalAccount;
  readonly subaccount?: number;
  /** Milliseconds between requotes; default 3,000. */
  readonly periodMs?: number;
  /** Levels per side; default 3. Spread between levels in ppm of the index; default 1,000 (0.1%). */
  readonly levels?: number;
  readonly stepPpm?: bigint;
  /** qtyE8 per order; default 0.01 base units. */
  readonly quantity?: bigint;
  readonly onError?: (e: unknown) => void;
}

export interface MarketMaker {
  /** Requotes every market once (also what the timer does). */
  requote(): Promise<void>;
  stop(): void;
}

export function startMarketMaker(o: MarketMakerOptions): MarketMaker {
  const client = createOptioClient({ url: o.url, account: o.account, chainId: o.chainId });
  const sub = BigInt(o.subaccount ?? 0);
  const levels = o.levels ?? 3;
  const step = o.stepPpm ?? 1_000n;
  const qty = o.quantity ?? 1_000_000n;
  let busy = false;
  const requote = async () => {
    if (busy) return;
    busy = true;
    try {
      const markets = await client.getMarkets();
      for (const m of markets) {
        if (!PERP_MARKETS.includes(m.market) || m.indexPrice === null) continue;
        const index = BigInt(m.indexPrice);
        const tick = BigInt(m.tickSize);
        await client.send("CANCEL_ALL", { market: BigInt(m.market), subaccount: sub });
        const orders = [];
        for (let i = 1; i <= levels; i++) {
          const off = (index * step * BigInt(i)) / 1_000_000n;
          for (const [side, price] of [
            [0n, ((index - off) / tick) * tick],
            [1n, ((index + off + tick - 1n) / tick) * tick],
          ] as const)
            orders.push(
              client.send("ORDER", {
                market: BigInt(m.market),
                subaccount: sub,
                side,
                timeInForce: 3n, // post-only: the bot only makes
                reduceOnly: false,
                price,
                quantity: qty,
              }),
            );
        }
        await Promise.all(orders);
      }
    } catch (e) {
      o.onError?.(e);
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void requote(), o.periodMs ?? 3_000);
  return {
    requote,
    stop() {
      clearInterval(timer);
      client.close();
    },
  };
}
