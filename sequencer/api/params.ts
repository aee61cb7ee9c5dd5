/**
 * Parameter kinds: how each JSON value a method takes is checked and converted (data, used by the
 * method table). A failure names the parameter, what was expected and what was got, so
 * INVALID_PARAMS always says which argument to fix.
 */
import { MAX_TX_BYTES } from "../../protocol/engine/index.ts";
import type { ApiLimits } from "./apiParams.ts";
import type { Hex } from "./NodeApi.ts";

export type Checked<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly expected: string };

export type ParamKind<T> = (v: unknown, limits: ApiLimits) => Checked<T>;

const ok = <T>(value: T): Checked<T> => ({ ok: true, value });
const no = (expected: string): Checked<never> => ({ ok: false, expected });

const HEX_RE = /^0x[0-9a-fA-F]*$/;

/** Hex of exactly `bytes` bytes (lowercased). */
function fixedHex(bytes: number, what: string): ParamKind<Hex> {
  return (v) => {
    if (typeof v !== "string" || v.length !== 2 + 2 * bytes || !HEX_RE.test(v))
      return no(`${what}: 0x and ${2 * bytes} hex digits`);
    return ok(v.toLowerCase() as Hex);
  };
}

function integer(min: number, max: number, what: string): ParamKind<number> {
  return (v) => {
    if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max)
      return no(`${what}: an integer in [${min}, ${max}]`);
    return ok(v);
  };
}

/** Transaction bytes from 0x-hex: an even number of digits, 1..MAX_TX_BYTES bytes. */
export function txBytes(v: unknown): Checked<Uint8Array> {
  if (typeof v !== "string") return no(`a transaction: 0x-hex string of 1..${MAX_TX_BYTES} bytes`);
  const n = (v.length - 2) / 2;
  if (n > MAX_TX_BYTES) return no(`a transaction of at most ${MAX_TX_BYTES} bytes (got ${Math.floor(n)})`);
  // Buffer.from stops at the first non-hex digit, so a short result means a bad digit (or an odd
  // count): one pass instead of a regex and a decode (this is the hot path's one parameter).
  if (v.length < 4 || v.charCodeAt(0) !== 0x30 || (v.charCodeAt(1) | 0x20) !== 0x78 || !Number.isInteger(n))
    return no(`a transaction: 0x and an even number (2..${2 * MAX_TX_BYTES}) of hex digits`);
  const b = Buffer.from(v.slice(2), "hex");
  if (b.length !== n)
    return no(`a transaction: 0x and an even number (2..${2 * MAX_TX_BYTES}) of hex digits`);
  return ok(b);
}

export const kinds = {
  address: fixedHex(20, "an address"),
  hash: fixedHex(32, "a 32-byte hash"),
  tx: ((v) => txBytes(v)) as ParamKind<Uint8Array>,
  txs: ((v, limits) => {
    if (!Array.isArray(v) || v.length === 0 || v.length > limits.maxTxsPerCall)
      return no(`an array of 1..${limits.maxTxsPerCall} transactions`);
    const out: Uint8Array[] = [];
    for (let i = 0; i < v.length; i++) {
      const c = txBytes(v[i]);
      if (!c.ok) return no(`element ${i}: ${c.expected}`);
      out.push(c.value);
    }
    return ok(out);
  }) as ParamKind<Uint8Array[]>,
  market: integer(0, 0xffff, "a market number"),
  underlying: integer(0, 0xffff, "an underlying number"),
  block: integer(0, 0xffffffff, "a batch number"),
  depth: ((v, limits) => integer(1, limits.maxBookDepth, "a depth")(v, limits)) as ParamKind<number>,
  /** A u64 as a decimal string or a safe integer. */
  uint64: ((v) => {
    if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) return ok(BigInt(v));
    if (typeof v === "string" && /^(0|[1-9][0-9]{0,19})$/.test(v)) {
      const b = BigInt(v);
      if (b < 1n << 64n) return ok(b);
    }
    return no("an unsigned 64-bit integer (decimal string or safe integer)");
  }) as ParamKind<bigint>,
  channel: ((v) => {
    if (typeof v === "string" && (CHANNELS as readonly string[]).includes(v)) return ok(v as ChannelName);
    return no(`a channel: one of ${CHANNELS.join(", ")}`);
  }) as ParamKind<ChannelName>,
  subscriptionId: ((v) => {
    if (typeof v === "string" && v.length > 0 && v.length <= 32) return ok(v);
    return no("a subscription id (string)");
  }) as ParamKind<string>,
} satisfies Record<string, ParamKind<unknown>>;

/** WebSocket channels (docs/api.md, "Subscriptions"). */
export const CHANNELS = ["trades", "book", "account", "batches", "tx"] as const;
export type ChannelName = (typeof CHANNELS)[number];

export type KindName = keyof typeof kinds;
export type KindValue<K extends KindName> = (typeof kinds)[K] extends ParamKind<infer T> ? T : never;

/** One parameter of a method: its name (for by-name calls and errors), kind and whether it may be left out. */
export interface ParamSpec {
  readonly name: string;
  readonly kind: KindName;
  readonly optional?: boolean;
}

/**
 * Checks `params` (positional array, by-name object, or absent) against a method's specs; returns
 * the values by name, or the INVALID_PARAMS data (param name, expected, got).
 */
export function checkParams(
  specs: readonly ParamSpec[],
  params: unknown,
  limits: ApiLimits,
): { ok: true; values: Record<string, unknown> } | { ok: false; data: Record<string, unknown> } {
  const values: Record<string, unknown> = {};
  let get: (i: number, name: string) => unknown;
  if (params === undefined) get = () => undefined;
  else if (Array.isArray(params)) {
    if (params.length > specs.length)
      return {
        ok: false,
        data: { param: null, expected: `at most ${specs.length} params`, got: params.length },
      };
    get = (i) => params[i];
  } else {
    const o = params as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      if (!specs.some((s) => s.name === k))
        return { ok: false, data: { param: k.slice(0, 64), expected: "no such parameter", got: "present" } };
    }
    get = (_, name) => o[name];
  }
  for (let i = 0; i < specs.length; i++) {
    const s = specs[i];
    const v = get(i, s.name);
    if (v === undefined || v === null) {
      if (s.optional) continue;
      return { ok: false, data: { param: s.name, expected: "a value", got: "missing" } };
    }
    const c = (kinds[s.kind] as ParamKind<unknown>)(v, limits);
    if (!c.ok) return { ok: false, data: { param: s.name, expected: c.expected, got: describe(v) } };
    values[s.name] = c.value;
  }
  return { ok: true, values };
}

/** A short description of a bad value for error data (never echoes a large input back). */
function describe(v: unknown): string {
  if (typeof v === "string") return v.length > 80 ? `a string of ${v.length} characters` : JSON.stringify(v);
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === "object") return "an object";
  return String(v).slice(0, 80);
}
