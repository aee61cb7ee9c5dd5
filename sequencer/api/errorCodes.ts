/**
 * Every JSON-RPC error the trader API answers with: one stable numeric code per reason
 * (docs/api.md, "Errors", is this table in prose). -32700..-32600 are JSON-RPC 2.0's own; the
 * server's codes are in -32000..-32099, grouped: -3200x request shape, -3201x transactions that
 * never entered the chain, -3202x admission control, -3203x subscriptions. Codes never change
 * meaning; new reasons get new codes.
 */
import type { RejectionReason, WithdrawalRefusal } from "./NodeApi.ts";

export const ErrorCode = {
  /** The body or message is not JSON (or not UTF-8). */
  PARSE_ERROR: -32700,
  /** JSON, but not a JSON-RPC 2.0 request (missing jsonrpc/method, bad id type, empty batch). */
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  /** A parameter is missing, of the wrong type or out of range; data.param names it. */
  INVALID_PARAMS: -32602,
  /** A bug or a node failure; nothing is known to have changed. */
  INTERNAL_ERROR: -32603,

  /** The request is larger than maxRequestBytes. */
  REQUEST_TOO_LARGE: -32001,
  /** More batch elements than maxBatchLength. */
  BATCH_TOO_LARGE: -32002,
  /** Arrays/objects nested deeper than maxJsonDepth. */
  JSON_TOO_DEEP: -32003,
  /** A WebSocket-only method (subscriptions) called over HTTP. */
  WS_ONLY: -32004,

  /** Transaction bytes that are not an engine transaction (type byte, length, field range). */
  BAD_ENCODING: -32010,
  /** The signature does not recover to the envelope's signer. data: signer, recovered, expectedDigest. */
  BAD_SIGNATURE: -32011,
  /** The nonce is not the signer's next. data: signer, expected, got (and knownTxHash for a retry). */
  BAD_NONCE: -32012,
  /** A transaction type traders may not send (GENESIS, DEPOSIT). */
  TYPE_NOT_ALLOWED: -32013,

  /** Too much work in flight (server or connection) or the node's intake is full; retry later. */
  OVERLOADED: -32020,
  /** A rate limit (connection or address) is spent; data.retryAfterMs says when to retry. */
  RATE_LIMITED: -32021,
  /** The node is starting (replaying its log) or stopping. */
  NOT_READY: -32022,

  /** More subscriptions than maxSubscriptionsPerConnection. */
  TOO_MANY_SUBSCRIPTIONS: -32030,
  /** optio_unsubscribe of an id this connection does not hold. */
  UNKNOWN_SUBSCRIPTION: -32031,

  /** optio_getWithdrawalProof of an outbox index no withdrawal has reached. data: index, count. */
  UNKNOWN_WITHDRAWAL: -32040,
  /** No confirmed assertion covers the withdrawal yet. data: index, stage, assertion, confirmableAt. */
  NOT_CLAIMABLE: -32041,
  /** Confirmed, but the node cannot prove it (root no longer kept, or L1 confirmed a root it disagrees with). */
  PROOF_UNAVAILABLE: -32042,
} as const;
export type ErrorName = keyof typeof ErrorCode;

/** The short message of each code; data carries the specifics. */
export const ERROR_MESSAGES: Readonly<Record<ErrorName, string>> = {
  PARSE_ERROR: "parse error: the request is not valid JSON",
  INVALID_REQUEST: "invalid request: not a JSON-RPC 2.0 request",
  METHOD_NOT_FOUND: "method not found",
  INVALID_PARAMS: "invalid params",
  INTERNAL_ERROR: "internal error",
  REQUEST_TOO_LARGE: "request too large",
  BATCH_TOO_LARGE: "batch too large",
  JSON_TOO_DEEP: "JSON nested too deep",
  WS_ONLY: "this method is only available over WebSocket",
  BAD_ENCODING: "bad transaction encoding",
  BAD_SIGNATURE: "bad signature: it does not recover to the transaction's signer",
  BAD_NONCE: "bad nonce: not the signer's next nonce",
  TYPE_NOT_ALLOWED: "transaction type not accepted from traders",
  OVERLOADED: "overloaded: too much work in flight, retry later",
  RATE_LIMITED: "rate limited",
  NOT_READY: "node not ready",
  TOO_MANY_SUBSCRIPTIONS: "too many subscriptions on this connection",
  UNKNOWN_SUBSCRIPTION: "unknown subscription",
  UNKNOWN_WITHDRAWAL: "unknown withdrawal: no outbox entry at this index",
  NOT_CLAIMABLE: "not claimable yet: no confirmed assertion covers this withdrawal",
  PROOF_UNAVAILABLE: "proof unavailable",
};

/** A JSON-RPC 2.0 error object. */
export interface RpcErrorObject {
  readonly code: number;
  readonly message: string;
  /** Always has `reason` (the ErrorName), then the specifics. */
  readonly data: Record<string, unknown>;
}

/** The error object of a reason, with its specifics in `data` and an optional longer message. */
export function rpcError(name: ErrorName, data?: Record<string, unknown>, detail?: string): RpcErrorObject {
  const message = detail === undefined ? ERROR_MESSAGES[name] : `${ERROR_MESSAGES[name]}: ${detail}`;
  return { code: ErrorCode[name], message, data: { reason: name, ...data } };
}

/** The error a node Rejection becomes (one code per reason; the rejection's fields are its data). */
export function rejectionError(
  r: { readonly reason: RejectionReason } & Record<string, unknown>,
): RpcErrorObject {
  const { reason, message, ...rest } = r;
  const detail = typeof message === "string" ? message : undefined;
  return rpcError(reason, rest, detail);
}

/** The error a withdrawal refusal becomes (its fields are the data; `message` lengthens the message). */
export function withdrawalRefusalError(r: WithdrawalRefusal): RpcErrorObject {
  const { reason, ...rest } = r;
  const { message, ...data } = rest as Record<string, unknown>;
  return rpcError(reason, data, typeof message === "string" ? message : undefined);
}
