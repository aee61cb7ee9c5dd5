/**
 * Load generator for `./optio bench sequencer`: pre-signed transactions sent over several
 * WebSocket connections to a running trader API, in one of two modes:
 *   - "max": closed loop, each connection keeps `window` transactions outstanding; measures
 *     acknowledged transactions per second (sequencer.orders);
 *   - "rate": open loop at a fixed offered load (e.g. 5,000/s); each transaction's latency is
 *     measured from the time it was scheduled, not sent, so a stalled server is not hidden
 *     (no coordinated omission) (sequencer.ack.p50 / p99).
 * A signer's transactions always go on the same connection, in nonce order (the server hands
 * them to the node in arrival order). Runs in its own process through loadMain.ts.
 */
import WebSocket from "ws";
import { hexOf, signOrder, type TestKey, testKey } from "./signing.ts";

export interface LoadOptions {
  /** ws://host:port/ */
  readonly url: string;
  readonly connections: number;
  /** Pre-signed transactions as 0x-hex, with their signer (lowercase) for connection affinity. */
  readonly txs: readonly { readonly hex: string; readonly signer: string }[];
  readonly mode: "max" | "rate";
  /** "max": transactions outstanding per connection. */
  readonly window?: number;
  /** "rate": offered transactions per second over all connections. */
  readonly rate?: number;
  /** Stop after this long even if transactions remain, ms. */
  readonly durationMs: number;
  /** Transactions per optio_sendTransactions call (1: optio_sendTransaction). */
  readonly perCall?: number;
}

export interface LoadResult {
  readonly sent: number;
  /** Answered with a receipt (any outcome). */
  readonly acked: number;
  /** Answered with a JSON-RPC error, by code. */
  readonly errors: Readonly<Record<string, number>>;
  readonly outcomes: Readonly<Record<string, number>>;
  readonly elapsedMs: number;
  readonly ackedPerSecond: number;
  readonly latencyMs: {
    readonly p50: number;
    readonly p90: number;
    readonly p99: number;
    readonly max: number;
  };
}

interface Pending {
  readonly at: number;
  readonly n: number;
}

function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const perCall = o.perCall ?? 1;
  const queues: string[][] = Array.from({ length: o.connections }, () => []);
  const conns: number[] = [];
  const signerConn = new Map<string, number>();
  for (const t of o.txs) {
    let c = signerConn.get(t.signer);
    if (c === undefined) {
      c = signerConn.size % o.connections;
      signerConn.set(t.signer, c);
    }
    queues[c].push(t.hex);
    conns.push(c);
  }
  const sockets = await Promise.all(
    queues.map(
      () =>
        new Promise<WebSocket>((resolve, reject) => {
          const ws = new WebSocket(o.url, { perMessageDeflate: false });
          ws.once("open", () => resolve(ws));
          ws.once("error", reject);
        }),
    ),
  );
  const latencies = new Float64Array(o.txs.length);
  let nLat = 0;
  let sent = 0;
  let acked = 0;
  let answered = 0;
  const errors: Record<string, number> = {};
  const outcomes: Record<string, number> = {};
  const start = performance.now();
  const deadline = start + o.durationMs;
  let nextId = 1;
  let done: () => void = () => {};
  const finished = new Promise<void>((r) => {
    done = r;
  });
  const positions = queues.map(() => 0);
  const pending = sockets.map(() => new Map<number, Pending>());

  /** Sends the next call of connection c; the number of transactions sent (0: its queue is empty). */
  const sendFrom = (c: number, scheduledAt: number): number => {
    const q = queues[c];
    if (positions[c] >= q.length) return 0;
    const batch = q.slice(positions[c], positions[c] + perCall);
    positions[c] += batch.length;
    const id = nextId++;
    pending[c].set(id, { at: scheduledAt, n: batch.length });
    const msg =
      perCall === 1
        ? { jsonrpc: "2.0", id, method: "optio_sendTransaction", params: [batch[0]] }
        : { jsonrpc: "2.0", id, method: "optio_sendTransactions", params: [batch] };
    sockets[c].send(JSON.stringify(msg));
    sent += batch.length;
    return batch.length;
  };

  const count = (r: Record<string, unknown>) => {
    if (r.error !== undefined) {
      const k = String((r.error as { code: number }).code);
      errors[k] = (errors[k] ?? 0) + 1;
    } else {
      acked++;
      const name = String(
        (r.receipt ?? r.result) && ((r.receipt ?? r.result) as { outcomeName: string }).outcomeName,
      );
      outcomes[name] = (outcomes[name] ?? 0) + 1;
    }
  };

  sockets.forEach((ws, c) => {
    ws.on("message", (data: Buffer) => {
      const m = JSON.parse(data.toString("utf8")) as Record<string, unknown>;
      const p = pending[c].get(m.id as number);
      if (p === undefined) return;
      pending[c].delete(m.id as number);
      const now = performance.now();
      for (let k = 0; k < p.n; k++) latencies[nLat++] = now - p.at;
      answered += p.n;
      if (Array.isArray(m.result)) for (const r of m.result as Record<string, unknown>[]) count(r);
      else count(m);
      if (o.mode === "max" && now < deadline) sendFrom(c, now);
      if (answered >= sent && (now >= deadline || positions.every((pos, i) => pos >= queues[i].length)))
        done();
    });
  });

  if (o.mode === "max") {
    const w = Math.max(1, Math.floor((o.window ?? 64) / perCall));
    for (let c = 0; c < sockets.length; c++) for (let k = 0; k < w; k++) sendFrom(c, performance.now());
  } else {
    const rate = o.rate ?? 1000;
    // Open loop: every millisecond, send what the schedule says is due (round-robin over connections).
    let scheduled = 0;
    let rr = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      const due = Math.floor(((now - start) * rate) / 1000);
      let exhausted = false;
      while (scheduled < due && now < deadline) {
        const at = start + (scheduled * 1000) / rate;
        let n = 0;
        for (let tries = 0; tries < sockets.length && n === 0; tries++) {
          n = sendFrom(rr, at);
          rr = (rr + 1) % sockets.length;
        }
        if (n === 0) {
          exhausted = true;
          break;
        }
        scheduled += n;
      }
      if (exhausted || now >= deadline) {
        clearInterval(timer);
        if (answered >= sent) done();
      }
    }, 1);
  }
  // Give answers a grace period after the deadline.
  const hardStop = setTimeout(() => done(), o.durationMs + 10_000);
  await finished;
  clearTimeout(hardStop);
  const elapsedMs = performance.now() - start;
  for (const ws of sockets) ws.close();
  const lat = latencies.slice(0, nLat).sort();
  return {
    sent,
    acked,
    errors,
    outcomes,
    elapsedMs: Math.round(elapsedMs),
    ackedPerSecond: Math.round((acked * 1000) / elapsedMs),
    latencyMs: {
      p50: round3(quantile(lat, 0.5)),
      p90: round3(quantile(lat, 0.9)),
      p99: round3(quantile(lat, 0.99)),
      max: round3(lat.length === 0 ? Number.NaN : lat[lat.length - 1]),
    },
  };
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

export interface OrderMixOptions {
  readonly chainId: bigint;
  /** Signers: key numbers first..first+accounts-1 (testKey). Half make (GTC), half take (IOC). */
  readonly accounts: number;
  readonly firstKey?: number;
  readonly count: number;
  readonly market?: number;
  /** Mid price and tick (quote units); quantities are lots of `lot` qtyE8. */
  readonly mid?: bigint;
  readonly tick?: bigint;
  readonly lot?: bigint;
  /** Nonce of each account's first transaction (default 0). */
  readonly startNonce?: (key: TestKey) => bigint;
}

/**
 * A simple order mix: makers rest GTC orders a few ticks either side of the mid, takers send IOC
 * orders that cross them. Each account's nonces run in order. Signing costs ~0.2-1 ms per
 * transaction (noble), so sign ahead of the measurement (loadMain --out writes a file).
 */
export function makeOrderMix(o: OrderMixOptions): { hex: string; signer: string }[] {
  const keys = Array.from({ length: o.accounts }, (_, i) => testKey((o.firstKey ?? 1000) + i));
  const nonces = keys.map((k) => o.startNonce?.(k) ?? 0n);
  const mid = o.mid ?? 3_000_000_000n;
  const tick = o.tick ?? 10_000n;
  const lot = o.lot ?? 100_000n;
  const out: { hex: string; signer: string }[] = [];
  for (let i = 0; i < o.count; i++) {
    const a = i % keys.length;
    const maker = a % 2 === 0;
    const side = ((i >> 1) & 1) as 0 | 1;
    const off = BigInt(1 + (i % 5)) * tick;
    const price = maker
      ? side === 0
        ? mid - off
        : mid + off
      : side === 0
        ? mid + 6n * tick
        : mid - 6n * tick;
    const tx = signOrder(keys[a], o.chainId, nonces[a]++, {
      market: o.market ?? 0,
      side,
      price,
      quantity: lot * BigInt(1 + (i % 3)),
      timeInForce: maker ? 0 : 1,
    });
    out.push({ hex: hexOf(tx), signer: keys[a].address });
  }
  return out;
}

/** The addresses of makeOrderMix's accounts (to fund them before a run). */
export function mixAccounts(accounts: number, firstKey = 1000): TestKey[] {
  return Array.from({ length: accounts }, (_, i) => testKey(firstKey + i));
}
