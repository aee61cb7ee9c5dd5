import { Domain } from "../domain.ts";
import { InvalidLengthError } from "../errors.ts";
import { hashTagged, keccak256 } from "../keccak.ts";

/** The hash of an empty subtree at any depth, and the absent value. */
export const ZERO: Uint8Array = new Uint8Array(32);

/** keccak(0x01 || key || value): the hash of a subtree holding exactly this leaf. */
export function leafHash(key: Uint8Array, value: Uint8Array): Uint8Array {
  return hashTagged(Domain.STATE_LEAF, key, value);
}

/** keccak(0x02 || left || right): a subtree holding two or more leaves. */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return hashTagged(Domain.STATE_NODE, left, right);
}

/** The 256-bit tree key of a logical key: keccak(0x03 || logical). */
export function stateKey(logical: Uint8Array): Uint8Array {
  const pre = new Uint8Array(logical.length + 1);
  pre[0] = Domain.STATE_KEY;
  pre.set(logical, 1);
  return keccak256(pre);
}

/** Bit i of a 32-byte key, most significant first: the side taken at depth i. */
export function bitAt(key: Uint8Array, i: number): number {
  return (key[i >> 3] >> (7 - (i & 7))) & 1;
}

export function isZero(word: Uint8Array): boolean {
  for (let i = 0; i < word.length; i++) if (word[i] !== 0) return false;
  return true;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Index of the first bit where two keys differ, or 256 if they are equal. */
export function firstDifferingBit(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < 32; i++) {
    const x = a[i] ^ b[i];
    if (x !== 0) return i * 8 + Math.clz32(x) - 24;
  }
  return 256;
}

/** Throws InvalidLengthError unless `word` is 32 bytes. */
export function assertWord(what: string, word: Uint8Array): void {
  if (!(word instanceof Uint8Array) || word.length !== 32) {
    throw new InvalidLengthError(what, 32, word instanceof Uint8Array ? word.length : Number.NaN);
  }
}
