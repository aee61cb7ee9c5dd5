import { bytesToHex } from "viem";
import {
  bitAt,
  InvalidLengthError,
  leafHash,
  nodeHash,
  OptioError,
  type StateProof,
  ZERO,
} from "../../protocol/index.ts";

/** Proofs at one fixed root: a StateTree at a kept root is one (`{ root, prove: (k) => tree.prove(k, root) }`). */
export interface StateProofSource {
  readonly root: Uint8Array;
  prove(key: Uint8Array): StateProof;
}

/** The proof source disagrees with the hashes it gave before (a wrong root, or a bug): nothing was changed. */
export class StateSourceError extends OptioError {
  override name = "StateSourceError";
}

const EMPTY = 0;
const LEAF = 1;
const BRANCH = 2;
const OPAQUE = 3;

/**
 * A node of the partial tree, in the state tree's canonical shape
 * (docs/protocol.md): a branch exists only over two or more leaves, a lone
 * leaf sits at the top of its empty subtree. An opaque node is a non-empty
 * subtree known only by its hash, untouched since the source root; it is
 * opened on demand from a source proof. Nodes never change once made (only
 * an opaque node's cached opening is filled in), so a fork shares them.
 */
type Node = Empty | Leaf | Branch | Opaque;
interface Empty {
  readonly kind: typeof EMPTY;
}
interface Leaf {
  readonly kind: typeof LEAF;
  readonly key: Uint8Array;
  readonly value: Uint8Array;
  hash?: Uint8Array;
}
interface Branch {
  readonly kind: typeof BRANCH;
  readonly left: Node;
  readonly right: Node;
  hash?: Uint8Array;
}
interface Opaque {
  readonly kind: typeof OPAQUE;
  readonly hash: Uint8Array;
  opened?: Node;
}

const EMPTY_NODE: Empty = Object.freeze({ kind: EMPTY });

function isZero(w: Uint8Array): boolean {
  for (let i = 0; i < 32; i++) if (w[i] !== 0) return false;
  return true;
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < 32; i++) if (a[i] !== b[i]) return false;
  return true;
}

function leaf(key: Uint8Array, value: Uint8Array): Leaf {
  return { kind: LEAF, key, value };
}

function branch(left: Node, right: Node): Branch {
  return { kind: BRANCH, left, right };
}

function subtree(hash: Uint8Array): Node {
  return isZero(hash) ? EMPTY_NODE : { kind: OPAQUE, hash };
}

function hashOf(n: Node): Uint8Array {
  switch (n.kind) {
    case EMPTY:
      return ZERO;
    case LEAF:
      n.hash ??= leafHash(n.key, n.value);
      return n.hash;
    case BRANCH:
      n.hash ??= nodeHash(hashOf(n.left), hashOf(n.right));
      return n.hash;
    case OPAQUE:
      return n.hash;
  }
}

function firstDifferingBit(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < 32; i++) {
    const x = a[i] ^ b[i];
    if (x !== 0) return i * 8 + Math.clz32(x) - 24;
  }
  return 256;
}

function withBitFlipped(key: Uint8Array, i: number): Uint8Array {
  const k = key.slice();
  k[i >> 3] ^= 0x80 >> (i & 7);
  return k;
}

function checkWord(what: string, w: Uint8Array): void {
  if (!(w instanceof Uint8Array) || w.length !== 32) {
    throw new InvalidLengthError(what, 32, w instanceof Uint8Array ? w.length : Number.NaN);
  }
}

/**
 * The state a provable transaction runs on: an in-memory partial copy of the
 * state tree, grown from a source's proofs (the pre-batch StateTree at its
 * root) plus every write made since, with the root and the proof of any key
 * at the current root, in the exact form `rootAfterWrite` and the Solidity
 * library check. The interpreter's `state_read` / `state_write` steps use it,
 * and a one-step proof of either carries `prove(key)`.
 */
export class ProvableState {
  private constructor(
    private readonly source: StateProofSource,
    private top: Node,
  ) {}

  /** The state at the source's root. */
  static fromSource(source: StateProofSource): ProvableState {
    checkWord("source root", source.root);
    return new ProvableState(source, subtree(source.root));
  }

  /** The state of a StateTree (or anything that proves keys at its kept roots) at `root` (default its latest). */
  static fromStateTree(
    tree: { readonly root: Uint8Array; prove(key: Uint8Array, root?: Uint8Array): StateProof },
    root: Uint8Array = tree.root,
  ): ProvableState {
    const at = root.slice();
    return ProvableState.fromSource({ root: at, prove: (key) => tree.prove(key, at) });
  }

  /** The empty state (root ZERO): needs no source. */
  static empty(): ProvableState {
    return ProvableState.fromSource({
      root: ZERO,
      prove: () => {
        throw new StateSourceError("the empty state has nothing to prove");
      },
    });
  }

  /** An independent copy at the same root (shares every node; costs nothing). */
  fork(): ProvableState {
    return new ProvableState(this.source, this.top);
  }

  /** The current root. */
  get root(): Uint8Array {
    return hashOf(this.top);
  }

  /** The value of `key` (ZERO if absent). */
  get(key: Uint8Array): Uint8Array {
    checkWord("key", key);
    let n = this.top;
    for (let d = 0; ; ) {
      switch (n.kind) {
        case EMPTY:
          return ZERO;
        case LEAF:
          return equal(n.key, key) ? n.value : ZERO;
        case BRANCH:
          n = bitAt(key, d) === 0 ? n.left : n.right;
          d++;
          break;
        case OPAQUE:
          n = this.open(n, d, key);
          break;
      }
    }
  }

  /** Set `key` to `value` (ZERO deletes); returns the new root. */
  write(key: Uint8Array, value: Uint8Array): Uint8Array {
    checkWord("key", key);
    checkWord("value", value);
    this.top = this.set(this.top, 0, key.slice(), value.slice());
    return this.root;
  }

  /** The proof of `key` at the current root (encodeProof serializes it). */
  prove(key: Uint8Array): StateProof {
    checkWord("key", key);
    const siblings: Uint8Array[] = [];
    let sibling: Node = EMPTY_NODE;
    let n = this.top;
    for (let d = 0; ; ) {
      switch (n.kind) {
        case OPAQUE:
          n = this.open(n, d, key);
          break;
        case BRANCH: {
          const right = bitAt(key, d) === 1;
          sibling = right ? n.left : n.right;
          siblings.push(hashOf(sibling));
          n = right ? n.right : n.left;
          d++;
          break;
        }
        case EMPTY:
          return { depth: d, siblings };
        case LEAF: {
          const proof: StateProof = { depth: d, leaf: { key: n.key, value: n.value }, siblings };
          if (d > 0 && equal(n.key, key)) {
            // Deleting the key needs to know what its sibling subtree holds.
            let s = sibling;
            if (s.kind === OPAQUE) s = this.open(s, d, withBitFlipped(key, d - 1));
            if (s.kind === LEAF) proof.opening = { isLeaf: true, a: s.key, b: s.value };
            else if (s.kind === BRANCH)
              proof.opening = { isLeaf: false, a: hashOf(s.left), b: hashOf(s.right) };
            else throw new StateSourceError("a leaf's sibling subtree is empty: the tree is not canonical");
          }
          return proof;
        }
      }
    }
  }

  /** The subtree `n` at depth `d` after setting `key` to `value`. */
  private set(n: Node, d: number, key: Uint8Array, value: Uint8Array): Node {
    const del = isZero(value);
    switch (n.kind) {
      case OPAQUE:
        return this.set(this.open(n, d, key), d, key, value);
      case EMPTY:
        return del ? n : leaf(key, value);
      case LEAF: {
        if (equal(n.key, key)) return del ? EMPTY_NODE : equal(n.value, value) ? n : leaf(key, value);
        if (del) return n;
        // Two leaves: a branch where their keys part, under single-child branches up to depth d.
        const p = firstDifferingBit(key, n.key);
        const mine = leaf(key, value);
        let h: Node = bitAt(key, p) === 0 ? branch(mine, n) : branch(n, mine);
        for (let j = p - 1; j >= d; j--)
          h = bitAt(key, j) === 0 ? branch(h, EMPTY_NODE) : branch(EMPTY_NODE, h);
        return h;
      }
      case BRANCH: {
        const right = bitAt(key, d) === 1;
        const child = right ? n.right : n.left;
        const next = this.set(child, d + 1, key, value);
        if (next === child) return n;
        let other = right ? n.left : n.right;
        if (next.kind === EMPTY || (next.kind === LEAF && other.kind === EMPTY)) {
          // The branch may now hold a single leaf, which then rises to this depth.
          if (other.kind === OPAQUE) other = this.open(other, d + 1, withBitFlipped(key, d));
          if (next.kind === EMPTY && other.kind === LEAF) return other;
          if (next.kind === EMPTY && other.kind === EMPTY) return EMPTY_NODE;
          if (next.kind === LEAF && other.kind === EMPTY) return next;
        }
        return right ? branch(other, next) : branch(next, other);
      }
    }
  }

  /**
   * What the opaque subtree `n` at depth `d` on `key`'s path holds, from the
   * source's proof of `key`: it is untouched since the source root, so the
   * source tree has the same leaves under the same prefix.
   */
  private open(n: Opaque, d: number, key: Uint8Array): Node {
    if (n.opened !== undefined) return n.opened;
    const proof = this.source.prove(key);
    let opened: Node;
    if (proof.depth <= d) {
      if (proof.leaf === undefined) throw this.mismatch(n, d, "the source has no leaf there");
      opened = leaf(proof.leaf.key, proof.leaf.value);
    } else {
      let h: Node = proof.leaf === undefined ? EMPTY_NODE : leaf(proof.leaf.key, proof.leaf.value);
      for (let j = proof.depth - 1; j >= d; j--) {
        const s = subtree(proof.siblings[j]);
        h = bitAt(key, j) === 0 ? branch(h, s) : branch(s, h);
      }
      opened = h;
    }
    if (!equal(hashOf(opened), n.hash)) throw this.mismatch(n, d, "the source's subtree hashes differently");
    n.opened = opened;
    return opened;
  }

  private mismatch(n: Opaque, d: number, reason: string): StateSourceError {
    return new StateSourceError(`state source at root ${bytesToHex(this.source.root)}: ${reason}`, {
      subtree: bytesToHex(n.hash),
      depth: d,
    });
  }
}
