/**
 * One base error for the protocol layer, with a subclass per failure. Messages
 * say what was expected and what was got; `details` carries the values.
 */
export class OptioError extends Error {
  override name = "OptioError";
  readonly details: Record<string, unknown>;
  constructor(message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.details = details;
  }
}

/** A byte string of the wrong length (a key, a value, a hash). */
export class InvalidLengthError extends OptioError {
  override name = "InvalidLengthError";
  constructor(what: string, expected: number, got: number) {
    super(`${what}: expected ${expected} bytes, got ${got}`, { what, expected, got });
  }
}

/** A root the store does not hold (never committed, or pruned). */
export class UnknownRootError extends OptioError {
  override name = "UnknownRootError";
  constructor(root: string, reason: string) {
    super(`unknown state root ${root}: ${reason}`, { root });
  }
}

/** A state-tree proof that is not well formed, or does not match its root. */
export class MalformedProofError extends OptioError {
  override name = "MalformedProofError";
  constructor(reason: string, details: Record<string, unknown> = {}) {
    super(`malformed state proof: ${reason}`, details);
  }
}

/** The embedded database failed or holds data this code cannot read. */
export class StorageError extends OptioError {
  override name = "StorageError";
}
