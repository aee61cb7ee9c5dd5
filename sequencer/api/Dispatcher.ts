/**
 * From a request's bytes to its reply: envelope (jsonRpc.ts), connection rate limit and in-flight
 * bound, method look-up, parameter checks, the handler. Transport-free: the HTTP and WS servers
 * both call `handle` and send what it returns (undefined: nothing to send, e.g. notifications).
 */
import type { ApiLimits } from "./apiParams.ts";
import type { Connection } from "./Connection.ts";
import { rpcError } from "./errorCodes.ts";
import {
  decodeMessage,
  type Envelope,
  errorResponse,
  type RpcId,
  type RpcResponse,
  resultResponse,
} from "./jsonRpc.ts";
import { Admission, METHODS, type MethodContext } from "./methods.ts";
import type { NodeApi } from "./NodeApi.ts";
import { checkParams } from "./params.ts";
import type { Subscription, SubscriptionHub } from "./SubscriptionHub.ts";

/** Called on a handler's throw (a bug or node failure), for the operator's log. */
export type InternalErrorHook = (method: string, error: unknown) => void;

/**
 * Called once per answered request element, for metrics: the method (as sent if known, else
 * "invalid"), the error code (null on success) and the time spent in ms.
 */
export type RequestHook = (method: string, errorCode: number | null, ms: number) => void;

export class Dispatcher {
  readonly admission: Admission;

  constructor(
    readonly node: NodeApi,
    readonly limits: ApiLimits,
    readonly hub: SubscriptionHub,
    private readonly onInternalError: InternalErrorHook = () => {},
    readonly now: () => number = Date.now,
    private readonly onRequest?: RequestHook,
  ) {
    this.admission = new Admission(limits);
  }

  /** The reply text to a message, or undefined if it asks for none. */
  async handle(
    conn: Connection,
    bytes: Uint8Array | string,
    subscriptions?: Map<string, Subscription>,
  ): Promise<string | undefined> {
    if (bytes.length > this.limits.maxRequestBytes) return JSON.stringify(this.tooLarge(bytes.length));
    const d = decodeMessage(bytes, this.limits);
    if (d.kind === "error") {
      // A flood of garbage costs like a flood of requests.
      const now = this.now();
      conn.bucket.charge(1, now);
      conn.ipBucket.charge(1, now);
      return JSON.stringify(d.response);
    }
    if (d.kind === "single") {
      const r = await this.one(conn, d.item, subscriptions);
      return r === undefined ? undefined : this.serialize(r);
    }
    const rs = await Promise.all(d.items.map((it) => this.one(conn, it, subscriptions)));
    const out = rs.filter((r): r is RpcResponse => r !== undefined);
    return out.length === 0 ? undefined : `[${out.map((r) => this.serialize(r)).join(",")}]`;
  }

  /**
   * A response as JSON; a result that cannot be serialized (a node bug: a bigint, a cycle) becomes
   * INTERNAL_ERROR for the same id, so the client still gets its answer.
   */
  private serialize(r: RpcResponse): string {
    try {
      return JSON.stringify(r);
    } catch (e) {
      this.onInternalError("serialize", e);
      return JSON.stringify(errorResponse(r.id, rpcError("INTERNAL_ERROR", {})));
    }
  }

  /** Takes `units` from the connection's and the address's buckets, or none: the scope that is short. */
  private take(conn: Connection, units: number, now: number): "connection" | "ip" | null {
    if (!conn.bucket.has(units, now)) return "connection";
    if (!conn.ipBucket.has(units, now)) return "ip";
    conn.bucket.take(units, now);
    conn.ipBucket.take(units, now);
    return null;
  }

  private rateLimited(
    conn: Connection,
    id: RpcId | undefined,
    units: number,
    now: number,
    scope: "connection" | "ip",
  ) {
    if (id === undefined) return undefined;
    const b = scope === "connection" ? conn.bucket : conn.ipBucket;
    return errorResponse(
      id,
      rpcError("RATE_LIMITED", {
        scope,
        limitPerSecond:
          scope === "connection" ? this.limits.connectionRatePerSecond : this.limits.ipRatePerSecond,
        retryAfterMs: b.waitMs(units, now),
      }),
    );
  }

  tooLarge(got: number): RpcResponse {
    return errorResponse(null, rpcError("REQUEST_TOO_LARGE", { limit: this.limits.maxRequestBytes, got }));
  }

  private async one(
    conn: Connection,
    item: Envelope,
    subscriptions: Map<string, Subscription> | undefined,
  ): Promise<RpcResponse | undefined> {
    if (this.onRequest === undefined) return this.answer(conn, item, subscriptions);
    const t0 = performance.now();
    const r = await this.answer(conn, item, subscriptions);
    const method = item.ok && Object.hasOwn(METHODS, item.request.method) ? item.request.method : "invalid";
    const code = r !== undefined && "error" in r ? r.error.code : null;
    this.onRequest(method, code, performance.now() - t0);
    return r;
  }

  private async answer(
    conn: Connection,
    item: Envelope,
    subscriptions: Map<string, Subscription> | undefined,
  ): Promise<RpcResponse | undefined> {
    const now = this.now();
    const short = this.take(conn, 1, now);
    if (short !== null) return this.rateLimited(conn, item.ok ? item.request.id : null, 1, now, short);
    if (!item.ok) return item.response;
    const { id, method, params } = item.request;
    const reply = (r: RpcResponse) => (id === undefined ? undefined : r);
    const rid = id ?? null;
    const spec = Object.hasOwn(METHODS, method) ? METHODS[method] : undefined;
    if (spec === undefined)
      return reply(errorResponse(rid, rpcError("METHOD_NOT_FOUND", { method: method.slice(0, 64) })));
    if (spec.wsOnly && subscriptions === undefined)
      return reply(errorResponse(rid, rpcError("WS_ONLY", { method })));
    const checked = checkParams(spec.params, params, this.limits);
    if (!checked.ok) {
      const why =
        checked.data.param === null
          ? undefined
          : `${String(checked.data.param)}: ${String(checked.data.expected)}`;
      return reply(errorResponse(rid, rpcError("INVALID_PARAMS", checked.data, why)));
    }
    const extra = spec.extraUnits?.(checked.values) ?? 0;
    if (extra > 0) {
      const over = this.take(conn, extra, now);
      if (over !== null) return this.rateLimited(conn, id, extra, now, over);
    }
    if (conn.inFlight >= this.limits.maxInFlightPerConnection) {
      return reply(
        errorResponse(
          rid,
          rpcError("OVERLOADED", {
            scope: "connection",
            inFlight: conn.inFlight,
            limit: this.limits.maxInFlightPerConnection,
          }),
        ),
      );
    }
    const ctx: MethodContext = {
      node: this.node,
      limits: this.limits,
      admission: this.admission,
      hub: this.hub,
      conn,
      subscriptions,
      now: this.now,
    };
    conn.inFlight++;
    try {
      const o = await spec.handler(ctx, checked.values);
      return reply("result" in o ? resultResponse(rid, o.result) : errorResponse(rid, o.error));
    } catch (e) {
      this.onInternalError(method, e);
      return reply(errorResponse(rid, rpcError("INTERNAL_ERROR", {})));
    } finally {
      conn.inFlight--;
    }
  }
}
