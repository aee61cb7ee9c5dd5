import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../service/index.ts";
import type { SubmitResult } from "../nodeTypes.ts";
import { SequencerNode } from "../SequencerNode.ts";
import { deposit, LOT, order, PRICE, setupTxs, trader } from "../testing/traders.ts";
import { createNodeApi } from "./createNodeApi.ts";

const ENGINE = readFileSync(new URL("../../engine/engine.wasm", import.meta.url));
const CHAIN = 31337n;
const T0 = 1_000_000_000;

function ok(r: SubmitResult) {
  if (!r.ok) throw new Error(JSON.stringify(r.rejection));
  return r.receipt;
}

describe("createNodeApi (the trader API's port)", () => {
  it("reads accounts, orders, books, markets and transaction stages from the node's state", async () => {
    const dir = mkdtempSync(join(tmpdir(), "optio-api-"));
    const admin = trader(2000);
    const oracle = trader(2001);
    const a = trader(11);
    const b = trader(12);
    const node = await SequencerNode.open({
      dataDir: dir,
      engineWasm: ENGINE,
      chainId: CHAIN,
      admin: admin.address,
      logger: createLogger({
        service: "t",
        level: "warn",
        destination: new Writable({ write: (_c, _e, cb) => cb() }),
      }),
      now: () => T0,
      recoveryThreads: 1,
      limits: { batchTimeMs: 60_000 },
    });
    const api = createNodeApi(node, undefined);
    try {
      await node.includeDelayed([deposit(a, 1_000_000_000n), deposit(b, 1_000_000_000n)]);
      for (const r of await api.submitMany(setupTxs(CHAIN, admin, oracle, BigInt(T0 / 1000)))) ok(r);
      ok(await api.submit(order(CHAIN, a, 1, PRICE, 5n * LOT)));
      ok(await api.submit(order(CHAIN, a, 1, PRICE + 20_000n, 1n * LOT)));
      ok(await api.submit(order(CHAIN, a, 0, PRICE - 50_000n, 2n * LOT)));
      const take = ok(await api.submit(order(CHAIN, b, 0, PRICE, 2n * LOT, 1)));
      expect(take.fills).toHaveLength(1);

      expect(await api.nonce(a.address)).toBe("3");
      const acct = await api.account(a.address);
      expect(acct.subaccounts).toHaveLength(1);
      const sub = acct.subaccounts[0];
      // a sold 2 lots at 100 as maker: base -0.002, quote +0.2 quote units, maker fee ceil(200,000 * 200 / 1e6) = 40.
      expect(sub.collateral).toBe(String(1_000_000_000 - 40));
      expect(sub.positions[0]).toMatchObject({
        market: 0,
        base: String(-2n * LOT),
        quote: "200000",
        markPrice: PRICE.toString(),
      });
      expect(sub.openOrders.map((o) => [o.orderId, o.side, o.price, o.quantity])).toEqual([
        ["1", 1, PRICE.toString(), String(3n * LOT)],
        ["2", 1, (PRICE + 20_000n).toString(), String(LOT)],
        ["3", 0, (PRICE - 50_000n).toString(), String(2n * LOT)],
      ]);
      // Equity at the index: collateral + quote - ceil(0.002 * 100) = collateral (flat at the fill price).
      expect(sub.margin.equity).toBe(String(1_000_000_000 - 40));
      // Initial: worst case of open orders: asks make the short 0.002 + 0.004 = 0.006 -> 600,000 * 10%.
      expect(sub.margin.initialRequirement).toBe("60000");
      expect(sub.margin.maintenanceRequirement).toBe("10000");
      expect(BigInt(sub.positions[0].liquidationPrice!)).toBeGreaterThan(PRICE);
      expect((await api.account(trader(99).address)).subaccounts).toEqual([]);

      const book = (await api.book(0, 10))!;
      expect(book.asks).toEqual([
        { price: PRICE.toString(), quantity: String(3n * LOT), orders: 1 },
        { price: (PRICE + 20_000n).toString(), quantity: String(LOT), orders: 1 },
      ]);
      expect(book.bids).toEqual([
        { price: (PRICE - 50_000n).toString(), quantity: String(2n * LOT), orders: 1 },
      ]);
      expect((await api.book(0, 1))!.asks).toHaveLength(1);
      expect(await api.book(5, 10)).toBeNull();
      expect(await api.order(0, 2n)).toMatchObject({
        owner: a.address.toLowerCase(),
        subaccount: 0,
        status: "open",
      });
      expect(await api.order(0, 99n)).toBeNull();

      const markets = await api.markets();
      expect(markets).toHaveLength(1);
      expect(markets[0]).toMatchObject({
        market: 0,
        kind: "perpetual",
        indexPrice: PRICE.toString(),
        bestAsk: PRICE.toString(),
      });
      expect((await api.underlyings()).map((u) => u.underlying)).toEqual([0]);
      expect((await api.optionsChain(0))?.series).toEqual([]);
      expect(await api.optionsChain(3)).toBeNull();

      expect(await api.txStage(take.txHash)).toEqual({ stage: "executed", block: take.block });
      await node.sealNow();
      expect(await api.txStage(take.txHash)).toEqual({ stage: "sealed", block: take.block });
      expect((await api.status()).lastSealedBatch).toBe(take.block);
    } finally {
      await node.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
