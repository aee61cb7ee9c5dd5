/**
 * Fuzz: >= 100,000 malformed requests over WebSocket, HTTP and raw TCP (testing/fuzzRequests.ts)
 * to a running server on loopback with the FakeNode. Checks: the server never crashes and keeps
 * answering, every reply is well-formed JSON-RPC 2.0, no WS connection is closed for junk, the
 * node's state is unchanged, the heap is back near where it started. Bounded in count and time
 * for CI (13-36 s on the 2-core machine depending on its load).
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type ApiServer, createApiServer } from "./createApiServer.ts";
import { FakeNode } from "./testing/FakeNode.ts";
import { runFuzz } from "./testing/fuzzRequests.ts";
import { httpCall } from "./testing/rpcClient.ts";
import { hexOf, signOrder, testKey } from "./testing/signing.ts";

const CHAIN = 31337n;

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

let node: FakeNode;
let server: ApiServer;
const key = testKey(5);
const other = testKey(6);
/** Valid-looking transactions whose nonce is already used (or signature broken): they change nothing. */
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
  await server.close();
});

it("survives >= 100,000 malformed requests with well-formed replies, no state change, bounded heap", async () => {
  const before = node.stateDigest();
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const r = await runFuzz({
    url: server.url,
    wsUrl: server.wsUrl,
    port: server.port,
    staleTxs,
    address: key.address,
    wsCount: 90_000,
    httpCount: 10_000,
    tcpCount: 300,
    timeBudgetMs: 45_000,
  });
  expect(r.sent).toBeGreaterThanOrEqual(100_000);
  expect(r.bad).toBe(0);
  expect(r.wsClosed).toBe(0);
  expect(node.stateDigest()).toBe(before);
  // Still serving, nothing left in flight.
  expect((await httpCall(server.url, "optio_getNonce", [key.address])).result).toBe("4");
  expect(server.stats().inFlight).toBe(0);
  await new Promise((res) => setTimeout(res, 200));
  gc();
  const growth = process.memoryUsage().heapUsed - heapBefore;
  console.log(
    `fuzz: ${r.sent} requests (ws ${r.wsMs} ms, http ${r.httpMs} ms, tcp ${r.tcpMs} ms), heap ${Math.round(heapBefore / 1e6)} MB -> +${Math.round(growth / 1e6)} MB, http statuses ${JSON.stringify(r.httpStatuses)}`,
  );
  expect(growth).toBeLessThan(32 * 1024 * 1024);
});
