import { keccak_256 } from "@noble/hashes/sha3.js";
import { createKeccak } from "hash-wasm";

/**
 * keccak-256. @noble/hashes is the reference; hash-wasm gives the same digests
 * about 6x faster on the 65-byte preimages the state tree hashes (bench/keccak.ts),
 * so the hot paths use `keccak256`. keccak.test.ts checks both agree.
 */
const wasm = await createKeccak(256);

export function keccak256(data: Uint8Array): Uint8Array {
  wasm.init();
  wasm.update(data);
  return wasm.digest("binary");
}

/** The reference implementation, for tests and as a benchmark baseline. */
export function keccak256Reference(data: Uint8Array): Uint8Array {
  return keccak_256(data);
}

const scratch65 = new Uint8Array(65);

/** keccak(tag || a || b) for two 32-byte words: the shape of every tree hash. */
export function hashTagged(tag: number, a: Uint8Array, b: Uint8Array): Uint8Array {
  scratch65[0] = tag;
  scratch65.set(a, 1);
  scratch65.set(b, 33);
  return keccak256(scratch65);
}
