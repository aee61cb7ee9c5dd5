import type { GlobalStateInputs, MachineHasher } from "../machineHash.ts";

/**
 * What the one-step proof generator (prover/proof/stepProof.ts) reads of an interpreter
 * between steps: its registers and the arrays behind them, by reference and
 * read-only, plus the incremental hasher whose chain links and tree levels
 * are the proof's witnesses. Take it right after `hash()`, so the hasher is
 * current. The verifier never sees this: it works from the proof bytes alone.
 */
export interface MachineView {
  readonly pc: number;
  /** Values on the value stack (not int32 slots). */
  readonly sp: number;
  /** Frame base, in values. */
  readonly fp: number;
  /** Reserved values (sum of the active frames' enter a + b + c). */
  readonly used: number;
  readonly depth: number;
  readonly gas: number;
  /** Value stack as int32 halves (low, high) per value. */
  readonly stack: Int32Array;
  /** Frames as (return pc, caller fp in int32 slots, reserved values) triples. */
  readonly frames: Int32Array;
  /** Globals as int32 halves (low, high). */
  readonly globals: Int32Array;
  readonly memory: Uint8Array;
  /** Function index per table slot, -1 for an empty one. */
  readonly table: Int32Array;
  readonly globalState: GlobalStateInputs;
  readonly hasher: MachineHasher;
}
