import { KeyMap, type StateReader, type StateWrite } from "../../vm/index.ts";

/** Most values cached before the cache starts over (32-byte key + value + map entry: ~150 B each). */
const MAX_ENTRIES = 2_000_000;

/**
 * The committed state (the state tree's latest root) with the values read so far kept in
 * memory: a StateTree read walks up to 32 pages (~5 us), and a transaction reads ~30 keys,
 * most of them the same few (markets, books, levels, the traders' accounts) every batch. The
 * node tells it every commit (`committed`), so it never serves a value older than the tree's.
 */
export class StateCache implements StateReader {
  private readonly map = new KeyMap<Uint8Array>();

  constructor(private readonly tree: StateReader) {}

  get(key: Uint8Array): Uint8Array {
    const hit = this.map.get(key);
    if (hit !== undefined) return hit;
    const value = this.tree.get(key);
    if (this.map.size >= MAX_ENTRIES) this.map.clear();
    this.map.set(key.slice(), value);
    return value;
  }

  /** The tree committed these writes: cached keys take their new values. */
  committed(writes: readonly StateWrite[]): void {
    for (const [k, v] of writes) if (this.map.has(k)) this.map.set(k, v);
  }

  get size(): number {
    return this.map.size;
  }
}
