/**
 * The JSON-RPC 2.0 envelope: decoding a body or message into requests, and the response shapes.
 * Nothing here knows a method; it only decides whether bytes are a well-formed request (or batch)
 * and answers the ones that are not, so every reply the server sends is well-formed JSON-RPC.
 */
import type { ApiLimits } from "./apiParams.ts";
import { type RpcErrorObject, rpcError } from "./errorCodes.ts";

export type RpcId = string | number | null;

/** A request that passed the envelope checks; `id` undefined means a notification (no reply). */
export interface RpcRequest {
  readonly id: RpcId | undefined;
  readonly method: string;
  readonly params: unknown;
}

export type RpcResponse =
  | { readonly jsonrpc: "2.0"; readonly id: RpcId; readonly result: unknown }
  | { readonly jsonrpc: "2.0"; readonly id: RpcId; readonly error: RpcErrorObject };

export function resultResponse(id: RpcId, result: unknown): RpcResponse {
  return { jsonrpc: "2.0", id, result };
}
export function errorResponse(id: RpcId, error: RpcErrorObject): RpcResponse {
  return { jsonrpc: "2.0", id, error };
}

/** One element of a decoded message: a request, or the error to answer for it. */
export type Envelope =
  | { readonly ok: true; readonly request: RpcRequest }
  | { readonly ok: false; readonly response: RpcResponse };

/** A decoded message: one element or a batch; or one error for the whole message. */
export type Decoded =
  | { readonly kind: "single"; readonly item: Envelope }
  | { readonly kind: "batch"; readonly items: readonly Envelope[] }
  | { readonly kind: "error"; readonly response: RpcResponse };

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Deepest nesting of arrays and objects in JSON text, stopping once above `limit` (strings are
 * skipped, escapes included). Run before JSON.parse so a megabyte of "[[[[" costs one linear scan,
 * and no validator ever recurses into a deep value.
 */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/** Decodes a body or message (already within maxRequestBytes). */
export function decodeMessage(bytes: Uint8Array | string, limits: ApiLimits): Decoded {
  let text: string;
  if (typeof bytes === "string") text = bytes;
  else {
    try {
      text = utf8.decode(bytes);
    } catch {
      return { kind: "error", response: errorResponse(null, rpcError("PARSE_ERROR", {}, "not UTF-8")) };
    }
  }
  if (jsonDepthExceeds(text, limits.maxJsonDepth)) {
    return {
      kind: "error",
      response: errorResponse(null, rpcError("JSON_TOO_DEEP", { limit: limits.maxJsonDepth })),
    };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return {
      kind: "error",
      response: errorResponse(null, rpcError("PARSE_ERROR", {}, (e as Error).message.slice(0, 200))),
    };
  }
  if (Array.isArray(value)) {
    if (value.length === 0)
      return { kind: "error", response: errorResponse(null, rpcError("INVALID_REQUEST", {}, "empty batch")) };
    if (value.length > limits.maxBatchLength) {
      return {
        kind: "error",
        response: errorResponse(
          null,
          rpcError("BATCH_TOO_LARGE", { limit: limits.maxBatchLength, got: value.length }),
        ),
      };
    }
    return { kind: "batch", items: value.map(checkEnvelope) };
  }
  return { kind: "single", item: checkEnvelope(value) };
}

function validId(id: unknown): id is RpcId {
  return id === null || typeof id === "string" || (typeof id === "number" && Number.isFinite(id));
}

/** Checks one request object's envelope (JSON-RPC 2.0, section 4). */
export function checkEnvelope(v: unknown): Envelope {
  if (typeof v !== "object" || v === null || Array.isArray(v))
    return invalid(null, "a request must be an object");
  const o = v as Record<string, unknown>;
  const hasId = Object.hasOwn(o, "id");
  const id = hasId && validId(o.id) ? o.id : null;
  if (hasId && !validId(o.id)) return invalid(null, "id must be a string, a number or null");
  if (typeof o.id === "string" && o.id.length > 256) return invalid(null, "id longer than 256 characters");
  if (o.jsonrpc !== "2.0") return invalid(id, 'jsonrpc must be "2.0"');
  if (typeof o.method !== "string") return invalid(id, "method must be a string");
  if (o.params !== undefined && (typeof o.params !== "object" || o.params === null))
    return invalid(id, "params must be an array or an object");
  return {
    ok: true,
    request: { id: hasId ? (o.id as RpcId) : undefined, method: o.method, params: o.params },
  };
}

function invalid(id: RpcId, why: string): Envelope {
  return { ok: false, response: errorResponse(id, rpcError("INVALID_REQUEST", {}, why)) };
}
