/**
 * The devnet's oracle: three reporters sign PRICE reports for each underlying every period, following
 * a deterministic random walk (same seed, same prices) or prices from a file. Each report is a
 * signed engine transaction through the SDK, as an external oracle network would send it.
 */
import { readFileSync } from "node:fs";
import { privateKeyToAccount } from "viem/accounts";
import { createOptioClient, type OptioClient } from "../../sdk/index.ts";
import { rng } from "../../vm/testing/randomProgram.ts";
import { DEVNET_UNDERLYINGS, REPORTER_KEYS } from "./devnetMarkets.ts";

export interface OracleFeederOptions {
  readonly url: string;
  readonly chainId: bigint;
  /** Milliseconds between rounds; default 2,000. */
  readonly periodMs?: number;
  /** Seed of the random walk; default 1. */
  readonly seed?: number;
  /** A JSON file {"1": [price, ...], "2": [...]} of quote-unit prices per underlying, replayed in a loop. */
  readonly pricesFile?: string;
  readonly onError?: (e: unknown) => void;
}

export interface OracleFeeder {
  /** The last price sent per underlying. */
  readonly prices: ReadonlyMap<number, bigint>;
  /** Sends one round now (also what the timer does). */
  round(): Promise<void>;
  stop(): void;
}

export function startOracleFeeder(o: OracleFeederOptions): OracleFeeder {
  const reporters: OptioClient[] = REPORTER_KEYS.map((k) =>
    createOptioClient({ url: o.url, account: privateKeyToAccount(k), chainId: o.chainId }),
  );
  const random = rng(o.seed ?? 1);
  const file =
    o.pricesFile === undefined
      ? undefined
      : (JSON.parse(readFileSync(o.pricesFile, "utf8")) as Record<string, (number | string)[]>);
  const prices = new Map(DEVNET_UNDERLYINGS.map((u) => [u.id, u.price]));
  let step = 0;
  const next = (id: number, p: bigint): bigint => {
    const series = file?.[String(id)];
    if (series !== undefined && series.length > 0) return BigInt(series[step % series.length]);
    // +-0.2% per round, never below 1% of the start.
    const moved = p + (p * BigInt(Math.round((random() - 0.5) * 400))) / 100_000n;
    return moved > 0n ? moved : p;
  };
  let busy = false;
  const round = async () => {
    if (busy) return;
    busy = true;
    try {
      // One second back: a report may not be newer than the batch it lands in (the batch opened earlier).
      const timestamp = BigInt(Math.floor(Date.now() / 1000) - 1);
      for (const u of DEVNET_UNDERLYINGS) {
        const p = next(u.id, prices.get(u.id) ?? u.price);
        prices.set(u.id, p);
        await Promise.all(
          reporters.map((r) => r.send("PRICE", { underlying: BigInt(u.id), price: p, timestamp })),
        );
      }
      step++;
    } catch (e) {
      o.onError?.(e);
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void round(), o.periodMs ?? 2_000);
  return {
    prices,
    round,
    stop() {
      clearInterval(timer);
      for (const r of reporters) r.close();
    },
  };
}
