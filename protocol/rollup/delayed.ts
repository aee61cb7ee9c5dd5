import { Domain } from "../domain.ts";
import { encodeDeposit } from "../engine/encodeTx.ts";
import { transactionHash } from "./batch.ts";
import { hashFields } from "./tagged.ts";

/**
 * The L2 transaction of a bridge deposit: the engine's DEPOSIT, 0x02 || recipient (20) || subaccount (1) ||
 * amount received (u64) (docs/protocol.md, "Delayed inbox"). Any other delayed message is an engine transaction
 * queued as is by `Bridge.sendTransaction`.
 */
export function depositMessage(recipient: `0x${string}`, subaccount: number, amount: bigint): Uint8Array {
  return encodeDeposit(recipient, subaccount, amount);
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
