import { BaseError } from "viem";
import { revertDataOf } from "./decodeRevert.ts";

/**
 * What an RPC failure of a send means for the intent. The table of docs/l1.md ("Errors") says what the TxSender
 * does with each kind:
 * - alreadyKnown: the node has this exact transaction already; it counts as sent.
 * - nonceTooLow: the nonce was used by a mined transaction: look for our receipt, else take a new nonce.
 * - replacementUnderpriced: a transaction with this nonce is pending at fees too close to ours: bump again.
 * - feeTooLow: the max fee is under the next block's base fee (or the node's floor): bump again.
 * - insufficientFunds: the key cannot pay gas * max fee + value: retry later, alert the operator.
 * - reverted: the call reverts (at estimation or on chain): a decoded custom error, never retried as is.
 * - unavailable: no answer (connection refused, timeout, 5xx): retry with back-off, nothing was learned.
 * - unknown: anything else: retry with back-off and log it whole.
 */
export type RpcErrorKind =
  | "alreadyKnown"
  | "nonceTooLow"
  | "replacementUnderpriced"
  | "feeTooLow"
  | "insufficientFunds"
  | "reverted"
  | "unavailable"
  | "unknown";

/** Lower-cased messages of the error and its causes, so a node's text is found however deep viem wraps it. */
function messagesOf(error: unknown): string {
  const parts: string[] = [];
  let e: unknown = error;
  for (let i = 0; i < 10 && e; i++) {
    const o = e as {
      name?: unknown;
      message?: unknown;
      details?: unknown;
      shortMessage?: unknown;
      code?: unknown;
    };
    for (const v of [o.name, o.shortMessage, o.details, o.message, o.code]) {
      if (typeof v === "string") parts.push(v);
    }
    e = (e as { cause?: unknown }).cause;
  }
  return parts.join(" | ").toLowerCase();
}

/** The kind of a failed RPC call (pure: it reads only the error). Order matters: the most specific test first. */
export function classifyRpcError(error: unknown): RpcErrorKind {
  const m = messagesOf(error);
  if (/already known|known transaction|alreadyknown/.test(m)) return "alreadyKnown";
  if (/nonce too low|noncetoolow|nonce has already been used/.test(m)) return "nonceTooLow";
  if (/replacement transaction underpriced|replacement.*underpriced|replacementunderpriced/.test(m)) {
    return "replacementUnderpriced";
  }
  if (/insufficient funds|enough funds|insufficientfunds/.test(m)) return "insufficientFunds";
  if (
    /max fee per gas less than block base fee|too low for the next block|transaction underpriced|fee cap less than|feecaptoolow/.test(
      m,
    )
  ) {
    return "feeTooLow";
  }
  if (
    revertDataOf(error) ||
    /execution reverted|transaction reverted|reverted with|contractfunctionrevertederror/.test(m)
  ) {
    return "reverted";
  }
  if (
    /econnrefused|econnreset|etimedout|socket hang up|fetch failed|timeouterror|took too long|httprequesterror|http request failed|status: 5\d\d|network error/.test(
      m,
    )
  ) {
    return "unavailable";
  }
  if (error instanceof BaseError && error.name === "HttpRequestError") return "unavailable";
  return "unknown";
}
