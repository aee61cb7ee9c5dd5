/**
 * Differential tests of contracts/state/SparseMerkle.sol against the TypeScript
 * proof code (protocol/smt/proof.ts) and the tree built from its definition
 * (protocol/smt/reference.ts): TypeScript generates trees, proofs, writes and
 * mutated proofs; the Solidity library must agree on every one.
 *
 * Random but reproducible: SMT_SEED=<n> replays a run (the seed is printed when a test fails).
 * Needs the contracts built (`npx hardhat build`).
 */
import { randomInt } from "node:crypto";
import { network } from "hardhat";
import { type Abi, bytesToHex, type Hex, toFunctionSelector } from "viem";
import { describe, expect, onTestFailed, test } from "vitest";
import { MalformedProofError } from "../protocol/errors.ts";
import { bitAt, equalBytes, isZero, leafHash, nodeHash, ZERO } from "../protocol/smt/hash.ts";
import {
  computeRoot,
  decodeProof,
  encodeProof,
  rootAfterWrite,
  type StateProof,
  verifyRead,
} from "../protocol/smt/proof.ts";
import { type Leaf, referenceHash, referenceProof } from "../protocol/smt/reference.ts";

const SEED = process.env.SMT_SEED ? Number(process.env.SMT_SEED) : randomInt(2 ** 31);
const printSeed = () => console.error(`smt.differential: reproduce with SMT_SEED=${SEED}`);

/**
 * The harness's functions as this file calls them. hardhat-viem types contracts from the
 * artifacts.d.ts files Hardhat generates under artifacts/, which tsconfig.json leaves out, so
 * the shape is spelt out here (a mismatch with the contract fails at run time, when viem
 * encodes or decodes a call).
 */
type Words = readonly Hex[];
interface Harness {
  abi: Abi;
  read: {
    read(args: readonly [Hex, Hex, Hex]): Promise<Hex>;
    verify(args: readonly [Hex, Hex, Hex, Hex]): Promise<boolean>;
    write(args: readonly [Hex, Hex, Hex, Hex]): Promise<Hex>;
    readGas(args: readonly [Hex, Hex, Hex]): Promise<readonly [Hex, bigint]>;
    verifyGas(args: readonly [Hex, Hex, Hex, Hex]): Promise<readonly [boolean, bigint]>;
    writeGas(args: readonly [Hex, Hex, Hex, Hex]): Promise<readonly [Hex, bigint]>;
    readMany(args: readonly [Words, Words, Words]): Promise<readonly Hex[]>;
    verifyMany(args: readonly [Words, Words, Words, Words]): Promise<readonly boolean[]>;
    writeMany(args: readonly [Words, Words, Words, Words]): Promise<readonly Hex[]>;
    tryReadMany(args: readonly [Words, Words, Words]): Promise<readonly [readonly boolean[], Words, Words]>;
    tryVerifyMany(
      args: readonly [Words, Words, Words, Words],
    ): Promise<readonly [readonly boolean[], readonly boolean[], Words]>;
    tryWriteMany(
      args: readonly [Words, Words, Words, Words],
    ): Promise<readonly [readonly boolean[], Words, Words]>;
  };
}

const { viem } = await network.create();
const h = (await viem.deployContract("SparseMerkleHarness")) as unknown as Harness;

/** Items per batched contract call. */
const BATCH = 100;

// ---------------------------------------------------------------------------
// Seeded randomness (sfc32)

function makeRng(seed: number) {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const u32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 20; i++) u32();
  const int = (n: number): number => Math.floor((u32() / 2 ** 32) * n);
  const bytes = (n: number): Uint8Array => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = u32() & 0xff;
    return out;
  };
  return {
    int,
    bytes,
    word: (): Uint8Array => bytes(32),
    /** A random non-zero word. */
    nonZero: (): Uint8Array => {
      const w = bytes(32);
      w[31] |= 1;
      return w;
    },
    pick: <T>(items: readonly T[]): T => items[int(items.length)],
    chance: (p: number): boolean => u32() / 2 ** 32 < p,
  };
}
type Rng = ReturnType<typeof makeRng>;

const rng = makeRng(SEED);

// ---------------------------------------------------------------------------
// Helpers

const hex = (b: Uint8Array): Hex => bytesToHex(b);

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function chunks<T>(items: T[], size = BATCH): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** A copy of `base` keeping its first `shared` bits, the rest random. */
function clusteredKey(r: Rng, base: Uint8Array, shared: number): Uint8Array {
  const k = r.word();
  for (let i = 0; i < shared; i++) {
    const mask = 0x80 >> (i & 7);
    k[i >> 3] = (k[i >> 3] & ~mask) | (bitAt(base, i) ? mask : 0);
  }
  return k;
}

/** `key` with bit `i` flipped. */
function flipBitOf(key: Uint8Array, i: number): Uint8Array {
  const k = key.slice();
  k[i >> 3] ^= 0x80 >> (i & 7);
  return k;
}

/** Runs TypeScript proof code; a MalformedProofError is a rejection, anything else a bug. */
function attempt<T>(fn: () => T): { ok: true; value: T } | { ok: false } {
  try {
    return { ok: true, value: fn() };
  } catch (e) {
    if (e instanceof MalformedProofError) return { ok: false };
    throw e;
  }
}

/** Error selector -> name, for the library's (and harness's) custom errors. */
const errorNames = new Map<string, string>();
for (const item of h.abi) {
  if (item.type !== "error") continue;
  const signature = `${item.name}(${item.inputs.map((i) => i.type).join(",")})`;
  errorNames.set(toFunctionSelector(signature), item.name);
}
const LIBRARY_ERRORS = [
  "ProofTooShort",
  "DepthTooLarge",
  "UnknownFlags",
  "OpeningKindWithoutOpening",
  "BitmapBeyondDepth",
  "ProofLengthMismatch",
  "EmptyTerminalSibling",
  "ZeroLeafValue",
  "LeafPrefixMismatch",
  "OpeningRequired",
  "UnexpectedOpening",
  "OpeningMismatch",
  "RootMismatch",
];

// ---------------------------------------------------------------------------
// Trees

interface Tree {
  name: string;
  leaves: Leaf[];
  root: Uint8Array;
  values: Map<Hex, Uint8Array>;
}

function makeTree(name: string, keys: Uint8Array[], r: Rng): Tree {
  const values = new Map<Hex, Uint8Array>();
  const leaves: Leaf[] = [];
  for (const key of keys) {
    if (values.has(hex(key))) continue;
    const value = r.nonZero();
    values.set(hex(key), value);
    leaves.push({ key, value });
  }
  return { name, leaves, root: referenceHash(leaves), values };
}

function makeTrees(r: Rng): Tree[] {
  const trees: Tree[] = [];
  for (const n of [0, 1, 2, 3, 4, 5, 7, 8, 16, 33, 100, 257, 700, 2000]) {
    trees.push(
      makeTree(
        `random-${n}`,
        Array.from({ length: n }, () => r.word()),
        r,
      ),
    );
  }
  // Keys sharing long prefixes, so terminals and splits go deep.
  for (let t = 0; t < 12; t++) {
    const base = r.word();
    const n = 2 + r.int(40);
    const keys = Array.from({ length: n }, () => clusteredKey(r, base, 100 + r.int(156)));
    trees.push(makeTree(`clustered-${n}`, keys, r));
  }
  // Several clusters at different depths, plus random keys.
  for (let t = 0; t < 4; t++) {
    const keys: Uint8Array[] = [];
    for (let c = 0; c < 5; c++) {
      const base = r.word();
      const shared = r.int(256);
      for (let i = 0; i < 1 + r.int(12); i++) keys.push(clusteredKey(r, base, shared + r.int(256 - shared)));
    }
    for (let i = 0; i < 20; i++) keys.push(r.word());
    trees.push(makeTree(`mixed-${keys.length}`, keys, r));
  }
  // Two keys that differ only in their last bit: leaves at depth 256.
  for (let t = 0; t < 2; t++) {
    const base = r.word();
    const keys = [base, flipBitOf(base, 255)];
    if (t === 1) keys.push(r.word(), clusteredKey(r, base, 200));
    trees.push(makeTree(`deepest-${keys.length}`, keys, r));
  }
  return trees;
}

/** A key to read or write in `tree`: one of its leaves, a random key, or a key near a leaf. */
function queryKey(tree: Tree, r: Rng, present: boolean): Uint8Array {
  const n = tree.leaves.length;
  if (present && n > 0) return r.pick(tree.leaves).key;
  if (n === 0 || r.chance(0.3)) return r.word();
  // Share a random prefix with a leaf, differ at the next bit, then random.
  const i = r.int(256);
  return clusteredKey(r, flipBitOf(r.pick(tree.leaves).key, i), i + 1);
}

function proofFor(tree: Tree, key: Uint8Array): Uint8Array {
  return encodeProof(referenceProof(tree.leaves, key));
}

// ---------------------------------------------------------------------------
// Shared vectors

interface ReadVector {
  root: Uint8Array;
  key: Uint8Array;
  proof: Uint8Array;
  value: Uint8Array;
}

interface WriteVector extends ReadVector {
  kind: string;
  newValue: Uint8Array;
  newRoot: Uint8Array;
}

function readVectors(trees: Tree[]): ReadVector[] {
  const out: ReadVector[] = [];
  for (const tree of trees) {
    const n = tree.leaves.length;
    const count = Math.max(20, Math.min(80, 2 * n));
    for (let i = 0; i < count; i++) {
      const key = queryKey(tree, rng, i % 2 === 0);
      const proof = proofFor(tree, key);
      const value = verifyRead(tree.root, key, proof);
      expect(value, `TypeScript read in ${tree.name}`).toEqual(tree.values.get(hex(key)) ?? ZERO);
      out.push({ root: tree.root, key, proof, value });
    }
  }
  return out;
}

/** Classifies a write the way the spec's cases split it. */
function writeKind(tree: Tree, key: Uint8Array, newValue: Uint8Array, proof: Uint8Array): string {
  const old = tree.values.get(hex(key)) ?? ZERO;
  if (equalBytes(old, newValue)) return isZero(newValue) ? "deleteAbsent" : "sameValue";
  const decoded = decodeProof(proof, key);
  if (!isZero(newValue)) {
    if (!isZero(old)) return "update";
    return decoded.leaf ? "insertSplit" : "insertEmpty";
  }
  if (decoded.depth === 0) return "deleteAtRoot";
  return decoded.opening?.isLeaf ? "deleteLeafSibling" : "deleteNodeSibling";
}

function writeVectors(trees: Tree[]): WriteVector[] {
  const out: WriteVector[] = [];
  for (const tree of trees) {
    const n = tree.leaves.length;
    const count = Math.max(24, Math.min(60, 2 * n));
    for (let i = 0; i < count; i++) {
      const op = i % 6;
      let key: Uint8Array;
      let newValue: Uint8Array;
      if (op === 0 || op === 1 || n === 0) {
        key = queryKey(tree, rng, false); // insert (or delete) an absent key
        newValue = op === 1 && n > 0 ? ZERO : rng.nonZero();
      } else if (op === 2) {
        key = queryKey(tree, rng, true);
        newValue = rng.nonZero(); // update
      } else if (op === 3 || op === 4) {
        key = queryKey(tree, rng, true);
        newValue = ZERO; // delete
      } else {
        key = queryKey(tree, rng, true);
        newValue = tree.values.get(hex(key))!; // the same value
      }
      const proof = proofFor(tree, key);
      const value = verifyRead(tree.root, key, proof);
      const newRoot = rootAfterWrite(tree.root, key, newValue, proof);
      const next = tree.leaves.filter((l) => !equalBytes(l.key, key));
      if (!isZero(newValue)) next.push({ key, value: newValue });
      expect(newRoot, `TypeScript write in ${tree.name}`).toEqual(referenceHash(next));
      const kind = writeKind(tree, key, newValue, proof);
      out.push({ root: tree.root, key, proof, value, kind, newValue, newRoot });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Solidity calls, batched

async function solReadMany(items: { root: Uint8Array; key: Uint8Array; proof: Uint8Array }[]) {
  const out: Hex[] = [];
  for (const c of chunks(items)) {
    out.push(
      ...(await h.read.readMany([
        c.map((v) => hex(v.root)),
        c.map((v) => hex(v.key)),
        c.map((v) => hex(v.proof)),
      ])),
    );
  }
  return out;
}

interface WriteCall {
  root: Uint8Array;
  key: Uint8Array;
  newValue: Uint8Array;
  proof: Uint8Array;
}

const writeArgs = (c: WriteCall[]) =>
  [
    c.map((v) => hex(v.root)),
    c.map((v) => hex(v.key)),
    c.map((v) => hex(v.newValue)),
    c.map((v) => hex(v.proof)),
  ] as const;

async function solWriteMany(items: WriteCall[]) {
  const out: Hex[] = [];
  for (const c of chunks(items)) out.push(...(await h.read.writeMany(writeArgs(c))));
  return out;
}

async function solVerifyMany(items: WriteCall[]) {
  const out: boolean[] = [];
  for (const c of chunks(items)) out.push(...(await h.read.verifyMany(writeArgs(c))));
  return out;
}

interface Caught<T> {
  ok: boolean;
  result: T;
  error: string;
}

function zipCaught<T>(oks: readonly boolean[], results: readonly T[], errs: readonly Hex[]): Caught<T>[] {
  return oks.map((ok, i) => ({ ok, result: results[i], error: errorNames.get(errs[i]) ?? errs[i] }));
}

async function solTryReadMany(items: { root: Uint8Array; key: Uint8Array; proof: Uint8Array }[]) {
  const out: Caught<Hex>[] = [];
  for (const c of chunks(items)) {
    const [oks, values, errs] = await h.read.tryReadMany([
      c.map((v) => hex(v.root)),
      c.map((v) => hex(v.key)),
      c.map((v) => hex(v.proof)),
    ]);
    out.push(...zipCaught(oks, values, errs));
  }
  return out;
}

async function solTryWriteMany(items: WriteCall[]) {
  const out: Caught<Hex>[] = [];
  for (const c of chunks(items)) {
    const [oks, roots, errs] = await h.read.tryWriteMany(writeArgs(c));
    out.push(...zipCaught(oks, roots, errs));
  }
  return out;
}

async function solTryVerifyMany(items: WriteCall[]) {
  const out: Caught<boolean>[] = [];
  for (const c of chunks(items)) {
    const [oks, results, errs] = await h.read.tryVerifyMany(writeArgs(c));
    out.push(...zipCaught(oks, results, errs));
  }
  return out;
}

// ---------------------------------------------------------------------------
// Mutations of honest proofs

interface Layout {
  depth: number;
  flags: number;
  header: number;
  bitmapAt: number;
  /** Bitmap bit indices that are set, deepest first: the order of the siblings. */
  setBits: number[];
}

function layout(p: Uint8Array): Layout {
  const depth = (p[0] << 8) | p[1];
  const flags = p[2];
  const header = 35 + (flags & 1 ? 64 : 0) + (flags & 2 ? 64 : 0);
  const bitmapAt = header - 32;
  const setBits: number[] = [];
  for (let j = 255; j >= 0; j--) if (bitAt(p.subarray(bitmapAt, bitmapAt + 32), j)) setBits.push(j);
  return { depth, flags, header, bitmapAt, setBits };
}

function toggleBitmapBit(p: Uint8Array, l: Layout, j: number): void {
  p[l.bitmapAt + (j >> 3)] ^= 0x80 >> (j & 7);
}

type Mutation = (p: Uint8Array, key: Uint8Array, r: Rng) => Uint8Array | undefined;

const MUTATIONS: Record<string, Mutation> = {
  flipBit: (p, _k, r) => {
    const q = p.slice();
    const i = r.int(q.length * 8);
    q[i >> 3] ^= 0x80 >> (i & 7);
    return q;
  },
  dropSibling: (p, _k, r) => {
    const l = layout(p);
    if (l.setBits.length === 0) return undefined;
    const i = r.int(l.setBits.length);
    const q = concat(p.subarray(0, l.header + 32 * i), p.subarray(l.header + 32 * (i + 1)));
    // Half the time also clear its bitmap bit, so the length still adds up.
    if (r.chance(0.5)) toggleBitmapBit(q, l, l.setBits[i]);
    return q;
  },
  duplicateSibling: (p, _k, r) => {
    const l = layout(p);
    if (l.setBits.length === 0) return undefined;
    const i = r.int(l.setBits.length);
    const at = l.header + 32 * (i + 1);
    const q = concat(p.subarray(0, at), p.subarray(at - 32, at), p.subarray(at));
    // Half the time also set a clear bitmap bit within the depth, so the length adds up.
    const clear = Array.from({ length: l.depth }, (_, j) => j).filter((j) => !l.setBits.includes(j));
    if (clear.length > 0 && r.chance(0.5)) toggleBitmapBit(q, l, r.pick(clear));
    return q;
  },
  wrongBitmapBit: (p, _k, r) => {
    const l = layout(p);
    const q = p.slice();
    toggleBitmapBit(q, l, l.depth > 0 && r.chance(0.6) ? r.int(l.depth) : r.int(256));
    return q;
  },
  truncate: (p, _k, r) => {
    const cut = r.chance(0.3) ? 32 : 1 + r.int(Math.min(p.length, 64));
    return p.slice(0, p.length - Math.min(cut, p.length));
  },
  extend: (p, _k, r) => {
    const tail = r.pick([() => new Uint8Array(32), () => r.nonZero(), () => r.bytes(1 + r.int(31))])();
    return concat(p, tail);
  },
  swapSiblings: (p, _k, r) => {
    const l = layout(p);
    const k = l.setBits.length;
    if (k < 2) return undefined;
    const i = r.int(k);
    const j = (i + 1 + r.int(k - 1)) % k;
    const a = p.slice(l.header + 32 * i, l.header + 32 * (i + 1));
    const b = p.slice(l.header + 32 * j, l.header + 32 * (j + 1));
    if (equalBytes(a, b)) return undefined;
    const q = p.slice();
    q.set(b, l.header + 32 * i);
    q.set(a, l.header + 32 * j);
    return q;
  },
  changeDepth: (p, _k, r) => {
    const l = layout(p);
    const options = [l.depth + 1, r.int(0x10000), r.int(257)];
    if (l.depth > 0) options.push(l.depth - 1);
    const depth = r.pick(options);
    if (depth === l.depth) return undefined;
    const q = p.slice();
    q[0] = depth >> 8;
    q[1] = depth & 0xff;
    return q;
  },
  toggleFlag: (p, _k, r) => {
    const q = p.slice();
    q[2] ^= 1 << r.int(8);
    return q;
  },
  changeLeafKey: (p, key, r) => {
    if (!(p[2] & 1)) return undefined;
    const q = p.slice();
    const leafKey = q.subarray(3, 35);
    const depth = (p[0] << 8) | p[1];
    const choice = r.int(4);
    // The key itself, a random key, its last shared bit flipped, or any bit flipped.
    if (choice === 0 && !equalBytes(leafKey, key)) leafKey.set(key);
    else if (choice === 1) leafKey.set(r.word());
    else if (choice === 2 && depth > 0) leafKey.set(flipBitOf(leafKey, depth - 1));
    else leafKey.set(flipBitOf(leafKey, r.int(256)));
    return q;
  },
  changeLeafValue: (p, _k, r) => {
    if (!(p[2] & 1)) return undefined;
    const q = p.slice();
    const value = q.subarray(35, 67);
    const choice = r.int(3);
    if (choice === 0) value.fill(0);
    else if (choice === 1) value.set(r.nonZero());
    else value.set(flipBitOf(value, r.int(256)));
    return q;
  },
  changeOpening: (p, _k, r) => {
    if (!(p[2] & 2)) return undefined;
    const q = p.slice();
    const a = q.slice(67, 99);
    const b = q.slice(99, 131);
    const choice = r.int(4);
    if (choice === 0)
      q[2] ^= 4; // leaf opening <-> node opening
    else if (choice === 1) {
      if (equalBytes(a, b)) return undefined;
      q.set(b, 67);
      q.set(a, 99);
    } else if (choice === 2) q.set(r.int(2) ? ZERO : r.word(), 99);
    else q.set(flipBitOf(a, r.int(256)), 67);
    return q;
  },
  removeLeaf: (p, _k, _r) => {
    const l = layout(p);
    if (!(l.flags & 1)) return undefined;
    // Drop the leaf (and the opening, which needs it): claim an empty terminal.
    const q = concat(p.subarray(0, 3), p.subarray(l.bitmapAt));
    q[2] = 0;
    return q;
  },
  addLeaf: (p, key, r) => {
    if (p[2] & 1) return undefined;
    const q = concat(p.subarray(0, 3), key, r.nonZero(), p.subarray(3));
    q[2] |= 1;
    return q;
  },
  removeOpening: (p, _k, _r) => {
    if (!(p[2] & 2)) return undefined;
    const q = concat(p.subarray(0, 67), p.subarray(131));
    q[2] &= ~6;
    return q;
  },
};

// ---------------------------------------------------------------------------
// Tests

describe("SparseMerkle.sol against protocol/smt/proof.ts", () => {
  // Built on first use, inside a test, so that a failure there reports the seed.
  let built: { reads: ReadVector[]; writes: WriteVector[] } | undefined;
  const vectors = () => {
    if (!built) {
      const trees = makeTrees(rng);
      built = { reads: readVectors(trees), writes: writeVectors(trees) };
    }
    return built;
  };

  test("read_sharedVectors_succeeds", async () => {
    onTestFailed(printSeed);
    const { reads } = vectors();
    expect(reads.length).toBeGreaterThanOrEqual(1000);
    const got = await solReadMany(reads);
    const mismatches = reads.flatMap((v, i) =>
      got[i] === hex(v.value) ? [] : [{ key: hex(v.key), want: hex(v.value), got: got[i] }],
    );
    expect(mismatches).toEqual([]);
    // Inclusion proofs, exclusion proofs with a leaf, and empty terminals are all covered.
    const shapes = new Map<string, number>();
    for (const v of reads) {
      const d = decodeProof(v.proof, v.key);
      const shape = !d.leaf ? "empty" : isZero(v.value) ? "otherLeaf" : "ownLeaf";
      shapes.set(shape, (shapes.get(shape) ?? 0) + 1);
    }
    for (const shape of ["empty", "otherLeaf", "ownLeaf"]) expect(shapes.get(shape) ?? 0).toBeGreaterThan(50);
    expect(Math.max(...reads.map((v) => decodeProof(v.proof, v.key).depth))).toBe(256);
    console.log(`reads: ${reads.length} (${[...shapes].map(([k, n]) => `${k} ${n}`).join(", ")})`);
  });

  test("verify_sharedVectors_succeeds", async () => {
    onTestFailed(printSeed);
    const { reads } = vectors();
    const right = reads.map((v) => ({ ...v, newValue: v.value }));
    const wrongValue = reads.map((v) => ({ ...v, newValue: isZero(v.value) ? rng.nonZero() : ZERO }));
    const wrongRoot = reads.map((v) => ({ ...v, root: rng.word(), newValue: v.value }));
    expect((await solVerifyMany(right)).every((ok) => ok)).toBe(true);
    expect((await solVerifyMany(wrongValue)).some((ok) => ok)).toBe(false);
    expect((await solVerifyMany(wrongRoot)).some((ok) => ok)).toBe(false);
  });

  test("write_sharedVectors_succeeds", async () => {
    onTestFailed(printSeed);
    const { writes } = vectors();
    expect(writes.length).toBeGreaterThanOrEqual(1000);
    const kinds = new Map<string, number>();
    for (const w of writes) kinds.set(w.kind, (kinds.get(w.kind) ?? 0) + 1);
    for (const kind of [
      "insertEmpty",
      "insertSplit",
      "update",
      "sameValue",
      "deleteAbsent",
      "deleteAtRoot",
      "deleteLeafSibling",
      "deleteNodeSibling",
    ]) {
      expect(kinds.get(kind) ?? 0, `writes of kind ${kind}`).toBeGreaterThan(
        kind === "deleteAtRoot" ? 3 : 40,
      );
    }
    console.log(`writes: ${writes.length} (${[...kinds].map(([k, n]) => `${k} ${n}`).join(", ")})`);
    const got = await solWriteMany(writes);
    const mismatches = writes.flatMap((w, i) =>
      got[i] === hex(w.newRoot) ? [] : [{ kind: w.kind, key: hex(w.key), want: hex(w.newRoot), got: got[i] }],
    );
    expect(mismatches).toEqual([]);
  });

  test("read_mutatedProof_reverts", async () => {
    onTestFailed(printSeed);
    const { reads, writes } = vectors();
    // Honest samples: every shape of read and write, each mutated every applicable way.
    // Reads are mutated under a random write too (a new value, or a delete).
    const samples: (ReadVector & { newValue: Uint8Array })[] = [
      ...reads
        .filter((_, i) => i % 10 === 0)
        .map((v) => ({ ...v, newValue: rng.chance(0.5) ? ZERO : rng.nonZero() })),
      ...writes.filter((_, i) => i % 10 === 0),
    ];
    const cases: (WriteCall & { kind: string; honestRead: Uint8Array; honestWrite: Uint8Array })[] = [];
    const perKind = new Map<string, number>();
    for (const s of samples) {
      const honestWrite = rootAfterWrite(s.root, s.key, s.newValue, s.proof);
      for (const [kind, mutate] of Object.entries(MUTATIONS)) {
        const proof = mutate(s.proof, s.key, rng);
        if (!proof || equalBytes(proof, s.proof)) continue;
        cases.push({ ...s, proof, kind, honestRead: s.value, honestWrite });
        perKind.set(kind, (perKind.get(kind) ?? 0) + 1);
      }
    }
    expect(cases.length).toBeGreaterThanOrEqual(1000);
    for (const kind of Object.keys(MUTATIONS)) expect(perKind.get(kind) ?? 0, kind).toBeGreaterThan(5);

    const [solReads, solWrites, solVerifies] = [
      await solTryReadMany(cases),
      await solTryWriteMany(cases),
      await solTryVerifyMany(cases),
    ];
    const problems: unknown[] = [];
    const errors = new Map<string, number>();
    cases.forEach((c, i) => {
      const where = { kind: c.kind, key: hex(c.key), proof: hex(c.proof) };
      const tsRead = attempt(() => verifyRead(c.root, c.key, c.proof));
      const tsWrite = attempt(() => rootAfterWrite(c.root, c.key, c.newValue, c.proof));
      const tsDecoded = attempt(() => decodeProof(c.proof, c.key));
      const sr = solReads[i];
      const sw = solWrites[i];
      const sv = solVerifies[i];
      errors.set(sr.error, (errors.get(sr.error) ?? 0) + 1);
      // TypeScript and Solidity agree on accept/reject, and on the result when both accept.
      if (sr.ok !== tsRead.ok || (tsRead.ok && sr.result !== hex(tsRead.value)))
        problems.push({ ...where, op: "read", sol: sr, ts: tsRead });
      if (sw.ok !== tsWrite.ok || (tsWrite.ok && sw.result !== hex(tsWrite.value)))
        problems.push({ ...where, op: "write", sol: sw, ts: tsWrite });
      // Both sides agree on why: malformed (decodeProof throws) or well formed with another root.
      if ((sr.error === "RootMismatch") !== tsDecoded.ok || (sw.error === "RootMismatch") !== tsDecoded.ok)
        problems.push({ ...where, op: "malformed or root mismatch", read: sr.error, write: sw.error });
      // verify reverts exactly on malformed encodings, and returns false otherwise.
      if (sv.ok !== tsDecoded.ok || sv.result)
        problems.push({ ...where, op: "verify", sol: sv, ts: tsDecoded });
      // Never the honest result; and since each (root, key) has exactly one accepted
      // proof, a changed proof is always rejected, with one of the library's errors.
      if (sr.ok && sr.result === hex(c.honestRead)) problems.push({ ...where, op: "read honest result" });
      if (sw.ok && sw.result === hex(c.honestWrite)) problems.push({ ...where, op: "write honest result" });
      if (sr.ok || sw.ok) problems.push({ ...where, op: "accepted a changed proof" });
      if (!LIBRARY_ERRORS.includes(sr.error) || !LIBRARY_ERRORS.includes(sw.error))
        problems.push({ ...where, op: "unexpected revert", read: sr.error, write: sw.error });
    });
    expect(problems).toEqual([]);
    console.log(
      `mutations: ${cases.length} (${[...perKind].map(([k, n]) => `${k} ${n}`).join(", ")}); ` +
        `read reverts: ${[...errors].map(([k, n]) => `${k} ${n}`).join(", ")}`,
    );
  });
});

describe("SparseMerkle.sol on the smallest trees", () => {
  const key = rng.word();
  const value = rng.nonZero();
  const empty = encodeProof(referenceProof([], key));

  test("read_emptyTree_succeeds", async () => {
    expect(empty).toEqual(new Uint8Array(35));
    expect(await h.read.read([hex(ZERO), hex(key), hex(empty)])).toBe(hex(ZERO));
    expect(await h.read.verify([hex(ZERO), hex(key), hex(ZERO), hex(empty)])).toBe(true);
    expect(await h.read.verify([hex(ZERO), hex(key), hex(value), hex(empty)])).toBe(false);
  });

  test("write_emptyTree_succeeds", async () => {
    const inserted = await h.read.write([hex(ZERO), hex(key), hex(value), hex(empty)]);
    expect(inserted).toBe(hex(leafHash(key, value)));
    expect(inserted).toBe(hex(rootAfterWrite(ZERO, key, value, empty)));
    expect(await h.read.write([hex(ZERO), hex(key), hex(ZERO), hex(empty)])).toBe(hex(ZERO));
  });

  test("read_singleLeaf_succeeds", async () => {
    const leaves = [{ key, value }];
    const root = referenceHash(leaves);
    const own = encodeProof(referenceProof(leaves, key));
    expect(own.length).toBe(99); // depth 0, the leaf, no opening
    expect(await h.read.read([hex(root), hex(key), hex(own)])).toBe(hex(value));
    for (const other of [rng.word(), flipBitOf(key, 255), flipBitOf(key, 0)]) {
      const proof = encodeProof(referenceProof(leaves, other));
      expect(verifyRead(root, other, proof)).toEqual(ZERO);
      expect(await h.read.read([hex(root), hex(other), hex(proof)])).toBe(hex(ZERO));
    }
  });

  test("write_singleLeaf_succeeds", async () => {
    const leaves = [{ key, value }];
    const root = referenceHash(leaves);
    const own = encodeProof(referenceProof(leaves, key));
    const updated = rng.nonZero();
    expect(await h.read.write([hex(root), hex(key), hex(updated), hex(own)])).toBe(
      hex(leafHash(key, updated)),
    );
    expect(await h.read.write([hex(root), hex(key), hex(value), hex(own)])).toBe(hex(root));
    expect(await h.read.write([hex(root), hex(key), hex(ZERO), hex(own)])).toBe(hex(ZERO));
    for (const other of [rng.word(), flipBitOf(key, 255), flipBitOf(key, 0), flipBitOf(key, 100)]) {
      const proof = encodeProof(referenceProof(leaves, other));
      const v = rng.nonZero();
      const want = referenceHash([...leaves, { key: other, value: v }]);
      expect(await h.read.write([hex(root), hex(other), hex(v), hex(proof)])).toBe(hex(want));
      expect(await h.read.write([hex(root), hex(other), hex(ZERO), hex(proof)])).toBe(hex(root));
    }
  });
});

describe("SparseMerkle.sol custom errors", () => {
  const key = rng.word();
  const leaves = Array.from({ length: 9 }, () => ({ key: rng.word(), value: rng.nonZero() }));
  const root = referenceHash(leaves);
  const own = leaves[0].key;
  const ownProof = encodeProof(referenceProof(leaves, own));

  /** Checks TypeScript rejects too, then that Solidity reverts naming `error`. */
  async function expectRevert(error: string, proof: Uint8Array, k = key, r: Uint8Array = root) {
    expect(() => verifyRead(r, k, proof)).toThrow(MalformedProofError);
    await expect(h.read.read([hex(r), hex(k), hex(proof)])).rejects.toThrow(new RegExp(`${error}\\(`));
    await expect(h.read.write([hex(r), hex(k), hex(rng.nonZero()), hex(proof)])).rejects.toThrow(
      new RegExp(`${error}\\(`),
    );
  }

  const header = (depth: number, flags: number, ...rest: Uint8Array[]) =>
    concat(new Uint8Array([depth >> 8, depth & 0xff, flags]), ...rest);
  const bitmap = (...bits: number[]) => {
    const b = new Uint8Array(32);
    for (const j of bits) b[j >> 3] |= 0x80 >> (j & 7);
    return b;
  };

  test("read_proofTooShort_reverts", async () => {
    await expectRevert("ProofTooShort", new Uint8Array(34));
    await expectRevert("ProofTooShort", header(0, 1, new Uint8Array(32))); // a leaf announced, 35 bytes
  });

  test("read_depthTooLarge_reverts", async () => {
    await expectRevert("DepthTooLarge", header(257, 0, bitmap()));
  });

  test("read_unknownFlags_reverts", async () => {
    await expectRevert("UnknownFlags", header(0, 0x08, bitmap()));
    await expectRevert("UnknownFlags", header(0, 0x80, bitmap()));
  });

  test("read_openingKindWithoutOpening_reverts", async () => {
    await expectRevert("OpeningKindWithoutOpening", header(0, 4, bitmap()));
  });

  test("read_bitmapBeyondDepth_reverts", async () => {
    await expectRevert("BitmapBeyondDepth", header(0, 0, bitmap(0)));
    await expectRevert("BitmapBeyondDepth", header(3, 0, bitmap(2, 3), rng.nonZero(), rng.nonZero()));
  });

  test("read_proofLengthMismatch_reverts", async () => {
    await expectRevert("ProofLengthMismatch", ownProof.subarray(0, ownProof.length - 1), own);
    await expectRevert("ProofLengthMismatch", concat(ownProof, rng.nonZero()), own);
  });

  test("read_emptyTerminalSibling_reverts", async () => {
    await expectRevert("EmptyTerminalSibling", header(1, 0, bitmap()));
    await expectRevert("EmptyTerminalSibling", header(2, 0, bitmap(0), rng.nonZero()));
  });

  test("read_zeroLeafValue_reverts", async () => {
    await expectRevert("ZeroLeafValue", header(0, 1, key, ZERO, bitmap()));
    // A leaf opening with a zero value.
    const a = rng.word();
    const opened = leafHash(a, ZERO);
    await expectRevert("ZeroLeafValue", header(1, 7, key, rng.nonZero(), a, ZERO, bitmap(0), opened));
  });

  test("read_leafPrefixMismatch_reverts", async () => {
    await expectRevert(
      "LeafPrefixMismatch",
      header(1, 1, flipBitOf(key, 0), rng.nonZero(), bitmap(0), rng.nonZero()),
    );
  });

  test("read_openingRequired_reverts", async () => {
    const l = layout(ownProof);
    expect(l.depth).toBeGreaterThan(0);
    const noOpening = concat(ownProof.subarray(0, 67), ownProof.subarray(131));
    noOpening[2] = 1;
    await expectRevert("OpeningRequired", noOpening, own);
  });

  test("read_unexpectedOpening_reverts", async () => {
    // Depth 0: the key's own leaf at the root has no sibling to open.
    const a = rng.word();
    const b = rng.nonZero();
    await expectRevert("UnexpectedOpening", header(0, 3, key, rng.nonZero(), a, b, bitmap()));
    // Another key's leaf needs no opening either.
    const other = flipBitOf(key, 200);
    const sibling = nodeHash(a, b);
    await expectRevert("UnexpectedOpening", header(1, 3, other, rng.nonZero(), a, b, bitmap(0), sibling));
  });

  test("read_openingMismatch_reverts", async () => {
    const q = ownProof.slice();
    q[70] ^= 1;
    await expectRevert("OpeningMismatch", q, own);
    // Reading the opening as the other kind: a node opening whose right child is empty
    // becomes a leaf with a zero value, which is refused as such before any hashing.
    const kind = ownProof.slice();
    kind[2] ^= 4;
    const becomesZeroLeaf = (kind[2] & 4) !== 0 && isZero(kind.subarray(99, 131));
    await expectRevert(becomesZeroLeaf ? "ZeroLeafValue" : "OpeningMismatch", kind, own);
  });

  test("read_rootMismatch_reverts", async () => {
    await expectRevert("RootMismatch", ownProof, own, rng.word());
    await expectRevert("RootMismatch", new Uint8Array(35), key); // the empty tree's proof
    // verify returns false instead.
    expect(await h.read.verify([hex(rng.word()), hex(own), hex(leaves[0].value), hex(ownProof)])).toBe(false);
  });
});

describe("SparseMerkle.sol gas", () => {
  /** A proof like one in a 1,000,000-leaf tree: 21 non-zero siblings, computed root. */
  function deepProof(openingIsLeaf: boolean) {
    const key = rng.word();
    const a = rng.word();
    const b = rng.nonZero();
    const siblings = Array.from({ length: 21 }, () => rng.nonZero());
    siblings[20] = openingIsLeaf ? leafHash(a, b) : nodeHash(a, b);
    const proof: StateProof = {
      depth: 21,
      leaf: { key, value: rng.nonZero() },
      opening: { isLeaf: openingIsLeaf, a, b },
      siblings,
    };
    return { key, proof, root: computeRoot(key, proof), encoded: encodeProof(proof) };
  }

  test("verify_gas21Siblings_succeeds", async () => {
    onTestFailed(printSeed);
    const gas: Record<string, number> = {};
    const node = deepProof(false);
    const lone = deepProof(true);
    const value = node.proof.leaf!.value;
    const args = [hex(node.root), hex(node.key), hex(node.encoded)] as const;
    const [read, readGas] = await h.read.readGas(args);
    expect(read).toBe(hex(value));
    gas.read = Number(readGas);
    const [ok, verifyGas] = await h.read.verifyGas([args[0], args[1], hex(value), args[2]]);
    expect(ok).toBe(true);
    gas.verify = Number(verifyGas);

    // An exclusion proof: another key's leaf at depth 21 (no opening).
    const absent = clusteredKey(rng, node.key, 21);
    const exclusion: StateProof = { depth: 21, leaf: { ...node.proof.leaf! }, siblings: node.proof.siblings };
    const exclusionEncoded = encodeProof(exclusion);
    const [okAbsent, verifyAbsentGas] = await h.read.verifyGas([
      hex(node.root),
      hex(absent),
      hex(ZERO),
      hex(exclusionEncoded),
    ]);
    expect(okAbsent).toBe(true);
    gas.verifyExclusion = Number(verifyAbsentGas);

    const writes: [string, Uint8Array, Uint8Array, Uint8Array, Uint8Array][] = [
      ["writeUpdate", node.root, node.key, rng.nonZero(), node.encoded],
      ["writeDeleteNodeSibling", node.root, node.key, ZERO, node.encoded],
      ["writeDeleteLeafSibling", lone.root, lone.key, ZERO, lone.encoded],
      ["writeInsertSplit", node.root, absent, rng.nonZero(), exclusionEncoded],
    ];
    for (const [name, root, key, v, proof] of writes) {
      const [newRoot, used] = await h.read.writeGas([hex(root), hex(key), hex(v), hex(proof)]);
      expect(newRoot).toBe(hex(rootAfterWrite(root, key, v, proof)));
      gas[name] = Number(used);
    }

    // The deepest proof there is: 256 non-zero siblings.
    const key = rng.word();
    const a = rng.word();
    const b = rng.nonZero();
    const siblings = Array.from({ length: 256 }, () => rng.nonZero());
    siblings[255] = nodeHash(a, b);
    const deepest: StateProof = {
      depth: 256,
      leaf: { key, value: rng.nonZero() },
      opening: { isLeaf: false, a, b },
      siblings,
    };
    const [, deepestGas] = await h.read.verifyGas([
      hex(computeRoot(key, deepest)),
      hex(key),
      hex(deepest.leaf!.value),
      hex(encodeProof(deepest)),
    ]);
    gas.verify256 = Number(deepestGas);

    // The smallest proofs: the empty tree, and a one-leaf tree (depth 0, no siblings).
    const [, emptyGas] = await h.read.verifyGas([hex(ZERO), hex(key), hex(ZERO), hex(new Uint8Array(35))]);
    gas.verifyEmptyTree = Number(emptyGas);
    const single = [{ key, value: rng.nonZero() }];
    const [, singleGas] = await h.read.verifyGas([
      hex(referenceHash(single)),
      hex(key),
      hex(single[0].value),
      hex(encodeProof(referenceProof(single, key))),
    ]);
    gas.verifySingleLeaf = Number(singleGas);

    console.log(`execution gas: ${JSON.stringify(gas)}`);
    expect(gas.read).toBeLessThan(10_000);
    expect(gas.verify).toBeLessThan(10_000);
    expect(gas.verifyExclusion).toBeLessThan(10_000);
    for (const [name] of writes) expect(gas[name], name).toBeLessThan(20_000);
    // Unreachable with hashed keys (it takes 257 leaves sharing ever longer prefixes, down to
    // 255 bits), but bounded all the same: one node hash per level, about 200 gas each.
    expect(gas.verify256).toBeLessThan(60_000);
  });
});
