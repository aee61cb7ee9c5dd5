// KeyMap against a Map of hex keys: the same answers under random sets, overwrites and deletes,
// with keys that differ in one byte only (they share most hash input) and keys read in place.
import { describe, expect, it } from "vitest";
import { KeyMap } from "./KeyMap.ts";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), seed | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("KeyMap", () => {
  it("test_keyMap_randomOperations_matchStringMap_succeeds", () => {
    const r = rng(7);
    const km = new KeyMap<number>();
    const ref = new Map<string, number>();
    // A small key space with near-identical keys, so that sets hit existing keys and deletes find them.
    const keys = Array.from({ length: 300 }, (_, i) => {
      const k = new Uint8Array(32);
      k[31 - (i % 32)] = 1 + (i >> 5);
      return k;
    });
    for (let step = 0; step < 20_000; step++) {
      const k = keys[Math.floor(r() * keys.length)].slice();
      const u = r();
      if (u < 0.5) {
        km.set(k, step);
        ref.set(hex(k), step);
      } else if (u < 0.7) {
        expect(km.delete(k)).toBe(ref.delete(hex(k)));
      } else {
        // read in place, at an offset inside a bigger buffer
        const buf = new Uint8Array(96);
        const at = 1 + Math.floor(r() * 60);
        buf.set(k, at);
        expect(km.getAt(buf, at)).toBe(ref.get(hex(k)));
      }
      expect(km.size).toBe(ref.size);
    }
    const all = new Map([...km.entries()].map(([k, v]) => [hex(k), v]));
    expect(all).toEqual(ref);
    expect([...km.values()].sort()).toEqual([...ref.values()].sort());
    km.clear();
    expect(km.size).toBe(0);
    expect(km.get(keys[0])).toBeUndefined();
  });
});
