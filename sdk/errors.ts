/**
 * The SDK's errors: one base class with a cause chain, and a subclass per way a call fails. An
 * error the API answered carries its stable numeric code, its reason name and its data
 * (docs/api.md, "Errors"), so a caller branches on `reason`, never on the message.
 */
import type { Hex } from "viem";

export class OptioError extends Error {
  override name = "OptioError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The API answered a JSON-RPC error. `reason` is the name of its code (e.g. "BAD_NONCE"). */
export class OptioRpcError extends OptioError {
  override name = "OptioRpcError";
  constructor(
    readonly method: string,
    readonly code: number,
    readonly reason: string,
    readonly data: Readonly<Record<string, unknown>>,
    message: string,
  ) {
    super(`${method}: ${message} (code ${code}${reason ? `, ${reason}` : ""})`);
  }
}

/** BAD_NONCE: `expected` is the signer's next nonce; `knownTxHash` is set when these exact bytes already ran. */
export class BadNonceError extends OptioRpcError {
  override name = "BadNonceError";
  get expected(): bigint {
    return BigInt(this.data.expected as string);
  }
  get knownTxHash(): Hex | undefined {
    return this.data.knownTxHash as Hex | undefined;
  }
}

/** BAD_SIGNATURE: the address the signature recovered to and the EIP-712 digest the node expected. */
export class BadSignatureError extends OptioRpcError {
  override name = "BadSignatureError";
  get recovered(): Hex | null {
    return (this.data.recovered as Hex | null) ?? null;
  }
  get expectedDigest(): Hex {
    return this.data.expectedDigest as Hex;
  }
}

/** RATE_LIMITED or OVERLOADED: retry after `retryAfterMs` when the node says. */
export class RetryLaterError extends OptioRpcError {
  override name = "RetryLaterError";
  get retryAfterMs(): number | undefined {
    return this.data.retryAfterMs as number | undefined;
  }
}

/**
 * NOT_CLAIMABLE: no confirmed assertion covers the withdrawal yet. `stage` says where it is;
 * when asserted, `confirmableAt` (L1 seconds) is when its assertion can be confirmed.
 */
export class NotClaimableError extends OptioRpcError {
  override name = "NotClaimableError";
  get stage(): string {
    return this.data.stage as string;
  }
  get assertion(): Hex | null {
    return (this.data.assertion as Hex | null) ?? null;
  }
  get confirmableAt(): bigint | null {
    const t = this.data.confirmableAt as string | null | undefined;
    return t === null || t === undefined ? null : BigInt(t);
  }
}

/**
 * Outbox.claim reverted on L1 (at estimation or mined): `errorName` and `args` are the Outbox's
 * custom error (AlreadyClaimed, AssertionNotConfirmed, NoSuchWithdrawal, a proof error), decoded.
 */
export class ClaimRevertedError extends OptioError {
  override name = "ClaimRevertedError";
  constructor(
    readonly index: bigint,
    readonly errorName: string,
    readonly args: readonly unknown[],
    readonly l1TxHash: Hex | null,
    options?: { cause?: unknown },
  ) {
    super(
      `Outbox.claim of withdrawal ${index} reverted: ${errorName}(${args.map(String).join(", ")})${l1TxHash ? ` in ${l1TxHash}` : ""}`,
      options,
    );
  }
}

/**
 * Bridge.sendTransaction reverted on L1 (at estimation or mined): `errorName` and `args` are the bridge's custom
 * error (TransactionNotAllowed for GENESIS, DEPOSIT or empty bytes; TransactionTooLong), decoded.
 */
export class ForcedRevertedError extends OptioError {
  override name = "ForcedRevertedError";
  constructor(
    readonly errorName: string,
    readonly args: readonly unknown[],
    readonly l1TxHash: Hex | null,
    options?: { cause?: unknown },
  ) {
    super(
      `Bridge.sendTransaction reverted: ${errorName}(${args.map(String).join(", ")})${l1TxHash ? ` in ${l1TxHash}` : ""}`,
      options,
    );
  }
}

/**
 * A verifier's inspection API refused (docs/verifier.md, "Inspection API"): `reason` UNKNOWN_WITHDRAWAL,
 * NOT_CLAIMABLE (with `stage`, and `confirmableAt` when asserted) or PROOF_UNAVAILABLE; `fix` says what to do.
 */
export class VerifierRefusedError extends OptioError {
  override name = "VerifierRefusedError";
  constructor(
    readonly url: string,
    readonly status: number,
    readonly data: Readonly<Record<string, unknown>>,
  ) {
    super(`${url}: ${typeof data.error === "string" ? data.error : `HTTP ${status}`}`);
  }
  get reason(): string {
    return typeof this.data.reason === "string" ? this.data.reason : "";
  }
  get stage(): string | null {
    return typeof this.data.stage === "string" ? this.data.stage : null;
  }
  get confirmableAt(): bigint | null {
    const t = this.data.confirmableAt;
    return typeof t === "string" ? BigInt(t) : null;
  }
  get fix(): string | null {
    return typeof this.data.fix === "string" ? this.data.fix : null;
  }
}

/** The node could not be reached or answered something that is not JSON-RPC. */
export class OptioTransportError extends OptioError {
  override name = "OptioTransportError";
  constructor(
    readonly url: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${url}: ${message}`, options);
  }
}

/** The error class for an API error object: the typed ones by reason, else OptioRpcError. */
export function rpcErrorFrom(
  method: string,
  e: { code: number; message: string; data?: unknown },
): OptioRpcError {
  const data = (e.data ?? {}) as Record<string, unknown>;
  const reason = typeof data.reason === "string" ? data.reason : "";
  const Class =
    reason === "BAD_NONCE"
      ? BadNonceError
      : reason === "BAD_SIGNATURE"
        ? BadSignatureError
        : reason === "RATE_LIMITED" || reason === "OVERLOADED"
          ? RetryLaterError
          : reason === "NOT_CLAIMABLE"
            ? NotClaimableError
            : OptioRpcError;
  return new Class(method, e.code, reason, data, e.message);
}
