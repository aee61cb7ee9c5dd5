/** The limits a batch is sealed at (sequencer/params.ts has the defaults). */
export interface SealLimits {
  /** ms after the batch's first transaction. */
  readonly batchTimeMs: number;
  /** Calldata bytes: 2 (length prefix) + the transaction's bytes, summed. */
  readonly maxBatchBytes: number;
  readonly maxBatchTxs: number;
}

/** What is in the open batch. */
export interface OpenBatchSize {
  readonly txCount: number;
  readonly bytes: number;
  /** ms timestamp of its first transaction. */
  readonly openedAtMs: number;
}

/** A transaction's share of a batch's calldata (protocol/rollup encodeBatch: u16 length || bytes). */
export function calldataBytes(tx: Uint8Array): number {
  return 2 + tx.length;
}

/** Whether the open batch must be sealed before a transaction of `nextBytes` calldata bytes joins it. */
export function sealBefore(batch: OpenBatchSize, nextBytes: number, limits: SealLimits): boolean {
  if (batch.txCount === 0) return false;
  return batch.txCount >= limits.maxBatchTxs || batch.bytes + nextBytes > limits.maxBatchBytes;
}
