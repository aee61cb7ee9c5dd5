import { describe, expect, it } from "vitest";
import { decodeModule } from "./decode.ts";
import { InvalidModuleError, LimitError } from "./errors.ts";
import { buildModule, i32, i32c, i64, i64c, type ModuleSpec } from "./testing/wasmBuilder.ts";
import { validateModule } from "./validate.ts";

const validate = (spec: ModuleSpec) => validateModule(decodeModule(buildModule(spec)));
const oneFunc = (params: number[], results: number[], body: number[], locals: number[] = []) =>
  validate({ types: [{ params, results }], funcs: [{ type: 0, body, locals }] });

describe("validateModule", () => {
  it("test_validateModule_wellTyped_succeeds", () => {
    // (param i32 i64) (result i64): if (local 0) then local 1 else i64.const 5
    const v = oneFunc([i32, i64], [i64], [0x20, 0, 0x04, i64, 0x20, 1, 0x05, ...i64c(5n), 0x0b]);
    expect([...v.heights[0]]).toEqual([0, 1, 0, 1, 0, 1, 1]);
  });

  it("test_validateModule_typeMismatch_revertsWithExpectedAndFound", () => {
    expect(() => oneFunc([], [i32], i64c(1n))).toThrow(InvalidModuleError);
    expect(() => oneFunc([], [i32], i64c(1n))).toThrow(/type mismatch: end expected i32, found i64/);
    expect(() => oneFunc([], [], [0x6a])).toThrow(/i32.add expected an operand, found an empty stack/);
  });

  it("test_validateModule_leftoverValues_reverts", () => {
    expect(() => oneFunc([], [], i32c(1))).toThrow(/expected 0 value\(s\) at the end of the block, found 1/);
  });

  it("test_validateModule_unknownIndices_revert", () => {
    expect(() => oneFunc([], [], [0x20, 0, 0x1a])).toThrow(/unknown local 0/);
    expect(() => oneFunc([], [], [0x0c, 1])).toThrow(/unknown label 1/);
    expect(() => oneFunc([], [], [0x10, 7])).toThrow(/unknown function 7/);
    expect(() => oneFunc([], [], [0x23, 0, 0x1a])).toThrow(/unknown global 0/);
    expect(() => oneFunc([], [], [...i32c(0), 0x28, 2, 0, 0x1a])).toThrow(/unknown memory 0/);
    expect(() => oneFunc([], [], [...i32c(0), 0x11, 0, 0])).toThrow(/unknown table 0/);
  });

  it("test_validateModule_unreachableIsPolymorphic_succeeds", () => {
    // unreachable, then i32.add with no operands is fine, and so is a block result.
    const v = oneFunc([], [i32], [0x00, 0x6a, 0x02, i32, 0x00, 0x0b, 0x6a]);
    expect(v.heights[0][1]).toBe(-1);
  });

  it("test_validateModule_brTableArity_reverts", () => {
    // block (result i32) block br_table 0 1 (labels of arity 0 and 1)
    const body = [0x02, i32, 0x02, 0x40, ...i32c(0), ...i32c(0), 0x0e, 1, 0, 1, 0x0b, 0x00, 0x0b];
    expect(() => oneFunc([], [i32], body)).toThrow(
      /br_table label 0 expects 0 value\(s\), the default label 1/,
    );
  });

  it("test_validateModule_alignment_reverts", () => {
    expect(() =>
      validate({
        types: [{ params: [], results: [] }],
        funcs: [{ type: 0, body: [...i32c(0), 0x28, 3, 0, 0x1a] }],
        memory: { min: 1 },
      }),
    ).toThrow(/alignment must not be larger than natural/);
  });

  it("test_validateModule_immutableGlobal_reverts", () => {
    expect(() =>
      validate({
        types: [{ params: [], results: [] }],
        funcs: [{ type: 0, body: [...i32c(1), 0x24, 0] }],
        globals: [{ type: i32, mutable: false, init: i32c(0) }],
      }),
    ).toThrow(/global is immutable/);
  });

  it("test_validateModule_constExprType_reverts", () => {
    expect(() =>
      validate({ types: [], funcs: [], globals: [{ type: i32, mutable: false, init: i64c(0n) }] }),
    ).toThrow(/type mismatch: expected i32, found i64 in constant expression/);
  });

  it("test_validateModule_duplicateExport_revertsWithOffset", () => {
    const bytes = buildModule({
      types: [{ params: [], results: [] }],
      funcs: [
        { type: 0, body: [], export: "f" },
        { type: 0, body: [], export: "f" },
      ],
    });
    const second = bytes.lastIndexOf(0x66) - 1; // the second export entry starts at its name length
    expect(() => validateModule(decodeModule(bytes))).toThrow(
      `invalid module at offset ${second}: duplicate export name "f"`,
    );
  });

  it("test_validateModule_memoryOverMachineLimit_reverts", () => {
    expect(() => validate({ types: [], funcs: [], memory: { min: 257 } })).toThrow(LimitError);
  });

  it("test_validateModule_ifWithoutElseChangingTypes_reverts", () => {
    expect(() => oneFunc([], [i32], [...i32c(1), 0x04, i32, ...i32c(2), 0x0b])).toThrow(InvalidModuleError);
  });
});
