/**
 * Fuzz: >= 100,000 malformed requests over HTTP, WebSocket and raw TCP to a running server on
 * loopback (random bytes, mutated valid requests, wrong types, bad transactions, huge and deeply
 * nested JSON, junk batches). Checks: the server never crashes and keeps answering, every reply
 * is well-formed JSON-RPC 2.0, the node's state is unchanged, the heap is back near where it
 * started. Bounded in count and time for CI (about 10-30 s on the 2-core machine).
 */
import { Agent, request } from "node:http";
import { connect } from "node:net";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type ApiServer, createApiServer } from "./createApiServer.ts";
import { FakeNode } from "./testing/FakeNode.ts";
import { httpCall, WsClient } from "./testing/rpcClient.ts";
import { hexOf, signOrder, testKey } from "./testing/signing.ts";

const CHAIN = 31337n;
const HTTP_COUNT = 10_000;
const WS_COUNT = 90_000;
const TCP_COUNT = 300;
const TIME_BUDGET_MS = 45_000;

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

/** mulberry32: a seeded generator, so a failure reproduces. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let node: FakeNode;
let server: ApiServer;
const key = testKey(5);
const other = testKey(6);
/** Valid-looking transactions whose nonce is already used: they reach the node and change nothing. */
const staleTxs: string[] = [];

beforeAll(async () => {
  node = new FakeNode(CHAIN);
  node.fund(key.address, 0, 10n ** 12n);
  server = await createApiServer({
    node,
    limits: {
      maxRequestBytes: 64 * 1024,
      connectionRatePerSecond: 1_000_000_000,
      connectionBurst: 1_000_000_000,
      ipRatePerSecond: 1_000_000_000,
      ipBurst: 1_000_000_000,
      addressRatePerSecond: 1_000_000_000,
      addressBurst: 1_000_000_000,
    },
  });
  for (let i = 0; i < 4; i++) {
    const tx = signOrder(key, CHAIN, BigInt(i), {
      side: i % 2 === 0 ? 1 : 0,
      price: 3_000_000_000n + BigInt(i),
      quantity: 100n,
    });
    expect((await httpCall(server.url, "optio_sendTransaction", [hexOf(tx)])).result).toBeDefined();
    staleTxs.push(hexOf(tx));
  }
  staleTxs.push(
    hexOf(signOrder(other, CHAIN, 0n, { side: 0, price: 1n, quantity: 1n })).replace(/.{4}$/, "abcd"),
  );
});
afterAll(async () => {
  agent.destroy();
  await server.close();
});

const METHODS = [
  "optio_sendTransaction",
  "optio_sendTransactions",
  "optio_getNonce",
  "optio_getAccount",
  "optio_getOrder",
  "optio_getBook",
  "optio_getMarkets",
  "optio_getOptionsChain",
  "optio_getReceipt",
  "optio_getBatch",
  "optio_status",
  "optio_subscribe",
  "optio_unsubscribe",
  "optio_ping",
  "nope",
  "__proto__",
  "constructor",
];

function makeGenerator(seed: number) {
  const r = rng(seed);
  const int = (n: number) => Math.floor(r() * n);
  const pick = <T>(xs: readonly T[]) => xs[int(xs.length)];
  const randomJson = (depth: number): unknown => {
    switch (int(depth > 3 ? 6 : 8)) {
      case 0:
        return null;
      case 1:
        return r() < 0.5;
      case 2:
        return pick([0, -1, 1.5, 2 ** 53, 1e308, -0, 65_535, 65_536, 4_294_967_296]);
      case 3:
        return pick([
          "",
          "0x",
          "0x00",
          "0xzz",
          "1",
          "-1",
          "18446744073709551616",
          key.address,
          `0x${"ab".repeat(32)}`,
        ]);
      case 4:
        return pick(staleTxs);
      case 5:
        return "x".repeat(int(300));
      case 6:
        return Array.from({ length: int(4) }, () => randomJson(depth + 1));
      default: {
        const o: Record<string, unknown> = {};
        for (let i = int(4); i > 0; i--)
          o[pick(["tx", "txs", "market", "depth", "address", "channel", "__proto__", "a"])] = randomJson(
            depth + 1,
          );
        return o;
      }
    }
  };
  const validish = (): string =>
    JSON.stringify({
      jsonrpc: r() < 0.95 ? "2.0" : pick(["1.0", 2, null]),
      id: pick([1, "x", null, int(1e6)]),
      method: pick(METHODS),
      params: r() < 0.3 ? [pick(staleTxs)] : randomJson(1),
    });
  const mutate = (s: string): string => {
    const cs = s.split("");
    for (let k = 1 + int(4); k > 0; k--) {
      const at = int(cs.length);
      const op = int(3);
      if (op === 0) cs[at] = String.fromCharCode(int(128));
      else if (op === 1) cs.splice(at, 1);
      else cs.splice(at, 0, pick(['"', "{", "}", "[", "]", ",", ":", "\\", "0", "x"]));
    }
    return cs.join("");
  };
  const mutatedTx = (): string => {
    const tx = pick(staleTxs).split("");
    const at = 2 + int(tx.length - 2);
    tx[at] = pick("0123456789abcdef".split(""));
    return JSON.stringify({ jsonrpc: "2.0", id: 7, method: "optio_sendTransaction", params: [tx.join("")] });
  };
  return (): string | Uint8Array => {
    switch (int(10)) {
      case 0:
        return Uint8Array.from({ length: int(200) }, () => int(256));
      case 1:
      case 2:
        return mutate(validish());
      case 3:
      case 4:
        return validish();
      case 5:
        return mutatedTx();
      case 6: {
        const d = 1 + int(3000);
        return r() < 0.5 ? `${"[".repeat(d)}${"]".repeat(d)}` : `${'{"a":'.repeat(d)}1${"}".repeat(d)}`;
      }
      case 7:
        return r() < 0.1
          ? `"${"h".repeat(70_000)}"`
          : `[${Array.from({ length: 1 + int(5) }, validish).join(",")}]`;
      case 8:
        return pick(["", " ", "null", "[]", "{}", "[1,2]", '"x"', "1e999", "[{}]", '{"jsonrpc":"2.0"}']);
      default:
        return mutate(mutate(validish()));
    }
  };
}

const agent = new Agent({ keepAlive: true, maxSockets: 16 });

/** POST over a keep-alive agent (node:http: lighter than fetch for many small requests). */
function post(body: string | Uint8Array): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(server.url, { method: "POST", agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** A reply is well-formed JSON-RPC 2.0: one response, or a non-empty array of them. */
function wellFormed(v: unknown): boolean {
  const one = (x: unknown) => {
    if (typeof x !== "object" || x === null) return false;
    const o = x as Record<string, unknown>;
    if (o.jsonrpc !== "2.0" || !Object.hasOwn(o, "id")) return false;
    if (Object.hasOwn(o, "result")) return !Object.hasOwn(o, "error");
    const e = o.error as Record<string, unknown> | undefined;
    return typeof e === "object" && e !== null && Number.isInteger(e.code) && typeof e.message === "string";
  };
  return Array.isArray(v) ? v.length > 0 && v.every(one) : one(v);
}

it("survives >= 100,000 malformed requests with well-formed replies, no state change, bounded heap", async () => {
  const start = Date.now();
  const before = node.stateDigest();
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  let sent = 0;
  let bad = 0;

  // WebSocket: 4 connections, windows of pipelined messages, each window closed by a sentinel ping.
  const ws = await Promise.all([0, 1, 2, 3].map(() => WsClient.connect(server.wsUrl)));
  const perConn = WS_COUNT / ws.length;
  await Promise.all(
    ws.map(async (c, ci) => {
      const gen = makeGenerator(1000 + ci);
      for (let n = 0; n < perConn && Date.now() - start < TIME_BUDGET_MS; ) {
        for (let k = 0; k < 500; k++, n++) c.sendRaw(gen());
        sent += 500;
        await c.call("optio_ping");
        for (const m of c.other.splice(0)) if (!wellFormed(m)) bad++;
      }
    }),
  );
  await new Promise((r) => setTimeout(r, 100));
  for (const c of ws) {
    for (const m of c.other.splice(0)) if (!wellFormed(m)) bad++;
    // Notifications (from subscriptions the fuzz happened to open) must be well-formed too.
    for (const n of c.notifications.splice(0)) if (n.method !== "optio_subscription") bad++;
    expect(c.closeCode).toBeNull();
  }

  const wsMs = Date.now() - start;
  // HTTP: 16 workers on keep-alive connections.
  const gen = makeGenerator(7);
  const statuses = new Map<number, number>();
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (sent < WS_COUNT + HTTP_COUNT && Date.now() - start < TIME_BUDGET_MS + 10_000) {
        sent++;
        const body = gen();
        const res = await post(body);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const text = res.text;
        if (res.status === 204) {
          if (text !== "") bad++;
          continue;
        }
        try {
          if (!wellFormed(JSON.parse(text))) bad++;
        } catch {
          bad++;
        }
      }
    }),
  );

  const httpMs = Date.now() - start - wsMs;
  // Raw TCP: malformed HTTP itself gets a 400 with a JSON-RPC body, never a hang or a crash.
  const r = rng(99);
  for (let i = 0; i < TCP_COUNT; i++, sent++) {
    const junk = Buffer.from(Array.from({ length: 1 + Math.floor(r() * 100) }, () => Math.floor(r() * 256)));
    const reply = await new Promise<string>((resolve) => {
      const s = connect(server.port, "127.0.0.1");
      const chunks: Buffer[] = [];
      s.on("data", (c) => chunks.push(c));
      s.on("close", () => resolve(Buffer.concat(chunks).toString("latin1")));
      s.on("error", () => {});
      s.end(Buffer.concat([junk, Buffer.from("\r\n\r\n")]));
      setTimeout(() => s.destroy(), 2_000).unref();
    });
    if (reply !== "") {
      const [head, body] = reply.split("\r\n\r\n");
      if (!/^HTTP\/1\.1 (400|405|413|404) /.test(head) || !wellFormed(JSON.parse(body))) bad++;
    }
  }

  for (const c of ws) c.close();
  expect(sent).toBeGreaterThanOrEqual(100_000);
  expect(bad).toBe(0);
  expect(node.stateDigest()).toBe(before);
  // Still serving, nothing left in flight.
  expect((await httpCall(server.url, "optio_getNonce", [key.address])).result).toBe("4");
  expect(server.stats().inFlight).toBe(0);
  await new Promise((res) => setTimeout(res, 200));
  gc();
  const growth = process.memoryUsage().heapUsed - heapBefore;
  console.log(
    `fuzz: ${sent} requests in ${Date.now() - start} ms (ws ${wsMs}, http ${httpMs}), heap ${Math.round(heapBefore / 1e6)} MB -> +${Math.round(growth / 1e6)} MB, http statuses ${JSON.stringify([...statuses])}`,
  );
  expect(growth).toBeLessThan(32 * 1024 * 1024);
});
