// l1/ against a real Hardhat node process (the devnet command on a free port) and the Redis on 127.0.0.1:6379.
// The TxSender: several intents in flight, a stuck transaction replaced, a reorg that drops a mined transaction, one
// writer per key, a crash mid-flight, typed custom-error reverts. The log watcher: confirmation depth and reorgs.
// One file, so the tests share one devnet (each uses its own Hardhat account and Redis prefix).
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import {
  type Address,
  createPublicClient,
  createWalletClient,
  decodeFunctionData,
  encodeFunctionData,
  http,
  type PublicClient,
  parseGwei,
  toHex,
} from "viem";
import { afterAll, beforeAll, expect, test } from "vitest";
import {
  AssertionStatus,
  BatchMismatchError,
  BatchPoster,
  type BatchSource,
  bridgeAbi,
  type DelayedFollowerState,
  DelayedInboxFollower,
  type DelayedMessage,
  type DelayedSink,
  formatIntentStatus,
  type IntentKind,
  IntentQueue,
  intentKey,
  L1RevertError,
  LogWatcher,
  type PostedBatch,
  Proposer,
  planBatches,
  ReplayDisagreesError,
  type ReplaySource,
  rollupAbi,
  type SealedBatch,
  SignerLockedError,
  sequencerInboxAbi,
  silentLogger,
  TxSender,
  testTokenAbi,
} from "../../l1/index.ts";
import { freePort, startDevnet, type TestDevnet } from "../../l1/testing/startDevnet.ts";
import {
  balanceOf,
  cleanRedis,
  freshAddress,
  hardhatAccount,
  mintIntent,
  REDIS,
  saltedState,
  senderOptions,
  sleep,
  testPrefix,
  until,
} from "./fixture.ts";

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
let dev: TestDevnet;
const prefixes: string[] = [];
const senders: TxSender[] = [];

beforeAll(async () => {
  dev = await startDevnet();
}, 120_000);

afterAll(async () => {
  for (const s of senders) await s.stop().catch(() => {});
  for (const p of prefixes) await cleanRedis(p);
  await dev?.stop();
});

const prefix = () => {
  const p = testPrefix();
  prefixes.push(p);
  return p;
};
const start = async (...args: Parameters<typeof senderOptions>) => {
  const s = await TxSender.start(senderOptions(...args));
  senders.push(s);
  return s;
};
const token = () => dev.deployment.token.address;
const nonceOf = (a: Address) => dev.client.getTransactionCount({ address: a, blockTag: "latest" });

/** Mines a block every `ms` until stopped (automine off: transactions wait in the pool meanwhile). */
function miner(ms: number) {
  let on = true;
  const done = (async () => {
    while (on) {
      await dev.rpc("evm_mine").catch(() => {});
      await sleep(ms);
    }
  })();
  return async () => {
    on = false;
    await done;
  };
}

test("txSender_severalInFlight_consecutiveNoncesInSubmissionOrder", async () => {
  const account = hardhatAccount(5);
  const p = prefix();
  const first = await nonceOf(account.address);
  await dev.rpc("evm_setAutomine", [false]);
  try {
    const sender = await start(dev.client, account, p, { maxInFlight: 4, confirmations: 2 });
    const to = Array.from({ length: 6 }, () => freshAddress());
    for (const r of to) await sender.submit(mintIntent(token(), r));
    // Four at once in the pool, none mined yet.
    const pending = await until("4 pending", async () => {
      const rows = await sender.intents.list();
      const ps = rows.filter((r) => r.progress.state === "pending");
      return ps.length === 4 ? ps : null;
    });
    expect(pending.map((r) => r.progress.nonce).sort()).toEqual([first, first + 1, first + 2, first + 3]);
    const stopMining = miner(100);
    const results = await Promise.all(to.map((r) => sender.intents.result(`mint/${r}`, 30_000)));
    await stopMining();
    expect(results.map((r) => r.outcome)).toEqual(Array(6).fill("confirmed"));
    expect(sender.metrics()).toMatchObject({ confirmed: 6, sent: 6, bumps: 0, nextNonce: first + 6 });
    expect(await sender.balance()).toBeGreaterThan(0n);
    // Nonces follow the order of submission, with no gap and no duplicate.
    expect(results.map((r) => r.nonce)).toEqual(to.map((_, i) => first + i));
    for (const r of to) expect(await balanceOf(dev.client, token(), r)).toBe(1n);
    expect(await nonceOf(account.address)).toBe(first + 6);
    // Submitting a finished intent again sends nothing; queueing it again is refused (it did not fail).
    await sender.submit(mintIntent(token(), to[0]));
    await expect(sender.intents.resubmit(mintIntent(token(), to[0]))).rejects.toThrow(
      /is completed, not failed/,
    );
    await sleep(300);
    expect(await nonceOf(account.address)).toBe(first + 6);
    // The operator view: one line per intent with its state, nonce and transactions.
    const row = (await sender.intents.list()).find((r) => r.key === `mint/${to[0]}`)!;
    expect(formatIntentStatus(row)).toMatch(
      new RegExp(
        `^mint/${to[0]}\tcompleted/confirmed\tnonce=${first}\tbumps=0\treorgs=0\ttxs=${results[0].hash!.slice(0, 10)}\t`,
      ),
    );
  } finally {
    await dev.rpc("evm_setAutomine", [true]);
  }
}, 60_000);

test("txSender_stuckWithLowFee_isReplacedAndMined", async () => {
  const account = hardhatAccount(6);
  const p = prefix();
  const first = await nonceOf(account.address);
  await dev.rpc("evm_setAutomine", [false]);
  try {
    const sender = await start(dev.client, account, p, {
      fees: {
        bumpAfterMs: 400,
        bumpPercent: 15,
        baseFeeMultiplier: 2,
        minTipWei: parseGwei("1"),
        maxFeeCapWei: parseGwei("1000"),
      },
    });
    const to = freshAddress();
    await sender.submit(mintIntent(token(), to));
    const sent = await until("sent", async () => {
      const s = await sender.intents.status(`mint/${to}`);
      return s?.progress.state === "pending" ? s.progress : null;
    });
    const firstFee = BigInt(sent.attempts[0].maxFeePerGas);
    // The base fee jumps far above the offered max fee: the transaction cannot be mined at its fees.
    const high = parseGwei("50");
    expect(firstFee).toBeLessThan(high);
    await dev.rpc("hardhat_setNextBlockBaseFeePerGas", [toHex(high)]);
    await dev.rpc("evm_mine");
    expect(await nonceOf(account.address)).toBe(first);
    const stopMining = miner(250);
    const r = await sender.intents.result(`mint/${to}`, 40_000);
    await stopMining();
    expect(r.outcome).toBe("confirmed");
    expect(r.bumps).toBeGreaterThanOrEqual(1);
    const progress = (await sender.intents.status(`mint/${to}`))!.progress;
    expect(r.hash).not.toBe(progress.attempts[0].hash);
    expect(progress.attempts.every((a) => a.nonce === first)).toBe(true);
    // Each replacement raised both fees by at least 10%.
    for (let i = 1; i < progress.attempts.length; i++) {
      const [a, b] = [progress.attempts[i - 1], progress.attempts[i]];
      expect(BigInt(b.maxFeePerGas) * 100n).toBeGreaterThanOrEqual(BigInt(a.maxFeePerGas) * 110n);
      expect(BigInt(b.maxPriorityFeePerGas) * 100n).toBeGreaterThanOrEqual(
        BigInt(a.maxPriorityFeePerGas) * 110n,
      );
    }
    expect(await nonceOf(account.address)).toBe(first + 1);
    expect(await balanceOf(dev.client, token(), to)).toBe(1n);
  } finally {
    await dev.rpc("evm_setAutomine", [true]);
  }
}, 60_000);

test("txSender_reorgDropsMinedTx_intentIsSentAgain", async () => {
  const account = hardhatAccount(7);
  const p = prefix();
  const sender = await start(dev.client, account, p, { confirmations: 4 });
  const to = freshAddress();
  const snapshot = await dev.rpc<string>("evm_snapshot");
  await sender.submit(mintIntent(token(), to));
  const mined = await until("mined", async () => {
    const s = await sender.intents.status(`mint/${to}`);
    return s?.progress.state === "mined" ? s.progress.mined : null;
  });
  expect(await balanceOf(dev.client, token(), to)).toBe(1n);
  // The block holding it is dropped (and the node's pool returns to the snapshot's: the transaction is gone).
  await dev.rpc("evm_revert", [snapshot]);
  expect(await balanceOf(dev.client, token(), to)).toBe(0n);
  const stopMining = miner(150);
  const r = await sender.intents.result(`mint/${to}`, 30_000);
  await stopMining();
  expect(r.outcome).toBe("confirmed");
  const progress = (await sender.intents.status(`mint/${to}`))!.progress;
  expect(progress.reorgs).toBe(1);
  expect(BigInt(r.blockNumber!)).not.toBe(0n);
  expect(mined.hash).toBe(r.hash); // the same signed transaction, sent again
  expect(await balanceOf(dev.client, token(), to)).toBe(1n);
}, 60_000);

test("txSender_secondInstanceSameKey_refusesLoudly", async () => {
  const account = hardhatAccount(8);
  const p = prefix();
  const one = await start(dev.client, account, p);
  const e = await TxSender.start(senderOptions(dev.client, account, p)).catch((x: unknown) => x);
  expect(e).toBeInstanceOf(SignerLockedError);
  expect((e as SignerLockedError).message).toMatch(
    new RegExp(`another TxSender already sends for ${account.address}.*refusing to start a second writer`),
  );
  expect((e as SignerLockedError).fix).toMatch(/stop the other instance first/);
  // Another key, or the same key once the first stopped, starts.
  await start(dev.client, hardhatAccount(9), p);
  await one.stop();
  await start(dev.client, account, p);
}, 30_000);

test("txSender_crashMidFlight_noDuplicateAndNoSkippedIntent", async () => {
  const index = 10;
  const account = hardhatAccount(index);
  const p = prefix();
  const first = await nonceOf(account.address);
  const to = Array.from({ length: 8 }, () => freshAddress());
  await dev.rpc("evm_setAutomine", [false]);
  const stopMining = miner(700);
  try {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "test/l1/senderChild.ts", dev.url, p, String(index), token(), ...to],
      { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "inherit"] },
    );
    const exited = new Promise((r) => child.once("exit", r));
    let out = "";
    child.stdout?.on("data", (b: Buffer) => {
      out += b.toString();
    });
    await until("the child's intents queued", async () => out.includes("submitted"), 30_000);
    // Kill it once some intents are on L1 and others are in flight.
    await until(
      "some mined, some in flight",
      async () => {
        const n = await nonceOf(account.address);
        const pending = await dev.client.getTransactionCount({
          address: account.address,
          blockTag: "pending",
        });
        return n > first && pending > n;
      },
      30_000,
    );
    child.kill("SIGKILL");
    await exited;
    // It died mid-flight: some intents finished, others not (nothing finishes them while no sender runs).
    const r = new Redis(REDIS);
    const view = new IntentQueue(r, { prefix: p, chainId: 31337, signer: account.address });
    const states = (await view.list()).map((x) => x.jobState);
    await view.close();
    r.disconnect();
    expect(states.length).toBe(to.length);
    expect(states.filter((s) => s !== "completed").length).toBeGreaterThan(0);
    expect((await nonceOf(account.address)) - first).toBeGreaterThan(0);
    // A new sender takes over once the dead one's lock expires, and finishes every intent.
    const sender = await until(
      "the lock to expire",
      () => TxSender.start(senderOptions(dev.client, account, p)).catch(() => null),
      10_000,
    );
    senders.push(sender);
    const results = await Promise.all(to.map((r) => sender.intents.result(`mint/${r}`, 40_000)));
    for (const r of results) expect(["confirmed", "alreadyDone"]).toContain(r.outcome);
    for (const r of to) expect(await balanceOf(dev.client, token(), r)).toBe(1n);
    // Exactly one transaction per intent: no duplicate sent, no nonce skipped.
    await sleep(1_000);
    expect(await nonceOf(account.address)).toBe(first + to.length);
  } finally {
    await stopMining();
    await dev.rpc("evm_setAutomine", [true]);
  }
}, 90_000);

test("txSender_revertingIntent_typedCustomErrorAndNoNonceUsed", async () => {
  const account = hardhatAccount(12);
  const p = prefix();
  const sender = await start(dev.client, account, p);
  const first = await nonceOf(account.address);
  // Only the deployment's sequencer may post a batch: refused at estimation, before a nonce is taken.
  await sender.submit({
    key: "postBatch/0",
    kind: "postBatch",
    to: dev.deployment.contracts.sequencerInbox.address,
    data: encodeFunctionData({ abi: sequencerInboxAbi, functionName: "postBatch", args: ["0x01", 1n, 0n] }),
  });
  const e = await sender.intents.result("postBatch/0", 20_000).catch((x: unknown) => x);
  expect(e).toBeInstanceOf(L1RevertError);
  expect((e as L1RevertError).errorName).toBe("NotSequencer");
  expect((e as L1RevertError).args).toEqual([account.address]);
  expect(await nonceOf(account.address)).toBe(first);

  // With a fixed gas limit it is mined and reverts on chain: the nonce is used, the error decoded from a replay.
  await sender.submit({
    key: "transferFrom/nothing-approved",
    kind: "call",
    to: token(),
    gas: "100000",
    data: encodeFunctionData({
      abi: testTokenAbi,
      functionName: "transferFrom",
      args: [hardhatAccount(13).address, account.address, 5n],
    }),
  });
  const e2 = await sender.intents.result("transferFrom/nothing-approved", 20_000).catch((x: unknown) => x);
  expect(e2).toBeInstanceOf(L1RevertError);
  expect((e2 as L1RevertError).errorName).toBe("InsufficientAllowance");
  expect((e2 as L1RevertError).args).toEqual([hardhatAccount(13).address, account.address, "0", "5"]);
  expect(await nonceOf(account.address)).toBe(first + 1);
  const status = await sender.intents.status("transferFrom/nothing-approved");
  expect(status?.jobState).toBe("failed");
  expect(status?.progress.state).toBe("reverted");
  // Once the cause is fixed (here: an allowance), the failed intent can be queued again, and goes through.
  const owner = hardhatAccount(13);
  await createWalletClient({ account: owner, transport: http(dev.url) }).writeContract({
    chain: null,
    address: token(),
    abi: testTokenAbi,
    functionName: "approve",
    args: [account.address, 5n],
  });
  await createWalletClient({ account: owner, transport: http(dev.url) }).writeContract({
    chain: null,
    address: token(),
    abi: testTokenAbi,
    functionName: "mint",
    args: [owner.address, 5n],
  });
  const again = {
    key: "transferFrom/nothing-approved",
    kind: "call" as const,
    to: token(),
    data: encodeFunctionData({
      abi: testTokenAbi,
      functionName: "transferFrom",
      args: [owner.address, account.address, 5n],
    }),
  };
  await sender.intents.resubmit(again);
  expect((await sender.intents.result(again.key, 20_000)).outcome).toBe("confirmed");
  expect(await balanceOf(dev.client, token(), account.address)).toBeGreaterThanOrEqual(5n);
}, 40_000);

test("logWatcher_confirmedLogsInOrder_rewindsOnReorg", async () => {
  // Follows the token's Transfer events 2 blocks deep; a reorg drops logs it already handed over.
  const account = hardhatAccount(14);
  const from = (await dev.client.getBlockNumber()) + 1n;
  const seen: { tx: string; to: string; block: bigint }[] = [];
  const rewinds: (bigint | null)[] = [];
  const watcher = new LogWatcher(
    {
      client: dev.client,
      address: token(),
      abi: testTokenAbi,
      eventNames: ["Transfer"],
      fromBlock: from,
      confirmations: 2,
      logger: silentLogger,
      onLogs: async (logs) => {
        for (const l of logs) {
          if (l.eventName === "Transfer")
            seen.push({ tx: l.transactionHash, to: l.args.to, block: l.blockNumber });
        }
      },
      onRewind: async (keep) => {
        rewinds.push(keep);
        for (let i = seen.length - 1; i >= 0; i--)
          if (keep === null || seen[i].block > keep) seen.splice(i, 1);
      },
    },
    null,
  );
  const wallet = createWalletClient({ account, transport: http(dev.url) });
  const mint = (to: Address) =>
    wallet.writeContract({
      chain: null,
      address: token(),
      abi: testTokenAbi,
      functionName: "mint",
      args: [to, 1n],
    });
  const drain = async () => {
    while (await watcher.poll()) {}
  };
  const a = [freshAddress(), freshAddress(), freshAddress()];
  for (const r of a) await mint(r);
  await drain();
  // The last mint is only 1 deep: not handed over yet.
  expect(seen.map((s) => s.to)).toEqual(a.slice(0, 2));
  await dev.rpc("evm_mine");
  await drain();
  expect(seen.map((s) => s.to)).toEqual(a);
  const snapshot = await dev.rpc<string>("evm_snapshot");
  const dropped = [freshAddress(), freshAddress()];
  for (const r of dropped) await mint(r);
  await dev.rpc("evm_mine");
  await dev.rpc("evm_mine");
  await drain();
  expect(seen.map((s) => s.to)).toEqual([...a, ...dropped]);
  // The reorg: those blocks are replaced by others with different contents.
  await dev.rpc("evm_revert", [snapshot]);
  const kept = freshAddress();
  await mint(kept);
  for (let i = 0; i < 3; i++) await dev.rpc("evm_mine");
  await drain();
  expect(rewinds.length).toBe(1);
  expect(seen.map((s) => s.to)).toEqual([...a, kept]);
  // What it holds is exactly what the chain has now.
  const onChain = await dev.client.getContractEvents({
    address: token(),
    abi: testTokenAbi,
    eventName: "Transfer",
    fromBlock: from,
    toBlock: (await dev.client.getBlockNumber()) - 1n,
  });
  expect(seen.map((s) => s.tx)).toEqual(onChain.map((l) => l.transactionHash));
}, 30_000);

/** The sequencer's batch store, in memory: sealed batches and what was recorded as posted. */
class MemoryBatchSource implements BatchSource {
  readonly batches: SealedBatch[] = [];
  readonly posted = new Map<bigint, PostedBatch>();
  async sealedFrom(from: bigint, limit: number) {
    return this.batches.filter((b) => b.number >= from).slice(0, limit);
  }
  async postedCount() {
    let n = 0n;
    while (this.posted.has(n)) n++;
    return n;
  }
  async markPosted(p: PostedBatch) {
    this.posted.set(p.number, p);
  }
}

test("batchPoster_postsSealedBatchesInOrderOnce_evenAfterRedisIsWiped", async () => {
  const d = dev.deployment;
  const inbox = d.contracts.sequencerInbox.address;
  const inboxRead = <F extends "batchCount">(f: F) =>
    dev.client.readContract({ address: inbox, abi: sequencerInboxAbi, functionName: f });
  expect(await inboxRead("batchCount")).toBe(0n);
  const sequencer = hardhatAccount(0);
  expect(sequencer.address).toBe(d.sequencer);
  const source = new MemoryBatchSource();
  const ts = Number((await dev.client.getBlock()).timestamp);
  const seal = (n: number) =>
    source.batches.push({
      number: BigInt(n),
      transactions: Array.from({ length: 1 + (n % 3) }, (_, i) => Uint8Array.from([n, i, 0xee])),
      timestamp: ts + n,
      delayedAfter: 0,
      postRoot: `0x${"00".repeat(32)}`,
    });
  for (let n = 0; n < 5; n++) seal(n);
  const runPoster = async (p: string, want: number) => {
    const sender = await start(
      dev.client,
      sequencer,
      p,
      { confirmations: 2 },
      {
        postBatch: BatchPoster.alreadyPosted(dev.client, inbox),
      },
    );
    const poster = new BatchPoster({
      source,
      sender,
      client: dev.client,
      inbox,
      bridge: d.contracts.bridge.address,
      inboxBlock: BigInt(d.contracts.sequencerInbox.block),
      logger: silentLogger,
    });
    const stopMining = miner(200);
    try {
      await until(
        "batches recorded",
        async () => (await poster.tick()) && source.posted.size === want,
        40_000,
      );
    } finally {
      await stopMining();
    }
    return { sender, poster };
  };
  const first = await runPoster(prefix(), 5);
  expect(await inboxRead("batchCount")).toBe(5n);
  const planned = planBatches(
    { batchCount: 0n, delayedConsumed: 0, totalTransactions: 0, lastTimestamp: 0, delayedQueued: 0 },
    source.batches,
  );
  for (let n = 0n; n < 5n; n++) {
    const onL1 = await dev.client.readContract({
      address: inbox,
      abi: sequencerInboxAbi,
      functionName: "batchHashes",
      args: [n],
    });
    expect(onL1).toBe(planned.batches[Number(n)].batchHash);
    expect(source.posted.get(n)?.batchHash).toBe(onL1);
    // The recorded transaction carries the batch's calldata.
    const tx = await dev.client.getTransaction({ hash: source.posted.get(n)!.txHash! });
    const args = decodeFunctionData({ abi: sequencerInboxAbi, data: tx.input }).args as readonly unknown[];
    expect(args[0]).toBe(planned.batches[Number(n)].calldata);
  }
  // Redis wiped (a fresh prefix), the services restarted: two more batches, nothing posted twice.
  await first.sender.stop();
  seal(5);
  seal(6);
  await runPoster(prefix(), 7);
  expect(await inboxRead("batchCount")).toBe(7n);

  // A sealed batch that differs from L1's batch of the same number is caught, not recorded.
  const forged = new MemoryBatchSource();
  forged.batches.push({ ...source.batches[0], transactions: [Uint8Array.from([9])] });
  const sender = senders.at(-1)!;
  const check = new BatchPoster({
    source: forged,
    sender,
    client: dev.client,
    inbox,
    bridge: d.contracts.bridge.address,
    logger: silentLogger,
  });
  await expect(check.tick()).rejects.toBeInstanceOf(BatchMismatchError);
  // A sealed batch that L1 would refuse is not sent.
  source.batches.push({ ...source.batches[6], number: 7n, transactions: [new Uint8Array(4_097)] });
  const refusing = new BatchPoster({
    source,
    sender,
    client: dev.client,
    inbox,
    bridge: d.contracts.bridge.address,
    logger: silentLogger,
  });
  const tick = await refusing.tick();
  expect(tick.refusal).toMatchObject({ number: 7n, refusal: { reason: "transactionTooLong" } });
  expect(tick.submitted).toEqual([]);
  expect(await inboxRead("batchCount")).toBe(7n);
}, 90_000);

test("proposer_assertsDeepBatches_confirmsAfterThePeriod_withdrawsTheBond", async () => {
  // Runs after the batch poster's test: batches 0-6 are on L1, posted by account #0, also the devnet's proposer.
  const d = dev.deployment;
  const rollup = d.contracts.rollup.address;
  const proposerKey = hardhatAccount(0);
  expect(d.proposers).toContain(proposerKey.address);
  const read = <T>(functionName: string, args: unknown[] = []) =>
    dev.client.readContract({ address: rollup, abi: rollupAbi, functionName, args } as never) as Promise<T>;
  // One TxSender per key: the sequencer's (from the poster test) also sends the proposer's intents.
  const sender = senders.at(-1)!;
  expect(sender.signer).toBe(proposerKey.address);
  for (const [kind, check] of Object.entries(Proposer.checks(dev.client, rollup, proposerKey.address))) {
    sender.registerCheck(kind as IntentKind, check);
  }
  const source = new MemoryBatchSource();
  const ts = Number((await dev.client.getBlock()).timestamp);
  const states = new Map<bigint, ReturnType<typeof saltedState>>();
  for (let n = 0n; n < 7n; n++) states.set(n + 1n, saltedState(`after-${n}`));
  const batchCount = await dev.client.readContract({
    address: d.contracts.sequencerInbox.address,
    abi: sequencerInboxAbi,
    functionName: "batchCount",
  });
  expect(batchCount).toBe(7n);
  for (let n = 0n; n < 7n; n++) {
    source.batches.push({
      number: n,
      transactions: [],
      timestamp: ts,
      delayedAfter: 0,
      postRoot: states.get(n + 1n)!.root,
    });
  }
  const replay = (lie: boolean): ReplaySource => ({
    stateAfter: async (end) => {
      const s = states.get(end);
      if (!s) return null;
      return {
        stateRoot: lie ? `0x${"66".repeat(32)}` : s.root,
        outboxRoot: `0x${"00".repeat(32)}`,
        outboxProof: s.outboxProof,
      };
    },
  });
  const proposer = (lie: boolean) =>
    new Proposer({
      sender,
      client: dev.client,
      rollup,
      inbox: d.contracts.sequencerInbox.address,
      batches: source,
      replay: replay(lie),
      cadenceS: 600n,
      confirmations: 2,
      logger: silentLogger,
    });
  // A root its own replay did not produce is never proposed.
  await expect(proposer(true).tick()).rejects.toBeInstanceOf(ReplayDisagreesError);
  const honest = proposer(false);
  const stopMining = miner(200);
  try {
    const first = await until("an assertion", async () => (await honest.tick()).proposed, 20_000);
    await sender.intents.result(intentKey.postAssertion(first), 20_000);
    const a = await read<{ status: number; batchEnd: bigint; stateRoot: string }>("getAssertion", [first]);
    expect(a.status).toBe(AssertionStatus.Pending);
    expect(a.stateRoot).toBe(states.get(a.batchEnd)!.root);
    // Within the cadence, nothing new; a restarted proposer finds its chain on L1 and does not post it again.
    const again = await proposer(false).tick();
    expect(again.proposed).toBeNull();
    expect(again.sinceLastAssertion).not.toBeNull();
    expect((await proposer(false).ownAssertions()).length).toBe(1);
    // The challenge period passes: it confirms, then withdraws the bond.
    const balanceBefore = await dev.client.getBalance({ address: proposerKey.address });
    await dev.rpc("evm_increaseTime", [d.params.challengePeriod + 1]);
    await dev.rpc("evm_mine");
    await until(
      "confirmed and withdrawn",
      async () => {
        await honest.tick();
        const confirmed = (await read<string>("latestConfirmed")) === first;
        const credit = await read<bigint>("withdrawable", [proposerKey.address]);
        return (
          confirmed &&
          credit === 0n &&
          (await dev.client.getBalance({ address: proposerKey.address })) > balanceBefore
        );
      },
      30_000,
    );
    expect((await read<{ status: number }>("getAssertion", [first])).status).toBe(AssertionStatus.Confirmed);
  } finally {
    await stopMining();
  }
}, 90_000);

test("delayedInboxFollower_depositsInOrderChecked_rewindsOnReorg", async () => {
  const d = dev.deployment;
  const user = hardhatAccount(1);
  const wallet = createWalletClient({ account: user, transport: http(dev.url) });
  await wallet.writeContract({
    chain: null,
    address: token(),
    abi: testTokenAbi,
    functionName: "approve",
    args: [d.contracts.bridge.address, 10n ** 12n],
  });
  const deposit = (amount: bigint) =>
    wallet.writeContract({
      chain: null,
      address: d.contracts.bridge.address,
      abi: bridgeAbi,
      functionName: "deposit",
      args: [amount, user.address, 0],
    });
  const got: DelayedMessage[] = [];
  let state: DelayedFollowerState | null = null;
  const sink: DelayedSink = {
    load: async () => state,
    accept: async (messages, s) => {
      got.push(...messages);
      state = s;
    },
    rewind: async (fromIndex, s) => {
      got.splice(Number(fromIndex));
      state = s;
    },
  };
  const follower = () =>
    new DelayedInboxFollower({
      client: dev.client,
      bridge: d.contracts.bridge.address,
      inbox: d.contracts.sequencerInbox.address,
      fromBlock: BigInt(d.contracts.bridge.block),
      confirmations: 2,
      sink,
      logger: silentLogger,
    });
  const f = follower();
  const drain = async (x: DelayedInboxFollower) => {
    while (await x.poll()) {}
  };
  for (const amount of [1n, 2n, 3n]) await deposit(amount * 1_000_000n);
  await dev.rpc("evm_mine");
  await drain(f);
  expect(got.map((m) => m.index)).toEqual([0n, 1n, 2n]);
  // DEPOSIT (0x02) || recipient || subaccount || amount (u64): what the sequencer executes.
  expect(got[1].transaction).toBe(
    `0x02${user.address.slice(2).toLowerCase()}00${(2_000_000).toString(16).padStart(16, "0")}`,
  );
  expect(f.next).toBe(3n);
  await dev.rpc("evm_increaseTime", [100]);
  await dev.rpc("evm_mine");
  expect(await f.backlogSeconds()).toBeGreaterThanOrEqual(100n);

  const snapshot = await dev.rpc<string>("evm_snapshot");
  await deposit(4_000_000n);
  await dev.rpc("evm_mine");
  await dev.rpc("evm_mine");
  await drain(f);
  expect(got.length).toBe(4);
  await dev.rpc("evm_revert", [snapshot]);
  await deposit(5_000_000n);
  for (let i = 0; i < 3; i++) await dev.rpc("evm_mine");
  await drain(f);
  expect(got.map((m) => m.index)).toEqual([0n, 1n, 2n, 3n]);
  expect(got[3].transaction.endsWith((5_000_000).toString(16).padStart(16, "0"))).toBe(true);
  // A restarted follower resumes from the stored state: nothing handed over twice.
  await drain(follower());
  expect(got.length).toBe(4);
  expect(state!.head.accumulator).toBe(
    await dev.client.readContract({
      address: d.contracts.bridge.address,
      abi: bridgeAbi,
      functionName: "accumulatorAt",
      args: [4n],
    }),
  );
}, 60_000);

test("batchPoster_redisWipedMidFlight_noBatchLostOrDuplicated", async () => {
  // The sequencer's key again (after the proposer's test); its running sender stops first (one writer per key).
  const d = dev.deployment;
  const inbox = d.contracts.sequencerInbox.address;
  const sequencer = hardhatAccount(0);
  for (const s of senders) if (s.signer === sequencer.address) await s.stop();
  const count = () =>
    dev.client.readContract({ address: inbox, abi: sequencerInboxAbi, functionName: "batchCount" });
  const start0 = await count();
  const source = new MemoryBatchSource();
  for (let n = 0n; n < start0; n++)
    source.posted.set(n, { number: n, batchHash: `0x${"00".repeat(32)}`, txHash: null, blockNumber: null });
  const ts = Number((await dev.client.getBlock()).timestamp);
  for (let n = start0; n < start0 + 8n; n++) {
    source.batches.push({
      number: n,
      transactions: [Uint8Array.from([0x77, Number(n)])],
      timestamp: ts,
      delayedAfter: Number(
        await dev.client.readContract({
          address: inbox,
          abi: sequencerInboxAbi,
          functionName: "delayedConsumed",
        }),
      ),
      postRoot: `0x${"00".repeat(32)}`,
    });
  }
  const p = prefix();
  const run = async () => {
    const sender = await start(
      dev.client,
      sequencer,
      p,
      { confirmations: 2 },
      {
        postBatch: BatchPoster.alreadyPosted(dev.client, inbox),
      },
    );
    const poster = new BatchPoster({
      source,
      sender,
      client: dev.client,
      inbox,
      bridge: d.contracts.bridge.address,
      logger: silentLogger,
    });
    return { sender, poster };
  };
  await dev.rpc("evm_setAutomine", [false]);
  const stopMining = miner(600);
  try {
    const a = await run();
    // Some batches on L1, others in flight: then Redis loses everything of this service (and the key's lock).
    await until(
      "some posted, some in flight",
      async () => {
        await a.poster.tick();
        const mined = await dev.client.getTransactionCount({
          address: sequencer.address,
          blockTag: "latest",
        });
        const pending = await dev.client.getTransactionCount({
          address: sequencer.address,
          blockTag: "pending",
        });
        return (await count()) > start0 && pending > mined;
      },
      30_000,
    );
    await cleanRedis(p);
    const r = new Redis(REDIS);
    await r.del(TxSender.lockKey(31337, sequencer.address, p));
    r.disconnect();
    // The old sender notices its lock is gone and stops; a new one starts once the orphaned transactions are mined.
    const b = await until("a new sender", () => run().catch(() => null), 20_000);
    await until(
      "every batch on L1",
      async () => {
        await b.poster.tick();
        return (await count()) === start0 + 8n && source.posted.size === Number(start0) + 8;
      },
      40_000,
    );
    await sleep(1_500);
    expect(await count()).toBe(start0 + 8n);
    expect((await b.poster.tick()).oldestUnpostedAge).toBe(0n);
    // Each batch once, in order: L1's hashes are the plan's from where the test began.
    const l1 = await dev.client.readContract({
      address: inbox,
      abi: sequencerInboxAbi,
      functionName: "totalTransactions",
    });
    expect(l1).toBeGreaterThan(0n);
    for (const b of source.batches) {
      const onL1 = await dev.client.readContract({
        address: inbox,
        abi: sequencerInboxAbi,
        functionName: "batchHashes",
        args: [b.number],
      });
      expect(source.posted.get(b.number)?.batchHash).toBe(onL1);
      const tx = await dev.client.getTransaction({ hash: source.posted.get(b.number)!.txHash! });
      const args = decodeFunctionData({ abi: sequencerInboxAbi, data: tx.input }).args as readonly unknown[];
      expect(args[0]).toBe(`0x0002${"77"}${Number(b.number).toString(16).padStart(2, "0")}`);
    }
  } finally {
    await stopMining();
    await dev.rpc("evm_setAutomine", [true]);
  }
}, 120_000);

/** An HTTP proxy to the devnet that can be taken down (connections refused) and brought back on the same port. */
async function rpcProxy(target: string) {
  const port = await freePort();
  const sockets = new Set<import("node:net").Socket>();
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    try {
      const r = await fetch(target, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: Buffer.concat(chunks),
      });
      res.writeHead(r.status, { "content-type": "application/json" });
      res.end(Buffer.from(await r.arrayBuffer()));
    } catch {
      res.destroy();
    }
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  const listen = () => new Promise<void>((r) => server.listen(port, "127.0.0.1", () => r()));
  await listen();
  return {
    url: `http://127.0.0.1:${port}`,
    down: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        for (const s of sockets) s.destroy();
      }),
    up: listen,
  };
}

test("txSender_l1RpcUnavailable_resumesByItselfWithoutDuplicates", async () => {
  const account = hardhatAccount(15);
  const p = prefix();
  const proxy = await rpcProxy(dev.url);
  const client = createPublicClient({
    transport: http(proxy.url, { retryCount: 0, timeout: 2_000 }),
  }) as PublicClient;
  const first = await nonceOf(account.address);
  await dev.rpc("evm_setAutomine", [false]);
  const stopMining = miner(300);
  try {
    const sender = await start(client, account, p, { confirmations: 2 });
    const to = [freshAddress(), freshAddress(), freshAddress()];
    for (const r of to) await sender.submit(mintIntent(token(), r));
    await until("all pending", async () =>
      (await sender.intents.list()).every((r) => r.progress.nonce !== null),
    );
    // L1 goes away for 3 s: blocks are still mined (through the direct URL), the sender sees nothing.
    await proxy.down();
    const late = freshAddress();
    await sender.submit(mintIntent(token(), late));
    await sleep(3_000);
    expect((await sender.intents.status(`mint/${late}`))?.progress.nonce).toBeNull();
    await proxy.up();
    const results = await Promise.all([...to, late].map((r) => sender.intents.result(`mint/${r}`, 30_000)));
    expect(results.map((r) => r.outcome)).toEqual(Array(4).fill("confirmed"));
    for (const r of [...to, late]) expect(await balanceOf(dev.client, token(), r)).toBe(1n);
    expect(await nonceOf(account.address)).toBe(first + 4);
    expect(sender.metrics().errors.unavailable ?? 0).toBeGreaterThan(0);
  } finally {
    await stopMining();
    await dev.rpc("evm_setAutomine", [true]);
    await proxy.down().catch(() => {});
  }
}, 60_000);

test("batchPoster_batchRevertsOnL1_laterBatchNotPostedInItsPlace_resealedBothPostedInOrder", async () => {
  // postBatch carries no number: if batch n reverts, batch n + 1 sent next would become L1's batch n.
  const d = dev.deployment;
  const inbox = d.contracts.sequencerInbox.address;
  const sequencer = hardhatAccount(0);
  for (const s of senders) if (s.signer === sequencer.address) await s.stop();
  const read = <T>(functionName: string, args: unknown[] = []) =>
    dev.client.readContract({
      address: inbox,
      abi: sequencerInboxAbi,
      functionName,
      args,
    } as never) as Promise<T>;
  const n = await read<bigint>("batchCount");
  const source = new MemoryBatchSource();
  for (let i = 0n; i < n; i++)
    source.posted.set(i, { number: i, batchHash: `0x${"00".repeat(32)}`, txHash: null, blockNumber: null });
  // Batch n keeps the last batch's timestamp, which L1 refuses once it is over maxTimestampDrift old.
  const last = Number(await read<bigint>("lastTimestamp"));
  await dev.rpc("evm_increaseTime", [d.params.maxTimestampDrift + 100]);
  await dev.rpc("evm_mine");
  const now = Number((await dev.client.getBlock()).timestamp);
  const delayed = Number(await read<bigint>("delayedConsumed"));
  const sealed = (number: bigint, timestamp: number, b: number): SealedBatch => ({
    number,
    transactions: [Uint8Array.from([0x55, b])],
    timestamp,
    delayedAfter: delayed,
    postRoot: `0x${"00".repeat(32)}`,
  });
  source.batches.push(sealed(n, last, 1), sealed(n + 1n, now, 2));
  const sender = await start(
    dev.client,
    sequencer,
    prefix(),
    { confirmations: 1 },
    {
      postBatch: BatchPoster.alreadyPosted(dev.client, inbox),
    },
  );
  const poster = new BatchPoster({
    source,
    sender,
    client: dev.client,
    inbox,
    bridge: d.contracts.bridge.address,
    logger: silentLogger,
  });
  await poster.tick();
  const first = await sender.intents.result(intentKey.postBatch(n), 20_000).catch((x: unknown) => x);
  expect((first as L1RevertError).errorName).toBe("BadTimestamp");
  const second = await sender.intents.result(intentKey.postBatch(n + 1n), 20_000).catch((x: unknown) => x);
  expect((second as Error).message).toMatch(new RegExp(`postBatch/${n}, which must be sent first, failed`));
  expect((await sender.intents.status(intentKey.postBatch(n + 1n)))?.progress.nonce).toBeNull();
  expect(await read<bigint>("batchCount")).toBe(n);
  // The same batches again change nothing; once batch n is sealed again (a fresh timestamp), both go, in order.
  expect((await poster.tick()).submitted).toEqual([]);
  source.batches[0] = sealed(n, now, 1);
  await until(
    "both posted",
    async () => {
      await poster.tick();
      return source.posted.has(n + 1n);
    },
    30_000,
  );
  const plan = planBatches(
    {
      batchCount: n,
      delayedConsumed: delayed,
      totalTransactions: 0,
      lastTimestamp: 0,
      delayedQueued: delayed,
    },
    source.batches,
  );
  expect(plan.ok).toBe(true);
  for (const [i, b] of plan.batches.entries()) {
    const tx = await dev.client.getTransaction({ hash: source.posted.get(b.number)!.txHash! });
    const args = decodeFunctionData({ abi: sequencerInboxAbi, data: tx.input }).args as readonly unknown[];
    expect([b.number, args[0]]).toEqual([n + BigInt(i), b.calldata]);
  }
  expect(await read<bigint>("batchCount")).toBe(n + 2n);
}, 60_000);
