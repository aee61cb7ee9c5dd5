import { Domain } from "../domain.ts";
import { keccak256 } from "../keccak.ts";
import { MalformedBatchError, MalformedMerkleProofError } from "./errors.ts";
import { hashFields } from "./tagged.ts";

/**
 * Longest transaction either inbox accepts: the machine's MAX_INPUT_BYTES (vm/params.ts; protocol/ does not import
 * vm/, test/rollup/params.test.ts keeps the two equal). A longer input is not a transaction (no runner executes
 * it), so L1 refuses it (SequencerInbox: TransactionTooLong; Bridge.sendTransaction: TransactionTooLong).
 */
export const MAX_TRANSACTION_BYTES = 4_096;

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
    if (tx.length > MAX_TRANSACTION_BYTES)
      throw new MalformedBatchError(`transaction of ${tx.length} bytes, at most ${MAX_TRANSACTION_BYTES}`);
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
    if (len > MAX_TRANSACTION_BYTES)
      throw new MalformedBatchError("transaction too long", { offset: at, len });
    txs.push(data.subarray(at + 2, at + 2 + len));
    at += 2 + len;
  }
  return txs;
}

/** Depth of a batch's transaction tree over `n` leaves: ceil(log4 n), 0 for n <= 1. */
export function batchTreeDepth(n: number): number {
  let d = 0;
  while (4 ** d < n) d++;
  return d;
}

function node(children: readonly Uint8Array[]): Uint8Array {
  const pre = new Uint8Array(129);
  pre[0] = Domain.BATCH_NODE;
  children.forEach((c, i) => {
    pre.set(c, 1 + 32 * i);
  });
  return keccak256(pre);
}

/**
 * The levels of a batch's 4-ary transaction tree (docs/protocol.md,
 * "Batches"): node = keccak(0x05 || c0 || c1 || c2 || c3), padded with zero
 * subtrees Z_{k+1} = keccak(0x05 || Z_k x 4), Z_0 = 32 zero bytes. Also
 * returns each level's zero subtree.
 */
function levels(txs: readonly Uint8Array[]): { levels: Uint8Array[][]; zeros: Uint8Array[] } {
  const depth = batchTreeDepth(txs.length);
  const out: Uint8Array[][] = [txs.map(transactionHash)];
  const zeros: Uint8Array[] = [new Uint8Array(32)];
  for (let k = 0; k < depth; k++) {
    const below = out[k];
    const z = zeros[k];
    const up: Uint8Array[] = [];
    for (let j = 0; j < below.length; j += 4) up.push(node([0, 1, 2, 3].map((c) => below[j + c] ?? z)));
    out.push(up);
    zeros.push(node([z, z, z, z]));
  }
  return { levels: out, zeros };
}

/** The root of a batch's transaction tree (zero for no transactions). */
export function batchTransactionRoot(txs: readonly Uint8Array[]): Uint8Array {
  if (txs.length === 0) return new Uint8Array(32);
  const { levels: l } = levels(txs);
  return l[l.length - 1][0];
}

/** The proof that transaction `index` is in its batch: 3 siblings per level, leaf level first, in child order. */
export function batchTransactionProof(txs: readonly Uint8Array[], index: number): Uint8Array[] {
  if (index < 0 || index >= txs.length)
    throw new MalformedMerkleProofError(`transaction index ${index} outside 0..${txs.length - 1}`);
  const { levels: l, zeros } = levels(txs);
  const siblings: Uint8Array[] = [];
  for (let k = 0, i = index; k + 1 < l.length; k++, i = Math.floor(i / 4)) {
    const group = i - (i % 4);
    for (let c = 0; c < 4; c++) if (group + c !== i) siblings.push(l[k][group + c] ?? zeros[k]);
  }
  return siblings;
}

/** The root transaction hash `leaf` at `index` leads to with `siblings` (3 per level). */
export function batchRootFromProof(
  leaf: Uint8Array,
  index: number,
  siblings: readonly Uint8Array[],
): Uint8Array {
  let h = leaf;
  for (let k = 0, i = index; 3 * k < siblings.length; k++, i = Math.floor(i / 4)) {
    const s = siblings.slice(3 * k, 3 * k + 3);
    const digit = i % 4;
    h = node([...s.slice(0, digit), h, ...s.slice(digit)]);
  }
  return h;
}

/** Whether `tx` is transaction `index` of a batch of `count` sequencer transactions with root `root`. */
export function verifyBatchTransaction(
  root: Uint8Array,
  count: number,
  tx: Uint8Array,
  index: number,
  siblings: readonly Uint8Array[],
): boolean {
  if (index >= count || siblings.length !== 3 * batchTreeDepth(count)) return false;
  const got = batchRootFromProof(transactionHash(tx), index, siblings);
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
