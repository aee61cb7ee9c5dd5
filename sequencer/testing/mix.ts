/**
 * A trading mix for sequencer tests and benchmarks, in the spirit of the engine bench's
 * (bench/engine.ts): market makers quoting GTC and post-only orders around the index on two
 * markets, takers sending crossing IOC and GTC orders, cancels, oracle reports. Every
 * transaction is really signed (native secp256k1), so the node recovers every signer.
 * Planned without executing: cancels name recent order ids by count, so some find nothing
 * (ORDER_NOT_FOUND: a receipt, the nonce is consumed), as a live market's late cancels do.
 */

import { rng } from "../../vm/testing/randomProgram.ts";
import { deposit, LOT, oneReporter, signed, type Trader, trader } from "./traders.ts";

const TICK = 10_000n;

export interface Mix {
  /** Delayed messages to include first (deposits). */
  readonly deposits: Uint8Array[];
  /** Governance: underlyings 0 and 1, their prices, perpetual markets 0 and 1. */
  readonly setup: Uint8Array[];
  /** The load, in order. */
  readonly txs: Uint8Array[];
  readonly kinds: Record<string, number>;
}

export function planMix(chainId: bigint, n: number, timestamp: bigint, accounts = 16): Mix {
  const admin = trader(9000);
  const oracle = trader(9001);
  const makers: Trader[] = Array.from({ length: accounts / 2 }, (_, i) => trader(9100 + i));
  const takers: Trader[] = Array.from({ length: accounts / 2 }, (_, i) => trader(9200 + i));
  const deposits = [...makers, ...takers].map((t) => deposit(t, 1_000_000_000_000n));
  const market = (m: bigint, tickSize: bigint) =>
    signed(chainId, admin, "SET_MARKET", {
      market: m,
      underlying: m,
      tickSize,
      lotSize: LOT,
      maxQuantity: 1_000_000_000_000n,
      initialMarginPpm: 100_000n,
      maintenanceMarginPpm: 50_000n,
      makerFeePpm: 200n,
      takerFeePpm: 500n,
      liquidationPenaltyPpm: 10_000n,
      priceBandPpm: 500_000n,
    });
  const prices = [100_000_000n, 2_000_000_000n];
  let time = timestamp;
  const setup = [0n, 1n].flatMap((u) => [
    signed(chainId, admin, "SET_UNDERLYING", oneReporter(u, oracle.address)),
    signed(chainId, oracle, "PRICE", { underlying: u, price: prices[Number(u)], timestamp: time }),
    market(u, TICK),
  ]);
  const r = rng(42);
  const pick = <T>(a: readonly T[]) => a[Math.floor(r() * a.length)];
  const txs: Uint8Array[] = [];
  const kinds: Record<string, number> = {};
  const placed = [0n, 0n];
  const add = (kind: string, tx: Uint8Array) => {
    txs.push(tx);
    kinds[kind] = (kinds[kind] ?? 0) + 1;
  };
  while (txs.length < n) {
    const u = r();
    const m = r() < 0.5 ? 0 : 1;
    const mid = prices[m] - (prices[m] % TICK);
    const step = m === 0 ? TICK : 10n * TICK;
    if (u < 0.5) {
      const side = r() < 0.5 ? 0 : 1;
      const off = BigInt(1 + Math.floor(r() * 10)) * step;
      placed[m]++;
      add(
        "order.rest",
        signed(chainId, pick(makers), "ORDER", {
          market: BigInt(m),
          subaccount: 0n,
          side: BigInt(side),
          timeInForce: r() < 0.5 ? 0n : 3n,
          reduceOnly: false,
          price: side === 0 ? mid - off : mid + off,
          quantity: BigInt(1 + Math.floor(r() * 20)) * LOT,
        }),
      );
    } else if (u < 0.78) {
      const side = r() < 0.5 ? 0 : 1;
      const off = BigInt(Math.floor(r() * 8)) * step;
      add(
        "order.take",
        signed(chainId, pick(takers), "ORDER", {
          market: BigInt(m),
          subaccount: 0n,
          side: BigInt(side),
          timeInForce: r() < 0.8 ? 1n : 0n,
          reduceOnly: false,
          price: side === 0 ? mid + off : mid - off,
          quantity: BigInt(1 + Math.floor(r() * 30)) * LOT,
        }),
      );
    } else if (u < 0.97) {
      const id = placed[m] > 20n ? placed[m] - BigInt(Math.floor(r() * 20)) : 1n;
      add(
        "cancel",
        signed(chainId, pick(makers), "CANCEL", { market: BigInt(m), subaccount: 0n, orderId: id }),
      );
    } else {
      time += 1n;
      const move = BigInt(Math.floor(r() * 41) - 20);
      prices[m] = prices[m] + (prices[m] * move) / 1000n;
      add(
        "price",
        signed(chainId, oracle, "PRICE", { underlying: BigInt(m), price: prices[m], timestamp: time }),
      );
    }
  }
  return { deposits, setup, txs, kinds };
}
