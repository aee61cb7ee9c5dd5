import { Domain } from "../domain.ts";
import { hashFields, hexBytes } from "./tagged.ts";

/** What an assertion claims (docs/protocol.md, "Assertions"); counts are u64 as numbers. */
export interface AssertionData {
  parent: Uint8Array;
  stateRoot: Uint8Array;
  outboxRoot: Uint8Array;
  /** Batches covered after it (it covers parent.batchEnd .. batchEnd - 1). */
  batchEnd: number;
  /** Transactions executed after it, from genesis. */
  txEnd: number;
  /** Delayed messages consumed after it. */
  delayedEnd: number;
}

/**
 * keccak(0x08 || parent || stateRoot || outboxRoot || batchEnd || txEnd || delayedEnd || proposer (20)): the
 * assertion's id (genesis: proposer zero). The proposer is part of it so that nobody can take the id of another
 * proposer's claim by copying it first.
 */
export function assertionHash(a: AssertionData, proposer: `0x${string}`): Uint8Array {
  return hashFields(
    Domain.ASSERTION,
    a.parent,
    a.stateRoot,
    a.outboxRoot,
    { u64: a.batchEnd },
    { u64: a.txEnd },
    { u64: a.delayedEnd },
    hexBytes(proposer),
  );
}
