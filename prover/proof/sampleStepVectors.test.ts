import { describe, expect, it } from "vitest";
import { Op } from "../../vm/flatOps.ts";
import { PROFILE_OPCODES } from "../../vm/opcodes.ts";
import { HOST_FUNCTIONS } from "../../vm/proof/hostIds.ts";
import { sampleStepVectors } from "./sampleStepVectors.ts";
import { verifyStep } from "./verifyStep.ts";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe("sampleStepVectors", () => {
  it("test_sampleStepVectors_coverEveryOpAndHostFunction_andVerify", () => {
    const vs = sampleStepVectors();
    for (const v of vs) expect(hex(verifyStep(v.before, v.proof)), v.kind).toBe(hex(v.after));
    const kinds = new Set(vs.map((v) => v.kind));
    console.log(`sampleStepVectors: ${vs.length} vectors, ${kinds.size} (op, outcome) pairs`);
    for (const k of [
      "i32.div_s → integer divide by zero",
      "i64.div_s → integer overflow",
      "i32.load → out of bounds memory access",
      "call_indirect → undefined element",
      "call_indirect → uninitialized element",
      "call_indirect → indirect call type mismatch",
      "unreachable → unreachable",
      "return → halted",
      "memory.grow → running",
      "call_host keccak → host trap",
      "call_host keccak → out of gas",
      "call_host revert → revert",
      "call_host state_write → running",
      "call_host ecrecover → running",
      "stopped → halted",
    ])
      expect(kinds.has(k), k).toBe(true);
    expect([...kinds].some((k) => k.endsWith("out of gas at the block charge"))).toBe(true);
    // Every flat op of the profile appears.
    const ops = new Set(vs.map((v) => v.op));
    const profile = [
      Op.ENTER,
      Op.BR_UNLESS,
      Op.BR,
      Op.BR_IF,
      Op.BR_TABLE,
      Op.RETURN,
      Op.CALL,
      Op.CALL_INDIRECT,
    ];
    for (const op of [...profile, ...[...PROFILE_OPCODES].filter((o) => o >= 0x1a && o !== 0x1c)])
      expect(ops.has(op), `op 0x${op.toString(16)}`).toBe(true);
    // Every host function appears (its id is the call_host's b: proof byte 352 + 12).
    const hosts = new Set(vs.filter((v) => v.op === 0x12).map((v) => HOST_FUNCTIONS[v.proof[364]]));
    expect([...hosts].sort()).toEqual([...HOST_FUNCTIONS].sort());
  });
});
