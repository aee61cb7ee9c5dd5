import type { FlatModule } from "./FlatModule.ts";

/** Bytes of one encoded flat instruction: one 32-byte word, a leaf of the (future) code Merkle tree. */
export const INSTRUCTION_BYTES = 32;

/**
 * Encode flat instruction `pc` as docs/machine.md "Encoding" fixes it:
 * op (1) || gas (4) || a (4) || b (4) || c (4) || 15 zero bytes, integers big-endian,
 * a, b and c as their 32-bit two's-complement patterns.
 */
export function encodeInstruction(
  code: FlatModule,
  pc: number,
  out = new Uint8Array(INSTRUCTION_BYTES),
): Uint8Array {
  const view = new DataView(out.buffer, out.byteOffset, INSTRUCTION_BYTES);
  out.fill(0);
  view.setUint8(0, code.ops[pc]);
  view.setUint32(1, code.gas[pc]);
  view.setInt32(5, code.a[pc]);
  view.setInt32(9, code.b[pc]);
  view.setInt32(13, code.c[pc]);
  return out;
}
