import { writeU64 } from "../bytes.ts";
import { keccak256 } from "../keccak.ts";

/** A field of a tagged preimage: bytes as they are, or a big-endian u64. */
export type Field = Uint8Array | { u64: number };

/** keccak(tag || fields...): every rollup hash (docs/protocol.md, "Hash domains"). */
export function hashFields(tag: number, ...fields: Field[]): Uint8Array {
  let length = 1;
  for (const f of fields) length += f instanceof Uint8Array ? f.length : 8;
  const pre = new Uint8Array(length);
  pre[0] = tag;
  let at = 1;
  for (const f of fields) {
    if (f instanceof Uint8Array) {
      pre.set(f, at);
      at += f.length;
    } else {
      writeU64(pre, at, f.u64);
      at += 8;
    }
  }
  return keccak256(pre);
}

/** A 32-byte big-endian word holding `n`. */
export function uintWord(n: bigint): Uint8Array {
  const w = new Uint8Array(32);
  let x = n;
  for (let i = 31; i >= 0 && x > 0n; i--) {
    w[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return w;
}

/** The bytes of a 0x-prefixed hex string (an address, a word). */
export function hexBytes(hex: `0x${string}`): Uint8Array {
  const out = new Uint8Array((hex.length - 2) >> 1);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 + 2 * i, 4 + 2 * i), 16);
  return out;
}
