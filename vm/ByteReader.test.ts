import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ByteReader } from "./ByteReader.ts";
import { MalformedModuleError } from "./errors.ts";
import { s64, u32 } from "./testing/wasmBuilder.ts";

const read = (bytes: number[]) => new ByteReader(new Uint8Array(bytes));

describe("ByteReader", () => {
  it("test_u32_roundTrips_succeeds", () => {
    fc.assert(
      fc.property(fc.nat({ max: 0xffffffff }), (n) => {
        expect(read(u32(n)).u32()).toBe(n);
      }),
    );
  });

  it("test_s32_s64_roundTrip_succeeds", () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (n) => {
        expect(read(s64(BigInt(n))).s32()).toBe(n);
      }),
    );
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (n) => {
        expect(read(s64(n)).s64()).toBe(n);
      }),
    );
  });

  it("test_u32_paddedButInRange_succeeds", () => {
    // 5-byte encodings are legal as long as the unused bits are zero.
    expect(read([0x80, 0x80, 0x80, 0x80, 0x00]).u32()).toBe(0);
    expect(read([0xff, 0xff, 0xff, 0xff, 0x0f]).u32()).toBe(0xffffffff);
  });

  it("test_u32_unusedBitsSet_reverts", () => {
    expect(() => read([0xff, 0xff, 0xff, 0xff, 0x1f]).u32()).toThrow(/integer too large/);
    expect(() => read([0x80, 0x80, 0x80, 0x80, 0x80, 0x00]).u32()).toThrow(MalformedModuleError);
  });

  it("test_s32_badSignBits_reverts", () => {
    expect(read([0xff, 0xff, 0xff, 0xff, 0x7f]).s32()).toBe(-1);
    expect(() => read([0xff, 0xff, 0xff, 0xff, 0x4f]).s32()).toThrow(/integer too large/);
    expect(() => read([0x80, 0x80, 0x80, 0x80, 0x70]).s32()).toThrow(/integer too large/);
  });

  it("test_s64_tenthByte_reverts", () => {
    expect(() => read([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x02]).s64()).toThrow(
      /too large/,
    );
  });

  it("test_s33_blockTypeIndex_succeeds", () => {
    expect(read([0x05]).s33()).toBe(5);
    expect(read([0x40]).s33()).toBe(-64);
    expect(read([0xff, 0xff, 0xff, 0xff, 0x0f]).s33()).toBe(2 ** 32 - 1);
  });

  it("test_u8_pastEnd_reverts", () => {
    expect(() => read([]).u8()).toThrow("malformed module at offset 0: unexpected end");
  });

  it("test_name_invalidUtf8_reverts", () => {
    expect(() => read([2, 0xc3, 0x28]).name()).toThrow(/malformed UTF-8/);
    expect(read([2, 0x68, 0x69]).name()).toBe("hi");
  });
});
