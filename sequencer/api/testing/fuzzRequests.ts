/**
 * The trader API fuzz driver, reusable against any running server (the FakeNode in
 * sequencer/api/fuzz.test.ts; the real node at merge): malformed requests over WebSocket, HTTP
 * and raw TCP (random bytes, mutated valid requests, wrong types, mutated transactions, huge and
 * deeply nested JSON, junk batches, malformed HTTP). Counts every reply that is not well-formed
 * JSON-RPC 2.0; the caller checks its node's state and memory around it. Loopback only, bounded
 * in count and time.
 */
import { Agent, request } from "node:http";
import { connect } from "node:net";
import { WsClient } from "./rpcClient.ts";

export { rng } from "../../../vm/testing/randomProgram.ts";

import { rng } from "../../../vm/testing/randomProgram.ts";

export interface FuzzOptions {
  /** http://127.0.0.1:port/ */
  readonly url: string;
  readonly wsUrl: string;
  readonly port: number;
  /**
   * Valid-looking transactions that must change nothing (nonce already used, bad signature):
   * requests embed and mutate them.
   */
  readonly staleTxs: readonly string[];
  /** An address to put in requests. */
  readonly address: string;
  readonly wsCount: number;
  readonly httpCount: number;
  readonly tcpCount: number;
  /** Stops sending after this long (ms), even short of the counts. */
  readonly timeBudgetMs: number;
  /** Bytes of the "huge" requests (above the server's maxRequestBytes to test the limit). */
  readonly hugeBytes?: number;
}

export interface FuzzResult {
  readonly sent: number;
  /** Replies that were not well-formed JSON-RPC (must be 0). */
  readonly bad: number;
  /** WS connections the server closed (must be 0: junk is answered, not punished by closing). */
  readonly wsClosed: number;
  readonly httpStatuses: Readonly<Record<string, number>>;
  readonly wsMs: number;
  readonly httpMs: number;
  readonly tcpMs: number;
}

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

function makeGenerator(seed: number, staleTxs: readonly string[], address: string, hugeBytes: number) {
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
          address,
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
        // Huge ones are rare: each is hugeBytes on the wire, the rest of the mix is small.
        return r() < 0.02
          ? `"${"h".repeat(hugeBytes)}"`
          : `[${Array.from({ length: 1 + int(5) }, validish).join(",")}]`;
      case 8:
        return pick(["", " ", "null", "[]", "{}", "[1,2]", '"x"', "1e999", "[{}]", '{"jsonrpc":"2.0"}']);
      default:
        return mutate(mutate(validish()));
    }
  };
}

/** POST over a keep-alive agent (node:http: lighter than fetch for many small requests). */
function post(
  agent: Agent,
  url: string,
  body: string | Uint8Array,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", agent }, (res) => {
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
export function wellFormed(v: unknown): boolean {
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

/** Sends the fuzz; resolves with what came back. */
export async function runFuzz(o: FuzzOptions): Promise<FuzzResult> {
  const start = Date.now();
  const hugeBytes = o.hugeBytes ?? 70_000;
  let sent = 0;
  let bad = 0;
  let wsClosed = 0;

  // WebSocket: 4 connections, windows of pipelined messages, each window closed by a sentinel ping.
  const ws = await Promise.all([0, 1, 2, 3].map(() => WsClient.connect(o.wsUrl)));
  const perConn = Math.ceil(o.wsCount / ws.length);
  await Promise.all(
    ws.map(async (c, ci) => {
      const gen = makeGenerator(1000 + ci, o.staleTxs, o.address, hugeBytes);
      for (let n = 0; n < perConn && Date.now() - start < o.timeBudgetMs && c.closeCode === null; ) {
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
    // Notifications (from subscriptions the fuzz happened to open) must be subscription ones.
    for (const n of c.notifications.splice(0)) if (n.method !== "optio_subscription") bad++;
    if (c.closeCode !== null) wsClosed++;
    c.close();
  }
  const wsMs = Date.now() - start;

  // HTTP: 16 workers on keep-alive connections.
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const gen = makeGenerator(7, o.staleTxs, o.address, hugeBytes);
  const statuses: Record<string, number> = {};
  let httpSent = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (httpSent < o.httpCount && Date.now() - start < o.timeBudgetMs + 10_000) {
        httpSent++;
        const res = await post(agent, o.url, gen());
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        if (res.status === 204) {
          if (res.text !== "") bad++;
          continue;
        }
        try {
          if (!wellFormed(JSON.parse(res.text))) bad++;
        } catch {
          bad++;
        }
      }
    }),
  );
  agent.destroy();
  sent += httpSent;
  const httpMs = Date.now() - start - wsMs;

  // Raw TCP: malformed HTTP itself gets a 400 with a JSON-RPC body, never a hang or a crash.
  const r = rng(99);
  for (let i = 0; i < o.tcpCount; i++, sent++) {
    const junk = Buffer.from(Array.from({ length: 1 + Math.floor(r() * 100) }, () => Math.floor(r() * 256)));
    const reply = await new Promise<string>((resolve) => {
      const s = connect(o.port, "127.0.0.1");
      const chunks: Buffer[] = [];
      s.on("data", (c) => chunks.push(c));
      s.on("close", () => resolve(Buffer.concat(chunks).toString("latin1")));
      s.on("error", () => {});
      s.end(Buffer.concat([junk, Buffer.from("\r\n\r\n")]));
      setTimeout(() => s.destroy(), 2_000).unref();
    });
    if (reply !== "") {
      const [head, body] = reply.split("\r\n\r\n");
      try {
        if (!/^HTTP\/1\.1 (400|405|413|404) /.test(head) || !wellFormed(JSON.parse(body))) bad++;
      } catch {
        bad++;
      }
    }
  }
  const tcpMs = Date.now() - start - wsMs - httpMs;
  return { sent, bad, wsClosed, httpStatuses: statuses, wsMs, httpMs, tcpMs };
}
