/**
 * The trader API's limits, in one place with their units (docs/api.md, "Limits"). Every one can be
 * overridden per server (createApiServer's `limits`); the values in force are readable over the
 * API (optio_getLimits), so a client can pace itself instead of guessing.
 */

export interface ApiLimits {
  /** Largest request body (HTTP) or message (WS), bytes. Larger: REQUEST_TOO_LARGE. */
  readonly maxRequestBytes: number;
  /** WS frames above this many bytes close the connection (1009) without being read. */
  readonly maxFrameBytes: number;
  /** Most elements in one JSON-RPC batch. */
  readonly maxBatchLength: number;
  /** Deepest nesting of arrays/objects in a request (a JSON-RPC request needs 4). */
  readonly maxJsonDepth: number;
  /** Most transactions in one optio_sendTransactions call. */
  readonly maxTxsPerCall: number;
  /** Most levels per side in optio_getBook and book subscriptions. */
  readonly maxBookDepth: number;

  /** Per connection (a TCP connection: one WS, or one HTTP keep-alive socket): request units per second. */
  readonly connectionRatePerSecond: number;
  /** ...and the burst it may spend at once. */
  readonly connectionBurst: number;
  /**
   * Per remote IP address, over all its connections (so reconnecting does not refill a budget):
   * request units per second, and its burst. Behind a proxy every client shares one address.
   */
  readonly ipRatePerSecond: number;
  readonly ipBurst: number;
  /** Per signer address: transactions per second (only transactions whose signature verified count). */
  readonly addressRatePerSecond: number;
  readonly addressBurst: number;

  /** Transactions submitted to the node and not yet answered, over the whole server. More: OVERLOADED. */
  readonly maxInFlight: number;
  /** Requests in progress on one connection (WS pipelining). More: OVERLOADED. */
  readonly maxInFlightPerConnection: number;
  /** Open connections (HTTP and WS together). More are refused (HTTP 503). */
  readonly maxConnections: number;

  /** Subscriptions one WS connection may hold. */
  readonly maxSubscriptionsPerConnection: number;
  /** Bytes queued to one WS client (socket buffer) before it is told SLOW_CONSUMER and dropped. */
  readonly maxBufferedBytes: number;
  /** Recent messages kept per channel for resync by sequence number. */
  readonly replayPerChannel: number;
  /** Bytes of recent messages kept over all channels (oldest anywhere dropped first). */
  readonly maxReplayBytes: number;
  /** Channels kept (with their replay rings) at most; idle ones go first. */
  readonly maxChannels: number;
  /** A WS connection that sends nothing (not even optio_ping) for this long is closed, ms. */
  readonly idleTimeoutMs: number;
}

export const DEFAULT_LIMITS: ApiLimits = {
  maxRequestBytes: 1 << 20, // 1 MiB: 100 transactions of 512 bytes in hex are ~105 KB
  maxFrameBytes: 4 << 20,
  maxBatchLength: 100,
  maxJsonDepth: 8,
  maxTxsPerCall: 100,
  maxBookDepth: 500,

  // A request unit: one single request or one element of a batch; a transaction in
  // optio_sendTransactions counts one unit (Paradex counts a batch of 50 as one; we count work).
  connectionRatePerSecond: 5_000,
  connectionBurst: 10_000,
  ipRatePerSecond: 50_000,
  ipBurst: 100_000,
  // Hyperliquid allows 1,200 weight/min per IP; Derive's market makers need 500+/s.
  addressRatePerSecond: 1_000,
  addressBurst: 2_000,

  maxInFlight: 20_000,
  maxInFlightPerConnection: 4_096,
  maxConnections: 1_024,

  maxSubscriptionsPerConnection: 64,
  maxBufferedBytes: 8 << 20,
  replayPerChannel: 1_024,
  maxReplayBytes: 64 << 20,
  maxChannels: 4_096,
  idleTimeoutMs: 60_000,
};

/** Checks overrides: every limit a positive integer. Throws (a configuration bug, caught at start). */
export function resolveLimits(overrides: Partial<ApiLimits> = {}): ApiLimits {
  const out = { ...DEFAULT_LIMITS, ...overrides };
  for (const [k, v] of Object.entries(out)) {
    if (!Number.isSafeInteger(v) || v <= 0)
      throw new RangeError(`api limit ${k}: expected a positive integer, got ${String(v)}`);
  }
  return out;
}
