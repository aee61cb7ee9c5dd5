import { OptioError } from "../protocol/index.ts";

/** A request the step prover cannot serve: a step index that is not a whole number >= 0. */
export class StepIndexError extends OptioError {
  override name = "StepIndexError";
  constructor(step: number) {
    super(`step index: expected a whole number >= 0, got ${step}`, { step });
  }
}
