import { readU64, writeU64 } from "../bytes.ts";
import { Domain } from "../domain.ts";
import { StorageError } from "../errors.ts";
import { hashTagged } from "../keccak.ts";
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
 * This file is written for speed: a page keeps its record bytes as its storage
 * (encoding is free, an update copies unchanged entries with one memcpy each)
 * and a handful of typed arrays instead of an object per entry, because a
 * cached tree holds hundreds of thousands of pages and the garbage collector's
 * work grows with the number of live objects. Inner binary hashes are memoized
 * per page, so an update rehashes only the paths it changed.
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

// Record layout: u16 count, then per entry, by slot:
//   u8 slot, u8 kind, then LEAF: key (32) || value (32); CHILD: hash (32) || version (u64)
const LEAF_SIZE = 66;
const STALE_SCRATCH = new Uint8Array(256);

/**
 * Inner hashes are memoized down to this page-relative depth. Below it a range
 * holds about one entry in a sparse page, so recomputing is nearly free, and
 * not keeping those hashes halves what a cached sparse page costs in memory
 * (which is what the garbage collector's work grows with).
 */
function memoDepth(n: number): number {
  return n >= 64 ? 8 : Math.min(8, 32 - Math.clz32(n) + 1);
}

/** At most one memoized node per heap index, and at depth b at most min(2^b, n) of them. */
function memoCapacity(n: number): number {
  let cap = 0;
  for (let b = 0; b < memoDepth(n); b++) cap += Math.min(1 << b, n);
  return cap;
}
const CHILD_SIZE = 42;

export class Page {
  /** The stored record; never mutated once the page exists. */
  readonly record: Uint8Array;
  readonly count: number;
  /**
   * Everything derived from the record, in one buffer so that a cached page is
   * three heap objects: entry offsets (u16 each), entry-hash-valid flags, the
   * memo index (memoAt[h] is 1 + the position in the memo of inner node h, or
   * 0), entry hashes (leaf hash or child hash), then the memoized inner hashes.
   */
  private readonly aux: Uint8Array;
  private readonly hashedAt: number;
  private readonly memoAtAt: number;
  private readonly hashesAt: number;
  private readonly memoAt: number;
  private memoUsed = 0;

  /**
   * Wraps a record. `buffer`, when given, is one allocation that holds the
   * record at its start and room for the derived data after it (see `allocate`),
   * so that a page costs one ArrayBuffer.
   */
  constructor(record: Uint8Array, buffer?: Uint8Array) {
    if (record.length < 2) throw new StorageError(`corrupt state page: ${record.length} bytes`);
    const n = (record[0] << 8) | record[1];
    this.count = n;
    this.hashedAt = 2 * n;
    this.memoAtAt = 3 * n;
    this.hashesAt = this.memoAtAt + 256;
    this.memoAt = this.hashesAt + 32 * n;
    if (buffer === undefined) {
      buffer = Page.allocate(record.length, n);
      buffer.set(record);
    }
    this.record = buffer.subarray(0, record.length);
    this.aux = buffer.subarray(record.length);
    let at = 2;
    for (let i = 0; i < n; i++) {
      this.aux[2 * i] = at >> 8;
      this.aux[2 * i + 1] = at & 0xff;
      const kind = record[at + 1];
      if (kind === LEAF) at += LEAF_SIZE;
      else if (kind === CHILD) at += CHILD_SIZE;
      else throw new StorageError(`corrupt state page: entry ${i} has kind ${kind}, expected 1 or 2`);
      if (at > record.length) throw new StorageError(`corrupt state page: entry ${i} is truncated`);
    }
    if (at !== record.length)
      throw new StorageError(`corrupt state page: ${record.length - at} trailing bytes`);
  }

  /** One buffer for a record of `size` bytes with `n` entries and its derived data. */
  private static allocate(size: number, n: number): Uint8Array {
    return new Uint8Array(size + 3 * n + 256 + 32 * n + 32 * memoCapacity(n));
  }

  private offset(i: number): number {
    return (this.aux[2 * i] << 8) | this.aux[2 * i + 1];
  }

  static readonly EMPTY = new Page(new Uint8Array(2));

  slot(i: number): number {
    return this.record[this.offset(i)];
  }

  kind(i: number): number {
    return this.record[this.offset(i) + 1];
  }

  /** LEAF: the key. CHILD: the child's root hash. */
  a(i: number): Uint8Array {
    const o = this.offset(i) + 2;
    return this.record.subarray(o, o + 32);
  }

  /** LEAF: the value. */
  b(i: number): Uint8Array {
    const o = this.offset(i) + 34;
    return this.record.subarray(o, o + 32);
  }

  /** CHILD: the version of the child page. */
  version(i: number): number {
    return readU64(this.record, this.offset(i) + 34);
  }

  /** Index of the first entry whose slot is >= `slot`. */
  lowerBound(slot: number, lo = 0, hi = this.count): number {
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.record[this.offset(mid)] < slot) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Index of the entry in `slot`, or -1. */
  indexOf(slot: number): number {
    const i = this.lowerBound(slot);
    return i < this.count && this.slot(i) === slot ? i : -1;
  }

  /** The hash of entry i: its leaf hash, or the child page's root hash. */
  entryHash(i: number): Uint8Array {
    if (this.kind(i) === CHILD) return this.a(i);
    const at = this.hashesAt + 32 * i;
    const h = this.aux.subarray(at, at + 32);
    if (this.aux[this.hashedAt + i] === 0) {
      h.set(hashTagged(Domain.STATE_LEAF, this.a(i), this.b(i)));
      this.aux[this.hashedAt + i] = 1;
    }
    return h;
  }

  /** The page's root hash (the subtree at its level's depth). */
  rootHash(): Uint8Array {
    return this.hash(0, 0);
  }

  /** Entries under the binary node (b, idx) as [lo, hi). */
  range(b: number, idx: number): [number, number] {
    const first = idx << (8 - b);
    const lo = this.lowerBound(first);
    return [lo, this.lowerBound(first + (1 << (8 - b)), lo)];
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
    const pos = this.aux[this.memoAtAt + heap];
    if (pos !== 0) return this.memoSlot(pos);
    const mid = this.lowerBound(((idx << 1) | 1) << (7 - b), lo, hi);
    const h = hashTagged(
      Domain.STATE_NODE,
      this.hashRange(b + 1, idx << 1, lo, mid),
      this.hashRange(b + 1, (idx << 1) | 1, mid, hi),
    );
    if (b < memoDepth(this.count)) this.remember(heap, h);
    return h;
  }

  private memoSlot(pos: number): Uint8Array {
    const at = this.memoAt + 32 * (pos - 1);
    return this.aux.subarray(at, at + 32);
  }

  private remember(heap: number, h: Uint8Array): void {
    this.aux.set(h, this.memoAt + 32 * this.memoUsed);
    this.aux[this.memoAtAt + heap] = ++this.memoUsed;
  }

  /**
   * A new page with some slots replaced, keeping the entry hashes and inner
   * hashes that the change leaves valid. `changes` is sorted by slot;
   * `undefined` empties a slot.
   */
  withChanges(changes: { slot: number; entry: NewEntry | undefined }[]): Page {
    // Size the record, then copy runs of unchanged entries and write new ones.
    let size = this.record.length;
    for (const c of changes) {
      const i = this.indexOf(c.slot);
      if (i >= 0) size -= this.kind(i) === LEAF ? LEAF_SIZE : CHILD_SIZE;
      if (c.entry) size += c.entry.kind === LEAF ? LEAF_SIZE : CHILD_SIZE;
    }
    let count = this.count;
    for (const c of changes) count += (c.entry ? 1 : 0) - (this.indexOf(c.slot) >= 0 ? 1 : 0);
    const buffer = Page.allocate(size, count);
    const out = buffer.subarray(0, size);
    const keep: number[] = []; // for each new entry, the old index it copies, or -1
    let at = 2;
    let i = 0;
    const copyUntil = (slot: number) => {
      const start = i;
      while (i < this.count && this.slot(i) < slot) keep.push(i++);
      if (i > start) {
        const from = this.offset(start);
        const to = i < this.count ? this.offset(i) : this.record.length;
        out.set(this.record.subarray(from, to), at);
        at += to - from;
      }
    };
    for (const c of changes) {
      copyUntil(c.slot);
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
      keep.push(-1);
    }
    copyUntil(256);
    out[0] = keep.length >> 8;
    out[1] = keep.length & 0xff;
    const page = new Page(out, buffer);
    for (let k = 0; k < keep.length; k++) {
      const old = keep[k];
      if (old < 0 || this.aux[this.hashedAt + old] === 0) continue;
      const from = this.hashesAt + 32 * old;
      page.aux.set(this.aux.subarray(from, from + 32), page.hashesAt + 32 * k);
      page.aux[page.hashedAt + k] = 1;
    }
    // Inner hashes stay valid unless a changed slot lies below them.
    const stale = STALE_SCRATCH.fill(0);
    for (const c of changes) for (let h = (256 + c.slot) >> 1; h >= 1; h >>= 1) stale[h] = 1;
    for (let h = 1; h < 256; h++) {
      const pos = this.aux[this.memoAtAt + h];
      if (pos !== 0 && stale[h] === 0 && h < 1 << memoDepth(page.count)) page.remember(h, this.memoSlot(pos));
    }
    return page;
  }
}
