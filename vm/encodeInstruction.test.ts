import { describe, expect, it } from "vitest";
import { encodeInstruction } from "./encodeInstruction.ts";
import { Op } from "./flatOps.ts";
import { loadModule } from "./loadModule.ts";
import { buildModule, i64, i64c } from "./testing/wasmBuilder.ts";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe("encodeInstruction", () => {
  it("test_encodeInstruction_layout_succeeds", () => {
    const m = loadModule(
      buildModule({ types: [{ params: [], results: [i64] }], funcs: [{ type: 0, body: i64c(-2n) }] }),
    );
    expect(m.ops[1]).toBe(0x42);
    // i64.const -2: gas 0 (not a leader), a = low half 0xfffffffe, b = high half 0xffffffff, c = 0.
    expect(hex(encodeInstruction(m, 1))).toBe(
      `42${"00000000"}fffffffe${"ffffffff"}00000000${"00".repeat(15)}`,
    );
    expect(m.ops[0]).toBe(Op.ENTER);
    expect(hex(encodeInstruction(m, 0)).slice(0, 10)).toBe(`01${m.gas[0].toString(16).padStart(8, "0")}`);
  });
});
