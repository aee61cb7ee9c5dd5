import type { Interpreter, Value } from "../../vm/Interpreter.ts";
import { type HostWitnesses, type StepVector, stepProof, UnprovableStepError } from "./stepProof.ts";

/**
 * One-step test vectors for the Solidity prover's differential tests
 * (contracts/osp/): every step of one call as (before hash, proof, after hash),
 * where `verifyStep(before, proof)` must return `after` and so must the
 * contract.
 */

export interface StepCall {
  /** An exported function of the instance. */
  readonly name: string;
  readonly args: readonly Value[];
  /** Gas limit of the call. */
  readonly gas: number;
}

export interface StepVectorOptions {
  /** Stop after this many steps (default: run to the end). */
  readonly maxSteps?: number;
  /**
   * What to do at a step the format cannot prove yet (a host call) or that only
   * exists in conformance testing (a call into a stub): "throw" (default), or
   * "skip" to take the step without a vector.
   */
  readonly unprovable?: "throw" | "skip";
  /** The input and state proofs host calls need (a ProvableTransaction's). */
  readonly witnesses?: HostWitnesses;
}

/**
 * Start `call` on `interp` and yield each step's vector until the machine stops,
 * then one more for the stopped machine (which steps to itself). The instance
 * keeps its memory and globals between calls, as the spec tests expect.
 */
export function* stepVectors(
  interp: Interpreter,
  call: StepCall,
  options: StepVectorOptions = {},
): Generator<StepVector> {
  interp.start(call.name, call.args, call.gas);
  yield* stepsToEnd(interp, options);
}

/**
 * Yield each step's vector of the call `interp` is running (as a ProvableTransaction
 * sets it up), until it stops, then one more for the stopped machine.
 */
export function* stepsToEnd(interp: Interpreter, options: StepVectorOptions = {}): Generator<StepVector> {
  const max = options.maxSteps ?? Number.POSITIVE_INFINITY;
  for (let n = 0; n < max; n++) {
    let v: StepVector;
    try {
      v = stepProof(interp, options.witnesses);
    } catch (e) {
      if (!(e instanceof UnprovableStepError) || options.unprovable !== "skip") throw e;
      interp.step();
      continue;
    }
    yield v;
    if (v.op === -1) return;
  }
}

/** A vector as JSON-ready 0x-hex strings (the form the Solidity tests read). */
export function stepVectorHex(v: StepVector): { before: string; proof: string; after: string; op: number } {
  const hex = (b: Uint8Array) => `0x${Buffer.from(b).toString("hex")}`;
  return { before: hex(v.before), proof: hex(v.proof), after: hex(v.after), op: v.op };
}
