import { bytesToHex, type Hash, hexToBytes } from "viem";
import { transactionHash } from "../../protocol/index.ts";
import type { DelayedMessage } from "./checkDelayedChain.ts";

/**
 * What `SequencerInbox.forceInclusion` can do now, or why not:
 * - `include`: call `forceInclusion(delayedAfter, lastQueuedAt, lastTxHash)`; it consumes `count` messages, every
 *   one queued at least `forceInclusionDelay` ago (one call covers them all: the inbox consumes in order, so the
 *   newest old-enough message carries the older ones). `later` messages are younger; the next of them may be
 *   forced from `nextAllowedAt`.
 * - `notYet`: the oldest waiting message (`index`) may be forced from `allowedAt` (L1 seconds).
 * - `nothing`: the inbox consumed every queued message.
 * - `noGenesis`: the sequencer never posted batch 0 (GENESIS); L1 refuses forced batches before it (NoGenesisBatch).
 */
export type ForceInclusionPlan =
  | {
      readonly kind: "include";
      readonly delayedAfter: bigint;
      readonly lastQueuedAt: bigint;
      readonly lastTxHash: Hash;
      readonly count: bigint;
      readonly later: bigint;
      readonly nextAllowedAt: bigint | null;
    }
  | { readonly kind: "notYet"; readonly index: bigint; readonly allowedAt: bigint }
  | { readonly kind: "nothing" }
  | { readonly kind: "noGenesis" };

/**
 * The forceInclusion arguments for the messages waiting in the delayed inbox (pure). `waiting` are the messages from
 * index `delayedConsumed` on, consecutive and in order (checked against the bridge's accumulator with
 * checkDelayedChain before they come here); `now` is L1's latest block time: the call lands in a later block, whose
 * time is at least that, so what is allowed now is allowed then (SequencerInbox: `block.timestamp >= queuedAt +
 * forceInclusionDelay`).
 */
export function planForceInclusion(input: {
  readonly batchCount: bigint;
  readonly delayedConsumed: bigint;
  readonly waiting: readonly Pick<DelayedMessage, "index" | "queuedAt" | "transaction">[];
  readonly forceInclusionDelay: bigint;
  readonly now: bigint;
}): ForceInclusionPlan {
  const { batchCount, delayedConsumed, waiting, forceInclusionDelay, now } = input;
  waiting.forEach((m, i) => {
    if (m.index !== delayedConsumed + BigInt(i))
      throw new RangeError(
        `planForceInclusion: expected message ${delayedConsumed + BigInt(i)} at position ${i}, got ${m.index}`,
      );
  });
  if (waiting.length === 0) return { kind: "nothing" };
  if (batchCount === 0n) return { kind: "noGenesis" };
  // queuedAt never decreases along the queue (block time), so the old-enough messages are a prefix.
  let n = 0;
  while (n < waiting.length && waiting[n].queuedAt + forceInclusionDelay <= now) n++;
  if (n === 0)
    return { kind: "notYet", index: waiting[0].index, allowedAt: waiting[0].queuedAt + forceInclusionDelay };
  const last = waiting[n - 1];
  const next = waiting[n];
  return {
    kind: "include",
    delayedAfter: last.index + 1n,
    lastQueuedAt: last.queuedAt,
    lastTxHash: bytesToHex(transactionHash(hexToBytes(last.transaction))),
    count: BigInt(n),
    later: BigInt(waiting.length - n),
    nextAllowedAt: next === undefined ? null : next.queuedAt + forceInclusionDelay,
  };
}
