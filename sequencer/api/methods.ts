/**
 * The trader API's methods as data: name, parameters (params.ts kinds), whether WebSocket only,
 * and the handler. docs/api.md lists the same table with the result shapes (NodeApi.ts). A
 * handler returns its result or an error object; it throws only on a bug or a node failure
 * (the dispatcher answers INTERNAL_ERROR).
 */
import type { ApiLimits } from "./apiParams.ts";
import type { Connection } from "./Connection.ts";
import { type RpcErrorObject, rejectionError, rpcError, withdrawalRefusalError } from "./errorCodes.ts";
import type { Hex, NodeApi, SubmitResult } from "./NodeApi.ts";
import type { ChannelName, ParamSpec } from "./params.ts";
import { precheckTx } from "./precheckTx.ts";
import type { Subscription, SubscriptionHub } from "./SubscriptionHub.ts";
import { BucketMap } from "./TokenBucket.ts";

export type Outcome = { readonly result: unknown } | { readonly error: RpcErrorObject };

/** What a handler may use: the node, the limits, the server-wide admission state, its connection. */
export interface MethodContext {
  readonly node: NodeApi;
  readonly limits: ApiLimits;
  readonly admission: Admission;
  readonly hub: SubscriptionHub;
  readonly conn: Connection;
  /** WS only: this connection's subscriptions by id. */
  readonly subscriptions: Map<string, Subscription> | undefined;
  readonly now: () => number;
}

export interface MethodSpec {
  readonly params: readonly ParamSpec[];
  readonly wsOnly?: boolean;
  /** Request units it costs beyond the one every request costs (computed from its params). */
  readonly extraUnits?: (p: Record<string, unknown>) => number;
  readonly summary: string;
  readonly handler: (ctx: MethodContext, p: Record<string, unknown>) => Promise<Outcome>;
}

/** Server-wide admission state: transactions in flight and the per-address buckets. */
export class Admission {
  inFlight = 0;
  /** Set by ApiServer.drain: new transactions are answered NOT_READY (reads still work). */
  draining = false;
  readonly addresses: BucketMap;
  constructor(readonly limits: ApiLimits) {
    this.addresses = new BucketMap(limits.addressRatePerSecond, limits.addressBurst);
  }
}

/**
 * Request units of the reads that make the node walk more state than a slot or two (an account's
 * margin over its markets, a book's levels, every market, a chain's marks): a flood of them costs
 * what it makes the node do. Everything else costs 1.
 */
const HEAVY_READ_UNITS = 5;

const ok = (result: unknown): Outcome => ({ result });
const fail = (error: RpcErrorObject): Outcome => ({ error });

/**
 * Sends transactions through admission control to the node. Returns one Outcome per transaction.
 * The address bucket is checked before and charged only for transactions whose signature the node
 * verified (receipts and BAD_NONCE): forged transactions in someone's name cannot spend their budget.
 */
async function sendTxs(ctx: MethodContext, txs: readonly Uint8Array[]): Promise<Outcome[]> {
  const out: (Outcome | undefined)[] = new Array(txs.length);
  const pass: number[] = [];
  const signers: (Hex | null)[] = new Array(txs.length);
  const want = new Map<Hex, number>();
  const now = ctx.now();
  for (let i = 0; i < txs.length; i++) {
    const c = precheckTx(txs[i]);
    if (!c.ok) {
      out[i] = fail(
        c.reason === "BAD_ENCODING" ? rpcError("BAD_ENCODING", {}, c.message) : rejectionError(c),
      );
      continue;
    }
    signers[i] = c.signer;
    if (c.signer !== null) {
      const n = (want.get(c.signer) ?? 0) + 1;
      const bucket = ctx.admission.addresses.get(c.signer, now);
      if (!bucket.has(n, now)) {
        out[i] = fail(
          rpcError("RATE_LIMITED", {
            scope: "address",
            address: c.signer,
            limitPerSecond: ctx.limits.addressRatePerSecond,
            retryAfterMs: bucket.waitMs(n, now),
          }),
        );
        continue;
      }
      want.set(c.signer, n);
    }
    pass.push(i);
  }
  if (pass.length > 0) {
    const a = ctx.admission;
    if (a.draining) {
      const e = fail(rpcError("NOT_READY", {}, "the node is shutting down"));
      for (const i of pass) out[i] = e;
    } else if (a.inFlight + pass.length > ctx.limits.maxInFlight) {
      const e = fail(
        rpcError("OVERLOADED", { scope: "server", inFlight: a.inFlight, limit: ctx.limits.maxInFlight }),
      );
      for (const i of pass) out[i] = e;
    } else {
      a.inFlight += pass.length;
      let results: SubmitResult[];
      try {
        results =
          pass.length === 1
            ? [await ctx.node.submit(txs[pass[0]])]
            : await ctx.node.submitMany(pass.map((i) => txs[i]));
      } finally {
        a.inFlight -= pass.length;
      }
      if (results.length !== pass.length)
        throw new Error(`node answered ${results.length} of ${pass.length} txs`);
      const t = ctx.now();
      for (let k = 0; k < pass.length; k++) {
        const i = pass[k];
        const r = results[k];
        const verified = r.ok || r.rejection.reason === "BAD_NONCE";
        const s = signers[i];
        if (verified && s !== null) a.addresses.get(s, t).charge(1, t);
        out[i] = r.ok ? ok(r.receipt) : fail(rejectionError(r.rejection as never));
      }
    }
  }
  return out as Outcome[];
}

export const METHODS: Readonly<Record<string, MethodSpec>> = {
  optio_sendTransaction: {
    summary: "execute one signed transaction (engine wire format, hex); answers with its receipt",
    params: [{ name: "tx", kind: "tx" }],
    handler: async (ctx, p) => (await sendTxs(ctx, [p.tx as Uint8Array]))[0],
  },
  optio_sendTransactions: {
    summary: "execute many, in order; answers one {receipt} or {error} per transaction",
    params: [{ name: "txs", kind: "txs" }],
    extraUnits: (p) => (p.txs as unknown[]).length - 1,
    handler: async (ctx, p) => {
      const r = await sendTxs(ctx, p.txs as Uint8Array[]);
      return ok(r.map((o) => ("result" in o ? { receipt: o.result } : { error: o.error })));
    },
  },
  optio_getNonce: {
    summary: "an address's next nonce (decimal string)",
    params: [{ name: "address", kind: "address" }],
    handler: async (ctx, p) => ok(await ctx.node.nonce(p.address as Hex)),
  },
  optio_getAccount: {
    summary: "balances per subaccount, positions, open orders, margin, liquidation prices",
    extraUnits: () => HEAVY_READ_UNITS - 1,
    params: [{ name: "address", kind: "address" }],
    handler: async (ctx, p) => ok(await ctx.node.account(p.address as Hex)),
  },
  optio_getOrder: {
    summary: "an order by market and id; null if unknown",
    params: [
      { name: "market", kind: "market" },
      { name: "orderId", kind: "uint64" },
    ],
    handler: async (ctx, p) => ok(await ctx.node.order(p.market as number, p.orderId as bigint)),
  },
  optio_getBook: {
    summary:
      "aggregated book levels, best first, at most depth per side (default 20); null if no such market",
    extraUnits: (p) => Math.ceil(((p.depth as number | undefined) ?? 20) / 100) * HEAVY_READ_UNITS - 1,
    params: [
      { name: "market", kind: "market" },
      { name: "depth", kind: "depth", optional: true },
    ],
    handler: async (ctx, p) =>
      ok(await ctx.node.book(p.market as number, (p.depth as number | undefined) ?? 20)),
  },
  optio_getMarkets: {
    summary: "every market with its parameters, index and mark prices",
    extraUnits: () => HEAVY_READ_UNITS - 1,
    params: [],
    handler: async (ctx) => ok(await ctx.node.markets()),
  },
  optio_getUnderlyings: {
    summary: "every underlying with its oracle and index price",
    extraUnits: () => HEAVY_READ_UNITS - 1,
    params: [],
    handler: async (ctx) => ok(await ctx.node.underlyings()),
  },
  optio_getOptionsChain: {
    summary: "an underlying's option series with marks and Greeks; null if not registered",
    extraUnits: () => HEAVY_READ_UNITS - 1,
    params: [{ name: "underlying", kind: "underlying" }],
    handler: async (ctx, p) => ok(await ctx.node.optionsChain(p.underlying as number)),
  },
  optio_getReceipt: {
    summary: "a transaction's receipt by hash; null if unknown",
    params: [{ name: "txHash", kind: "hash" }],
    handler: async (ctx, p) => ok(await ctx.node.receipt(p.txHash as Hex)),
  },
  optio_getTransactionStage: {
    summary: "where a transaction stands (accepted .. confirmed) and its batch; null if unknown",
    params: [{ name: "txHash", kind: "hash" }],
    handler: async (ctx, p) => ok(await ctx.node.txStage(p.txHash as Hex)),
  },
  optio_getBatch: {
    summary: "a batch (L2 block) by number; null beyond the head",
    params: [{ name: "number", kind: "block" }],
    handler: async (ctx, p) => ok(await ctx.node.batch(p.number as number)),
  },
  optio_status: {
    summary: "node status: head, last sealed/posted/asserted/confirmed batch, queue depths",
    params: [],
    handler: async (ctx) => ok(await ctx.node.status()),
  },
  optio_getWithdrawals: {
    summary:
      "an address's withdrawals (outbox index, amount, transaction, batch) with their stage on the way to L1",
    extraUnits: () => HEAVY_READ_UNITS - 1,
    params: [{ name: "address", kind: "address" }],
    handler: async (ctx, p) => {
      if (ctx.node.withdrawals === undefined)
        return fail(
          rpcError("METHOD_NOT_FOUND", { method: "optio_getWithdrawals" }, "this node has no outbox view"),
        );
      return ok(await ctx.node.withdrawals(p.address as Hex));
    },
  },
  optio_getWithdrawalProof: {
    summary:
      "for an outbox index: the confirmed assertion to claim against and the state proof Outbox.claim takes",
    extraUnits: () => HEAVY_READ_UNITS - 1,
    params: [{ name: "index", kind: "uint64" }],
    handler: async (ctx, p) => {
      if (ctx.node.withdrawalProof === undefined)
        return fail(
          rpcError(
            "METHOD_NOT_FOUND",
            { method: "optio_getWithdrawalProof" },
            "this node has no outbox view",
          ),
        );
      const r = await ctx.node.withdrawalProof(p.index as bigint);
      return r.ok ? ok(r.proof) : fail(withdrawalRefusalError(r.refusal));
    },
  },
  optio_getLimits: {
    summary: "the limits in force (rates, sizes, in-flight bounds)",
    params: [],
    handler: async (ctx) => ok(ctx.limits),
  },
  optio_ping: {
    summary: "application-level ping: answers the server time (ms); also resets the idle timer",
    params: [],
    handler: async (ctx) => ok({ pong: true, time: ctx.now() }),
  },
  optio_subscribe: {
    summary: "subscribe to a channel: snapshot, then deltas with per-channel sequence numbers",
    wsOnly: true,
    extraUnits: () => HEAVY_READ_UNITS - 1,
    params: [
      { name: "channel", kind: "channel" },
      { name: "market", kind: "market", optional: true },
      { name: "address", kind: "address", optional: true },
      { name: "txHash", kind: "hash", optional: true },
      { name: "depth", kind: "depth", optional: true },
      { name: "fromSeq", kind: "uint64", optional: true },
      { name: "epoch", kind: "subscriptionId", optional: true },
    ],
    handler: async (ctx, p) => {
      const channel = p.channel as ChannelName;
      const need = { trades: "market", book: "market", account: "address", tx: "txHash", batches: null }[
        channel
      ];
      if (need !== null && p[need] === undefined)
        return fail(
          rpcError("INVALID_PARAMS", {
            param: need,
            expected: `required for channel ${channel}`,
            got: "missing",
          }),
        );
      const subs = ctx.subscriptions as Map<string, Subscription>;
      if (subs.size >= ctx.limits.maxSubscriptionsPerConnection)
        return fail(rpcError("TOO_MANY_SUBSCRIPTIONS", { limit: ctx.limits.maxSubscriptionsPerConnection }));
      return ok(ctx.hub.subscribe(ctx.conn, { ...p, channel } as never, subs));
    },
  },
  optio_unsubscribe: {
    summary: "end a subscription",
    wsOnly: true,
    params: [{ name: "subscription", kind: "subscriptionId" }],
    handler: async (ctx, p) => {
      const subs = ctx.subscriptions as Map<string, Subscription>;
      const sub = subs.get(p.subscription as string);
      if (sub === undefined) return fail(rpcError("UNKNOWN_SUBSCRIPTION", { subscription: p.subscription }));
      subs.delete(sub.id);
      ctx.hub.unsubscribe(sub);
      return ok(true);
    },
  },
};
