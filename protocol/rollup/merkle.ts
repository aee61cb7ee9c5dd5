import { hashTagged } from "../keccak.ts";
import { MalformedMerkleProofError } from "./errors.ts";

/**
 * A binary Merkle tree of fixed depth over 32-byte leaves, padded with zero
 * leaves: node = keccak(tag || left || right), an all-zero subtree of height
 * k+1 is keccak(tag || Z_k || Z_k), Z_0 = 32 zero bytes (docs/protocol.md,
 * "Outbox"). Only the used part of each level is hashed, so a depth-32 tree
 * over a few leaves costs a few dozen hashes.
 */
export function merkleLevels(tag: number, depth: number, leaves: readonly Uint8Array[]): Uint8Array[][] {
  if (leaves.length > 2 ** depth)
    throw new MalformedMerkleProofError(`${leaves.length} leaves exceed depth ${depth}`);
  const levels: Uint8Array[][] = [[...leaves]];
  let zero: Uint8Array = new Uint8Array(32);
  for (let k = 0; k < depth; k++) {
    const below = levels[k];
    const up: Uint8Array[] = [];
    for (let j = 0; j < below.length; j += 2) up.push(hashTagged(tag, below[j], below[j + 1] ?? zero));
    levels.push(up);
    zero = hashTagged(tag, zero, zero);
  }
  return levels;
}

/** The root of the tree over `leaves` (32 zero bytes for none). */
export function merkleRoot(tag: number, depth: number, leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return new Uint8Array(32);
  return merkleLevels(tag, depth, leaves)[depth][0];
}

/** The proof of leaf `index`: its `depth` siblings, leaf level first. */
export function merkleProof(
  tag: number,
  depth: number,
  leaves: readonly Uint8Array[],
  index: number,
): Uint8Array[] {
  if (index < 0 || index >= leaves.length)
    throw new MalformedMerkleProofError(`leaf index ${index} outside 0..${leaves.length - 1}`);
  const levels = merkleLevels(tag, depth, leaves);
  const siblings: Uint8Array[] = [];
  let zero: Uint8Array = new Uint8Array(32);
  for (let k = 0, i = index; k < depth; k++, i >>= 1) {
    siblings.push(levels[k][i ^ 1] ?? zero);
    zero = hashTagged(tag, zero, zero);
  }
  return siblings;
}

/** The root that leaf `leaf` at `index` with `siblings` (leaf level first) leads to. */
export function rootFromProof(
  tag: number,
  leaf: Uint8Array,
  index: number,
  siblings: readonly Uint8Array[],
): Uint8Array {
  let h = leaf;
  for (let k = 0; k < siblings.length; k++) {
    h =
      Math.floor(index / 2 ** k) % 2 === 0
        ? hashTagged(tag, h, siblings[k])
        : hashTagged(tag, siblings[k], h);
  }
  return h;
}
