/**
 * The sequencer's defaults (docs/sequencer.md), each with its unit. Operators change them with
 * flags, OPTIO_* variables or a config file (sequencer/settings.ts).
 */

/** Seal the open batch this long after its first transaction (ms). */
export const BATCH_TIME_MS = 1_000;
/**
 * Seal before a batch's calldata (u16 length prefix + bytes per transaction, protocol/rollup
 * encodeBatch) would pass this (bytes): under the 128 KiB transaction size most L1 nodes relay
 * (geth's txMaxSize), with room for the postBatch call's other arguments.
 */
export const MAX_BATCH_BYTES = 120_000;
/** Seal at this many transactions: bounds a batch's inbox Merkle tree and its per-transaction roots. */
export const MAX_BATCH_TXS = 4_096;
/** Transactions accepted and not yet acknowledged, at most (then OVERLOADED). */
export const MAX_PENDING = 50_000;
/** Committed state roots kept readable and provable: a week of 1 s batches covers the public challenge period. */
export const KEEP_ROOTS = 7 * 24 * 3600;
