/**
 * WebSocket subscriptions over loopback against the FakeNode: snapshot-then-delta with
 * per-channel sequence numbers for every channel, a transaction's whole life, resync from a
 * sequence number, snapshots taken while deltas flow (no gap, no duplicate), slow clients told
 * and dropped, idle clients closed.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { ApiLimits } from "./apiParams.ts";
import { type ApiServer, createApiServer } from "./createApiServer.ts";
import type { BookView, Hex } from "./NodeApi.ts";
import { FakeNode } from "./testing/FakeNode.ts";
import { WsClient } from "./testing/rpcClient.ts";
import { hexOf, signOrder, type TestKey, testKey } from "./testing/signing.ts";

const CHAIN = 31337n;
const maker = testKey(11);
const taker = testKey(12);
const nonces = new Map<string, bigint>();

let node: FakeNode;
let server: ApiServer;
const clients: WsClient[] = [];

async function setup(limits: Partial<ApiLimits> = {}) {
  nonces.clear();
  node = new FakeNode(CHAIN);
  node.fund(maker.address, 0, 10n ** 12n);
  node.fund(taker.address, 0, 10n ** 12n);
  server = await createApiServer({ node, limits });
}
async function client(): Promise<WsClient> {
  const c = await WsClient.connect(server.wsUrl);
  clients.push(c);
  return c;
}
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await server.close();
});

/** Sends a signed order straight to the node (as another client would) and returns its receipt. */
async function order(k: TestKey, side: 0 | 1, price: bigint, quantity: bigint, tif = 0) {
  const n = nonces.get(k.address) ?? 0n;
  nonces.set(k.address, n + 1n);
  const r = await node.submit(signOrder(k, CHAIN, n, { side, price, quantity, timeInForce: tif }));
  if (!r.ok) throw new Error(JSON.stringify(r.rejection));
  return r.receipt;
}

type Params = Record<string, unknown>;
const seqs = (ns: Params[]) => ns.map((n) => n.seq as number);

/** Applies book deltas (absolute level totals) to a snapshot. */
function applyBook(snap: BookView, deltas: Params[]) {
  const sides = [new Map(snap.bids.map((l) => [l.price, l])), new Map(snap.asks.map((l) => [l.price, l]))];
  for (const d of deltas) {
    const x = d.data as { side: 0 | 1; price: string; quantity: string; orders: number };
    if (x.quantity === "0") sides[x.side].delete(x.price);
    else sides[x.side].set(x.price, { price: x.price, quantity: x.quantity, orders: x.orders });
  }
  const sorted = (m: Map<string, unknown>, desc: boolean) =>
    [...m.values()].sort((a, b) => {
      const d = BigInt((a as { price: string }).price) - BigInt((b as { price: string }).price);
      return (desc ? -1 : 1) * (d > 0n ? 1 : d < 0n ? -1 : 0);
    });
  return { bids: sorted(sides[0], true), asks: sorted(sides[1], false) };
}

describe("channels", () => {
  it("book: snapshot then deltas numbered seq+1, seq+2, ...; applying them gives the node's book", async () => {
    await setup();
    await order(maker, 1, 3_010_000_000n, 100n);
    const c = await client();
    const sub = (await c.call("optio_subscribe", { channel: "book", market: 0, depth: 10 })).result as Params;
    expect(sub).toMatchObject({ channel: "book:0", epoch: server.epoch });
    await c.until(() => c.of(sub.subscription as string).length === 1);
    const [snap] = c.of(sub.subscription as string);
    expect(snap.type).toBe("snapshot");
    expect((snap.data as BookView).asks).toEqual([{ price: "3010000000", quantity: "100", orders: 1 }]);
    await order(maker, 1, 3_020_000_000n, 50n);
    await order(maker, 0, 2_990_000_000n, 70n);
    await order(taker, 0, 3_020_000_000n, 120n, 1); // takes all of 3,010 and 20 of 3,020
    await c.until(() => c.of(sub.subscription as string).length >= 5);
    const all = c.of(sub.subscription as string);
    const deltas = all.slice(1);
    expect(seqs(all)).toEqual([snap.seq, ...deltas.map((_, i) => (snap.seq as number) + i + 1)]);
    expect(deltas.every((d) => d.type === "delta")).toBe(true);
    const book = (await node.book(0, 10)) as BookView;
    expect(applyBook(snap.data as BookView, deltas)).toEqual({ bids: book.bids, asks: book.asks });
  });

  it("trades: fills as deltas; a later subscriber's snapshot has the recent fills", async () => {
    await setup();
    await order(maker, 1, 3_000_000_000n, 100n);
    await order(taker, 0, 3_000_000_000n, 40n, 1); // creates the trades channel with one fill
    const c = await client();
    const sub = (await c.call("optio_subscribe", ["trades", 0])).result as Params;
    await c.until(() => c.of(sub.subscription as string).length === 1);
    const snap = c.of(sub.subscription as string)[0];
    expect(snap).toMatchObject({ type: "snapshot", seq: 1 });
    expect((snap.data as { fills: unknown[] }).fills).toEqual([
      expect.objectContaining({ quantity: "40", maker: maker.address }),
    ]);
    const r = await order(taker, 0, 3_000_000_000n, 10n, 1);
    await c.until(() => c.of(sub.subscription as string).length === 2);
    expect(c.of(sub.subscription as string)[1]).toMatchObject({
      type: "delta",
      seq: 2,
      data: { quantity: "10", price: "3000000000", txHash: r.txHash, takerSide: 0 },
    });
  });

  it("account: snapshot, then the whole new view after each change of that address", async () => {
    await setup();
    const c = await client();
    const sub = (await c.call("optio_subscribe", { channel: "account", address: maker.address }))
      .result as Params;
    await c.until(() => c.of(sub.subscription as string).length === 1);
    expect(c.of(sub.subscription as string)[0]).toMatchObject({
      type: "snapshot",
      data: { address: maker.address },
    });
    await order(maker, 1, 3_000_000_000n, 100n);
    await order(taker, 0, 3_000_000_000n, 100n, 1); // a fill: the maker's account changes too
    await c.until(() => {
      const ns = c.of(sub.subscription as string);
      const last = ns[ns.length - 1].data as { subaccounts: { positions: unknown[] }[] };
      return last.subaccounts[0].positions.length === 1;
    });
    const ns = c.of(sub.subscription as string);
    expect(seqs(ns)).toEqual(ns.map((_, i) => i)); // snapshot 0 then deltas 1, 2, ...
    const last = ns[ns.length - 1].data as { subaccounts: { positions: { base: string }[] }[] };
    expect(last.subaccounts[0].positions[0].base).toBe("-100");
  });

  it("tx: an order's life accepted -> executed -> sealed -> posted -> asserted -> confirmed", async () => {
    await setup();
    const tx = signOrder(maker, CHAIN, 0n, { side: 1, price: 3_000_000_000n, quantity: 100n });
    const { toHex } = await import("viem");
    const { transactionHash } = await import("../../protocol/index.ts");
    const hash = toHex(transactionHash(tx)) as Hex;
    const c = await client();
    const sub = (await c.call("optio_subscribe", { channel: "tx", txHash: hash })).result as Params;
    await c.until(() => c.of(sub.subscription as string).length === 1);
    expect(c.of(sub.subscription as string)[0]).toMatchObject({ type: "snapshot", data: { stage: null } });
    const sent = (await c.call("optio_sendTransaction", [hexOf(tx)])).result as { block: number };
    const b = node.seal();
    expect(b).toBe(sent.block);
    node.advance(b, "posted");
    node.advance(b, "asserted");
    node.advance(b, "confirmed");
    await c.until(() => c.of(sub.subscription as string).length === 7);
    const ns = c.of(sub.subscription as string);
    expect(ns.map((n) => (n.data as { stage: string }).stage)).toEqual([
      null,
      "accepted",
      "executed",
      "sealed",
      "posted",
      "asserted",
      "confirmed",
    ]);
    expect(seqs(ns)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect((ns[2].data as { receipt: { txHash: string } }).receipt.txHash).toBe(hash);
    // A late subscriber's snapshot says where it stands, with the receipt.
    const late = (await c.call("optio_subscribe", { channel: "tx", txHash: hash })).result as Params;
    await c.until(() => c.of(late.subscription as string).length === 1);
    expect(c.of(late.subscription as string)[0].data).toMatchObject({
      stage: "confirmed",
      block: b,
      receipt: { txHash: hash },
    });
  });

  it("batches: status snapshot, then each batch as it is sealed and moves on", async () => {
    await setup();
    const c = await client();
    const sub = (await c.call("optio_subscribe", ["batches"])).result as Params;
    await c.until(() => c.of(sub.subscription as string).length === 1);
    expect(c.of(sub.subscription as string)[0].data).toMatchObject({ ready: true, lastSealedBatch: null });
    await order(maker, 1, 3_000_000_000n, 100n);
    node.seal();
    node.advance(0, "posted");
    await c.until(() => c.of(sub.subscription as string).length === 3);
    expect(
      c.of(sub.subscription as string).map((n) => [n.seq, (n.data as { stage?: string }).stage]),
    ).toEqual([
      [0, undefined],
      [1, "sealed"],
      [2, "posted"],
    ]);
  });

  it("at the channel cap a new channel is kept (idle ones go), and a failed snapshot frees its subscription", async () => {
    await setup({ maxChannels: 3 });
    const c = await client();
    const keys = [21, 22, 23, 24].map(testKey);
    const subs: Params[] = [];
    for (const k of keys)
      subs.push((await c.call("optio_subscribe", ["account", undefined, k.address])).result as Params);
    await c.until(() => subs.every((x) => c.of(x.subscription as string).length === 1));
    expect(server.stats().channels).toBe(4); // every one has a subscriber: none can go
    node.fund(keys[3].address, 0, 5n);
    await c.until(() => c.of(subs[3].subscription as string).length === 2);
    expect(
      (c.of(subs[3].subscription as string)[1].data as { subaccounts: unknown[] }).subaccounts,
    ).toHaveLength(1);
    for (const x of subs.slice(0, 3)) await c.call("optio_unsubscribe", [x.subscription]);
    const k5 = testKey(25);
    const s5 = (await c.call("optio_subscribe", ["account", undefined, k5.address])).result as Params;
    await c.until(() => c.of(s5.subscription as string).length === 1);
    expect(server.stats().channels).toBe(3); // idle ones went, the new one stayed
    node.fund(k5.address, 0, 5n);
    await c.until(() => c.of(s5.subscription as string).length === 2);

    node.account = async () => {
      throw new Error("store unavailable");
    };
    const bad = (await c.call("optio_subscribe", ["account", undefined, testKey(26).address]))
      .result as Params;
    await c.until(() => c.of(bad.subscription as string).length === 1);
    expect(c.of(bad.subscription as string)[0]).toMatchObject({
      type: "error",
      data: { reason: "SNAPSHOT_FAILED" },
    });
    expect((await c.call("optio_unsubscribe", [bad.subscription])).error).toMatchObject({ code: -32031 });
  });

  it("unsubscribe stops the deltas", async () => {
    await setup();
    const c = await client();
    const sub = (await c.call("optio_subscribe", ["book", 0])).result as Params;
    await c.until(() => c.of(sub.subscription as string).length === 1);
    expect((await c.call("optio_unsubscribe", [sub.subscription])).result).toBe(true);
    await order(maker, 1, 3_000_000_000n, 100n);
    expect((await c.call("optio_ping")).result).toBeDefined();
    expect(c.of(sub.subscription as string)).toHaveLength(1);
  });
});

describe("resync and consistency", () => {
  it("resync from a sequence number replays the missed deltas without a snapshot", async () => {
    await setup({ replayPerChannel: 8 });
    const c1 = await client();
    const s1 = (await c1.call("optio_subscribe", ["book", 0])).result as Params;
    for (let i = 0; i < 3; i++) await order(maker, 1, 3_000_000_000n + BigInt(i) * 10_000n, 100n);
    await c1.until(() => c1.of(s1.subscription as string).length === 4);
    const lastSeen = c1.of(s1.subscription as string)[3].seq as number;
    c1.close(); // disconnect; the book moves on
    for (let i = 0; i < 4; i++) await order(maker, 0, 2_900_000_000n - BigInt(i) * 10_000n, 100n);
    const c2 = await client();
    const s2 = (
      await c2.call("optio_subscribe", { channel: "book", market: 0, fromSeq: lastSeen, epoch: server.epoch })
    ).result as Params;
    expect(s2.replayed).toBe(true);
    await c2.until(() => c2.of(s2.subscription as string).length === 4);
    const ns = c2.of(s2.subscription as string);
    expect(ns.every((n) => n.type === "delta")).toBe(true);
    expect(seqs(ns)).toEqual([lastSeen + 1, lastSeen + 2, lastSeen + 3, lastSeen + 4]);
  });

  it("resync from too far back, or from another epoch, gets a snapshot marked resync", async () => {
    await setup({ replayPerChannel: 4 });
    const c = await client();
    for (let i = 0; i < 10; i++) await order(maker, 1, 3_000_000_000n + BigInt(i) * 10_000n, 100n);
    const old = (
      await c.call("optio_subscribe", { channel: "book", market: 0, fromSeq: 1, epoch: server.epoch })
    ).result as Params;
    const other = (
      await c.call("optio_subscribe", { channel: "book", market: 0, fromSeq: 9, epoch: "elsewhere" })
    ).result as Params;
    expect([old.replayed, other.replayed]).toEqual([false, false]);
    await c.until(
      () => c.of(old.subscription as string).length === 1 && c.of(other.subscription as string).length === 1,
    );
    for (const s of [old, other]) {
      const [n] = c.of(s.subscription as string);
      expect(n).toMatchObject({ type: "snapshot", resync: true, seq: 10 });
      expect((n.data as BookView).asks).toHaveLength(10);
    }
  });

  it("all rings together stay under maxReplayBytes; a channel trimmed by others resyncs by snapshot", async () => {
    await setup({ maxReplayBytes: 64 * 1024, replayPerChannel: 1_000 });
    const c = await client();
    const quiet = (await c.call("optio_subscribe", ["book", 1])).result as Params;
    node.emit({ kind: "level", seq: "0", market: 1, side: 0, price: "1", quantity: "1", orders: 1 });
    await c.until(() => c.of(quiet.subscription as string).length === 2);
    const pad = "7".repeat(500);
    for (let i = 0; i < 2_000; i++)
      node.emit({
        kind: "level",
        seq: String(i),
        market: 0,
        side: 1,
        price: `${pad}${i}`,
        quantity: "1",
        orders: 1,
      });
    expect(server.stats().replayBytes).toBeLessThanOrEqual(64 * 1024);
    expect(server.stats().replayBytes).toBeGreaterThan(32 * 1024);
    // book:0 keeps its newest deltas: a resync from near its head replays.
    const near = (
      await c.call("optio_subscribe", { channel: "book", market: 0, fromSeq: 1_990, epoch: server.epoch })
    ).result as Params;
    expect(near.replayed).toBe(true);
    await c.until(() => c.of(near.subscription as string).length === 10);
    expect(seqs(c.of(near.subscription as string))).toEqual(Array.from({ length: 10 }, (_, k) => 1_991 + k));
    // book:1's one delta was the oldest anywhere: gone, so resyncing from 0 needs a snapshot.
    const trimmed = (
      await c.call("optio_subscribe", { channel: "book", market: 1, fromSeq: 0, epoch: server.epoch })
    ).result as Params;
    expect(trimmed.replayed).toBe(false);
    await c.until(() => c.of(trimmed.subscription as string).length === 1);
    expect(c.of(trimmed.subscription as string)[0]).toMatchObject({ type: "snapshot", resync: true, seq: 1 });
  });

  it("a slow snapshot while deltas flow: no gap, no duplicate", async () => {
    await setup();
    const c = await client();
    // Make the channel exist with some history, then slow the node's book() down.
    await order(maker, 1, 3_000_000_000n, 100n);
    const realBook = node.book.bind(node);
    let release = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    node.book = async (m, d) => {
      const b = await realBook(m, d); // taken now...
      await gate; // ...delivered after more orders happened
      return b;
    };
    const sub = (await c.call("optio_subscribe", ["book", 0])).result as Params;
    await new Promise((r) => setTimeout(r, 20)); // the snapshot is being fetched
    for (let i = 1; i <= 5; i++) await order(maker, 1, 3_000_000_000n + BigInt(i) * 10_000n, 100n);
    release();
    await c.until(() => c.of(sub.subscription as string).length === 6);
    const ns = c.of(sub.subscription as string);
    expect(ns[0].type).toBe("snapshot");
    expect(seqs(ns)).toEqual([1, 2, 3, 4, 5, 6]);
    node.book = realBook;
    const book = (await node.book(0, 50)) as BookView;
    expect(applyBook(ns[0].data as BookView, ns.slice(1))).toEqual({ bids: book.bids, asks: book.asks });
  });
});

describe("slow and idle clients", () => {
  it("a client that stops reading is told SLOW_CONSUMER and dropped; server buffers stay bounded", async () => {
    await setup({ maxBufferedBytes: 256 * 1024 });
    const slow = await client();
    const fast = await client();
    const s1 = (await slow.call("optio_subscribe", ["book", 0])).result as Params;
    const s2 = (await fast.call("optio_subscribe", ["book", 0])).result as Params;
    await slow.until(() => slow.of(s1.subscription as string).length === 1);
    (slow.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    const pad = "9".repeat(1000);
    let i = 0;
    const deadline = Date.now() + 20_000;
    while (server.stats().slowConsumersDropped === 0 && Date.now() < deadline) {
      for (let k = 0; k < 200; k++, i++)
        node.emit({
          kind: "level",
          seq: String(i),
          market: 0,
          side: 0,
          price: `${pad}${i}`,
          quantity: "1",
          orders: 1,
        });
      await new Promise((r) => setImmediate(r));
    }
    expect(server.stats().slowConsumersDropped).toBe(1);
    (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    await slow.until(() => slow.closeCode !== null, 10_000);
    expect(slow.closeCode).toBe(4008);
    expect(
      slow.notifications.some((n) => n.method === "optio_dropped" && n.params.reason === "SLOW_CONSUMER"),
    ).toBe(true);
    // The reading client got every delta, in order.
    await fast.until(() => fast.of(s2.subscription as string).length === i + 1, 20_000);
    expect(seqs(fast.of(s2.subscription as string))).toEqual(Array.from({ length: i + 1 }, (_, k) => k));
  });

  it("a client that sends nothing for idleTimeoutMs is closed; one that pings stays", async () => {
    await setup({ idleTimeoutMs: 400 });
    const idle = await client();
    const pinger = await client();
    const timer = setInterval(() => void pinger.call("optio_ping"), 100);
    await idle.until(() => idle.closeCode !== null, 5_000);
    clearInterval(timer);
    expect(idle.closeCode).toBe(4000);
    expect(pinger.closeCode).toBeNull();
  });
});
