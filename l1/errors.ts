import { OptioError } from "../protocol/index.ts";

/**
 * A failure of the L1 layer. `fix` says what the operator should do; services print the message and the fix in
 * the logs and on /readyz alike.
 */
export class L1Error extends OptioError {
  override name = "L1Error";
  readonly fix: string;
  constructor(
    message: string,
    fix: string,
    details: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, details, options);
    this.fix = fix;
  }
}

/** Another TxSender holds the signing key's lock: two writers would reuse nonces and post twice. */
export class SignerLockedError extends L1Error {
  override name = "SignerLockedError";
  constructor(signer: string, holder: string, ttlMs: number, lockKey: string) {
    super(
      `another TxSender already sends for ${signer} (lock ${lockKey} held by ${holder}); refusing to start a second writer`,
      `stop the other instance first; if it crashed, its lock expires within ${Math.ceil(ttlMs / 1000)} s and this one can start then (do not delete the lock while it runs)`,
      { signer, holder, ttlMs, lockKey },
    );
  }
}

/** The TxSender lost its lock (it paused longer than the lock's lifetime, or someone deleted the key). */
export class SignerLockLostError extends L1Error {
  override name = "SignerLockLostError";
  constructor(signer: string, lockKey: string, token: bigint) {
    super(
      `the TxSender for ${signer} lost its lock ${lockKey} (fencing token ${token}); it stopped sending`,
      "restart the service; if it keeps happening, raise lockTtlMs or find what pauses the process",
      { signer, lockKey, token: token.toString() },
    );
  }
}

/** A call or transaction reverted with a custom error (or a string reason) of the rollup's contracts. */
export class L1RevertError extends L1Error {
  override name = "L1RevertError";
  /** The custom error's name (`BadTimestamp`), `Error` for a require string, `Panic`, or `unknown`. */
  readonly errorName: string;
  readonly args: readonly unknown[];
  /** The raw revert data (0x when the node gave none). */
  readonly data: `0x${string}`;
  constructor(errorName: string, args: readonly unknown[], data: `0x${string}`, cause?: unknown) {
    const shown = args.map((a) => (typeof a === "bigint" ? a.toString() : String(a))).join(", ");
    super(
      `L1 reverted: ${errorName}(${shown})`,
      "the contract refused the call as sent; see the error's meaning in docs/protocol.md",
      { errorName, args: args.map((a) => (typeof a === "bigint" ? a.toString() : a)), data },
      { cause },
    );
    this.errorName = errorName;
    this.args = args;
    this.data = data;
  }
}

/** A deployment record that does not hold the contract asked for. */
export class L1ConfigError extends L1Error {
  override name = "L1ConfigError";
}
