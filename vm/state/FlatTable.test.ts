// FlatTable against a Map of hex keys: the same answers under random sets, overwrites and deletes
// (deletes shift probe runs back and move the last entry), across growth, with keys read in place
// from a large memory at aligned (word path) and unaligned (byte path) offsets.
import { describe, expect, it } from "vitest";
import { rng } from "../testing/randomProgram.ts";
import { FlatTable } from "./FlatTable.ts";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe("FlatTable", () => {
  it("test_flatTable_randomOperations_matchStringMap_succeeds", () => {
    for (const [keyBytes, valueBytes] of [
      [32, 32],
      [128, 32],
      [8, 4],
    ]) {
      const r = rng(keyBytes);
      const t = new FlatTable(keyBytes, valueBytes);
      const ref = new Map<string, Uint8Array>();
      // Near-identical keys (one byte differs), some equal in their hashed first 32 bytes.
      const keys = Array.from({ length: 1500 }, (_, i) => {
        const k = new Uint8Array(keyBytes);
        k[(i * 7) % keyBytes] = 1 + (i % 200);
        k[keyBytes - 1] ^= i >> 8;
        return k;
      });
      const mem = new Uint8Array(8192);
      for (let step = 0; step < 30_000; step++) {
        const k = keys[Math.floor(r() * keys.length)];
        const u = r();
        if (u < 0.5) {
          const v = Uint8Array.from({ length: valueBytes }, () => Math.floor(r() * 256));
          t.set(k, v);
          ref.set(hex(k), v);
        } else if (u < 0.75) {
          expect(t.delete(k)).toBe(ref.delete(hex(k)));
        } else {
          // In place, in a memory: aligned (words) or not (bytes); the value lands after the key.
          const at = u < 0.87 ? 256 : 257 + Math.floor(r() * 3);
          mem.set(k, at);
          mem.fill(0xee, at + keyBytes, at + keyBytes + valueBytes);
          const want = ref.get(hex(k));
          expect(t.copyValueAt(mem, at, mem, at + keyBytes)).toBe(want !== undefined);
          if (want !== undefined) expect(mem.slice(at + keyBytes, at + keyBytes + valueBytes)).toEqual(want);
          expect(t.get(k)).toEqual(want);
        }
        expect(t.size).toBe(ref.size);
      }
      const got = new Map([...t.entries()].map(([k, v]) => [hex(k), v]));
      expect(got).toEqual(ref);
      t.clear();
      expect(t.size).toBe(0);
      for (const k of keys.slice(0, 50)) expect(t.has(k)).toBe(false);
    }
  });

  it("test_flatTable_badSizes_throwRangeError", () => {
    expect(() => new FlatTable(30, 32)).toThrow(RangeError);
    const t = new FlatTable(32, 32);
    expect(() => t.set(new Uint8Array(31), new Uint8Array(32))).toThrow(RangeError);
    expect(() => t.copyValueAt(new Uint8Array(40), 16, new Uint8Array(64), 0)).toThrow(RangeError);
  });
});
