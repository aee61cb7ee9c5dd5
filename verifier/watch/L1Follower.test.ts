// The follower's checks of L1 data without a chain: a fake client answers getTransaction, and logs are given as
// the LogWatcher decodes them. A batch whose calldata cannot be read or does not match what L1 recorded is a
// finding stored with it (never a crash); a delayed message that fails the accumulator check stores nothing.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bytesToHex, encodeFunctionData, type Hex, type PublicClient } from "viem";
import { afterEach, describe, expect, it } from "vitest";
import { challengeManagerAbi, sequencerInboxAbi, silentLogger } from "../../l1/index.ts";
import {
  batchHash,
  batchTransactionRoot,
  delayedAccumulate,
  encodeBatch,
  transactionHash,
  ZERO,
} from "../../protocol/index.ts";
import { FindingCode } from "../records.ts";
import type { VerifierDeployment } from "../VerifierDeployment.ts";
import { VerifierStore } from "../VerifierStore.ts";
import { L1Follower } from "./L1Follower.ts";

const INBOX = "0x00000000000000000000000000000000000000a1" as const;
const BRIDGE = "0x00000000000000000000000000000000000000b2" as const;
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const txs = [Uint8Array.of(1, 2, 3), Uint8Array.of(4, 5), Uint8Array.of(6)];
const header = {
  txRoot: batchTransactionRoot(txs),
  seqCount: txs.length,
  delayedBefore: 0,
  delayedAfter: 0,
  txsBefore: 0,
  timestamp: 1_700_000_000,
};
const postBatchInput = (data: Uint8Array) =>
  encodeFunctionData({
    abi: sequencerInboxAbi,
    functionName: "postBatch",
    args: [bytesToHex(data), BigInt(header.timestamp), 0n],
  });

function follower(tx: { input: Hex; to: Hex; from?: Hex }) {
  const dir = mkdtempSync(join(tmpdir(), "optio-follower-"));
  dirs.push(dir);
  const store = new VerifierStore(dir);
  const client = {
    getTransaction: async () => tx,
    getBlock: async ({ blockNumber }: { blockNumber: bigint }) => ({
      timestamp: 1_700_000_000n + blockNumber,
    }),
  } as unknown as PublicClient;
  const deployment = {
    fromBlock: 1,
    contracts: {
      sequencerInbox: { address: INBOX },
      bridge: { address: BRIDGE },
      rollup: { address: INBOX },
      challengeManager: { address: INBOX },
    },
  } as unknown as VerifierDeployment;
  const f = new L1Follower({ client, deployment, store, confirmations: 1, logger: silentLogger });
  return { f, store };
}

const batchLog = (hash = bytesToHex(batchHash(header))) => ({
  eventName: "BatchPosted",
  address: INBOX,
  blockNumber: 5n,
  blockHash: `0x${"11".repeat(32)}`,
  transactionHash: `0x${"22".repeat(32)}`,
  logIndex: 0,
  args: {
    number: 0n,
    batchHash: hash,
    header: {
      txRoot: bytesToHex(header.txRoot),
      seqCount: BigInt(header.seqCount),
      delayedBefore: 0n,
      delayedAfter: 0n,
      txsBefore: 0n,
      timestamp: BigInt(header.timestamp),
    },
    forced: false,
  },
});
const cursor = { checkpoints: [{ number: 5n, hash: `0x${"11".repeat(32)}` as Hex }] };
// biome-ignore lint/suspicious/noExplicitAny: the follower's private entry point, fed decoded logs directly.
const feed = (f: L1Follower, logs: unknown[]) => (f as any).onLogs(logs, cursor) as Promise<void>;

describe("L1Follower", () => {
  it("test_follower_postBatchCalldata_decodedAndChecked", async () => {
    const { f, store } = follower({ input: postBatchInput(encodeBatch(txs)), to: INBOX });
    await feed(f, [batchLog()]);
    expect(store.batches.get(0)?.txs).toEqual(txs.map((t) => bytesToHex(t)));
    expect(store.batches.get(0)?.finding).toBeUndefined();
    expect(store.cursor()).toEqual(cursor);
  });

  it("test_follower_batchThroughAContract_findingNotACrash", async () => {
    const { f, store } = follower({ input: postBatchInput(encodeBatch(txs)), to: BRIDGE });
    await feed(f, [batchLog()]);
    expect(store.batches.get(0)?.finding?.code).toBe(FindingCode.CALLDATA_UNAVAILABLE);
    expect(store.batches.get(0)?.txs).toBeUndefined();
  });

  it("test_follower_otherCalldata_findingNotACrash", async () => {
    const { f, store } = follower({ input: "0xdeadbeef", to: INBOX });
    await feed(f, [batchLog()]);
    expect(store.batches.get(0)?.finding?.code).toBe(FindingCode.CALLDATA_UNAVAILABLE);
  });

  it("test_follower_calldataNotTheRecordedBatch_mismatchFinding", async () => {
    const altered = [txs[0], txs[1], Uint8Array.of(7)];
    const { f, store } = follower({ input: postBatchInput(encodeBatch(altered)), to: INBOX });
    await feed(f, [batchLog()]);
    expect(store.batches.get(0)?.finding?.code).toBe(FindingCode.CALLDATA_MISMATCH);
  });

  it("test_follower_eventHashNotItsHeader_finding", async () => {
    const { f, store } = follower({ input: postBatchInput(encodeBatch(txs)), to: INBOX });
    await feed(f, [batchLog(`0x${"33".repeat(32)}`)]);
    expect(store.batches.get(0)?.finding?.code).toBe(FindingCode.BATCH_HASH_MISMATCH);
  });

  it("test_follower_delayedMessageAltered_rangeRefusedNothingStored", async () => {
    const { f, store } = follower({ input: "0x", to: INBOX });
    const transaction = bytesToHex(Uint8Array.of(0x05, 1, 2));
    const good = bytesToHex(delayedAccumulate(ZERO, 100, transactionHash(Uint8Array.of(0x05, 1, 2))));
    const message = (accumulator: Hex) => ({
      eventName: "MessageQueued",
      address: BRIDGE,
      blockNumber: 5n,
      blockHash: `0x${"11".repeat(32)}`,
      transactionHash: `0x${"44".repeat(32)}`,
      logIndex: 1,
      args: { index: 0n, kind: 5, sender: BRIDGE, accumulator, queuedAt: 100n, transaction },
    });
    await expect(feed(f, [message(`0x${"55".repeat(32)}`)])).rejects.toThrow(FindingCode.DELAYED_CHAIN);
    expect(store.delayedCount()).toBe(0);
    expect(store.cursor()).toBeNull();
    await feed(f, [message(good)]);
    expect(store.delayed.get(0)?.accumulator).toBe(good);
  });

  it("test_follower_challengeEvents_recordTimeTransactionRootsAndTheProvenStep", async () => {
    const [lo, hi, k] = [100n, 116n, 5n];
    const values = Array.from({ length: 17 }, (_, j) => `0x${j.toString(16).padStart(64, "0")}` as Hex);
    const prover = "0x00000000000000000000000000000000000000c3" as const;
    const input = encodeFunctionData({
      abi: challengeManagerAbi,
      functionName: "proveStep",
      args: [1n, { lo, hi, values }, k, "0x01"],
    });
    const { f, store } = follower({ input, to: INBOX, from: prover });
    const r = (b: string) => `0x${b.repeat(32)}` as Hex;
    const log = (eventName: string, block: bigint, tx: string, args: Record<string, unknown>) => ({
      eventName,
      address: INBOX,
      blockNumber: block,
      blockHash: r("11"),
      transactionHash: r(tx),
      logIndex: 0,
      args: { id: 1n, ...args },
    });
    const roots = { rootBefore: r("0a"), defenderRoot: r("0b"), challengerRoot: r("0c") };
    await feed(f, [
      log("ChallengeStarted", 5n, "a1", {
        assertion: r("aa"),
        challenger: prover,
        defender: INBOX,
        transactions: 3n,
        startRoot: r("01"),
        claimedRoot: r("02"),
      }),
      log("LevelSwitched", 7n, "a2", { txIndex: 1n, globalIndex: 1n, initialMachineHash: r("03"), roots }),
      log("ChallengeEnded", 9n, "a3", { assertion: r("aa"), defenderWon: false, reason: 1 }),
    ]);
    const events = store.challenges.get(1)?.events ?? [];
    expect(events.map((e) => [e.kind, e.at, e.l1Tx])).toEqual([
      ["started", 1_700_000_005, r("a1")],
      ["levelSwitched", 1_700_000_007, r("a2")],
      ["ended", 1_700_000_009, r("a3")],
    ]);
    expect(events[1]).toMatchObject({ txIndex: 1, roots });
    // Part 5 of the segment 100..116 in 16 parts: the step from machine hash 105 to 106.
    expect(events[2]).toMatchObject({ reason: 1, by: prover, part: 5, step: 105 });
  });
});
