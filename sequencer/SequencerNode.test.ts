import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { bytesToHex, hexToBytes } from "viem";
import { afterEach, describe, expect, it } from "vitest";
import { Outcome } from "../protocol/engine/index.ts";
import { transactionHash } from "../protocol/rollup/batch.ts";
import { StateTree } from "../protocol/smt/StateTree.ts";
import { createLogger } from "../service/index.ts";
import { loadModule, ProvableState, ProvableTransaction } from "../vm/index.ts";
import type { NodeEvent, Receipt, SubmitResult } from "./nodeTypes.ts";
import { SequencerNode } from "./SequencerNode.ts";
import { deposit, LOT, order, PRICE, setupTxs, signed, trader } from "./testing/traders.ts";

const ENGINE = readFileSync(new URL("../engine/engine.wasm", import.meta.url));
const CHAIN = 31337n;
const T0 = 1_000_000_000; // ms
const admin = trader(1000);
const oracle = trader(1001);

const quiet = () =>
  createLogger({
    service: "test",
    level: "warn",
    destination: new Writable({ write: (_c, _e, cb) => cb() }),
  });

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function open(dataDir: string, extra: Partial<Parameters<typeof SequencerNode.open>[0]> = {}) {
  return SequencerNode.open({
    dataDir,
    engineWasm: ENGINE,
    chainId: CHAIN,
    admin: admin.address,
    logger: quiet(),
    now: () => T0,
    recoveryThreads: 1,
    limits: { batchTimeMs: 60_000 },
    ...extra,
  });
}

function ok(r: SubmitResult): Receipt {
  if (!r.ok) throw new Error(`rejected: ${JSON.stringify(r.rejection)}`);
  return r.receipt;
}

/** A node with genesis, market 0 set up and traders a (maker) and b (taker) funded. */
async function setUp() {
  const dir = mkdtempSync(join(tmpdir(), "optio-seq-"));
  dirs.push(dir);
  admin.nonce = 0n;
  oracle.nonce = 0n;
  const a = trader(1);
  const b = trader(2);
  const node = await open(dir);
  for (const r of await node.includeDelayed([deposit(a, 1_000_000_000n), deposit(b, 1_000_000_000n)]))
    expect(ok(r).outcome).toBe(Outcome.OK);
  for (const r of await node.submitMany(setupTxs(CHAIN, admin, oracle, BigInt(T0 / 1000))))
    expect(ok(r).outcomeName).toBe("OK");
  return { dir, node, a, b };
}

describe("SequencerNode", () => {
  it("runs GENESIS first, then answers orders with receipts whose fills follow from the engine's writes", async () => {
    const { node, a, b } = await setUp();
    try {
      expect(node.receiptBySeq(0)?.type).toBe("GENESIS");
      const events: NodeEvent[] = [];
      node.subscribe((e) => events.push(e));
      // a rests two asks, b buys through both and rests the remainder.
      const ask1Tx = order(CHAIN, a, 1, PRICE, 3n * LOT);
      const ask1 = ok(await node.submit(ask1Tx));
      // The hash batches commit (the inbox leaf), so a receipt's hash is found in the batch's tree.
      expect(ask1.txHash).toBe(bytesToHex(transactionHash(ask1Tx)));
      const ask2 = ok(await node.submit(order(CHAIN, a, 1, PRICE + 10_000n, 2n * LOT)));
      expect(ask1.resting).toBe(true);
      expect([ask1.orderId, ask2.orderId]).toEqual(["1", "2"]);
      const buy = ok(await node.submit(order(CHAIN, b, 0, PRICE + 10_000n, 6n * LOT)));
      expect(buy.outcomeName).toBe("OK");
      expect(buy.orderId).toBe("3");
      expect(buy.resting).toBe(true);
      expect(
        buy.fills.map((f) => [f.makerOrderId, f.price, f.quantity, f.maker, f.taker, f.takerSide]),
      ).toEqual([
        ["1", PRICE.toString(), (3n * LOT).toString(), lower(a.address), lower(b.address), 0],
        ["2", (PRICE + 10_000n).toString(), (2n * LOT).toString(), lower(a.address), lower(b.address), 0],
      ]);
      // notional 0.003 * 100 = 300,000 quote units: maker fee ceil(300,000 * 200 / 1e6) = 60, taker 150.
      expect([buy.fills[0].makerFee, buy.fills[0].takerFee]).toEqual(["60", "150"]);
      expect(events.filter((e) => e.kind === "fill")).toHaveLength(2);
      expect(events.some((e) => e.kind === "level" && e.side === 1 && e.quantity === "0")).toBe(true);
      expect(events.some((e) => e.kind === "account" && e.address === lower(a.address))).toBe(true);
      // A business rejection the engine executes is a receipt (nonce consumed).
      const tooBig = ok(await node.submit(order(CHAIN, b, 0, PRICE, 1_000_000_000_000_000n)));
      expect(tooBig.outcomeName).toBe("QUANTITY_TOO_LARGE");
      expect(node.nonce(b.address)).toBe(2n);
    } finally {
      await node.close();
    }
  });

  it("answers transactions that change no state with typed rejections and never logs them", async () => {
    const { node, a, b } = await setUp();
    try {
      const head = node.status().headSeq;
      const good = order(CHAIN, a, 1, PRICE, LOT);
      const forged = good.slice();
      forged[forged.length - 10] ^= 1; // s changed: recovers to someone else
      const r1 = await node.submit(forged);
      expect(r1.ok).toBe(false);
      if (!r1.ok && r1.rejection.reason === "BAD_SIGNATURE") {
        expect(r1.rejection.signer).toBe(a.address.toLowerCase());
        expect(r1.rejection.recovered).not.toBe(a.address.toLowerCase());
        expect(r1.rejection.expectedDigest).toMatch(/^0x[0-9a-f]{64}$/);
      } else throw new Error(`expected BAD_SIGNATURE, got ${JSON.stringify(r1)}`);
      const replay = order(CHAIN, b, 0, PRICE, LOT, 0, 0n);
      ok(await node.submit(replay));
      const again = await node.submit(replay);
      expect(again).toMatchObject({ ok: false, rejection: { reason: "BAD_NONCE", expected: "1", got: "0" } });
      expect(!again.ok && again.rejection.reason === "BAD_NONCE" && again.rejection.knownTxHash).toBeTruthy();
      const future = signed(CHAIN, b, "CANCEL_ALL", { market: 0n, subaccount: 0n }, 7n);
      expect(await node.submit(future)).toMatchObject({
        ok: false,
        rejection: { reason: "BAD_NONCE", expected: "1" },
      });
      for (const junk of [
        new Uint8Array([0x40, 1, 2]),
        new Uint8Array([0xee]),
        new Uint8Array(0),
        new Uint8Array(100_000).fill(0x40),
        good.subarray(0, 50),
      ])
        expect(await node.submit(junk)).toMatchObject({ ok: false, rejection: { reason: "BAD_ENCODING" } });
      expect(await node.submit(deposit(a, 5n))).toMatchObject({
        ok: false,
        rejection: { reason: "TYPE_NOT_ALLOWED" },
      });
      // Only the one good order entered.
      expect(node.status().headSeq).toBe(String(Number(head) + 1));
      expect(node.nonce(a.address)).toBe(0n);
    } finally {
      await node.close();
    }
  });

  it("seals batches, keeps per-transaction roots equal to the interpreter's replay, and restarts to the same root and receipts", async () => {
    const { dir, node, a, b } = await setUp();
    const receipts: Receipt[] = [];
    let sealed: number;
    let root: string;
    try {
      receipts.push(ok(await node.submit(order(CHAIN, a, 1, PRICE, 2n * LOT))));
      receipts.push(ok(await node.submit(order(CHAIN, b, 0, PRICE, LOT))));
      receipts.push(ok(await node.submit(order(CHAIN, b, 0, PRICE - 10_000n, LOT))));
      sealed = (await node.sealNow())!;
      const view = node.batch(sealed)!;
      expect(view.stage).toBe("sealed");
      expect(view.txHashes.slice(-3)).toEqual(receipts.map((r) => r.txHash));
      // Per-transaction roots, recomputed from the batch's start, against the interpreter.
      const roots = await node.txRoots(sealed);
      expect(roots.at(-1)).toBe(node.batch(sealed)!.stateRoot ?? (await waitRoot(node, sealed)));
      const flat = loadModule(ENGINE);
      let state = ProvableState.fromStateTree(node.tree, hexToBytes(view.prevStateRoot));
      const logged = [
        ...node.log.range(
          view.txCount === 0 ? 0 : Number(node.log.batch(sealed)!.firstSeq),
          Number(node.log.batch(sealed)!.firstSeq) + view.txCount,
        ),
      ];
      for (let i = 0; i < logged.length; i++) {
        const t = ProvableTransaction.start(flat, {
          input: logged[i].tx,
          batchContext: {
            timestamp: BigInt(view.timestamp),
            l2Block: BigInt(sealed),
            origin: BigInt(logged[i].origin),
          },
          state,
        });
        const r = t.run();
        expect(r.code).toBe(logged[i].receipt.outcome);
        expect(r.gasUsed.toString()).toBe(logged[i].receipt.gasUsed);
        expect(`0x${Buffer.from(t.postRoot).toString("hex")}`).toBe(roots[i]);
        state = t.state;
      }
      // Two more in a batch left open, then a restart.
      receipts.push(ok(await node.submit(order(CHAIN, a, 1, PRICE + 20_000n, LOT))));
      receipts.push(ok(await node.submit(order(CHAIN, b, 0, PRICE + 20_000n, LOT))));
      root = node.status().stateRoot;
    } finally {
      await node.close();
    }
    const again = await open(dir);
    try {
      expect(again.status().lastSealedBatch).toBe(sealed);
      expect(again.status().stateRoot).toBe(root);
      for (const r of receipts) expect(again.receipt(r.txHash)).toEqual(r);
      // The open batch was replayed: its writes are in the state, and new transactions continue it.
      expect(again.nonce(b.address)).toBe(3n);
      const next = ok(await again.submit(order(CHAIN, a, 1, PRICE + 30_000n, LOT)));
      expect(next.block).toBe(receipts.at(-1)!.block);
      expect(Number(next.seq)).toBe(Number(receipts.at(-1)!.seq) + 1);
      const s2 = (await again.sealNow())!;
      expect(s2).toBe(sealed + 1);
    } finally {
      await again.close();
    }
    // The tree on disk holds both batches.
    const tree = StateTree.open({ path: join(dir, "state") });
    expect(tree.version).toBe(sealed + 2);
    await tree.close();
  });

  it("seals by size: no batch passes its transaction bound", async () => {
    const dir = mkdtempSync(join(tmpdir(), "optio-seq-"));
    dirs.push(dir);
    admin.nonce = 0n;
    oracle.nonce = 0n;
    const node = await open(dir, { limits: { batchTimeMs: 60_000, maxBatchTxs: 2 } });
    try {
      const rs = (await node.submitMany(setupTxs(CHAIN, admin, oracle, BigInt(T0 / 1000)))).map(ok);
      expect(rs.map((r) => [r.block, r.index])).toEqual([
        [0, 1],
        [1, 0],
        [1, 1],
      ]);
      expect(node.batch(0)?.txCount).toBe(2);
    } finally {
      await node.close();
    }
  });
});

describe("SequencerNode under attack", () => {
  it("answers a flood past maxPending with OVERLOADED and changes nothing for those", async () => {
    const dir = mkdtempSync(join(tmpdir(), "optio-seq-"));
    dirs.push(dir);
    admin.nonce = 0n;
    oracle.nonce = 0n;
    const node = await open(dir, { maxPending: 8 });
    try {
      const t = trader(77);
      const flood = Array.from({ length: 40 }, () =>
        signed(CHAIN, t, "CANCEL_ALL", { market: 0n, subaccount: 0n }),
      );
      const rs = await Promise.all(flood.map((tx) => node.submit(tx)));
      const over = rs.filter((r) => !r.ok && r.rejection.reason === "OVERLOADED");
      const entered = rs.filter((r) => r.ok);
      expect(over.length).toBeGreaterThan(0);
      expect(over.length + entered.length).toBe(40);
      // Only the accepted ones consumed nonces, in order: the first `entered` of the flood.
      expect(node.nonce(t.address)).toBe(BigInt(entered.length));
      expect(rs.slice(0, entered.length).every((r) => r.ok)).toBe(true);
      // The queue drained: the node takes work again.
      expect(
        (
          await node.submit(
            signed(CHAIN, t, "CANCEL_ALL", { market: 0n, subaccount: 0n }, BigInt(entered.length)),
          )
        ).ok,
      ).toBe(true);
    } finally {
      await node.close();
    }
  });

  it("seals by time a batch whose first transaction was refused", async () => {
    const dir = mkdtempSync(join(tmpdir(), "optio-seq-"));
    dirs.push(dir);
    admin.nonce = 0n;
    oracle.nonce = 0n;
    let clock = T0;
    const node = await open(dir, { limits: { batchTimeMs: 50 }, now: () => clock });
    try {
      await waitFor(() => node.status().lastSealedBatch === 0); // GENESIS's batch
      const t = trader(78);
      const late = signed(CHAIN, t, "CANCEL_ALL", { market: 0n, subaccount: 0n }, 5n);
      expect(await node.submit(late)).toMatchObject({ ok: false, rejection: { reason: "BAD_NONCE" } });
      await new Promise((r) => setTimeout(r, 120)); // the refused transaction's batch timer fires
      clock += 2_000;
      const good = ok(await node.submit(signed(CHAIN, t, "CANCEL_ALL", { market: 0n, subaccount: 0n }, 0n)));
      expect(good.block).toBe(1);
      await waitFor(() => node.status().lastSealedBatch === 1);
      expect(node.batch(1)).toMatchObject({
        stage: "sealed",
        txCount: 1,
        timestamp: String((T0 + 2_000) / 1000),
      });
    } finally {
      await node.close();
    }
  });

  it("halts on a log that disagrees with its replay (local corruption) instead of serving it", async () => {
    const { dir, node, a } = await setUp();
    const r = ok(await node.submit(order(CHAIN, a, 1, PRICE, LOT)));
    await node.close(); // the batch stays open: a restart replays it
    const { open: openLmdb } = await import("lmdb");
    const env = openLmdb({ path: join(dir, "log"), maxDbs: 8 });
    const txs = env.openDB<{ t: Uint8Array; r: Receipt }, number>({ name: "txs" });
    const rec = txs.get(Number(r.seq))!;
    await txs.put(Number(r.seq), { ...rec, r: { ...rec.r, gasUsed: "1" } });
    await env.close();
    await expect(open(dir)).rejects.toThrow(/replay of seq .* differs from its acknowledged receipt/);
  });
});

async function waitFor(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 300 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(cond()).toBe(true);
}

async function waitRoot(node: SequencerNode, n: number): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const r = node.batch(n)?.stateRoot;
    if (r) return r;
    await new Promise((x) => setTimeout(x, 10));
  }
  throw new Error("no root");
}

function lower(a: string): string {
  return a.toLowerCase();
}
