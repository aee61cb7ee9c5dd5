import { encodeProof } from "../protocol/index.ts";
import { codeRoot, type FlatModule, type Interpreter, loadModule } from "../vm/index.ts";
import { ProvableTransaction, type ProvableTransactionRequest } from "../vm/ProvableTransaction.ts";
import { MAX_TX_STEPS } from "../vm/params.ts";
import { StepIndexError } from "./errors.ts";
import { type HostWitnesses, stepProof } from "./proof/stepProof.ts";

/** One step of a dispute: the machine hashes around step `step` and its proof in the L1 prover's format. */
export interface StepProof {
  /** Index of the step: it goes from machine hash `step` to machine hash `step + 1`. */
  readonly step: number;
  readonly before: Uint8Array;
  /** The proof `proveOneStep(ctx, before, proof)` reads (docs/machine.md, "One-step proof"). */
  readonly proof: Uint8Array;
  readonly after: Uint8Array;
  /** The code root the dispute pins (`StepContext.codeRoot`). */
  readonly codeRoot: Uint8Array;
}

/** A machine stopped before its first step, with what host calls need to be proven (a transaction's input and state). */
export interface StepSource {
  readonly interpreter: Interpreter;
  readonly witnesses?: HostWitnesses;
}

/**
 * The dispute-facing side of the machine (docs/machine.md, "One-step proof", "Solidity prover"): for a
 * machine that `start()` sets up afresh each time (deterministically, e.g. one transaction), the machine
 * hash after every step and the one-step proof of any step. Step `i` goes from hash `i` to hash `i + 1`;
 * past the end the machine is stopped and steps to itself, so any index has a proof.
 */
export class StepProver {
  constructor(private readonly start: () => StepSource) {}

  /**
   * Machine hashes `h_0 … h_n`: `h_0` before the first step, `h_i` after step `i - 1`, up to the first
   * stopped state (at most `maxSteps` steps). A bisection compares these.
   */
  machineHashes(maxSteps: number = MAX_TX_STEPS): Uint8Array[] {
    const { interpreter: it } = this.start();
    const out = [it.hash().slice()];
    for (let i = 0; i < maxSteps && it.status.kind === "running"; i++) {
      it.step();
      out.push(it.hash().slice());
    }
    return out;
  }

  /** The proof of step `step` (runs the machine to it without hashing, then proves one step). */
  proveStep(step: number): StepProof {
    if (!Number.isSafeInteger(step) || step < 0) throw new StepIndexError(step);
    const { interpreter: it, witnesses } = this.start();
    // Unhashed steps run at interpreter speed; the first hash() then builds the trees once.
    for (let i = 0; i < step && it.status.kind === "running"; i++) it.step();
    const v = stepProof(it, witnesses);
    return { step, before: v.before, proof: v.proof, after: v.after, codeRoot: codeRoot(it.module) };
  }

  /** A prover for one L2 transaction of `engine` (a fresh provable instance per request, docs/machine.md "Transactions"). */
  static forTransaction(engine: Uint8Array | FlatModule, request: ProvableTransactionRequest): StepProver {
    const flat = engine instanceof Uint8Array ? loadModule(engine) : engine;
    return new StepProver(() => {
      const tx = ProvableTransaction.start(flat, request);
      return {
        interpreter: tx.interpreter,
        witnesses: { input: request.input, proveState: (k) => encodeProof(tx.state.prove(k)) },
      };
    });
  }
}
