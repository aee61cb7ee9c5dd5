import { describe, expect, it } from "vitest";
import { decodeModule } from "./decode.ts";
import { LimitError, MalformedModuleError, OutOfProfileError } from "./errors.ts";
import { buildModule, f32, i32, i32c, i64 } from "./testing/wasmBuilder.ts";

/** Offset of the first occurrence of `needle` in `bytes` (to check reported offsets). */
function indexOf(bytes: Uint8Array, needle: number[]): number {
  for (let i = 0; i + needle.length <= bytes.length; i++) {
    if (needle.every((b, j) => bytes[i + j] === b)) return i;
  }
  throw new Error("needle not found");
}

describe("decodeModule", () => {
  it("test_decodeModule_allSections_succeeds", () => {
    const bytes = buildModule({
      types: [
        { params: [i32, i64], results: [i64] },
        { params: [], results: [] },
      ],
      imports: [{ module: "optio", name: "revert", type: 1 }],
      funcs: [
        { type: 0, locals: [i64, i32], body: [0x20, 1], export: "f" },
        { type: 1, body: [] },
      ],
      table: { min: 2, max: 4 },
      memory: { min: 1, max: 2 },
      globals: [{ type: i32, mutable: true, init: i32c(-7) }],
      elems: [{ offset: 0, funcs: [1, 2] }],
      datas: [{ offset: 8, bytes: [1, 2, 3] }],
      start: 2,
    });
    const m = decodeModule(bytes);
    expect(m.types).toHaveLength(2);
    expect(m.types[0].params).toEqual([i32, i64]);
    expect(m.imports).toMatchObject([{ module: "optio", name: "revert", typeIndex: 1 }]);
    expect(m.funcs).toEqual([0, 1]);
    expect(m.table).toMatchObject({ min: 2, max: 4 });
    expect(m.memory).toMatchObject({ min: 1, max: 2 });
    expect(m.globals[0]).toMatchObject({ type: i32, mutable: true, init: { op: 0x41, value: -7n } });
    expect(m.exports).toMatchObject([{ name: "f", kind: "func", index: 1 }]);
    expect(bytes[m.startOffset]).toBe(2);
    expect(m.start).toBe(2);
    expect(m.elems[0].funcs).toEqual([1, 2]);
    expect([...m.datas[0].bytes]).toEqual([1, 2, 3]);
    expect(m.bodies[0].locals).toEqual([i64, i32]);
    expect(m.bodies[0].code.map((x) => x.op)).toEqual([0x20, 0x0b]);
  });

  it("test_decodeModule_floatInstruction_revertsNamingOpAndOffset", () => {
    // f32.const 0, drop: the out-of-profile instruction is named with its byte offset.
    const bytes = buildModule({
      types: [{ params: [], results: [] }],
      funcs: [{ type: 0, body: [0x43, 0, 0, 0, 0, 0x1a] }],
    });
    const offset = indexOf(bytes, [0x43, 0, 0, 0, 0, 0x1a]);
    expect(() => decodeModule(bytes)).toThrow(OutOfProfileError);
    expect(() => decodeModule(bytes)).toThrow(`out of profile at offset ${offset}: f32.const is not allowed`);
  });

  it("test_decodeModule_floatValueType_reverts", () => {
    const bytes = buildModule({ types: [{ params: [f32], results: [] }], funcs: [] });
    expect(() => decodeModule(bytes)).toThrow("value type f32");
  });

  it("test_decodeModule_bulkMemory_reverts", () => {
    const bytes = buildModule({
      types: [{ params: [], results: [] }],
      funcs: [{ type: 0, body: [...i32c(0), ...i32c(0), ...i32c(0), 0xfc, 10, 0, 0] }],
      memory: { min: 1 },
    });
    expect(() => decodeModule(bytes)).toThrow(/memory\.copy is not allowed/);
  });

  it("test_decodeModule_simd_reverts", () => {
    const bytes = buildModule({
      types: [{ params: [], results: [] }],
      funcs: [{ type: 0, body: [0xfd, 0x0c] }],
    });
    expect(() => decodeModule(bytes)).toThrow(/SIMD instruction/);
  });

  it("test_decodeModule_unknownOpcode_revertsMalformed", () => {
    const bytes = buildModule({ types: [{ params: [], results: [] }], funcs: [{ type: 0, body: [0x27] }] });
    expect(() => decodeModule(bytes)).toThrow(MalformedModuleError);
    expect(() => decodeModule(bytes)).toThrow(/illegal opcode 0x27/);
  });

  it("test_decodeModule_badHeader_reverts", () => {
    expect(() => decodeModule(new Uint8Array([0, 0x61, 0x73]))).toThrow(/magic header/);
    expect(() => decodeModule(new Uint8Array([0, 0x61, 0x73, 0x6d, 2, 0, 0, 0]))).toThrow(
      /unknown binary version/,
    );
    expect(() => decodeModule(new TextEncoder().encode("(module)"))).toThrow(MalformedModuleError);
  });

  it("test_decodeModule_sectionsOutOfOrder_reverts", () => {
    const good = buildModule({ types: [{ params: [], results: [] }], funcs: [{ type: 0, body: [] }] });
    // Swap the type section (id 1) after the function section (id 3).
    const typeSec = good.subarray(8, 8 + 2 + good[9]);
    const rest = good.subarray(8 + typeSec.length);
    const funcSec = rest.subarray(0, 2 + rest[1]);
    const swapped = new Uint8Array([
      ...good.subarray(0, 8),
      ...funcSec,
      ...typeSec,
      ...rest.subarray(funcSec.length),
    ]);
    expect(() => decodeModule(swapped)).toThrow(/out of order/);
  });

  it("test_decodeModule_truncated_reverts", () => {
    const good = buildModule({ types: [{ params: [], results: [] }], funcs: [{ type: 0, body: [0x01] }] });
    // Cutting at a section boundary leaves a valid module; cut inside the function and code sections.
    for (let n = indexOf(good, [3, 2, 1, 0]) + 1; n < good.length; n++) {
      expect(() => decodeModule(good.subarray(0, n))).toThrow(MalformedModuleError);
    }
  });

  it("test_decodeModule_multipleMemories_reverts", () => {
    const bytes = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 5, 5, 2, 0, 1, 0, 1]);
    expect(() => decodeModule(bytes)).toThrow("multiple memories");
  });

  it("test_decodeModule_tooManyLocals_reverts", () => {
    const bytes = buildModule({ types: [{ params: [], results: [] }], funcs: [{ type: 0, body: [] }] });
    // Replace the body's empty local list by one group of 60,000 i32 locals.
    const body = [3, 0xe0, 0xd4, 0x03, i32, 0x0b];
    const code = [10, body.length + 2, 1, body.length, ...body];
    const head = bytes.subarray(0, indexOf(bytes, [10, 4, 1, 2, 0, 0x0b]));
    expect(() => decodeModule(new Uint8Array([...head, ...code]))).toThrow(LimitError);
  });

  it("test_decodeModule_stubbing_keepsIntegerFunctions_succeeds", () => {
    const bytes = buildModule({
      types: [
        { params: [], results: [] },
        { params: [f32], results: [] },
      ],
      funcs: [
        { type: 0, body: [0x43, 0, 0, 0, 0, 0x1a] },
        { type: 1, body: [] },
        { type: 0, body: [0x01] },
      ],
    });
    const m = decodeModule(bytes, { stubOutOfProfile: true });
    expect(m.bodies[0].outOfProfile?.feature).toBe("f32.const");
    expect(m.types[1].outOfProfile).toBe("value type f32");
    expect(m.bodies[2].outOfProfile).toBeUndefined();
    expect(m.bodies[2].code.map((x) => x.op)).toEqual([0x01, 0x0b]);
  });
});
