import fc from "fast-check";
import { bytesToHex } from "viem";
import { describe, expect, test } from "vitest";
import { hashTagged, hashWordsInto, keccak256, keccak256Reference } from "./keccak.ts";

describe("keccak256", () => {
  test("known answers", () => {
    expect(bytesToHex(keccak256(new Uint8Array()))).toBe(
      "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470",
    );
    expect(bytesToHex(keccak256(new TextEncoder().encode("abc")))).toBe(
      "0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45",
    );
  });

  test("agrees with the reference at every length around the 136-byte block edges, and on large inputs", () => {
    for (let n = 0; n <= 700; n++) {
      const data = new Uint8Array(n).map((_, i) => (i * 131 + n) & 0xff);
      expect(bytesToHex(keccak256(data))).toBe(bytesToHex(keccak256Reference(data)));
    }
    const big = new Uint8Array(300_000).map((_, i) => (i * 7) & 0xff); // grows the module's memory
    expect(keccak256(big)).toEqual(keccak256Reference(big));
    expect(hashTagged(1, new Uint8Array(32), new Uint8Array(32))).toEqual(
      keccak256Reference(new Uint8Array([1, ...new Uint8Array(64)])),
    );
  });

  test("fast implementation agrees with the reference on random inputs", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (data) => {
        expect(keccak256(data)).toEqual(keccak256Reference(data));
      }),
      { numRuns: 2000 },
    );
  });

  test("hashTagged is keccak of tag || a || b", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 255 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (tag, a, b) => {
          const pre = new Uint8Array([tag, ...a, ...b]);
          expect(hashTagged(tag, a, b)).toEqual(keccak256Reference(pre));
        },
      ),
      { numRuns: 500 },
    );
  });

  test("hashWordsInto hashes words at offsets and writes the digest at an offset", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 255 }),
        fc.uint8Array({ minLength: 96, maxLength: 200 }),
        fc.nat(),
        fc.nat(),
        fc.nat(),
        fc.boolean(),
        (tag, buf, x, y, z, inPlace) => {
          const aAt = x % (buf.length - 31);
          const bAt = y % (buf.length - 31);
          const at = z % (buf.length - 31);
          const expected = keccak256Reference(
            new Uint8Array([tag, ...buf.subarray(aAt, aAt + 32), ...buf.subarray(bAt, bAt + 32)]),
          );
          // The digest may land on its own inputs (the tree overwrites a memoized hash in place).
          const out = inPlace ? buf.slice() : new Uint8Array(buf.length);
          const before = out.slice();
          hashWordsInto(tag, inPlace ? out : buf, aAt, inPlace ? out : buf, bAt, out, at);
          expect(out.subarray(at, at + 32)).toEqual(expected);
          // Nothing outside the digest's 32 bytes changes.
          expect(out.subarray(0, at)).toEqual(before.subarray(0, at));
          expect(out.subarray(at + 32)).toEqual(before.subarray(at + 32));
        },
      ),
      { numRuns: 500 },
    );
  });
});
