import { describe, expect, it } from "vitest";
import { encodeProof } from "../../protocol/index.ts";
import type { FlatModule } from "../../vm/FlatModule.ts";
import { loadModule } from "../../vm/loadModule.ts";
import { ProvableTransaction } from "../../vm/ProvableTransaction.ts";
import { TX_GAS_LIMIT } from "../../vm/params.ts";
import { HOST_FUNCTIONS } from "../../vm/proof/hostIds.ts";
import {
  HOST_CONTEXT as CONTEXT,
  preState,
  signedEcrecoverInput as signedInput,
} from "../../vm/testing/hostFixtures.ts";
import { hostScenarios } from "../../vm/testing/hostScenarios.ts";
import { rng } from "../../vm/testing/randomProgram.ts";
import { buildModule, i32, i64 } from "../../vm/testing/wasmBuilder.ts";
import { InvalidProofError } from "./InvalidProofError.ts";
import type { StepVector } from "./stepProof.ts";
import { stepsToEnd } from "./stepVectors.ts";
import { verifyStep } from "./verifyStep.ts";

/**
 * One-step proofs of host calls: every step of the host scenarios (vm/testing/hostScenarios.ts)
 * run as provable transactions, at the full gas and at limits that stop them mid-way (in a host
 * call's own cost too), verified by verifyStep from the hash before and the proof alone; and
 * mutated host proofs (input, state proof, memory subtree) never give the honest hash.
 */

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

/** Every step of one transaction, each checked; returns the vectors and the end status. */
function proveTransaction(
  flat: FlatModule,
  input: Uint8Array,
  gasLimit: number,
): { vectors: StepVector[]; tx: ProvableTransaction } {
  const tx = ProvableTransaction.start(flat, {
    input,
    batchContext: CONTEXT,
    state: preState(),
    gasLimit,
  });
  const witnesses = { input, proveState: (k: Uint8Array) => encodeProof(tx.state.prove(k)) };
  const out: StepVector[] = [];
  for (const v of stepsToEnd(tx.interpreter, { witnesses })) {
    expect(hex(verifyStep(v.before, v.proof)), `step ${out.length} op 0x${v.op.toString(16)}`).toBe(
      hex(v.after),
    );
    out.push(v);
  }
  return { vectors: out, tx };
}

describe("verifyStep on host calls", async () => {
  const valid = await signedInput();
  const invalid = valid.slice();
  invalid[63] = 29;
  const scenarios = [
    ...hostScenarios(valid),
    { ...hostScenarios(invalid).find((s) => s.name === "ecrecover")!, name: "ecrecoverInvalid" },
    {
      // Host functions reached through the table: context(1) and input_read(0, 0) by call_indirect.
      name: "throughTheTable",
      bytes: buildModule({
        types: [
          { params: [], results: [i32] },
          { params: [i32], results: [i64] },
          { params: [i32, i32], results: [] },
        ],
        imports: [
          { module: "optio", name: "context", type: 1 },
          { module: "optio", name: "input_read", type: 2 },
        ],
        table: { min: 2 },
        elems: [{ offset: 0, funcs: [0, 1] }],
        memory: { min: 1 },
        funcs: [
          {
            type: 0,
            export: "main",
            body: [0x41, 0, 0x41, 0, 0x41, 1, 0x11, 2, 0, 0x41, 1, 0x41, 0, 0x11, 1, 0, 0xa7],
          },
        ],
      }),
      input: new Uint8Array(40).fill(9),
    },
  ];
  const kept: StepVector[] = [];

  it("test_verifyStep_hostScenarios_everyStepAtManyGasLimits", () => {
    let steps = 0;
    let hostSteps = 0;
    const perHost = new Map<string, number>();
    const maxBytes = new Map<string, number>();
    for (const s of scenarios) {
      const flat = loadModule(s.bytes);
      const { vectors: full, tx } = proveTransaction(flat, s.input, TX_GAS_LIMIT);
      if (s.name === "throughTheTable") {
        expect(full.filter((v) => v.op === 0x11).length).toBe(2);
        expect(tx.result()).toMatchObject({ outcome: "executed", code: 4242 });
      }
      const used = full.length;
      const limits = new Set([TX_GAS_LIMIT, 0, 50, 101, 150, 300, 1_100, 3_200]);
      const r = rng(used);
      for (let i = 0; i < 6; i++) limits.add(Math.floor(r() * 5_000));
      for (const gas of limits) {
        const vs = gas === TX_GAS_LIMIT ? full : proveTransaction(flat, s.input, gas).vectors;
        steps += vs.length;
        for (const v of vs) {
          if (v.op === 0x12) {
            hostSteps++;
            // The host id is the instruction's b (proof bytes 352 + 9 ... 12).
            const name = HOST_FUNCTIONS[v.proof[352 + 12]];
            perHost.set(name, (perHost.get(name) ?? 0) + 1);
            maxBytes.set(name, Math.max(maxBytes.get(name) ?? 0, v.proof.length));
            if (kept.length < 400 && r() < 0.5) kept.push(v);
          }
        }
      }
    }
    console.log(
      `verifyStep host: ${scenarios.length} scenarios, ${steps} steps, ${hostSteps} host calls ` +
        JSON.stringify(Object.fromEntries(perHost)) +
        `; largest proof (bytes) ${JSON.stringify(Object.fromEntries(maxBytes))}`,
    );
    // Only proofs that carry the input or keccak's source may pass 3 KB (docs/machine.md, "Sizes").
    for (const name of ["state_read", "state_write", "ecrecover", "context", "revert"])
      expect(maxBytes.get(name) ?? 0, name).toBeLessThanOrEqual(3_072);
    // keccak opens its source as at most two M(5) (2,944 bytes), not one M(0) per leaf: header 352,
    // instruction 736, S(3) 56, source, destination M(0) 640.
    expect(maxBytes.get("keccak") ?? 0).toBeLessThanOrEqual(352 + 736 + 56 + 2_944 + 640);
    expect(hostSteps).toBeGreaterThan(200);
    for (const name of HOST_FUNCTIONS) expect(perHost.get(name) ?? 0, name).toBeGreaterThan(0);
  });

  it("test_verifyStep_mutatedHostProofs_neverGiveTheHonestHash", () => {
    expect(kept.length).toBeGreaterThan(50);
    const r = rng(0x4057);
    let rejected = 0;
    for (const v of kept) {
      for (let k = 0; k < 8; k++) {
        const m = v.proof.slice();
        // Past the header and the instruction: the host's own witnesses and the stack opening.
        const from = v.proof.length > 1088 ? 1088 : 0;
        const at = from + Math.floor(r() * (v.proof.length - from));
        m[at] ^= 1 << Math.floor(r() * 8);
        let got: Uint8Array | undefined;
        try {
          got = verifyStep(v.before, m);
        } catch (e) {
          if (!(e instanceof InvalidProofError)) throw e;
          rejected++;
          continue;
        }
        expect(hex(got), `bit flip at ${at}`).not.toBe(hex(v.after));
      }
    }
    expect(rejected).toBeGreaterThan(kept.length);
  });
});
