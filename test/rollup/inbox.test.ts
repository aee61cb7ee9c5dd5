// The sequencer inbox and the bridge's delayed inbox: who may post, what is recorded, deposits and L1 requests,
// in-order consumption, forced inclusion after the delay (and not before), and a token that re-enters.
import { type Abi, decodeEventLog, encodeFunctionData } from "viem";
import { expect, test } from "vitest";
import {
  batchHash,
  DEVNET_PARAMS,
  decodeBatch,
  delayedAccumulator,
  depositMessage,
  encodeBatch,
  MAX_TRANSACTION_BYTES,
  MalformedBatchError,
  transactionHash,
} from "../../protocol/index.ts";
import { createChain, deployRollup, hex, reverts } from "./fixture.ts";

const chain = await createChain();
const params = DEVNET_PARAMS;
const { accounts } = chain;
const tx = (i: number) => Uint8Array.from({ length: 30 + (i % 7) }, (_, j) => (i * 31 + j) & 0xff);

test("inbox_postBatch_onlySequencer_reverts", async () => {
  const r = await deployRollup(chain, { params });
  const now = BigInt(await r.now());
  await reverts(
    r.send(r.inbox, "postBatch", [hex(encodeBatch([tx(1)])), now, 0n], accounts.other),
    "NotSequencer",
  );
  await reverts(
    r.send(r.inbox, "postBatch", [hex(encodeBatch([tx(1)])), now, 0n], accounts.proposer),
    "NotSequencer",
  );
  expect(await r.inbox.read.batchCount()).toBe(0n);
});

test("inbox_postBatch_recordsCommitmentAndEvent_succeeds", async () => {
  const r = await deployRollup(chain, { params });
  const txs = Array.from({ length: 37 }, (_, i) => tx(i));
  const { header, receipt } = await r.postBatch(txs);
  expect(await r.inbox.read.batchHashes([0n])).toBe(hex(batchHash(header)));
  const log = decodeEventLog({
    abi: (r.inbox as unknown as { abi: never }).abi,
    ...receipt.logs[0],
  }) as unknown as {
    eventName: string;
    args: {
      number: bigint;
      batchHash: string;
      header: { txRoot: string; seqCount: bigint };
      forced: boolean;
    };
  };
  expect(log.eventName).toBe("BatchPosted");
  expect(log.args.header.txRoot).toBe(hex(header.txRoot));
  expect(log.args.header.seqCount).toBe(37n);
  expect(log.args.forced).toBe(false);
  await r.postBatch([tx(99)]);
  expect(await r.inbox.read.totalTransactions()).toBe(38n);
  // Malformed data, nothing at all, timestamps out of bounds.
  const now = await r.now();
  const data = hex(encodeBatch([tx(1)]));
  await reverts(r.send(r.inbox, "postBatch", [data.slice(0, -2), BigInt(now), 0n]), "TruncatedBatch");
  await reverts(r.send(r.inbox, "postBatch", ["0x", BigInt(now), 0n]), "EmptyBatch");
  await reverts(r.send(r.inbox, "postBatch", [data, BigInt(now + 60), 0n]), "BadTimestamp");
  await reverts(
    r.send(r.inbox, "postBatch", [data, BigInt(now - params.maxTimestampDrift - 5), 0n]),
    "BadTimestamp",
  );
  await reverts(r.send(r.inbox, "postBatch", [data, BigInt(header.timestamp - 1), 0n]), "BadTimestamp");
  expect(await r.inbox.read.batchCount()).toBe(2n);
});

test("bridge_depositsAndRequests_queueAccumulatedMessages_succeeds", async () => {
  const r = await deployRollup(chain, { params });
  await r.start(); // one transaction, no delayed message
  await r.send(r.token, "mint", [accounts.user, 5_000_000n]);
  await r.send(r.token, "approve", [r.bridge.address, 5_000_000n], accounts.user);
  expect(await r.token.read.decimals()).toBe(6);
  const queued: { tx: Uint8Array; queuedAt: number }[] = [];
  const at = async (receipt: { blockNumber: bigint }) =>
    Number((await chain.publicClient.getBlock({ blockNumber: receipt.blockNumber })).timestamp);
  let receipt = await r.send(r.bridge, "deposit", [1_500_000n, accounts.other, 0], accounts.user);
  queued.push({ tx: depositMessage(accounts.other, 0, 1_500_000n), queuedAt: await at(receipt) });
  // A user's own engine transaction (here a stand-in for a signed CANCEL_ALL, type 0x42), queued as is.
  const userTx = Uint8Array.from([0x42, ...tx(5)]);
  receipt = await r.send(r.bridge, "sendTransaction", [hex(userTx)], accounts.user);
  queued.push({ tx: userTx, queuedAt: await at(receipt) });
  receipt = await r.send(r.bridge, "deposit", [200_000n, accounts.user, 7], accounts.user);
  queued.push({ tx: depositMessage(accounts.user, 7, 200_000n), queuedAt: await at(receipt) });
  expect(await r.bridge.read.messageCount()).toBe(3n);
  expect(await r.bridge.read.accumulatorAt([3n])).toBe(hex(delayedAccumulator(queued)));
  expect(await r.token.read.balanceOf([r.bridge.address])).toBe(1_700_000n);
  expect(await r.token.read.balanceOf([accounts.user])).toBe(3_300_000n);
  await reverts(r.send(r.bridge, "deposit", [0n, accounts.user, 0], accounts.user), "ZeroAmount");
  await reverts(r.send(r.bridge, "deposit", [9_000_000n, accounts.user, 0], accounts.user), "TransferFailed");
  await reverts(r.send(r.bridge, "release", [accounts.user, 1n], accounts.user), "NotOutbox");

  // The sequencer consumes them in order, never past what was queued, never twice.
  const now = BigInt(await r.now());
  await reverts(r.send(r.inbox, "postBatch", ["0x", now, 4n]), "BadDelayedCount");
  await r.postBatch([tx(1)], 2);
  expect(await r.inbox.read.delayedConsumed()).toBe(2n);
  await reverts(
    r.send(r.inbox, "postBatch", [hex(encodeBatch([tx(2)])), BigInt(await r.now()), 1n]),
    "BadDelayedCount",
  );
  await r.postBatch([], 3);
  expect(await r.inbox.read.totalTransactions()).toBe(5n);
});

test("inbox_forceInclusion_onlyAfterDelay_succeeds", async () => {
  const r = await deployRollup(chain, { params });
  await r.send(r.token, "mint", [accounts.user, 5_000_000n]);
  await r.send(r.token, "approve", [r.bridge.address, 5_000_000n], accounts.user);
  // Forced inclusion waits for the sequencer's first batch (GENESIS), so deposits wait for it too: one queued
  // before it could never be forced in if the sequencer never started (problem 4, test in genesis.test.ts).
  const genesis = await r.start();
  const messages: { tx: Uint8Array; queuedAt: number }[] = [];
  for (const amount of [1n, 2n]) {
    const receipt = await r.send(r.bridge, "deposit", [amount, accounts.user, 0], accounts.user);
    const block = await chain.publicClient.getBlock({ blockNumber: receipt.blockNumber });
    messages.push({
      tx: depositMessage(accounts.user, 0, amount),
      queuedAt: Number(block.timestamp),
    });
  }
  const last = messages[1];
  const force = (count: bigint, queuedAt: number, h: Uint8Array) =>
    r.send(r.inbox, "forceInclusion", [count, BigInt(queuedAt), hex(h)], accounts.other);
  // Not before the delay.
  await reverts(force(2n, last.queuedAt, transactionHash(last.tx)), "ForceInclusionTooEarly");
  await r.advance(params.forceInclusionDelay - 5);
  await reverts(force(2n, last.queuedAt, transactionHash(last.tx)), "ForceInclusionTooEarly");
  await r.advance(10);
  // A forged message (or a lie about its queue time, which would shorten the delay) does not match the chain.
  await reverts(force(2n, last.queuedAt - 100, transactionHash(last.tx)), "DelayedMessageMismatch");
  await reverts(force(2n, last.queuedAt, transactionHash(messages[0].tx)), "DelayedMessageMismatch");
  await reverts(force(3n, last.queuedAt, transactionHash(last.tx)), "BadDelayedCount");
  const receipt = await force(2n, last.queuedAt, transactionHash(last.tx));
  expect(receipt.status).toBe("success");
  expect(await r.inbox.read.delayedConsumed()).toBe(2n);
  expect(await r.inbox.read.totalTransactions()).toBe(3n);
  await reverts(force(2n, last.queuedAt, transactionHash(last.tx)), "BadDelayedCount");
  // The forced batch is recorded like any other: no sequencer transactions, both delayed ones, L1's time.
  const block = await chain.publicClient.getBlock({ blockNumber: receipt.blockNumber });
  const header = {
    txRoot: new Uint8Array(32),
    seqCount: 0,
    delayedBefore: 0,
    delayedAfter: 2,
    txsBefore: 1,
    timestamp: Number(block.timestamp),
  };
  expect(genesis.number).toBe(0);
  expect(await r.inbox.read.batchHashes([1n])).toBe(hex(batchHash(header)));
});

test("bridge_reentrantToken_depositCountedOnce_succeeds", async () => {
  const r = await deployRollup(chain, { params, reentrantToken: true });
  await r.start();
  await r.send(r.token, "mint", [accounts.user, 5_000_000n]);
  await r.send(r.token, "approve", [r.bridge.address, 5_000_000n], accounts.user);
  // During the deposit's transferFrom, the token calls deposit again, funded so that only the lock can stop it.
  await r.send(r.token, "mint", [r.token.address, 1_000_000n]);
  await r.send(r.token, "approveAsSelf", [r.bridge.address, 1_000_000n]);
  const inner = encodeFunctionData({
    abi: (r.bridge as unknown as { abi: Abi }).abi,
    functionName: "deposit",
    args: [1_000_000n, accounts.user, 0],
  });
  await r.send(r.token, "arm", [r.bridge.address, inner]);
  await r.send(r.bridge, "deposit", [1_000_000n, accounts.user, 0], accounts.user);
  expect(await r.token.read.reentries()).toBe(1n);
  expect(await r.token.read.lastReentrySucceeded()).toBe(false);
  expect(await r.bridge.read.messageCount()).toBe(1n);
  expect(await r.token.read.balanceOf([r.bridge.address])).toBe(1_000_000n);
});

test("inbox_postBatch_transactionLongerThanMachineInput_reverts", async () => {
  // No runner executes an input past MAX_INPUT_BYTES, so such a "transaction" would have no defined post-state:
  // honest validators could neither follow the chain nor play a dispute over it. The inbox refuses it.
  const r = await deployRollup(chain, { params });
  const now = BigInt(await r.now());
  const long = new Uint8Array(2 + MAX_TRANSACTION_BYTES + 1);
  long[0] = (MAX_TRANSACTION_BYTES + 1) >> 8;
  long[1] = (MAX_TRANSACTION_BYTES + 1) & 0xff;
  const data = Uint8Array.from([...encodeBatch([tx(1)]), ...long]);
  await reverts(r.send(r.inbox, "postBatch", [hex(data), now, 0n]), "TransactionTooLong");
  expect(() => decodeBatch(data)).toThrow(MalformedBatchError);
  expect(() => encodeBatch([new Uint8Array(MAX_TRANSACTION_BYTES + 1)])).toThrow(MalformedBatchError);
  // The longest allowed one is accepted.
  await r.postBatch([new Uint8Array(MAX_TRANSACTION_BYTES).fill(7)]);
  expect(await r.inbox.read.totalTransactions()).toBe(1n);
});
