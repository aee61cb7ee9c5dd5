import { LITTLE_ENDIAN, WORDS_MIN_BYTES, WordView } from "./words.ts";

/** One entry of a KeyMap: its key (kept as given), its value, and the next entry of the same hash. */
interface Entry<V> {
  readonly key: Uint8Array;
  value: V;
  next: Entry<V> | undefined;
}

/** Words of the last memory a key was hashed in (it stays referenced until another replaces it). */
const memoryWords = new WordView();

/** A 31-bit hash of the 32 bytes at `at` (FNV-1a over words of 4 bytes; keys need not be uniform). */
function hash32(bytes: Uint8Array, at: number): number {
  let h = 0x811c9dc5;
  if (bytes.length >= WORDS_MIN_BYTES && (at & 3) === 0 && LITTLE_ENDIAN) {
    // The same hash read through words: a key looked up in a memory (the host's reads) is hashed in 8 loads.
    const words = memoryWords.of(bytes);
    if (words !== undefined) {
      for (let w = at >>> 2; w < (at >>> 2) + 8; w++) {
        h = Math.imul(h ^ words[w], 0x01000193);
        h ^= h >>> 15;
      }
      return h & 0x3fffffff;
    }
  }
  for (let i = at; i < at + 32; i += 4) {
    h = Math.imul(
      h ^ (bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24)),
      0x01000193,
    );
    h ^= h >>> 15;
  }
  return h & 0x3fffffff; // a small integer: V8's fastest Map key
}

/** The hash KeyMap files the 32-byte key at `bytes[at..at+32)` under (for `getHashed`). */
export function keyHash(bytes: Uint8Array, at: number): number {
  return hash32(bytes, at);
}

function sameKey(a: Uint8Array, b: Uint8Array, at: number): boolean {
  for (let i = 0; i < 32; i++) if (a[i] !== b[at + i]) return false;
  return true;
}

/**
 * A map from 32-byte keys to values, without building a string per key:
 * a Map keyed by a numeric hash of the key bytes, chained on collision and
 * checked against the whole key. Lookups can read the key in place (`getAt`:
 * a host function looks a key up straight from the machine's memory, no copy).
 * Iteration is in first-insertion order of the hashes, which for distinct hashes
 * is first-insertion order of the keys (collisions, rare, group together);
 * callers that need exact write order keep it themselves.
 */
export class KeyMap<V> {
  private readonly buckets = new Map<number, Entry<V>>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** The value of the 32-byte key at `bytes[at..at+32)`, or undefined. */
  getAt(bytes: Uint8Array, at: number): V | undefined {
    return this.getHashed(hash32(bytes, at), bytes, at);
  }

  /** `getAt` with the key's hash already computed (`keyHash`): maps with the same keys hash once. */
  getHashed(hash: number, bytes: Uint8Array, at: number): V | undefined {
    let e = this.buckets.get(hash);
    while (e !== undefined) {
      if (sameKey(e.key, bytes, at)) return e.value;
      e = e.next;
    }
    return undefined;
  }

  get(key: Uint8Array): V | undefined {
    return this.getAt(key, 0);
  }

  has(key: Uint8Array): boolean {
    return this.getAt(key, 0) !== undefined;
  }

  /** Set `key` (32 bytes, kept as given: pass a copy) to `value`. */
  set(key: Uint8Array, value: V): void {
    const h = hash32(key, 0);
    const first = this.buckets.get(h);
    for (let e = first; e !== undefined; e = e.next) {
      if (sameKey(e.key, key, 0)) {
        e.value = value;
        return;
      }
    }
    if (first === undefined) this.buckets.set(h, { key, value, next: undefined });
    else first.next = { key, value, next: first.next };
    this.count++;
  }

  delete(key: Uint8Array): boolean {
    const h = hash32(key, 0);
    let prev: Entry<V> | undefined;
    for (let e = this.buckets.get(h); e !== undefined; prev = e, e = e.next) {
      if (!sameKey(e.key, key, 0)) continue;
      if (prev !== undefined) prev.next = e.next;
      else if (e.next !== undefined) this.buckets.set(h, e.next);
      else this.buckets.delete(h);
      this.count--;
      return true;
    }
    return false;
  }

  clear(): void {
    this.buckets.clear();
    this.count = 0;
  }

  *values(): IterableIterator<V> {
    for (const first of this.buckets.values()) {
      for (let e: Entry<V> | undefined = first; e !== undefined; e = e.next) yield e.value;
    }
  }

  *entries(): IterableIterator<[Uint8Array, V]> {
    for (const first of this.buckets.values()) {
      for (let e: Entry<V> | undefined = first; e !== undefined; e = e.next) yield [e.key, e.value];
    }
  }
}
