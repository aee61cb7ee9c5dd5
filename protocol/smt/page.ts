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
const CHILD_SIZE = 42;

export class Page {
  /** The stored record; never mutated once the page exists. */
  readonly record: Uint8Array;
  readonly count: number;
  /** Offset of each entry in `record`. */
  private readonly offsets: Uint16Array;
  /** Entry hashes (leaf hash or child hash), filled on first use; `hashed[i]` says which are valid. */
  private hashes: Uint8Array | undefined;
  private hashed: Uint8Array | undefined;
  /** Memoized inner node hashes by heap index (1..255): memoAt[h] is 1 + its position in memo, 0 if absent. */
  private memoAt: Uint8Array | undefined;
  private memo: Uint8Array | undefined;
  private memoUsed = 0;

  constructor(record: Uint8Array) {
    if (record.length < 2) throw new StorageError(`corrupt state page: ${record.length} bytes`);
    this.record = record;
    this.count = (record[0] << 8) | record[1];
    this.offsets = new Uint16Array(this.count);
    let at = 2;
    for (let i = 0; i < this.count; i++) {
      this.offsets[i] = at;
      const kind = record[at + 1];
      if (kind === LEAF) at += LEAF_SIZE;
      else if (kind === CHILD) at += CHILD_SIZE;
      else throw new StorageError(`corrupt state page: entry ${i} has kind ${kind}, expected 1 or 2`);
      if (at > record.length) throw new StorageError(`corrupt state page: entry ${i} is truncated`);
    }
    if (at !== record.length)
      throw new StorageError(`corrupt state page: ${record.length - at} trailing bytes`);
  }

  static readonly EMPTY = new Page(new Uint8Array(2));

  slot(i: number): number {
    return this.record[this.offsets[i]];
  }

  kind(i: number): number {
    return this.record[this.offsets[i] + 1];
  }

  /** LEAF: the key. CHILD: the child's root hash. */
  a(i: number): Uint8Array {
    const o = this.offsets[i] + 2;
    return this.record.subarray(o, o + 32);
  }

  /** LEAF: the value. */
  b(i: number): Uint8Array {
    const o = this.offsets[i] + 34;
    return this.record.subarray(o, o + 32);
  }

  /** CHILD: the version of the child page. */
  version(i: number): number {
    const r = this.record;
    const o = this.offsets[i] + 34;
    const hi = ((r[o] << 24) | (r[o + 1] << 16) | (r[o + 2] << 8) | r[o + 3]) >>> 0;
    const lo = ((r[o + 4] << 24) | (r[o + 5] << 16) | (r[o + 6] << 8) | r[o + 7]) >>> 0;
    return hi * 2 ** 32 + lo;
  }

  /** Index of the first entry whose slot is >= `slot`. */
  lowerBound(slot: number, lo = 0, hi = this.count): number {
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.record[this.offsets[mid]] < slot) lo = mid + 1;
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
    this.hashes ??= new Uint8Array(this.count * 32);
    this.hashed ??= new Uint8Array(this.count);
    const h = this.hashes.subarray(i * 32, i * 32 + 32);
    if (this.hashed[i] === 0) {
      h.set(hashTagged(Domain.STATE_LEAF, this.a(i), this.b(i)));
      this.hashed[i] = 1;
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
    const at = this.memoAt?.[heap] ?? 0;
    if (at !== 0) return this.memo!.subarray((at - 1) * 32, at * 32);
    const mid = this.lowerBound(((idx << 1) | 1) << (7 - b), lo, hi);
    const h = hashTagged(
      Domain.STATE_NODE,
      this.hashRange(b + 1, idx << 1, lo, mid),
      this.hashRange(b + 1, (idx << 1) | 1, mid, hi),
    );
    this.remember(heap, h);
    return h;
  }

  private remember(heap: number, h: Uint8Array): void {
    this.memoAt ??= new Uint8Array(256);
    if (this.memo === undefined || this.memoUsed * 32 === this.memo.length) {
      const grown = new Uint8Array(Math.max(8, this.memoUsed * 2) * 32);
      if (this.memo) grown.set(this.memo);
      this.memo = grown;
    }
    this.memo.set(h, this.memoUsed * 32);
    this.memoAt[heap] = ++this.memoUsed;
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
    const out = new Uint8Array(size);
    const keep: number[] = []; // for each new entry, the old index it copies, or -1
    let at = 2;
    let i = 0;
    const copyUntil = (slot: number) => {
      const start = i;
      while (i < this.count && this.slot(i) < slot) keep.push(i++);
      if (i > start) {
        const from = this.offsets[start];
        const to = i < this.count ? this.offsets[i] : this.record.length;
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
        const v = e.version;
        const hi = Math.floor(v / 2 ** 32);
        out[at + 34] = hi >>> 24;
        out[at + 35] = hi >>> 16;
        out[at + 36] = hi >>> 8;
        out[at + 37] = hi;
        out[at + 38] = v >>> 24;
        out[at + 39] = v >>> 16;
        out[at + 40] = v >>> 8;
        out[at + 41] = v;
        at += CHILD_SIZE;
      }
      keep.push(-1);
    }
    copyUntil(256);
    out[0] = keep.length >> 8;
    out[1] = keep.length & 0xff;
    const page = new Page(out);
    if (this.hashed) {
      page.hashes = new Uint8Array(keep.length * 32);
      page.hashed = new Uint8Array(keep.length);
      for (let k = 0; k < keep.length; k++) {
        const old = keep[k];
        if (old < 0 || this.hashed[old] === 0) continue;
        page.hashes.set(this.hashes!.subarray(old * 32, old * 32 + 32), k * 32);
        page.hashed[k] = 1;
      }
    }
    if (this.memoAt) {
      const stale = new Uint8Array(256);
      for (const c of changes) for (let h = (256 + c.slot) >> 1; h >= 1; h >>= 1) stale[h] = 1;
      for (let h = 1; h < 256; h++) {
        const pos = this.memoAt[h];
        if (pos !== 0 && stale[h] === 0) page.remember(h, this.memo!.subarray((pos - 1) * 32, pos * 32));
      }
    }
    return page;
  }
}
