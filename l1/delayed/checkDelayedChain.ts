import { bytesToHex, type Hash, type Hex, hexToBytes } from "viem";
import { delayedAccumulate, transactionHash } from "../../protocol/index.ts";

/** A delayed message as the bridge queued it (Bridge.MessageQueued). */
export interface DelayedMessage {
  readonly index: bigint;
  /** The engine transaction type (its first byte): DEPOSIT, or a user's WITHDRAW or CANCEL_ALL. */
  readonly kind: number;
  readonly sender: `0x${string}`;
  /** The accumulator after it. */
  readonly accumulator: Hash;
  /** L1 time it was queued, seconds (forced inclusion is allowed forceInclusionDelay after it). */
  readonly queuedAt: bigint;
  readonly transaction: Hex;
  readonly l1Block: bigint;
}

/** Where the follower stands: the next index it expects and the accumulator after the messages before it. */
export interface DelayedChainHead {
  readonly next: bigint;
  readonly accumulator: Hash;
}

/**
 * Checks that `messages` continue the chain at `head` (pure): consecutive indexes from head.next, and each
 * accumulator equal to keccak(0x07 || previous || queuedAt || transaction hash), as Bridge._queue computes it. An
 * RPC that skips, repeats or alters a message is caught here, before the sequencer executes anything.
 */
export function checkDelayedChain(
  head: DelayedChainHead,
  messages: readonly DelayedMessage[],
): { ok: true; head: DelayedChainHead } | { ok: false; index: bigint; reason: "gap" | "accumulator" } {
  let { next, accumulator } = head;
  for (const m of messages) {
    if (m.index !== next) return { ok: false, index: m.index, reason: "gap" };
    const acc = bytesToHex(
      delayedAccumulate(
        hexToBytes(accumulator),
        Number(m.queuedAt),
        transactionHash(hexToBytes(m.transaction)),
      ),
    );
    if (acc !== m.accumulator) return { ok: false, index: m.index, reason: "accumulator" };
    next = m.index + 1n;
    accumulator = acc;
  }
  return { ok: true, head: { next, accumulator } };
}

/** Seconds the oldest message the inbox has not consumed has waited (0 when none waits), for the backlog metric. */
export function oldestUnconsumedAge(
  queuedAtByIndex: ReadonlyMap<bigint, bigint>,
  delayedConsumed: bigint,
  now: bigint,
): bigint {
  const t = queuedAtByIndex.get(delayedConsumed);
  return t === undefined || now < t ? 0n : now - t;
}
