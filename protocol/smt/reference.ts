import { bitAt, equalBytes, leafHash, nodeHash, ZERO } from "./hash.ts";
import type { StateProof } from "./proof.ts";

/**
 * The state tree straight from its definition (docs/protocol.md), over a plain
 * list of leaves. Slow and obviously right: tests hold the stored tree and the
 * proof code against it.
 */
export interface Leaf {
  key: Uint8Array;
  value: Uint8Array;
}

function split(leaves: Leaf[], depth: number): [Leaf[], Leaf[]] {
  const left: Leaf[] = [];
  const right: Leaf[] = [];
  for (const l of leaves) (bitAt(l.key, depth) === 0 ? left : right).push(l);
  return [left, right];
}

/** The hash of the subtree at `depth` holding `leaves` (all sharing the path above it). */
export function referenceHash(leaves: Leaf[], depth = 0): Uint8Array {
  if (leaves.length === 0) return ZERO;
  if (leaves.length === 1) return leafHash(leaves[0].key, leaves[0].value);
  const [left, right] = split(leaves, depth);
  return nodeHash(referenceHash(left, depth + 1), referenceHash(right, depth + 1));
}

/** The proof for `key` in the tree of `leaves`. */
export function referenceProof(leaves: Leaf[], key: Uint8Array): StateProof {
  const siblings: Uint8Array[] = [];
  let here = leaves;
  let depth = 0;
  while (here.length > 1) {
    const [left, right] = split(here, depth);
    const goRight = bitAt(key, depth) === 1;
    siblings.push(referenceHash(goRight ? left : right, depth + 1));
    here = goRight ? right : left;
    depth++;
  }
  const proof: StateProof = { depth, siblings };
  if (here.length === 1) {
    proof.leaf = { key: here[0].key, value: here[0].value };
    if (depth > 0 && equalBytes(here[0].key, key)) {
      // Re-derive the sibling subtree's contents to open it.
      let sub = leaves;
      for (let d = 0; d < depth; d++) {
        const [l, r] = split(sub, d);
        const onPath = bitAt(key, d) === 1 ? r : l;
        sub = d === depth - 1 ? (bitAt(key, d) === 1 ? l : r) : onPath;
      }
      if (sub.length === 1) proof.opening = { isLeaf: true, a: sub[0].key, b: sub[0].value };
      else {
        const [l, r] = split(sub, depth);
        proof.opening = { isLeaf: false, a: referenceHash(l, depth + 1), b: referenceHash(r, depth + 1) };
      }
    }
  }
  return proof;
}
