import { VmError } from "../../vm/errors.ts";

/**
 * Why a one-step proof was rejected (docs/machine.md, "One-step proof"). The
 * Solidity prover reverts in the same cases; an honest proof never hits one.
 */
export const ProofFault = {
  /** The proof ends before a field the step needs. */
  TRUNCATED: "truncated",
  /** Bytes are left after the step consumed what it needs. */
  TRAILING_BYTES: "trailing bytes",
  /** The header does not hash to the claimed machine hash. */
  MACHINE_HASH: "machine hash mismatch",
  /** The instruction does not verify against the code root. */
  CODE: "code proof mismatch",
  /** A stack opening does not fold to the value-stack hash, or opens more values than the stack holds. */
  VALUE_STACK: "value stack opening mismatch",
  /** The frame opening does not hash to the frame-stack hash, or there is no frame. */
  FRAME_STACK: "frame stack opening mismatch",
  /** The global opening does not verify against the globals root. */
  GLOBALS: "globals proof mismatch",
  /** The table opening does not verify against the table root. */
  TABLE: "table proof mismatch",
  /** A memory opening does not verify against the memory root. */
  MEMORY: "memory proof mismatch",
  /** The input witness does not hash to the input hash. */
  INPUT: "input mismatch",
  /** The state-tree proof is malformed or does not match the state root. */
  STATE: "state proof mismatch",
  /** The registers describe no state an honest machine reaches (e.g. a local above the stack top). */
  MALFORMED_STATE: "malformed machine state",
  /** The instruction's opcode is not one of the flat instruction set. */
  UNKNOWN_INSTRUCTION: "unknown instruction",
  /** A host call whose host id is not one of the host interface's. */
  UNKNOWN_HOST: "unknown host function",
} as const;

export type ProofFaultReason = (typeof ProofFault)[keyof typeof ProofFault];

/** A one-step proof that is malformed or does not match the machine hash it claims to open. */
export class InvalidProofError extends VmError {
  override name = "InvalidProofError";
  constructor(
    readonly reason: ProofFaultReason,
    detail = "",
  ) {
    super(`invalid one-step proof: ${reason}${detail === "" ? "" : ` (${detail})`}`, { reason, detail });
  }
}
