import type { Hash } from "viem";
import type { IntentProgress } from "./intent.ts";

/** What the TxSender saw on L1 for one intent, in one poll. */
export interface IntentObservation {
  /** ms since the epoch. */
  readonly now: number;
  /** The latest block number. */
  readonly head: bigint;
  /** The signer's transaction count at the latest block (the next nonce L1 would accept as mined). */
  readonly minedNonce: number;
  /** A receipt of one of the intent's attempts on the node's canonical chain, if any. */
  readonly receipt: {
    readonly hash: Hash;
    readonly blockNumber: bigint;
    readonly status: "success" | "reverted";
  } | null;
  /** Whether the node still holds one of the intent's attempts unmined. */
  readonly pooled: boolean;
  /** The intent's alreadyDone check; asked only when the intent holds no unmined nonce (else undefined). */
  readonly alreadyDone?: boolean;
}

export type IntentAction =
  /** Ask alreadyDone before deciding (the intent holds no nonce). */
  | { readonly do: "checkDone" }
  /** L1 already has what the intent would do: finish without sending. */
  | { readonly do: "finishAlreadyDone" }
  /** Take the next nonce and send a first transaction. */
  | { readonly do: "send" }
  /** The node lost the pending transaction (a reorg, an eviction, a node restart): send it again, same nonce and fees. */
  | { readonly do: "rebroadcast" }
  /** It waited bumpAfterMs unmined: replace it with higher fees, same nonce. */
  | { readonly do: "bump" }
  /** The nonce was used by a transaction that is not one of ours: give it up, check alreadyDone, take a new one. */
  | { readonly do: "releaseNonce" }
  /** Mined; wait until it is `confirmations` deep. */
  | { readonly do: "waitConfirmations"; readonly depth: bigint }
  /** Mined at the required depth. */
  | { readonly do: "finishConfirmed" }
  /** Mined and reverted at the required depth. */
  | { readonly do: "finishReverted" }
  /** Pending: wait (until `until` at most, then bump). */
  | { readonly do: "wait"; readonly until: number };

/**
 * The next step of an intent (pure; docs/l1.md, "Intent states"). The order of the tests is the policy:
 * a receipt wins; without a nonce, alreadyDone decides; with a nonce, L1's count tells whether it was used.
 */
export function nextIntentAction(
  progress: IntentProgress,
  obs: IntentObservation,
  config: { readonly confirmations: number; readonly bumpAfterMs: number },
): IntentAction {
  if (obs.receipt) {
    const depth = obs.head - obs.receipt.blockNumber + 1n;
    if (depth < BigInt(config.confirmations)) return { do: "waitConfirmations", depth };
    return obs.receipt.status === "success" ? { do: "finishConfirmed" } : { do: "finishReverted" };
  }
  if (progress.nonce === null) {
    if (obs.alreadyDone === undefined) return { do: "checkDone" };
    return obs.alreadyDone ? { do: "finishAlreadyDone" } : { do: "send" };
  }
  // The nonce is used on L1 but no attempt of ours has a receipt: another transaction took it.
  if (obs.minedNonce > progress.nonce) return { do: "releaseNonce" };
  if (!obs.pooled) return { do: "rebroadcast" };
  const last = progress.attempts.at(-1);
  const since = last ? last.sentAt : 0;
  if (obs.now - since >= config.bumpAfterMs) return { do: "bump" };
  return { do: "wait", until: since + config.bumpAfterMs };
}
