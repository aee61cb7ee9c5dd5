import { LITTLE_ENDIAN, WORDS_MIN_BYTES, WordView } from "./words.ts";

/**
 * A map from fixed-size byte keys to fixed-size byte values kept flat in typed arrays:
 * each entry's key and value sit next to each other in one Int32Array (for 32-byte keys
 * and values, one 64-byte cache line), under an open-addressing index of integers. A
 * lookup touches the index and the entry, where a Map of objects chases a bucket, an
 * entry object, a key object and its bytes: with tens of thousands of keys (an engine's
 * state) those are cache misses, most of a host read's cost. Keys are looked up in place
 * (straight from the machine's memory, read a word at a time at aligned addresses); keys
 * and values are copied in, so callers keep nothing. Key and value sizes are multiples of 4.
 */
export class FlatTable {
  private readonly keyWords: number;
  private readonly valueWords: number;
  private readonly stride: number;
  /** Entry e: key words at [e * stride, + keyWords), value words after them. */
  private data: Int32Array;
  private bytes: Uint8Array;
  /** Per entry: its key's hash and its index slot. */
  private hashes: Int32Array;
  private slotOf: Int32Array;
  /** Slot -> entry + 1 (0 empty); linear probing, at most half full. */
  private index: Int32Array;
  private count = 0;
  /** Words of the memory keys and values are read from and copied to. */
  private readonly words = new WordView();

  constructor(
    readonly keyBytes: number,
    readonly valueBytes: number,
  ) {
    if (keyBytes <= 0 || keyBytes % 4 !== 0 || valueBytes <= 0 || valueBytes % 4 !== 0)
      throw new RangeError(
        `FlatTable: key and value sizes must be positive multiples of 4 (${keyBytes}, ${valueBytes})`,
      );
    this.keyWords = keyBytes >>> 2;
    this.valueWords = valueBytes >>> 2;
    this.stride = this.keyWords + this.valueWords;
    const capacity = 256;
    this.data = new Int32Array(capacity * this.stride);
    this.bytes = new Uint8Array(this.data.buffer);
    this.hashes = new Int32Array(capacity);
    this.slotOf = new Int32Array(capacity);
    this.index = new Int32Array(capacity * 2);
  }

  get size(): number {
    return this.count;
  }

  /** Copy the value of the key at `src[at..)` to `dst[to..)`; false (nothing copied) if the key is absent. */
  copyValueAt(src: Uint8Array, at: number, dst: Uint8Array, to: number): boolean {
    const e = this.findAt(src, at);
    if (e < 0) return false;
    this.copyValue(e, dst, to);
    return true;
  }

  /** The entry number of the key at `src[at..)` (valid until the next set or delete), or -1. */
  findAt(src: Uint8Array, at: number): number {
    return this.findHashed(this.hashAt(src, at), src, at);
  }

  /** Copy entry `e`'s value (`e` from findAt) to `dst[to..)`. */
  copyValue(e: number, dst: Uint8Array, to: number): void {
    if (e < 0 || e >= this.count || to + this.valueBytes > dst.length)
      throw new RangeError(`FlatTable.copyValue: entry ${e} of ${this.count}, to ${to} of ${dst.length}`);
    const from = e * this.stride + this.keyWords;
    const n = this.valueWords;
    // Word copies move the same bytes whatever the host's byte order.
    const words = (to & 3) === 0 && dst.length >= WORDS_MIN_BYTES ? this.words.of(dst) : undefined;
    if (words !== undefined) {
      const data = this.data;
      const w = to >>> 2;
      for (let i = 0; i < n; i++) words[w + i] = data[from + i];
    } else {
      const bytes = this.bytes;
      const b = from << 2;
      for (let i = 0; i < n << 2; i++) dst[to + i] = bytes[b + i];
    }
  }

  /** A copy of the value of `key`, or undefined. */
  get(key: Uint8Array): Uint8Array | undefined {
    const e = this.findAt(key, 0);
    if (e < 0) return undefined;
    const from = (e * this.stride + this.keyWords) << 2;
    return this.bytes.slice(from, from + this.valueBytes);
  }

  has(key: Uint8Array): boolean {
    return this.findAt(key, 0) >= 0;
  }

  /** Set `key` to `value` (both copied). */
  set(key: Uint8Array, value: Uint8Array): void {
    if (key.length !== this.keyBytes || value.length !== this.valueBytes)
      throw new RangeError(`FlatTable.set: ${key.length}-byte key, ${value.length}-byte value`);
    const h = this.hashAt(key, 0);
    let e = this.findHashed(h, key, 0);
    if (e < 0) {
      if (this.count === this.hashes.length) this.grow();
      e = this.count++;
      this.hashes[e] = h;
      const index = this.index;
      const mask = index.length - 1;
      let s = h & mask;
      while (index[s] !== 0) s = (s + 1) & mask;
      index[s] = e + 1;
      this.slotOf[e] = s;
      this.bytes.set(key, (e * this.stride) << 2);
    }
    this.bytes.set(value, (e * this.stride + this.keyWords) << 2);
  }

  delete(key: Uint8Array): boolean {
    const e = this.findAt(key, 0);
    if (e < 0) return false;
    // Backward-shift deletion: later entries of the probe run move up, so no tombstones.
    const index = this.index;
    const mask = index.length - 1;
    let hole = this.slotOf[e];
    for (let j = (hole + 1) & mask; index[j] !== 0; j = (j + 1) & mask) {
      const x = index[j] - 1;
      const home = this.hashes[x] & mask;
      // x may fill the hole unless its home lies cyclically in (hole, j].
      const homeInRun = hole <= j ? home > hole && home <= j : home > hole || home <= j;
      if (homeInRun) continue;
      index[hole] = x + 1;
      this.slotOf[x] = hole;
      hole = j;
    }
    index[hole] = 0;
    // The last entry moves into the freed one.
    const last = --this.count;
    if (e !== last) {
      const stride = this.stride;
      this.data.copyWithin(e * stride, last * stride, last * stride + stride);
      this.hashes[e] = this.hashes[last];
      this.slotOf[e] = this.slotOf[last];
      index[this.slotOf[e]] = e + 1;
    }
    return true;
  }

  clear(): void {
    this.index.fill(0);
    this.count = 0;
  }

  /** [key, value] copies, in no particular order. */
  *entries(): IterableIterator<[Uint8Array, Uint8Array]> {
    for (let e = 0; e < this.count; e++) {
      const k = (e * this.stride) << 2;
      yield [
        this.bytes.slice(k, k + this.keyBytes),
        this.bytes.slice(k + this.keyBytes, k + this.keyBytes + this.valueBytes),
      ];
    }
  }

  private findHashed(h: number, src: Uint8Array, at: number): number {
    const index = this.index;
    const mask = index.length - 1;
    const words = (at & 3) === 0 && src.length >= WORDS_MIN_BYTES ? this.words.of(src) : undefined;
    const n = this.keyWords;
    for (let s = h & mask, x = index[s]; x !== 0; s = (s + 1) & mask, x = index[s]) {
      const e = x - 1;
      if (this.hashes[e] !== h) continue;
      const base = e * this.stride;
      let i = 0;
      if (words !== undefined) {
        const data = this.data;
        const w = at >>> 2;
        while (i < n && data[base + i] === words[w + i]) i++;
        if (i === n) return e;
      } else {
        const bytes = this.bytes;
        const b = base << 2;
        while (i < n << 2 && bytes[b + i] === src[at + i]) i++;
        if (i === n << 2) return e;
      }
    }
    return -1;
  }

  /** FNV-1a over the key's first (up to) 8 words, little-endian; the same through words or bytes. */
  private hashAt(src: Uint8Array, at: number): number {
    if (at + this.keyBytes > src.length)
      throw new RangeError(`FlatTable: key at ${at} past ${src.length} bytes`);
    const n = Math.min(this.keyWords, 8);
    let h = 0x811c9dc5;
    const words =
      (at & 3) === 0 && src.length >= WORDS_MIN_BYTES && LITTLE_ENDIAN ? this.words.of(src) : undefined;
    if (words !== undefined) {
      const w = at >>> 2;
      for (let i = 0; i < n; i++) {
        h = Math.imul(h ^ words[w + i], 0x01000193);
        h ^= h >>> 15;
      }
    } else {
      for (let i = at; i < at + (n << 2); i += 4) {
        h = Math.imul(h ^ (src[i] | (src[i + 1] << 8) | (src[i + 2] << 16) | (src[i + 3] << 24)), 0x01000193);
        h ^= h >>> 15;
      }
    }
    return h & 0x3fffffff;
  }

  private grow(): void {
    const capacity = this.hashes.length * 2;
    const data = new Int32Array(capacity * this.stride);
    data.set(this.data);
    this.data = data;
    this.bytes = new Uint8Array(data.buffer);
    const hashes = new Int32Array(capacity);
    hashes.set(this.hashes);
    this.hashes = hashes;
    this.slotOf = new Int32Array(capacity);
    const index = new Int32Array(capacity * 2);
    const mask = index.length - 1;
    for (let e = 0; e < this.count; e++) {
      let s = hashes[e] & mask;
      while (index[s] !== 0) s = (s + 1) & mask;
      index[s] = e + 1;
      this.slotOf[e] = s;
    }
    this.index = index;
  }
}
