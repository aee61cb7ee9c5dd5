import { encodeProof } from "../../protocol/index.ts";
import { type Leaf, referenceHash, referenceProof } from "../../protocol/smt/reference.ts";
import { FLAT_CONTROL_NAMES } from "../../vm/flatOps.ts";
import type { BatchContext } from "../../vm/host/BatchContext.ts";
import { Interpreter } from "../../vm/Interpreter.ts";
import { loadModule } from "../../vm/loadModule.ts";
import { OPCODE_NAMES } from "../../vm/opcodes.ts";
import { ProvableTransaction } from "../../vm/ProvableTransaction.ts";
import { TX_GAS_LIMIT } from "../../vm/params.ts";
import { HOST_FUNCTIONS } from "../../vm/proof/hostIds.ts";
import { ProvableState } from "../../vm/state/ProvableState.ts";
import { hostScenarios, PRE_KEYS, PRE_VALUES } from "../../vm/testing/hostScenarios.ts";
import { randomArgs, randomProgram, rng } from "../../vm/testing/randomProgram.ts";
import { buildModule } from "../../vm/testing/wasmBuilder.ts";
import type { StepVector } from "./stepProof.ts";
import { stepsToEnd, stepVectors } from "./stepVectors.ts";

/**
 * A small set of one-step test vectors that covers every flat instruction with
 * each way it can end (runs on, halts, out of gas, each trap) and every host
 * function: what a differential test of the Solidity prover replays through the
 * EVM, where the 100,000 steps of prover/proof/verifyStep.test.ts would be too slow.
 * Deterministic for given options (the programs are seeded).
 */

export interface SampleOptions {
  /** Generated programs to draw from (default 100). */
  readonly programs?: number;
  /** Vectors kept per (op, outcome) pair (default 2). */
  readonly perKind?: number;
  /**
   * The 128-byte `ecrecover` input of the host scenarios (hash || v || r || s);
   * default: one whose v is invalid, so recovery returns 0. Pass a real
   * signature to cover the success path too.
   */
  readonly ecrecoverInput?: Uint8Array;
}

export interface LabelledStepVector extends StepVector {
  /** e.g. "i32.div_s → integer divide by zero", "call_host keccak → running": the (op, outcome) pair it stands for. */
  readonly kind: string;
}

/**
 * One function applying every numeric instruction to small constants (7 and 3)
 * and dropping the result: sure coverage of the numeric ops, which generated
 * programs reach only by chance.
 */
function numericTour(): Uint8Array {
  const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);
  const body: number[] = [];
  const c32 = [0x41, 7];
  const c64 = [0x42, 7];
  const d32 = [0x41, 3];
  const d64 = [0x42, 3];
  for (const op of [...range(0x46, 0x4f), ...range(0x6a, 0x78)]) body.push(...c32, ...d32, op, 0x1a);
  for (const op of [...range(0x51, 0x5a), ...range(0x7c, 0x8a)]) body.push(...c64, ...d64, op, 0x1a);
  for (const op of [0x45, 0x67, 0x68, 0x69, 0xc0, 0xc1, 0xac, 0xad]) body.push(...c32, op, 0x1a);
  for (const op of [0x50, 0x79, 0x7a, 0x7b, 0xc2, 0xc3, 0xc4, 0xa7]) body.push(...c64, op, 0x1a);
  return buildModule({ types: [{ params: [], results: [] }], funcs: [{ type: 0, body, export: "tour" }] });
}

const CONTEXT: BatchContext = { timestamp: 1_764_000_000n, l2Block: 4242n, origin: 1n };

/** Sample vectors: up to `perKind` per (flat op, outcome), from generated programs and the host scenarios. */
export function sampleStepVectors(options: SampleOptions = {}): LabelledStepVector[] {
  const perKind = options.perKind ?? 2;
  const kept = new Map<string, LabelledStepVector[]>();
  const keep = (v: StepVector) => {
    const base =
      v.op === -1
        ? "stopped"
        : (FLAT_CONTROL_NAMES.get(v.op) ?? OPCODE_NAMES.get(v.op) ?? `0x${v.op.toString(16)}`);
    // call_host is one op per host function: its host id is the instruction's b (proof byte 352 + 12).
    const name = v.op === 0x12 ? `${base} ${HOST_FUNCTIONS[v.proof[364]] ?? "?"}` : base;
    const key = `${name} → ${v.outOfGas ? "out of gas at the block charge" : v.outcome}`;
    const list = kept.get(key) ?? [];
    if (list.length < perKind) list.push({ ...v, kind: key });
    kept.set(key, list);
  };
  const tour = Interpreter.instantiate(loadModule(numericTour()));
  if (tour.ok)
    for (const v of stepVectors(tour.instance, { name: "tour", args: [], gas: 1_000_000 })) keep(v);
  const programs = options.programs ?? 100;
  for (let p = 0; p < programs; p++) {
    const seed = (0x5a3e_0000 + p) >>> 0;
    const prog = randomProgram(seed);
    const inst = Interpreter.instantiate(loadModule(prog.bytes));
    if (!inst.ok) continue;
    const r = rng(seed);
    for (const [e, fn] of prog.exports.entries()) {
      for (const args of randomArgs(seed + e, fn.params, 1)) {
        const snap = inst.instance.snapshot();
        for (const gas of [50_000_000, Math.floor(r() * 2_000)]) {
          inst.instance.restore(snap);
          for (const v of stepVectors(inst.instance, { name: fn.name, args, gas }, { maxSteps: 20_000 }))
            keep(v);
        }
      }
    }
  }
  const pre: Leaf[] = PRE_KEYS.map((key, i) => ({ key, value: PRE_VALUES[i] }));
  const ecInput = options.ecrecoverInput ?? new Uint8Array(128).fill(1);
  for (const s of hostScenarios(ecInput)) {
    const flat = loadModule(s.bytes);
    for (const gasLimit of [TX_GAS_LIMIT, 150, 1_100]) {
      const state = ProvableState.fromSource({
        root: referenceHash(pre),
        prove: (k) => referenceProof(pre, k),
      });
      const tx = ProvableTransaction.start(flat, { input: s.input, batchContext: CONTEXT, state, gasLimit });
      const witnesses = { input: s.input, proveState: (k: Uint8Array) => encodeProof(tx.state.prove(k)) };
      for (const v of stepsToEnd(tx.interpreter, { witnesses })) keep(v);
    }
  }
  return [...kept.values()].flat();
}
