/**
 * The API's cheap check of transaction bytes before they reach the node: a known type byte, the
 * type's exact length, a type traders may send. It decides BAD_ENCODING and TYPE_NOT_ALLOWED
 * without any hashing, and reads the signer for the per-address rate limit. The node checks
 * everything again (this is a filter, not the rule; docs/engine.md is the rule).
 */
import { bodyBytes, SIGNED_TYPES, type SignedTypeName, TxType } from "../../protocol/engine/index.ts";
import type { Hex } from "./NodeApi.ts";

interface TypeInfo {
  readonly name: string;
  readonly length: number;
  readonly signed: boolean;
  /** Whether a trader may send it over the API (GENESIS comes from the admin, DEPOSIT from L1). */
  readonly allowed: boolean;
}

const TYPES = new Map<number, TypeInfo>([
  [TxType.GENESIS, { name: "GENESIS", length: 29, signed: false, allowed: false }],
  [TxType.DEPOSIT, { name: "DEPOSIT", length: 30, signed: false, allowed: false }],
  [TxType.FUNDING, { name: "FUNDING", length: 3, signed: false, allowed: true }],
  [TxType.SETTLE, { name: "SETTLE", length: 7, signed: false, allowed: true }],
  ...(Object.keys(SIGNED_TYPES) as SignedTypeName[]).map(
    (n) => [TxType[n], { name: n, length: 29 + bodyBytes(n) + 65, signed: true, allowed: true }] as const,
  ),
]);

export type Precheck =
  | { readonly ok: true; readonly type: string; readonly signer: Hex | null }
  | { readonly ok: false; readonly reason: "BAD_ENCODING"; readonly message: string }
  | { readonly ok: false; readonly reason: "TYPE_NOT_ALLOWED"; readonly type: string };

export function precheckTx(tx: Uint8Array): Precheck {
  const info = TYPES.get(tx[0]);
  if (info === undefined)
    return {
      ok: false,
      reason: "BAD_ENCODING",
      message: `unknown type byte 0x${tx[0].toString(16).padStart(2, "0")}`,
    };
  if (tx.length !== info.length)
    return {
      ok: false,
      reason: "BAD_ENCODING",
      message: `${info.name}: expected ${info.length} bytes, got ${tx.length}`,
    };
  if (!info.allowed) return { ok: false, reason: "TYPE_NOT_ALLOWED", type: info.name };
  const signer = info.signed ? (`0x${Buffer.from(tx.subarray(1, 21)).toString("hex")}` as Hex) : null;
  return { ok: true, type: info.name, signer };
}
