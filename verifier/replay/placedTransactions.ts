import { hexToBytes } from "viem";
import { Origin } from "../../protocol/index.ts";
import type { PlacedTransaction } from "../../prover/index.ts";
import type { BatchRecord, DelayedRecord } from "../records.ts";

/**
 * A batch's transactions as L1 placed them, in the order the machine runs them (docs/protocol.md, "Batches"):
 * the delayed messages it consumes first (origin DELAYED), then its sequencer transactions.
 */
export function placedTransactions(
  batch: BatchRecord,
  delayed: readonly DelayedRecord[],
): PlacedTransaction[] {
  const header = { ...batch.header, txRoot: hexToBytes(batch.header.txRoot) };
  const seq = (batch.txs ?? []).map((t) => hexToBytes(t));
  return [
    ...delayed.map((d) => ({
      bytes: hexToBytes(d.transaction),
      batchNumber: batch.number,
      header,
      origin: Origin.DELAYED,
      queuedAt: d.queuedAt,
    })),
    ...seq.map((bytes, i) => ({
      bytes,
      batchNumber: batch.number,
      header,
      origin: Origin.SEQUENCER,
      seqIndex: i,
      batchTxs: seq,
    })),
  ];
}
