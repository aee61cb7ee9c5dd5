import { InvalidLengthError, ZERO } from "../../protocol/index.ts";
import { KeyMap } from "./KeyMap.ts";

/** Reads the value of a 32-byte key (ZERO if absent). A StateTree satisfies it (`get(key)` reads its latest root). */
export interface StateReader {
  get(key: Uint8Array): Uint8Array;
}

/** One state write: a 32-byte key and its new 32-byte value (ZERO deletes). */
export type StateWrite = readonly [key: Uint8Array, value: Uint8Array];

/** A 32-byte key as a 32-character string, for Map keys (faster than hex). */
export function keyString(key: Uint8Array): string {
  return String.fromCharCode.apply(null, key as unknown as number[]);
}

/**
 * Writes buffered over a read-only state: reads see the writes first, then the
 * base. A sequencer keeps one per batch over its StateTree, applies each
 * executed transaction's writes to it, and commits `writes()` to the tree in
 * one `StateTree.commit` when the batch is sealed (reverted transactions' writes
 * never reach it). Overlays stack: a base may itself be an overlay.
 */
export class StateOverlay implements StateReader {
  /** Key -> its write, and the same writes in first-write order (a KeyMap: no string per key). */
  private readonly entries = new KeyMap<[Uint8Array, Uint8Array]>();
  private list: [Uint8Array, Uint8Array][] = [];

  constructor(readonly base: StateReader) {}

  get(key: Uint8Array): Uint8Array {
    const w = this.entries.get(key);
    return w === undefined ? this.base.get(key) : w[1];
  }

  /** Set `key` to `value` (both 32 bytes, kept as given: pass copies). */
  set(key: Uint8Array, value: Uint8Array): void {
    if (key.length !== 32) throw new InvalidLengthError("StateOverlay key", 32, key.length);
    if (value.length !== 32) throw new InvalidLengthError("StateOverlay value", 32, value.length);
    const w = this.entries.get(key);
    // Keep the first write's position, so writes() lists keys in the order they were first written.
    if (w !== undefined) w[1] = value;
    else {
      const e: [Uint8Array, Uint8Array] = [key, value];
      this.entries.set(key, e);
      this.list.push(e);
    }
  }

  /** Apply a list of writes in order (a later write to the same key wins). */
  apply(writes: Iterable<StateWrite>): void {
    for (const [k, v] of writes) this.set(k, v);
  }

  /** Keys written so far. */
  get size(): number {
    return this.entries.size;
  }

  /** Every written key with its last value, in the order keys were first written (ZERO values are deletions). */
  writes(): StateWrite[] {
    return this.list.map(([k, v]) => [k, v] as const);
  }

  /** Forget every write. */
  clear(): void {
    this.entries.clear();
    this.list = [];
  }
}

/** The empty state: every key reads ZERO. */
export const EMPTY_STATE: StateReader = Object.freeze({ get: () => ZERO });
