import { readU64, writeU64 } from "../bytes.ts";
import { Domain } from "../domain.ts";
import { StorageError } from "../errors.ts";
import { hashTagged, hashTaggedInto } from "../keccak.ts";
import { ZERO } from "./hash.ts";

/**
 * A page: eight binary levels of the state tree, stored as one database record.
 *
 * The page at level `j` holds the subtree under the key prefix `prefix` (its
 * first `j` bytes) and has 256 slots, one per value of key byte `j`. A slot is
 * empty, holds the one leaf of its subtree, or points to the child page at
 * level j+1 that holds two or more leaves. Eight levels per record turn the ~21
 * node reads and writes of a binary path in a 1M-leaf tree into three.
 *
 * This file is written for speed. The pages of the live tree are mutated in
 * place at each commit (the database keeps every version; the cache holds only
 * the newest), and a page is a handful of typed arrays rather than an object
 * per entry: a cached 1M-leaf tree is ~65k pages, and both allocation churn and
 * the number of live objects turn straight into garbage-collector time. Inner
 * binary hashes are memoized, so a change rehashes only the paths above it.
 */
export const LEAF = 1;
export const CHILD = 2;

/** An entry to put into a slot. */
export interface NewEntry {
  kind: typeof LEAF | typeof CHILD;
  /** LEAF: the key. CHILD: the child page's root hash. */
  a: Uint8Array;
  /** LEAF: the value. CHILD: unused. */
  b: Uint8Array;
  /** CHILD: the version the child page was written at. */
  version: number;
}

export interface SlotChange {
  slot: number;
  entry: NewEntry | undefined;
}

// Record layout: u16 count, then per entry, by slot:
//   u8 slot, u8 kind, then LEAF: key (32) || value (32); CHILD: hash (32) || version (u64)
const LEAF_SIZE = 66;
const CHILD_SIZE = 42;
const MAX_RECORD = 2 + 256 * LEAF_SIZE;

/** Pages with at least this many entries memoize all eight levels; sparser ones the top five. */
const DENSE = 32;

const NO_PREFIX = new Uint8Array(0);

// Scratch space for rebuilding a page in place (one page is rebuilt at a time).
const scratchRecord = new Uint8Array(MAX_RECORD);
const scratchHashes = new Uint8Array(256 * 32);
const scratchHashed = new Uint8Array(256);

export class Page {
  /** The version this page's content was written at. */
  writtenAt: number;
  /** Where the page sits: its level and key prefix (set by the tree that caches it). */
  level = 0;
  prefix: Uint8Array = NO_PREFIX;
  count = 0;
  private buf: Uint8Array;
  private size = 2;
  private offsets: Uint16Array;
  /** Entry hashes (leaf hash or child hash), valid where `hashed` is 1. */
  private hashes: Uint8Array;
  private hashed: Uint8Array;
  /** Inner node hashes by heap index (1 = page root), valid where `memoValid` is 1. */
  private memoDepth = 0;
  private memo: Uint8Array;
  private memoValid: Uint8Array;

  constructor(record: Uint8Array, writtenAt: number) {
    this.writtenAt = writtenAt;
    const n = record.length >= 2 ? (record[0] << 8) | record[1] : -1;
    if (n < 0 || n > 256) throw new StorageError(`corrupt state page: header says ${n} entries`);
    this.buf = new Uint8Array(record.length + 4 * LEAF_SIZE);
    this.offsets = new Uint16Array(n + 4);
    this.hashes = new Uint8Array((n + 4) * 32);
    this.hashed = new Uint8Array(n + 4);
    this.memo = this.memoValid = new Uint8Array(0);
    this.buf.set(record);
    this.size = record.length;
    this.count = n;
    this.index();
  }

  static empty(writtenAt: number): Page {
    return new Page(new Uint8Array(2), writtenAt);
  }

  /** The record to store: the page's bytes as they are now (a view; copy it to keep it). */
  record(): Uint8Array {
    return this.buf.subarray(0, this.size);
  }

  // Recomputes entry offsets and checks the record's structure.
  private index(): void {
    const r = this.buf;
    let at = 2;
    for (let i = 0; i < this.count; i++) {
      this.offsets[i] = at;
      const kind = r[at + 1];
      if (kind === LEAF) at += LEAF_SIZE;
      else if (kind === CHILD) at += CHILD_SIZE;
      else throw new StorageError(`corrupt state page: entry ${i} has kind ${kind}, expected 1 or 2`);
      if (at > this.size) throw new StorageError(`corrupt state page: entry ${i} is truncated`);
      if (i > 0 && r[at - (kind === LEAF ? LEAF_SIZE : CHILD_SIZE)] <= r[this.offsets[i - 1]]) {
        throw new StorageError(`corrupt state page: slots out of order at entry ${i}`);
      }
    }
    if (at !== this.size) throw new StorageError(`corrupt state page: ${this.size - at} trailing bytes`);
    const depth = this.count >= DENSE ? 8 : 5;
    if (depth !== this.memoDepth) {
      this.memoDepth = depth;
      this.memo = new Uint8Array(32 << depth);
      this.memoValid = new Uint8Array(1 << depth);
    }
  }

  slot(i: number): number {
    return this.buf[this.offsets[i]];
  }

  kind(i: number): number {
    return this.buf[this.offsets[i] + 1];
  }

  /** LEAF: the key. CHILD: the child's root hash. A view into the page: copy it to keep it. */
  a(i: number): Uint8Array {
    const o = this.offsets[i] + 2;
    return this.buf.subarray(o, o + 32);
  }

  /** LEAF: the value. A view into the page: copy it to keep it. */
  b(i: number): Uint8Array {
    const o = this.offsets[i] + 34;
    return this.buf.subarray(o, o + 32);
  }

  /** CHILD: the version of the child page. */
  version(i: number): number {
    return readU64(this.buf, this.offsets[i] + 34);
  }

  /** Index of the first entry whose slot is >= `slot`. */
  lowerBound(slot: number, lo = 0, hi = this.count): number {
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.buf[this.offsets[mid]] < slot) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Index of the entry in `slot`, or -1. */
  indexOf(slot: number): number {
    const i = this.lowerBound(slot);
    return i < this.count && this.slot(i) === slot ? i : -1;
  }

  /** Entries under the binary node (b, idx) as [lo, hi). */
  range(b: number, idx: number): [number, number] {
    const first = idx << (8 - b);
    const lo = this.lowerBound(first);
    return [lo, this.lowerBound(first + (1 << (8 - b)), lo)];
  }

  /** The hash of entry i: its leaf hash, or the child page's root hash. */
  entryHash(i: number): Uint8Array {
    if (this.kind(i) === CHILD) return this.a(i);
    if (this.hashed[i] === 0) {
      hashTaggedInto(Domain.STATE_LEAF, this.a(i), this.b(i), this.hashes, i * 32);
      this.hashed[i] = 1;
    }
    return this.hashes.subarray(i * 32, i * 32 + 32);
  }

  /** The page's root hash (the subtree at its level's depth). A view: copy it to keep it. */
  rootHash(): Uint8Array {
    return this.hash(0, 0);
  }

  /**
   * The hash of the binary subtree at page-relative depth `b` (0..8) and index
   * `idx` (its first `b` bits below the page's prefix). A range holding one
   * leaf hashes to that leaf; one holding a child page (two or more leaves) or
   * several entries hashes as a node even when one side is empty.
   */
  hash(b: number, idx: number): Uint8Array {
    const [lo, hi] = this.range(b, idx);
    return this.hashRange(b, idx, lo, hi);
  }

  private hashRange(b: number, idx: number, lo: number, hi: number): Uint8Array {
    const n = hi - lo;
    if (n === 0) return ZERO;
    if (n === 1 && (b === 8 || this.kind(lo) === LEAF)) return this.entryHash(lo);
    const heap = (1 << b) + idx;
    const memoized = b < this.memoDepth;
    if (memoized && this.memoValid[heap] === 1) return this.memo.subarray(heap * 32, heap * 32 + 32);
    const mid = this.lowerBound(((idx << 1) | 1) << (7 - b), lo, hi);
    const left = this.hashRange(b + 1, idx << 1, lo, mid);
    const right = this.hashRange(b + 1, (idx << 1) | 1, mid, hi);
    if (!memoized) return hashTagged(Domain.STATE_NODE, left, right);
    hashTaggedInto(Domain.STATE_NODE, left, right, this.memo, heap * 32);
    this.memoValid[heap] = 1;
    return this.memo.subarray(heap * 32, heap * 32 + 32);
  }

  /** Copies entries [from, to) and their hashes into the scratch space at byte `at`, entry `k`. */
  private copyEntries(from: number, to: number, at: number, k: number): number {
    if (to <= from) return at;
    const start = this.offsets[from];
    const end = to < this.count ? this.offsets[to] : this.size;
    scratchRecord.set(this.buf.subarray(start, end), at);
    scratchHashed.set(this.hashed.subarray(from, to), k);
    scratchHashes.set(this.hashes.subarray(from * 32, to * 32), k * 32);
    return at + end - start;
  }

  /**
   * Replaces some slots in place, keeping the entry hashes and inner hashes
   * that the change leaves valid. `changes` is sorted by slot; an undefined
   * entry empties its slot. The inputs may alias this page's own bytes.
   */
  apply(changes: SlotChange[], writtenAt: number): void {
    // Build the new record and entry hashes in scratch space, then copy back.
    const out = scratchRecord;
    let at = 2;
    let k = 0;
    let i = 0;
    for (const c of changes) {
      // Copy the untouched entries before this slot in one run.
      const start = i;
      while (i < this.count && this.slot(i) < c.slot) i++;
      at = this.copyEntries(start, i, at, k);
      k += i - start;
      if (i < this.count && this.slot(i) === c.slot) i++;
      const e = c.entry;
      if (!e) continue;
      out[at] = c.slot;
      out[at + 1] = e.kind;
      out.set(e.a, at + 2);
      if (e.kind === LEAF) {
        out.set(e.b, at + 34);
        at += LEAF_SIZE;
      } else {
        writeU64(out, at + 34, e.version);
        at += CHILD_SIZE;
      }
      scratchHashed[k++] = 0;
    }
    at = this.copyEntries(i, this.count, at, k);
    k += this.count - i;
    out[0] = k >> 8;
    out[1] = k & 0xff;
    if (at > this.buf.length) this.buf = new Uint8Array(at + (at >> 1));
    if (k > this.offsets.length) {
      const cap = Math.min(256, k + (k >> 1));
      this.offsets = new Uint16Array(cap);
      this.hashes = new Uint8Array(cap * 32);
      this.hashed = new Uint8Array(cap);
    }
    this.buf.set(out.subarray(0, at));
    this.hashes.set(scratchHashes.subarray(0, k * 32));
    this.hashed.set(scratchHashed.subarray(0, k));
    this.size = at;
    this.count = k;
    this.writtenAt = writtenAt;
    const depth = this.memoDepth;
    this.index();
    if (depth !== this.memoDepth) return; // the memo was reallocated empty
    // Inner hashes stay valid unless a changed slot lies below them.
    for (const c of changes) {
      for (let h = (256 + c.slot) >> (9 - this.memoDepth); h >= 1; h >>= 1) this.memoValid[h] = 0;
    }
  }
}
