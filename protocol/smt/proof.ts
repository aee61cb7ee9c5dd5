import { bytesToHex } from "viem";
import { MalformedProofError } from "../errors.ts";
import {
  assertWord,
  bitAt,
  equalBytes,
  firstDifferingBit,
  isZero,
  leafHash,
  nodeHash,
  ZERO,
} from "./hash.ts";

/**
 * A state-tree proof for one key (docs/protocol.md, "Proofs"). `siblings[j-1]`
 * is the sibling at depth j, ZERO where the subtree is empty.
 */
export interface StateProof {
  /** Depth of the terminal: the first subtree on the key's path with at most one leaf. */
  depth: number;
  /** The terminal's leaf, absent when the terminal is empty. */
  leaf?: { key: Uint8Array; value: Uint8Array };
  /** The opening of the sibling at `depth`; present exactly when `leaf` is the key's own and depth > 0. */
  opening?: { isLeaf: boolean; a: Uint8Array; b: Uint8Array };
  siblings: Uint8Array[];
}

const FLAG_TERMINAL_LEAF = 1;
const FLAG_HAS_OPENING = 2;
const FLAG_OPENING_IS_LEAF = 4;

/** Serializes a proof in the format the Solidity library reads. */
export function encodeProof(proof: StateProof): Uint8Array {
  const nonZero = proof.siblings.filter((s) => !isZero(s));
  const size = 3 + (proof.leaf ? 64 : 0) + (proof.opening ? 64 : 0) + 32 + 32 * nonZero.length;
  const out = new Uint8Array(size);
  out[0] = proof.depth >> 8;
  out[1] = proof.depth & 0xff;
  out[2] =
    (proof.leaf ? FLAG_TERMINAL_LEAF : 0) |
    (proof.opening ? FLAG_HAS_OPENING : 0) |
    (proof.opening?.isLeaf ? FLAG_OPENING_IS_LEAF : 0);
  let at = 3;
  if (proof.leaf) {
    out.set(proof.leaf.key, at);
    out.set(proof.leaf.value, at + 32);
    at += 64;
  }
  if (proof.opening) {
    out.set(proof.opening.a, at);
    out.set(proof.opening.b, at + 32);
    at += 64;
  }
  for (let j = 0; j < proof.depth; j++) {
    if (!isZero(proof.siblings[j])) out[at + (j >> 3)] |= 0x80 >> (j & 7);
  }
  at += 32;
  for (let j = proof.depth - 1; j >= 0; j--) {
    if (isZero(proof.siblings[j])) continue;
    out.set(proof.siblings[j], at);
    at += 32;
  }
  return out;
}

/**
 * Parses and checks a proof for `key`: every rule of "well formed" in
 * docs/protocol.md. It does not check the proof against a root (computeRoot does).
 */
export function decodeProof(bytes: Uint8Array, key: Uint8Array): StateProof {
  assertWord("key", key);
  const fail = (reason: string, details: Record<string, unknown> = {}): never => {
    throw new MalformedProofError(reason, { key: bytesToHex(key), ...details });
  };
  if (bytes.length < 35) fail(`expected at least 35 bytes, got ${bytes.length}`);
  const depth = (bytes[0] << 8) | bytes[1];
  if (depth > 256) fail(`depth must be at most 256, got ${depth}`);
  const flags = bytes[2];
  if (flags & ~7) fail(`unknown flag bits in 0x${flags.toString(16)}`);
  let at = 3;
  const word = () => {
    const w = bytes.subarray(at, at + 32);
    if (w.length !== 32) fail(`truncated at offset ${at}`);
    at += 32;
    return w;
  };
  const proof: StateProof = { depth, siblings: new Array(depth) };
  if (flags & FLAG_TERMINAL_LEAF) {
    const leafKey = word();
    const leafValue = word();
    if (isZero(leafValue)) fail("terminal leaf has a zero value");
    if (depth > 0 && firstDifferingBit(leafKey, key) < depth) {
      fail(`terminal leaf does not share the first ${depth} bits with the key`);
    }
    proof.leaf = { key: leafKey, value: leafValue };
  }
  const ownLeaf = proof.leaf !== undefined && equalBytes(proof.leaf.key, key);
  const wantOpening = ownLeaf && depth > 0;
  if (Boolean(flags & FLAG_HAS_OPENING) !== wantOpening) {
    fail(wantOpening ? "missing the opening of the deepest sibling" : "unexpected sibling opening");
  }
  if (!(flags & FLAG_HAS_OPENING) && flags & FLAG_OPENING_IS_LEAF)
    fail("OPENING_IS_LEAF without HAS_OPENING");
  if (wantOpening) proof.opening = { isLeaf: Boolean(flags & FLAG_OPENING_IS_LEAF), a: word(), b: word() };
  const bitmap = word();
  let count = 0;
  for (let j = 0; j < 256; j++) {
    if (bitAt(bitmap, j) === 0) continue;
    if (j >= depth) fail(`bitmap bit ${j} set at or beyond depth ${depth}`);
    count++;
  }
  if (bytes.length !== at + 32 * count) {
    fail(`expected ${at + 32 * count} bytes for ${count} siblings, got ${bytes.length}`);
  }
  for (let j = depth - 1; j >= 0; j--) proof.siblings[j] = bitAt(bitmap, j) ? word() : ZERO;
  if (depth > 0 && isZero(proof.siblings[depth - 1])) fail("the sibling at the terminal's depth is empty");
  if (proof.opening) {
    const { isLeaf, a, b } = proof.opening;
    if (isLeaf && isZero(b)) fail("leaf opening has a zero value");
    const opened = isLeaf ? leafHash(a, b) : nodeHash(a, b);
    if (!equalBytes(opened, proof.siblings[depth - 1]))
      fail("the opening does not hash to the deepest sibling");
  }
  return proof;
}

/** Folds `h`, the hash of the subtree at depth `from`, up to the root with the proof's siblings. */
function foldUp(key: Uint8Array, siblings: Uint8Array[], from: number, h: Uint8Array): Uint8Array {
  for (let j = from; j >= 1; j--) {
    h = bitAt(key, j - 1) === 0 ? nodeHash(h, siblings[j - 1]) : nodeHash(siblings[j - 1], h);
  }
  return h;
}

/** The root a proof for `key` commits to. */
export function computeRoot(key: Uint8Array, proof: StateProof): Uint8Array {
  const terminal = proof.leaf ? leafHash(proof.leaf.key, proof.leaf.value) : ZERO;
  return foldUp(key, proof.siblings, proof.depth, terminal);
}

/** The value a proof reads for `key`: the leaf's value if it is the key's own leaf, else ZERO. */
export function provenValue(key: Uint8Array, proof: StateProof): Uint8Array {
  return proof.leaf && equalBytes(proof.leaf.key, key) ? proof.leaf.value : ZERO;
}

/**
 * Reads `key` from the tree with root `root`. Throws MalformedProofError if the
 * proof is not well formed or commits to another root.
 */
export function verifyRead(root: Uint8Array, key: Uint8Array, encoded: Uint8Array): Uint8Array {
  assertWord("root", root);
  const proof = decodeProof(encoded, key);
  const computed = computeRoot(key, proof);
  if (!equalBytes(computed, root)) {
    throw new MalformedProofError("proof does not match the root", {
      root: bytesToHex(root),
      computed: bytesToHex(computed),
    });
  }
  return provenValue(key, proof);
}

/**
 * The root after setting `key` to `value` (ZERO deletes), given a proof that
 * verifies against `root` (docs/protocol.md, "Writing one key with its proof").
 */
export function rootAfterWrite(
  root: Uint8Array,
  key: Uint8Array,
  value: Uint8Array,
  encoded: Uint8Array,
): Uint8Array {
  assertWord("value", value);
  const old = verifyRead(root, key, encoded);
  if (equalBytes(old, value)) return root;
  const proof = decodeProof(encoded, key);
  const { depth, siblings } = proof;
  if (!isZero(value)) {
    if (!proof.leaf || equalBytes(proof.leaf.key, key))
      return foldUp(key, siblings, depth, leafHash(key, value));
    const other = proof.leaf;
    const p = firstDifferingBit(key, other.key);
    const mine = leafHash(key, value);
    const theirs = leafHash(other.key, other.value);
    let h = bitAt(key, p) === 0 ? nodeHash(mine, theirs) : nodeHash(theirs, mine);
    for (let j = p - 1; j >= depth; j--) h = bitAt(key, j) === 0 ? nodeHash(h, ZERO) : nodeHash(ZERO, h);
    return foldUp(key, siblings, depth, h);
  }
  // Delete the key's own leaf.
  if (depth === 0) return ZERO;
  const opening = proof.opening!;
  if (!opening.isLeaf) return foldUp(key, siblings, depth, ZERO);
  // The sibling is a lone leaf: it rises while its new siblings are empty.
  let j = depth - 1;
  while (j >= 1 && isZero(siblings[j - 1])) j--;
  return foldUp(key, siblings, j, siblings[depth - 1]);
}
