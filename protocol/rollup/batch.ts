import { Domain } from "../domain.ts";
import { keccak256 } from "../keccak.ts";
import { MalformedBatchError } from "./errors.ts";
import { depthFor, merkleProof, merkleRoot, rootFromProof } from "./merkle.ts";
import { hashFields } from "./tagged.ts";

/** Longest transaction a batch can carry: its length prefix is a u16. */
export const MAX_BATCH_TRANSACTION_BYTES = 0xffff;

/** A batch as the sequencer inbox records it (docs/protocol.md, "Batches"); counts are u64 as numbers. */
export interface BatchHeader {
  /** Root of the batch's transaction tree (sequencer transactions only; zero for none). */
  txRoot: Uint8Array;
  /** Sequencer transactions in the batch. */
  seqCount: number;
  /** Delayed messages consumed before the batch. */
  delayedBefore: number;
  /** Delayed messages consumed after the batch. */
  delayedAfter: number;
  /** Transactions of all earlier batches: the global index of the batch's first transaction. */
  txsBefore: number;
  /** The batch's (and its L2 block's) timestamp, seconds. */
  timestamp: number;
}

/** keccak(0x04 || transaction bytes): the inbox leaf and the machine's input hash. */
export function transactionHash(tx: Uint8Array): Uint8Array {
  const pre = new Uint8Array(tx.length + 1);
  pre[0] = Domain.TRANSACTION;
  pre.set(tx, 1);
  return keccak256(pre);
}

/** The calldata of a batch's transactions: each prefixed with its byte length as a big-endian u16. */
export function encodeBatch(txs: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const tx of txs) {
    if (tx.length > MAX_BATCH_TRANSACTION_BYTES)
      throw new MalformedBatchError(
        `transaction of ${tx.length} bytes, at most ${MAX_BATCH_TRANSACTION_BYTES}`,
      );
    length += 2 + tx.length;
  }
  const out = new Uint8Array(length);
  let at = 0;
  for (const tx of txs) {
    out[at] = tx.length >> 8;
    out[at + 1] = tx.length & 0xff;
    out.set(tx, at + 2);
    at += 2 + tx.length;
  }
  return out;
}

/** The transactions of batch calldata (the inverse of {@link encodeBatch}). */
export function decodeBatch(data: Uint8Array): Uint8Array[] {
  const txs: Uint8Array[] = [];
  let at = 0;
  while (at < data.length) {
    if (at + 2 > data.length) throw new MalformedBatchError("truncated length prefix", { offset: at });
    const len = (data[at] << 8) | data[at + 1];
    if (at + 2 + len > data.length) throw new MalformedBatchError("truncated transaction", { offset: at });
    txs.push(data.subarray(at + 2, at + 2 + len));
    at += 2 + len;
  }
  return txs;
}

/** The root of a batch's transaction tree: tag 0x05, depth ceil(log2 n), leaves the transaction hashes. */
export function batchTransactionRoot(txs: readonly Uint8Array[]): Uint8Array {
  return merkleRoot(Domain.BATCH_NODE, depthFor(txs.length), txs.map(transactionHash));
}

/** The proof that transaction `index` is in its batch: ceil(log2 n) siblings, leaf level first. */
export function batchTransactionProof(txs: readonly Uint8Array[], index: number): Uint8Array[] {
  return merkleProof(Domain.BATCH_NODE, depthFor(txs.length), txs.map(transactionHash), index);
}

/** Whether `tx` is transaction `index` of a batch of `count` sequencer transactions with root `root`. */
export function verifyBatchTransaction(
  root: Uint8Array,
  count: number,
  tx: Uint8Array,
  index: number,
  siblings: readonly Uint8Array[],
): boolean {
  if (index >= count || siblings.length !== depthFor(count)) return false;
  const got = rootFromProof(Domain.BATCH_NODE, transactionHash(tx), index, siblings);
  return got.every((b, i) => b === root[i]);
}

/** keccak(0x06 || txRoot || seqCount || delayedBefore || delayedAfter || txsBefore || timestamp), counts u64. */
export function batchHash(b: BatchHeader): Uint8Array {
  return hashFields(
    Domain.BATCH,
    b.txRoot,
    { u64: b.seqCount },
    { u64: b.delayedBefore },
    { u64: b.delayedAfter },
    { u64: b.txsBefore },
    { u64: b.timestamp },
  );
}
