import { OptioError } from "../protocol/index.ts";

/**
 * One base error for the machine's loader, with a subclass per failure. A module
 * the loader refuses is a thrown error (it is a bug or bad input, never a
 * transaction outcome); traps at run time are tagged results, not errors
 * (see Trap.ts). Messages say what was expected and what was found, and where.
 */
export class VmError extends OptioError {
  override name = "VmError";
}

/** The bytes are not a well-formed WebAssembly binary (bad LEB128, truncated section, ...). */
export class MalformedModuleError extends VmError {
  override name = "MalformedModuleError";
  constructor(reason: string, offset: number) {
    super(`malformed module at offset ${offset}: ${reason}`, { reason, offset });
  }
}

/** Well formed but does not validate (a type mismatch, an unknown index, ...). */
export class InvalidModuleError extends VmError {
  override name = "InvalidModuleError";
  constructor(reason: string, offset: number) {
    super(`invalid module at offset ${offset}: ${reason}`, { reason, offset });
  }
}

/** A valid WebAssembly module that uses something outside the machine's profile (docs/machine.md). */
export class OutOfProfileError extends VmError {
  override name = "OutOfProfileError";
  readonly feature: string;
  constructor(feature: string, offset: number) {
    super(`out of profile at offset ${offset}: ${feature} is not allowed by the machine profile`, {
      feature,
      offset,
    });
    this.feature = feature;
  }
}

/** Inside the profile but beyond a machine limit (memory pages, table size, ...). */
export class LimitError extends VmError {
  override name = "LimitError";
  constructor(what: string, limit: number, got: number | bigint, offset: number) {
    super(`limit exceeded at offset ${offset}: ${what}: expected at most ${limit}, got ${got}`, {
      what,
      limit,
      got,
      offset,
    });
  }
}

/** An import the caller did not provide, or provided with the wrong shape. */
export class LinkError extends VmError {
  override name = "LinkError";
}

/** A transaction the machine cannot run as given (input too long, a batch context field out of range, ...). */
export class TransactionInputError extends VmError {
  override name = "TransactionInputError";
}
