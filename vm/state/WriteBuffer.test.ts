import { describe, expect, it } from "vitest";
import { WriteBuffer } from "./WriteBuffer.ts";

function word(seed: number, n = 32): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (seed * 31 + i * 7 + (seed >> 3)) & 0xff;
  return b;
}

/** Key at `at`, value at `at + 32`, in one memory-like array. */
function pair(key: Uint8Array, value: Uint8Array, at = 64): Uint8Array {
  const mem = new Uint8Array(at + 64);
  mem.set(key, at);
  mem.set(value, at + 32);
  return mem;
}

describe("WriteBuffer", () => {
  it("keeps first-write order, replaces rewrites in place, and copies what it reads from memory", () => {
    const b = new WriteBuffer();
    const mem = pair(word(1), word(2));
    b.writeAt(mem, 64);
    mem.fill(0xee); // the buffer kept copies
    b.write(word(3), word(4));
    b.writeAt(pair(word(1), word(5)), 64);
    expect(b.size).toBe(2);
    expect(b.getAt(pair(word(1), word(0)), 64)).toEqual(word(5));
    expect(b.getAt(word(3), 0)).toEqual(word(4));
    expect(b.getAt(word(9), 0)).toBeUndefined();
    const list = b.take();
    expect(list).toEqual([
      [word(1), word(5)],
      [word(3), word(4)],
    ]);
    expect(b.size).toBe(0);
    expect(b.getAt(word(1), 0)).toBeUndefined();
    b.write(word(1), word(6));
    expect(list[0][1]).toEqual(word(5)); // a handed-over list is not changed by later writes
  });

  it("agrees with a Map over many transactions of growing size, keys with equal hashes included", () => {
    const b = new WriteBuffer();
    for (let tx = 0; tx < 40; tx++) {
      const ref = new Map<string, Uint8Array>();
      const order: string[] = [];
      for (let i = 0; i < tx * 7; i++) {
        const key = word((i * 13 + tx) % (tx * 3 + 1));
        // Keys differing only past the first word stress full-key comparison.
        if (i % 5 === 0) key[31] ^= tx;
        const value = word(i + 1000);
        const hex = Buffer.from(key).toString("hex");
        if (!ref.has(hex)) order.push(hex);
        ref.set(hex, value);
        if (i % 2 === 0) b.writeAt(pair(key, value, 128), 128);
        else b.write(key.slice(), value.slice());
      }
      for (const [hex, v] of ref) expect(b.getAt(Buffer.from(hex, "hex"), 0)).toEqual(v);
      const got = tx % 2 === 0 ? b.take() : undefined;
      if (got !== undefined)
        expect(got.map(([k, v]) => [Buffer.from(k).toString("hex"), v])).toEqual(
          order.map((h) => [h, ref.get(h)]),
        );
      else b.clear();
      expect(b.size).toBe(0);
      for (const hex of ref.keys()) expect(b.getAt(Buffer.from(hex, "hex"), 0)).toBeUndefined();
    }
  });
});
