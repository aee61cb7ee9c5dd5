import { OptioError } from "../protocol/index.ts";

/** A request the step prover cannot serve: a step index that is not a whole number >= 0. */
export class StepIndexError extends OptioError {
  override name = "StepIndexError";
  constructor(step: number) {
    super(`step index: expected a whole number >= 0, got ${step}`, { step });
  }
}

/** A machine that cannot be opened (still running), or an opening that does not match its hash (a bug). */
export class MachineOpeningError extends OptioError {
  override name = "MachineOpeningError";
}

/** A position outside a history (a transaction index past the batch range, a step past MAX_TX_STEPS). */
export class PositionError extends OptioError {
  override name = "PositionError";
  constructor(what: string, position: number, max: number) {
    super(`${what}: expected a whole number in 0..${max}, got ${position}`, { position, max });
  }
}
