import { OptioError } from "../errors.ts";

/** Batch data that does not decode (a truncated length prefix or transaction, a transaction too long). */
export class MalformedBatchError extends OptioError {
  override name = "MalformedBatchError";
  constructor(reason: string, details: Record<string, unknown> = {}) {
    super(`malformed batch: ${reason}`, details);
  }
}

/** A Merkle proof request or proof that does not fit its tree. */
export class MalformedMerkleProofError extends OptioError {
  override name = "MalformedMerkleProofError";
  constructor(reason: string, details: Record<string, unknown> = {}) {
    super(`malformed Merkle proof: ${reason}`, details);
  }
}

/** Bisection values that do not fit the segment (count, positions). */
export class InvalidBisectionError extends OptioError {
  override name = "InvalidBisectionError";
  constructor(reason: string, details: Record<string, unknown> = {}) {
    super(`invalid bisection: ${reason}`, details);
  }
}
