import { readU64, writeU64 } from "../bytes.ts";
import { Domain } from "../domain.ts";
import { StorageError } from "../errors.ts";
import { hashWordsInto } from "../keccak.ts";
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

/**
 * Room for this many more entries before a page's arrays grow. Growing a
 * cached page replaces arrays that live in the old generation, so it is
 * garbage for a major GC; in a 1M-leaf tree a page takes an insert every ~13
 * commits of 10,000 writes.
 */
const HEADROOM = 8;

/** Pages with at least this many entries memoize all eight levels; sparser ones the top five. */
const DENSE = 32;

const NO_PREFIX = new Uint8Array(0);

// Scratch space for rebuilding a page in place (one page is rebuilt at a time).
const scratchRecord = new Uint8Array(MAX_RECORD);
const scratchHashes = new Uint8Array(256 * 32);
const scratchHashed = new Uint8Array(256);

/**
 * Where the hash the last `hashRange` call computed lies: 32 bytes of `resultIn`
 * from `resultAt` (the page's record, entry hashes or memo, ZERO, or `unmemoized`).
 * Two module variables instead of a view per node: a commit hashes ~90k nodes, and
 * those views were most of its garbage. Hashing is synchronous, one page at a time.
 */
let resultIn: Uint8Array = ZERO;
let resultAt = 0;
/**
 * Homes of the node hashes a page does not memoize, by (depth, side): a node's
 * two children each keep their own until the node has hashed them.
 */
const unmemoized = new Uint8Array(2 * 8 * 32);

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
    this.buf = new Uint8Array(Math.min(MAX_RECORD, record.length + HEADROOM * LEAF_SIZE));
    this.offsets = new Uint16Array(Math.min(256, n + HEADROOM));
    this.hashes = new Uint8Array(this.offsets.length * 32);
    this.hashed = new Uint8Array(this.offsets.length);
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

  /** LEAF: whether entry i's key is `key` (compared in place). */
  leafKeyIs(i: number, key: Uint8Array): boolean {
    return sameWord(this.buf, this.offsets[i] + 2, key);
  }

  /** LEAF: whether entry i's value is `value` (compared in place). */
  leafValueIs(i: number, value: Uint8Array): boolean {
    return sameWord(this.buf, this.offsets[i] + 34, value);
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

  /** The hash of entry i: its leaf hash, or the child page's root hash. A view: copy it to keep it. */
  entryHash(i: number): Uint8Array {
    this.entryHashAt(i);
    return resultIn.subarray(resultAt, resultAt + 32);
  }

  /** Points the result at entry i's hash, computing a leaf's hash once. */
  private entryHashAt(i: number): void {
    const o = this.offsets[i];
    if (this.buf[o + 1] === CHILD) {
      resultIn = this.buf;
      resultAt = o + 2;
      return;
    }
    if (this.hashed[i] === 0) {
      hashWordsInto(Domain.STATE_LEAF, this.buf, o + 2, this.buf, o + 34, this.hashes, i * 32);
      this.hashed[i] = 1;
    }
    resultIn = this.hashes;
    resultAt = i * 32;
  }

  /** The page's root hash (the subtree at its level's depth). A view: copy it to keep it. */
  rootHash(): Uint8Array {
    return this.hash(0, 0);
  }

  /**
   * The hash of the binary subtree at page-relative depth `b` (0..8) and index
   * `idx` (its first `b` bits below the page's prefix). A range holding one
   * leaf hashes to that leaf; one holding a child page (two or more leaves) or
   * several entries hashes as a node even when one side is empty. A view, valid
   * until the next hash of any page: copy it to keep it.
   */
  hash(b: number, idx: number): Uint8Array {
    const first = idx << (8 - b);
    const lo = this.lowerBound(first);
    this.hashRange(b, idx, lo, this.lowerBound(first + (1 << (8 - b)), lo));
    return resultIn.subarray(resultAt, resultAt + 32);
  }

  // Hashes the node (b, idx) over entries [lo, hi) and points the result at its hash.
  private hashRange(b: number, idx: number, lo: number, hi: number): void {
    const n = hi - lo;
    if (n === 0) {
      resultIn = ZERO;
      resultAt = 0;
      return;
    }
    if (n === 1 && (b === 8 || this.kind(lo) === LEAF)) {
      this.entryHashAt(lo);
      return;
    }
    const heap = (1 << b) + idx;
    const memoized = b < this.memoDepth;
    if (memoized && this.memoValid[heap] === 1) {
      resultIn = this.memo;
      resultAt = heap * 32;
      return;
    }
    const mid = this.lowerBound(((idx << 1) | 1) << (7 - b), lo, hi);
    this.hashRange(b + 1, idx << 1, lo, mid);
    const leftIn = resultIn;
    const leftAt = resultAt;
    this.hashRange(b + 1, (idx << 1) | 1, mid, hi);
    const out = memoized ? this.memo : unmemoized;
    const at = memoized ? heap * 32 : (2 * b + (idx & 1)) * 32;
    hashWordsInto(Domain.STATE_NODE, leftIn, leftAt, resultIn, resultAt, out, at);
    if (memoized) this.memoValid[heap] = 1;
    resultIn = out;
    resultAt = at;
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
   * entry empties its slot. A leaf entry may be a view of the leaf it
   * replaces in this page (its own bytes); no other aliasing is allowed.
   */
  apply(changes: SlotChange[], writtenAt: number): void {
    // Size the result, and see whether no entry shrinks or goes: then the page
    // is rewritten in place from its end, each untouched run moving right or
    // staying (updates, inserts: nearly every commit's changes).
    let size = this.size;
    let count = this.count;
    let growsOnly = true;
    let i = 0;
    for (const c of changes) {
      i = this.lowerBound(c.slot, i);
      const had = i < this.count && this.slot(i) === c.slot;
      const before = had ? entrySize(this.kind(i)) : 0;
      const after = c.entry ? entrySize(c.entry.kind) : 0;
      if (after < before || (had && !c.entry)) growsOnly = false;
      size += after - before;
      count += (c.entry ? 1 : 0) - (had ? 1 : 0);
    }
    if (growsOnly) this.applyGrowing(changes, size, count);
    else this.applyRebuilding(changes);
    this.writtenAt = writtenAt;
    const depth = this.memoDepth;
    this.index();
    if (depth !== this.memoDepth) return; // the memo was reallocated empty
    // Inner hashes stay valid unless a changed slot lies below them.
    for (const c of changes) {
      for (let h = (256 + c.slot) >> (9 - this.memoDepth); h >= 1; h >>= 1) this.memoValid[h] = 0;
    }
  }

  /** Grows the buffers to hold `size` bytes and `count` entries, keeping their contents. */
  private reserve(size: number, count: number): void {
    if (size > this.buf.length) {
      const grown = new Uint8Array(Math.min(MAX_RECORD, size + Math.max(size >> 1, HEADROOM * LEAF_SIZE)));
      grown.set(this.buf.subarray(0, this.size));
      this.buf = grown;
    }
    if (count > this.offsets.length) {
      const cap = Math.min(256, count + Math.max(count >> 1, HEADROOM));
      const offsets = new Uint16Array(cap);
      offsets.set(this.offsets.subarray(0, this.count));
      const hashes = new Uint8Array(cap * 32);
      hashes.set(this.hashes.subarray(0, this.count * 32));
      const hashed = new Uint8Array(cap);
      hashed.set(this.hashed.subarray(0, this.count));
      this.offsets = offsets;
      this.hashes = hashes;
      this.hashed = hashed;
    }
  }

  /**
   * apply() when no change shrinks or removes an entry: walks the changes from
   * the last, moving each untouched run of entries (bytes and hashes) right to
   * its final place, then writing the changed entry just before it. The space
   * still to fill always ends at or after the old bytes still to place, so
   * every move goes right and nothing is overwritten before it is moved. A
   * leaf handed back its own bytes (updateLeafSlot keeping a leaf) moves right
   * too; writeEntry copies it back to front.
   */
  private applyGrowing(changes: SlotChange[], size: number, count: number): void {
    this.reserve(size, count);
    const buf = this.buf;
    const offsets = this.offsets;
    // Old entries [0, n) are still to place (their bytes end where entry n
    // starts); new bytes [at, size) and entries [k, count) are final.
    let n = this.count;
    let at = size;
    let k = count;
    for (let c = changes.length - 1; c >= 0; c--) {
      const { slot, entry } = changes[c];
      const from = this.lowerBound(slot, 0, n);
      const runFrom = from < n && buf[offsets[from]] === slot ? from + 1 : from;
      if (runFrom < n) {
        // The untouched entries after this slot, [runFrom, n), move to their place.
        const start = offsets[runFrom];
        const end = n < this.count ? offsets[n] : this.size;
        const to = k - (n - runFrom);
        at -= end - start;
        if (at !== start) {
          buf.copyWithin(at, start, end);
          this.hashes.copyWithin(to * 32, runFrom * 32, n * 32);
          this.hashed.copyWithin(to, runFrom, n);
        }
        k = to;
      }
      n = from;
      if (!entry) continue; // an empty change to an empty slot
      at -= entrySize(entry.kind);
      k--;
      writeEntry(buf, at, slot, entry);
      this.hashed[k] = 0;
    }
    this.size = size;
    this.count = count;
    buf[0] = count >> 8;
    buf[1] = count & 0xff;
  }

  /** apply() in general: builds the new record and entry hashes in scratch space, then copies them back. */
  private applyRebuilding(changes: SlotChange[]): void {
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
      writeEntry(out, at, c.slot, e);
      at += entrySize(e.kind);
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
  }
}

function sameWord(buf: Uint8Array, at: number, word: Uint8Array): boolean {
  for (let i = 0; i < 32; i++) if (buf[at + i] !== word[i]) return false;
  return true;
}

function entrySize(kind: number): number {
  return kind === LEAF ? LEAF_SIZE : CHILD_SIZE;
}

/**
 * Writes an entry at `at`, back to front: in place, a leaf may be handed its
 * own bytes from a place at or before `at` (the leaf it replaces), and copying
 * the later word first reads each source before anything overwrites it.
 */
function writeEntry(out: Uint8Array, at: number, slot: number, e: NewEntry): void {
  if (e.kind === LEAF) out.set(e.b, at + 34);
  else writeU64(out, at + 34, e.version);
  out.set(e.a, at + 2);
  out[at] = slot;
  out[at + 1] = e.kind;
}
