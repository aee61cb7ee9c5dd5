import { Domain } from "../domain.ts";
import { transactionHash } from "./batch.ts";
import { hashFields, hexBytes, uintWord } from "./tagged.ts";

/** Kinds of delayed messages: the first byte of their transaction (docs/protocol.md, "Delayed inbox"). */
export const DelayedKind = {
  /** 0x01 || sender (20) || L2 recipient (20) || amount received (32). */
  DEPOSIT: 0x01,
  /** 0x02 || sender (20) || L1 recipient (20) || amount (32). */
  WITHDRAWAL_REQUEST: 0x02,
  /** 0x03 || sender (20). */
  CANCEL_ALL: 0x03,
} as const;

function address(a: `0x${string}`): Uint8Array {
  return hexBytes(a);
}

/** The L2 transaction of a deposit. */
export function depositMessage(sender: `0x${string}`, recipient: `0x${string}`, amount: bigint): Uint8Array {
  return Uint8Array.from([
    DelayedKind.DEPOSIT,
    ...address(sender),
    ...address(recipient),
    ...uintWord(amount),
  ]);
}

/** The L2 transaction of a withdrawal request made on L1. */
export function withdrawalRequestMessage(
  sender: `0x${string}`,
  recipient: `0x${string}`,
  amount: bigint,
): Uint8Array {
  return Uint8Array.from([
    DelayedKind.WITHDRAWAL_REQUEST,
    ...address(sender),
    ...address(recipient),
    ...uintWord(amount),
  ]);
}

/** The L2 transaction of a cancel-all made on L1. */
export function cancelAllMessage(sender: `0x${string}`): Uint8Array {
  return Uint8Array.from([DelayedKind.CANCEL_ALL, ...address(sender)]);
}

/** One link of the delayed-inbox accumulator: keccak(0x07 || previous || queuedAt (u64) || transaction hash). */
export function delayedAccumulate(previous: Uint8Array, queuedAt: number, txHash: Uint8Array): Uint8Array {
  return hashFields(Domain.DELAYED, previous, { u64: queuedAt }, txHash);
}

/** The accumulator after `messages` (each with its queue time), from zero. */
export function delayedAccumulator(messages: readonly { tx: Uint8Array; queuedAt: number }[]): Uint8Array {
  let acc: Uint8Array = new Uint8Array(32);
  for (const m of messages) acc = delayedAccumulate(acc, m.queuedAt, transactionHash(m.tx));
  return acc;
}
