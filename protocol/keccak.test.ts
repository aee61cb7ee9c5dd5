import fc from "fast-check";
import { bytesToHex } from "viem";
import { describe, expect, test } from "vitest";
import { hashTagged, keccak256, keccak256Reference } from "./keccak.ts";

describe("keccak256", () => {
  test("known answers", () => {
    expect(bytesToHex(keccak256(new Uint8Array()))).toBe(
      "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470",
    );
    expect(bytesToHex(keccak256(new TextEncoder().encode("abc")))).toBe(
      "0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45",
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
});
