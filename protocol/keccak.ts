import { readFileSync } from "node:fs";
import { keccak_256 } from "@noble/hashes/sha3.js";

/**
 * keccak-256. @noble/hashes is the reference; the hot paths use our own
 * WebAssembly build (protocol/keccak/, generated and unrolled), which gives
 * the same digests about 10x faster on the 65-byte preimages the state tree
 * hashes (bench/keccak.ts) and allocates nothing but the result.
 * keccak.test.ts checks both agree on random inputs of every length.
 */
const wasm = new WebAssembly.Instance(
  new WebAssembly.Module(readFileSync(new URL("./keccak/keccak.wasm", import.meta.url))),
).exports as {
  memory: WebAssembly.Memory;
  keccak256(len: number): void;
  INPUT: WebAssembly.Global;
  OUTPUT: WebAssembly.Global;
};
const INPUT = wasm.INPUT.value as number;
const OUTPUT = wasm.OUTPUT.value as number;
/** Room the module needs past the input for its padding block. */
const PAD_ROOM = 136;
let memory = new Uint8Array(wasm.memory.buffer);
/** The digest's place in the module's memory, kept as one view so copying it out allocates nothing. */
let digest = memory.subarray(OUTPUT, OUTPUT + 32);

function ensureRoom(len: number): void {
  const need = INPUT + len + PAD_ROOM;
  if (need <= memory.length) return;
  wasm.memory.grow(Math.ceil((need - memory.length) / 65536));
  memory = new Uint8Array(wasm.memory.buffer);
  digest = memory.subarray(OUTPUT, OUTPUT + 32);
}

export function keccak256(data: Uint8Array): Uint8Array {
  ensureRoom(data.length);
  memory.set(data, INPUT);
  wasm.keccak256(data.length);
  return memory.slice(OUTPUT, OUTPUT + 32);
}

/** The reference implementation, for tests and as a benchmark baseline. */
export function keccak256Reference(data: Uint8Array): Uint8Array {
  return keccak_256(data);
}

/** keccak(tag || a || b) for two 32-byte words: the shape of every tree hash. */
export function hashTagged(tag: number, a: Uint8Array, b: Uint8Array): Uint8Array {
  const m = memory;
  m[INPUT] = tag;
  m.set(a, INPUT + 1);
  m.set(b, INPUT + 33);
  wasm.keccak256(65);
  return m.slice(OUTPUT, OUTPUT + 32);
}

/** hashTagged, writing the digest into `out` at `at` instead of allocating it. */
export function hashTaggedInto(tag: number, a: Uint8Array, b: Uint8Array, out: Uint8Array, at: number): void {
  const m = memory;
  m[INPUT] = tag;
  m.set(a, INPUT + 1);
  m.set(b, INPUT + 33);
  wasm.keccak256(65);
  out.set(digest, at);
}

/**
 * hashTaggedInto with each word given as (array, offset) instead of a view:
 * keccak(tag || a[aAt..aAt+32) || b[bAt..bAt+32)) into out[at..at+32). The
 * state tree hashes ~9 nodes per write, and a view per operand and result was
 * most of its allocation. Copying 32 bytes in a loop is cheaper than
 * TypedArray.prototype.set at this size. `out` may be `a` or `b`.
 */
export function hashWordsInto(
  tag: number,
  a: Uint8Array,
  aAt: number,
  b: Uint8Array,
  bAt: number,
  out: Uint8Array,
  at: number,
): void {
  const m = memory;
  m[INPUT] = tag;
  for (let i = 0; i < 32; i++) m[INPUT + 1 + i] = a[aAt + i];
  for (let i = 0; i < 32; i++) m[INPUT + 33 + i] = b[bAt + i];
  wasm.keccak256(65);
  out.set(digest, at);
}
