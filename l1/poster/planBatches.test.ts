import { bytesToHex } from "viem";
import { expect, test } from "vitest";
import { batchHash, batchTransactionRoot, MAX_TRANSACTION_BYTES } from "../../protocol/index.ts";
import type { SealedBatch } from "./BatchSource.ts";
import { type InboxState, planBatches } from "./planBatches.ts";

const L1: InboxState = {
  batchCount: 3n,
  delayedConsumed: 2,
  totalTransactions: 10,
  lastTimestamp: 1_000,
  delayedQueued: 5,
};
const tx = (...b: number[]) => Uint8Array.from(b);
const batch = (number: bigint, txs: Uint8Array[], delayedAfter: number, timestamp = 1_000): SealedBatch => ({
  number,
  transactions: txs,
  timestamp,
  delayedAfter,
  postRoot: `0x${"00".repeat(32)}`,
});

test("planBatches_chainsHeadersAsTheInboxRecordsThem", () => {
  const plan = planBatches(L1, [batch(3n, [tx(1), tx(2, 3)], 4, 1_001), batch(4n, [tx(4)], 4, 1_002)]);
  expect(plan.ok).toBe(true);
  const [a, b] = plan.batches;
  expect(a.calldata).toBe("0x00010100020203");
  expect(a.header).toEqual({
    txRoot: batchTransactionRoot([tx(1), tx(2, 3)]),
    seqCount: 2,
    delayedBefore: 2,
    delayedAfter: 4,
    txsBefore: 10,
    timestamp: 1_001,
  });
  expect(a.batchHash).toBe(bytesToHex(batchHash(a.header)));
  // The next batch starts where this one ends: 10 + 2 sequencer + 2 delayed.
  expect(b.header).toMatchObject({ delayedBefore: 4, delayedAfter: 4, txsBefore: 14, seqCount: 1 });
  expect(b.number).toBe(4n);
});

test("planBatches_refusesBadBatches_andKeepsTheOnesBefore", () => {
  const ok = batch(3n, [tx(1)], 2);
  const cases: [SealedBatch, string][] = [
    [batch(5n, [tx(1)], 2), "outOfOrder"],
    [batch(4n, [new Uint8Array(MAX_TRANSACTION_BYTES + 1)], 2), "transactionTooLong"],
    [batch(4n, [], 2), "empty"],
    [batch(4n, [tx(1)], 1), "delayedBackwards"],
    [batch(4n, [tx(1)], 6), "delayedNotQueued"],
    [batch(4n, [tx(1)], 2, 999), "timestampBackwards"],
  ];
  for (const [bad, reason] of cases) {
    const plan = planBatches(L1, [ok, bad]);
    expect(plan.ok).toBe(false);
    if (plan.ok) continue;
    expect([reason, plan.refusal.reason]).toEqual([reason, reason]);
    expect(plan.number).toBe(4n);
    expect(plan.batches.map((b) => b.number)).toEqual([3n]);
  }
  // A batch of only delayed messages is not empty.
  expect(planBatches(L1, [batch(3n, [], 3)]).ok).toBe(true);
});
