// KeyMap against a Map of hex keys: the same answers under random sets, overwrites and deletes,
// with keys that differ in one byte only (they share most hash input) and keys read in place.
import { describe, expect, it } from "vitest";
import { rng } from "../testing/randomProgram.ts";
import { KeyMap } from "./KeyMap.ts";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

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

  it("test_keyMap_keysReadInPlaceFromLargeArrays_findEntries_succeeds", () => {
    // Arrays of 4 KiB or more (a machine's memory) are hashed through words at aligned offsets:
    // the same hash as the byte path, so keys set from copies are found at any offset, in any such array.
    const km = new KeyMap<number>();
    const keys = Array.from({ length: 64 }, (_, i) =>
      Uint8Array.from({ length: 32 }, (_, j) => (i * 37 + j * 11) & 0xff),
    );
    for (let i = 0; i < keys.length; i++) km.set(keys[i].slice(), i);
    for (const [size, shift] of [
      [4096, 0],
      [8192, 1],
      [65536, 0],
    ]) {
      const buffer = new ArrayBuffer(size + 4);
      const mem = new Uint8Array(buffer, shift, size); // shift 1: words cannot be read, the byte path answers
      for (let i = 0; i < keys.length; i++) {
        for (const at of [0, 32, 4 * i + 64, 4 * i + 67, size - 32]) {
          mem.set(keys[i], at);
          expect(km.getAt(mem, at)).toBe(i);
          mem[at + (i % 32)] ^= 0x80;
          expect(km.getAt(mem, at)).toBeUndefined();
        }
      }
    }
  });
});
