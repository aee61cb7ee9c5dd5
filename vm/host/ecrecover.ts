import { secp256k1 } from "@noble/curves/secp256k1.js";
import { keccak256 } from "../../protocol/index.ts";

/** secp256k1's group order n: L1's precompile takes r and s in [1, n-1]. */
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

function wordAt(bytes: Uint8Array, at: number): bigint {
  let x = 0n;
  for (let i = 0; i < 32; i++) x = (x << 8n) | BigInt(bytes[at + i]);
  return x;
}

/**
 * L1's `ecrecover` precompile (address 0x01) on its 128-byte input
 * `hash || v || r || s`: the signer's address left-padded to 32 bytes, or
 * undefined where the precompile returns nothing. Exactly the precompile's rules:
 * v is the whole 32-byte word 27 or 28; r and s in [1, n-1]; a high s is
 * accepted (the low-s rule is for L1 transactions, not the precompile); the
 * hash is any 32 bytes (reduced mod n); recovery failing (r is not the x of a
 * curve point, or the result is the point at infinity) returns nothing.
 */
export function ecrecover(input: Uint8Array): Uint8Array | undefined {
  if (input.length !== 128) throw new RangeError(`ecrecover: expected 128 bytes, got ${input.length}`);
  for (let i = 32; i < 63; i++) if (input[i] !== 0) return undefined;
  const v = input[63];
  if (v !== 27 && v !== 28) return undefined;
  const r = wordAt(input, 64);
  const s = wordAt(input, 96);
  if (r === 0n || r >= N || s === 0n || s >= N) return undefined;
  let pub: Uint8Array;
  try {
    pub = new secp256k1.Signature(r, s, v - 27).recoverPublicKey(input.subarray(0, 32)).toBytes(false);
  } catch {
    return undefined;
  }
  const out = new Uint8Array(32);
  out.set(keccak256(pub.subarray(1)).subarray(12), 12);
  return out;
}
