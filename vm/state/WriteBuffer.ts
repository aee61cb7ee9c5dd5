import { keyHash } from "./KeyMap.ts";
import { WordView } from "./words.ts";

/** Bytes per block of copies (64 writes; Node's own pool is 8 KiB): a block stays alive while any copy carved from it does. */
const BLOCK_BYTES = 4096;
/** Index slots to start with (a power of two, at least twice the writes it holds). */
const MIN_SLOTS = 64;

/**
 * One transaction's state writes: 32-byte key -> 32-byte value, in first-write order,
 * looked up in place (a key straight from the machine's memory, no copy). Built for
 * the host's per-transaction buffer, where a general map costs more than the work:
 * the index is a small open-addressing table of integers cleared slot by slot, and
 * the kept copies of keys and values are views carved from shared 4 KiB blocks (the
 * way Node's Buffer pool serves small buffers), not an ArrayBuffer each.
 */
export class WriteBuffer {
  /** [key, value] in first-write order; a rewrite of a key replaces its value in place. */
  private list: [Uint8Array, Uint8Array][] = [];
  /** Slot -> list index + 1 (0 empty). */
  private index = new Int32Array(MIN_SLOTS);
  /** The key hash of each list entry (keyHash). */
  private hashes = new Int32Array(MIN_SLOTS / 2);
  /** The index slot of each list entry (clearing empties just those). */
  private slots = new Int32Array(MIN_SLOTS / 2);
  private block = new Int32Array(BLOCK_BYTES >>> 2);
  private used = 0;
  /** Words of the source last copied from (the machine's memory, as a rule). */
  private readonly srcWords = new WordView();

  get size(): number {
    return this.list.length;
  }

  /** The value written for the 32-byte key at `bytes[at..at+32)`, or undefined. */
  getAt(bytes: Uint8Array, at: number): Uint8Array | undefined {
    if (this.list.length === 0) return undefined;
    const e = this.find(keyHash(bytes, at), bytes, at);
    return e === undefined ? undefined : e[1];
  }

  /** Set the key at `bytes[at..at+32)` to the value at `bytes[at+32..at+64)` (both copied). */
  writeAt(bytes: Uint8Array, at: number): void {
    const h = keyHash(bytes, at);
    const e = this.list.length === 0 ? undefined : this.find(h, bytes, at);
    if (e !== undefined) e[1] = this.copy(bytes, at + 32, 32);
    else this.add(h, [this.copy(bytes, at, 32), this.copy(bytes, at + 32, 32)]);
  }

  /** Set `key` to `value` (both kept as given: the caller's own copies). */
  write(key: Uint8Array, value: Uint8Array): void {
    const h = keyHash(key, 0);
    const e = this.list.length === 0 ? undefined : this.find(h, key, 0);
    if (e !== undefined) e[1] = value;
    else this.add(h, [key, value]);
  }

  /**
   * Hand over the writes and start empty: the returned list is the caller's (this buffer
   * starts a new one); the copies stay valid, no later write changes them.
   */
  take(): [Uint8Array, Uint8Array][] {
    const list = this.list;
    this.clearIndex();
    this.list = [];
    return list;
  }

  /** Forget every write (views already handed out stay as they were). */
  clear(): void {
    this.clearIndex();
    this.list.length = 0;
  }

  /** Empty the index slots the list's entries took. */
  private clearIndex(): void {
    const index = this.index;
    const slots = this.slots;
    for (let i = 0; i < this.list.length; i++) index[slots[i]] = 0;
  }

  private find(h: number, bytes: Uint8Array, at: number): [Uint8Array, Uint8Array] | undefined {
    const index = this.index;
    const mask = index.length - 1;
    for (let s = h & mask, e = index[s]; e !== 0; s = (s + 1) & mask, e = index[s]) {
      if (this.hashes[e - 1] !== h) continue;
      const entry = this.list[e - 1];
      const k = entry[0];
      let i = 0;
      while (i < 32 && k[i] === bytes[at + i]) i++;
      if (i === 32) return entry;
    }
    return undefined;
  }

  private add(h: number, entry: [Uint8Array, Uint8Array]): void {
    const n = this.list.length;
    if ((n + 1) * 2 > this.index.length) this.grow();
    const index = this.index;
    const mask = index.length - 1;
    let s = h & mask;
    while (index[s] !== 0) s = (s + 1) & mask;
    index[s] = n + 1;
    this.hashes[n] = h;
    this.slots[n] = s;
    this.list.push(entry);
  }

  private grow(): void {
    const slots = this.index.length * 2;
    const index = new Int32Array(slots);
    const hashes = new Int32Array(slots / 2);
    const at = new Int32Array(slots / 2);
    hashes.set(this.hashes);
    const mask = slots - 1;
    for (let i = 0; i < this.list.length; i++) {
      let s = hashes[i] & mask;
      while (index[s] !== 0) s = (s + 1) & mask;
      index[s] = i + 1;
      at[i] = s;
    }
    this.index = index;
    this.hashes = hashes;
    this.slots = at;
  }

  /** A copy of `bytes[at..at+length)` (length a multiple of 4, at most a block) carved from the current block. */
  private copy(bytes: Uint8Array, at: number, length: number): Uint8Array {
    if (this.used + length > BLOCK_BYTES) {
      this.block = new Int32Array(BLOCK_BYTES >>> 2);
      this.used = 0;
    }
    const from = this.used;
    const block = this.block;
    const words = this.srcWords.of(bytes);
    if (words !== undefined && (at & 3) === 0) {
      // Word copies move the same bytes whatever the host's byte order.
      const w = at >>> 2;
      const b = from >>> 2;
      for (let i = 0; i < length >>> 2; i++) block[b + i] = words[w + i];
    } else {
      const bytesOut = new Uint8Array(block.buffer, from, length);
      for (let i = 0; i < length; i++) bytesOut[i] = bytes[at + i];
      this.used = from + length;
      return bytesOut;
    }
    this.used = from + length;
    return new Uint8Array(block.buffer, from, length);
  }
}
