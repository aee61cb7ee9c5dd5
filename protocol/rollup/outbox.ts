import { Domain } from "../domain.ts";
import { stateKey } from "../smt/hash.ts";
import { merkleProof, merkleRoot } from "./merkle.ts";
import { hashFields, hexBytes, uintWord } from "./tagged.ts";

/*
 * Claims do not use the withdrawal tree below: Outbox.claim reads the engine's own outbox entries from the
 * confirmed state root (engineKeys.outbox(i), docs/protocol.md "Outbox"). The tree and OUTBOX_ROOT_KEY remain
 * because the assertion format still carries an outboxRoot (the value at that key, ZERO with the engine).
 */

/** Depth of the withdrawal tree: 2^32 withdrawals over the chain's life. */
export const OUTBOX_TREE_DEPTH = 32;

/** The logical state key whose value is the outbox root (the tree key is stateKey of it). */
export const OUTBOX_ROOT_LOGICAL_KEY = new TextEncoder().encode("optio/outbox-root");

/** The state-tree key of the outbox root: keccak(0x03 || "optio/outbox-root"). */
export const OUTBOX_ROOT_KEY: Uint8Array = stateKey(OUTBOX_ROOT_LOGICAL_KEY);

/** One L2 withdrawal: `amount` (token units, 6 decimals on the devnet) paid to L1 address `recipient`. */
export interface Withdrawal {
  recipient: `0x${string}`;
  amount: bigint;
}

/** An outbox leaf: keccak(0x09 || recipient (20) || amount (32)). */
export function withdrawalLeaf(w: Withdrawal): Uint8Array {
  return hashFields(Domain.WITHDRAWAL, hexBytes(w.recipient), uintWord(w.amount));
}

/** The outbox root over every withdrawal so far, in order (tag 0x0a, depth 32; zero for none). */
export function outboxRoot(withdrawals: readonly Withdrawal[]): Uint8Array {
  return merkleRoot(Domain.OUTBOX_NODE, OUTBOX_TREE_DEPTH, withdrawals.map(withdrawalLeaf));
}

/** The proof of withdrawal `index`: 32 siblings, leaf level first. */
export function outboxProof(withdrawals: readonly Withdrawal[], index: number): Uint8Array[] {
  return merkleProof(Domain.OUTBOX_NODE, OUTBOX_TREE_DEPTH, withdrawals.map(withdrawalLeaf), index);
}
