// Shared vectors: every rollup hash and Merkle tree computed by protocol/rollup/ (TypeScript) must be what the
// Solidity libraries compute (contracts/rollup/RollupHashes.sol, BatchMerkle.sol), on random inputs.
import { randomBytes } from "node:crypto";
import { expect, test } from "vitest";
import {
  assertionHash,
  batchContext,
  batchHash,
  batchTransactionProof,
  batchTransactionRoot,
  bisectionCommitment,
  Domain,
  decodeBatch,
  delayedAccumulate,
  encodeBatch,
  MalformedBatchError,
  machineHashOf,
  outboxProof,
  outboxRoot,
  rootFromProof,
  transactionHash,
  verifyBatchTransaction,
  type Withdrawal,
  withdrawalLeaf,
} from "../../protocol/index.ts";
import { assertionArg, type Contract, createChain, headerArg, hex, openingArg, reverts } from "./fixture.ts";

const chain = await createChain();
const harness = (await chain.viem.deployContract("RollupHashesHarness" as never)) as unknown as Contract;
const rand = (n: number) => new Uint8Array(randomBytes(n));
const u64 = () => Math.floor(Math.random() * 2 ** 40);

test("batchRoot_matchesTypeScriptForEverySize_succeeds", async () => {
  for (const n of [0, 1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 33, 100]) {
    const txs = Array.from({ length: n }, () => rand(1 + Math.floor(Math.random() * 120)));
    const data = encodeBatch(txs);
    expect(decodeBatch(data).map(hex)).toEqual(txs.map(hex));
    const [root, count] = await harness.read.batchRoot([hex(data)]);
    expect(count).toBe(BigInt(n));
    expect(root).toBe(hex(batchTransactionRoot(txs)));
    for (const i of n === 0 ? [] : [0, n - 1, n >> 1]) {
      const siblings = batchTransactionProof(txs, i);
      expect(verifyBatchTransaction(batchTransactionRoot(txs), n, txs[i], i, siblings)).toBe(true);
      const ok = await harness.read.verifyTransaction([
        root,
        BigInt(n),
        hex(transactionHash(txs[i])),
        BigInt(i),
        siblings.map(hex),
      ]);
      expect(ok).toBe(true);
      if (n > 1) {
        const wrong = await harness.read.verifyTransaction([
          root,
          BigInt(n),
          hex(transactionHash(rand(10))),
          BigInt(i),
          siblings.map(hex),
        ]);
        expect(wrong).toBe(false);
      }
    }
  }
});

test("batchRoot_truncatedData_reverts", async () => {
  const data = encodeBatch([rand(10), rand(20)]);
  await reverts(harness.read.batchRoot([hex(data.subarray(0, data.length - 1))]), "TruncatedBatch");
  await reverts(harness.read.batchRoot([hex(data.subarray(0, 13))]), "TruncatedBatch");
  expect(() => decodeBatch(data.subarray(0, data.length - 1))).toThrow(MalformedBatchError);
});

test("rollupHashes_matchTypeScript_succeeds", async () => {
  for (let i = 0; i < 5; i++) {
    const header = {
      txRoot: rand(32),
      seqCount: u64(),
      delayedBefore: u64(),
      delayedAfter: u64(),
      txsBefore: u64(),
      timestamp: u64(),
    };
    expect(await harness.read.batchHash([headerArg(header)])).toBe(hex(batchHash(header)));
    const [prev, h, t] = [rand(32), rand(32), u64()];
    expect(await harness.read.delayedAccumulate([hex(prev), BigInt(t), hex(h)])).toBe(
      hex(delayedAccumulate(prev, t, h)),
    );
    const a = {
      parent: rand(32),
      stateRoot: rand(32),
      outboxRoot: rand(32),
      batchEnd: u64(),
      txEnd: u64(),
      delayedEnd: u64(),
    };
    const proposer = hex(rand(20));
    expect(await harness.read.assertionHash([assertionArg(a), proposer])).toBe(
      hex(assertionHash(a, proposer)),
    );
    const values = Array.from({ length: 1 + (i % 4) * 5 }, () => rand(32));
    const [lo, hi] = [u64(), u64()];
    expect(await harness.read.bisectionCommitment([BigInt(lo), BigInt(hi), values.map(hex)])).toBe(
      hex(bisectionCommitment(lo, hi, values)),
    );
    const [ts, block, origin] = [u64(), u64(), i % 2];
    expect(await harness.read.batchContext([BigInt(ts), BigInt(block), BigInt(origin)])).toBe(
      hex(batchContext(ts, block, origin)),
    );
    const opening = {
      statusWord: rand(32),
      valueStackHash: rand(32),
      frameStackHash: rand(32),
      globalsRoot: rand(32),
      memoryRoot: rand(32),
      codeRoot: rand(32),
      tableRoot: rand(32),
      stateRoot: rand(32),
      inputHash: rand(32),
      batchContext: rand(32),
      gasWord: rand(32),
    };
    expect(await harness.read.machineHash([openingArg(opening)])).toBe(hex(machineHashOf(opening)));
    const tx = rand(50 + i);
    expect(await harness.read.transactionHash([hex(tx)])).toBe(hex(transactionHash(tx)));
  }
});

test("outboxTree_proofsMatchSolidity_succeeds", async () => {
  const withdrawals: Withdrawal[] = Array.from({ length: 13 }, () => ({
    recipient: hex(rand(20)),
    amount: BigInt(Math.floor(Math.random() * 1e12)),
  }));
  const root = outboxRoot(withdrawals);
  for (const i of [0, 5, 12]) {
    const leaf = withdrawalLeaf(withdrawals[i]);
    expect(await harness.read.withdrawalLeaf([withdrawals[i].recipient, withdrawals[i].amount])).toBe(
      hex(leaf),
    );
    const siblings = outboxProof(withdrawals, i);
    expect(siblings.length).toBe(32);
    expect(hex(rootFromProof(Domain.OUTBOX_NODE, leaf, i, siblings))).toBe(hex(root));
    expect(
      await harness.read.rootFromProof([Domain.OUTBOX_NODE, hex(leaf), BigInt(i), siblings.map(hex)]),
    ).toBe(hex(root));
  }
});
