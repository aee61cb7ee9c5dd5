import { OptioError } from "../errors.ts";

/** Transaction bytes that are not a well-formed engine transaction, or a field out of range for its type. */
export class MalformedTxError extends OptioError {
  override name = "MalformedTxError";
  constructor(reason: string, details: Record<string, unknown> = {}) {
    super(`malformed engine transaction: ${reason}`, details);
  }
}
