// The transaction bytes, read once into INPUT; big-endian field readers (the wire format is
// big-endian like EIP-712's encoding, docs/engine.md "Transactions").
import { inputRead, inputSize } from "./host.as";
import { INPUT } from "./layout.as";
import { MAX_TX_BYTES } from "./params.as";

export let inputLength: i32 = 0;

/** Reads the input; false if it is empty or longer than MAX_TX_BYTES. */
export function readInput(): bool {
  const n = inputSize();
  if (n < 1 || n > MAX_TX_BYTES) return false;
  for (let off = 0; off < n; off += 32) inputRead(INPUT + <usize>off, off);
  inputLength = n;
  return true;
}

export function u8At(off: i32): u8 {
  return load<u8>(INPUT + <usize>off);
}
export function be16(off: i32): u16 {
  return bswap<u16>(load<u16>(INPUT + <usize>off));
}
export function be32(off: i32): u32 {
  return bswap<u32>(load<u32>(INPUT + <usize>off));
}
export function be64(off: i32): u64 {
  return bswap<u64>(load<u64>(INPUT + <usize>off));
}
/** Address of the input byte at `off` (for 20-byte addresses read in place). */
export function at(off: i32): usize {
  return INPUT + <usize>off;
}
