// The trader's views without the sequencer, over a real replay (no chain): a deposit and a signed WITHDRAW queued
// in the delayed inbox and run by a forced batch; a second WITHDRAW queued and not consumed. The proof is checked
// as Outbox.claim reads it (verifyRead against the confirmed state root); the nonce counts the queued message.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bytesToHex, type Hex, hexToBytes, type PublicClient } from "viem";
import { afterEach, expect, test } from "vitest";
import { encodeGenesis, engineKeys } from "../../protocol/engine/index.ts";
import { batchHash, batchTransactionRoot, verifyRead, ZERO } from "../../protocol/index.ts";
import { deposit, setupTxs, signed, trader } from "../../sequencer/testing/traders.ts";
import { TX_GAS_LIMIT } from "../../vm/params.ts";
import type { AssertionRecord, BatchRecord } from "../records.ts";
import { Replayer } from "../replay/Replayer.ts";
import { VerifierStore } from "../VerifierStore.ts";
import { createWithdrawalViews } from "./withdrawalViews.ts";

const ENGINE = new Uint8Array(readFileSync(new URL("../../engine/engine.wasm", import.meta.url)));
const CHAIN = 31337n;
const OUTBOX = "0x0000000000000000000000000000000000000abc" as Hex;
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function batch(number: number, txs: Uint8Array[], delayed: [number, number], txsBefore: number): BatchRecord {
  const header = {
    txRoot: bytesToHex(batchTransactionRoot(txs)),
    seqCount: txs.length,
    delayedBefore: delayed[0],
    delayedAfter: delayed[1],
    txsBefore,
    timestamp: 1_700_000_000 + number,
  };
  return {
    number,
    batchHash: bytesToHex(batchHash({ ...header, txRoot: batchTransactionRoot(txs) })),
    header,
    forced: txs.length === 0,
    l1Block: 10 + number,
    l1Tx: `0x${"00".repeat(32)}`,
    txs: txs.map((t) => bytesToHex(t)),
  };
}

async function setUp() {
  const dir = mkdtempSync(join(tmpdir(), "optio-wviews-"));
  dirs.push(dir);
  const store = new VerifierStore(join(dir, "db"));
  const replayer = new Replayer(store, {
    statePath: join(dir, "state"),
    keepRoots: 64,
    engineWasm: ENGINE,
    txGasLimit: TX_GAS_LIMIT,
    genesisStateRoot: bytesToHex(ZERO),
  });
  const [admin, oracle, user] = [trader(0), trader(1), trader(2)];
  const genesis = [encodeGenesis(admin.address, CHAIN), ...setupTxs(CHAIN, admin, oracle, 1_700_000_000n)];
  const delayed = [
    deposit(user, 1_000_000_000n),
    signed(CHAIN, user, "WITHDRAW", { subaccount: 0n, amount: 250_500_000n }),
    signed(CHAIN, user, "WITHDRAW", { subaccount: 0n, amount: 1n }),
  ];
  await store.batches.put(0, batch(0, genesis, [0, 0], 0));
  // The forced batch: the deposit and the first WITHDRAW, no sequencer transaction.
  await store.batches.put(1, batch(1, [], [0, 2], genesis.length));
  for (const [index, tx] of delayed.entries())
    await store.delayed.put(index, {
      index,
      transaction: bytesToHex(tx),
      queuedAt: 1_700_000_000 + index,
      accumulator: `0x${"00".repeat(32)}`,
      l1Block: 10 + index,
    });
  for (let i = 0; i < 2; i++) expect((await replayer.step()).kind).toBe("replayed");
  let claimed = false;
  const client = {
    readContract: async () => claimed,
  } as unknown as PublicClient;
  const views = createWithdrawalViews({ store, replayer, client, outbox: OUTBOX });
  const root = replayer.rootAfterBatches(2) as Hex;
  const assertion: AssertionRecord = {
    id: `0x${"aa".repeat(32)}`,
    parent: `0x${"bb".repeat(32)}`,
    proposer: user.address,
    stateRoot: root,
    outboxRoot: bytesToHex(ZERO),
    batchEnd: 2,
    txEnd: genesis.length + 2,
    delayedEnd: 2,
    deadline: 1_700_000_900,
    l1Block: 20,
    status: "pending",
    verdict: { kind: "agree" },
  };
  return {
    store,
    replayer,
    views,
    user,
    root,
    assertion,
    markClaimed: () => {
      claimed = true;
    },
    close: async () => {
      await replayer.close();
      await store.close();
    },
  };
}

test("withdrawalViews_forcedWithdrawOnL1_stagesThenAProofOutboxClaimAccepts", async () => {
  const t = await setUp();
  // Replayed from L1, no assertion yet: posted, and no proof.
  expect(await t.views.withdrawals(t.user.address)).toEqual([
    {
      index: "0",
      recipient: t.user.address,
      amount: "250500000",
      stage: "posted",
      assertion: null,
      confirmableAt: null,
    },
  ]);
  expect(await t.views.withdrawalProof(0n)).toMatchObject({
    ok: false,
    refused: { reason: "NOT_CLAIMABLE", stage: "posted" },
  });
  // A pending assertion we agree with covers it: asserted, confirmable at its deadline.
  await t.store.assertions.put(t.assertion.id, t.assertion);
  expect(await t.views.withdrawalProof(0n)).toMatchObject({
    ok: false,
    refused: {
      reason: "NOT_CLAIMABLE",
      stage: "asserted",
      assertion: t.assertion.id,
      confirmableAt: "1700000900",
    },
  });
  // Confirmed: the proof reads the entry from the confirmed state root, as Outbox.claim does.
  await t.store.assertions.put(t.assertion.id, { ...t.assertion, status: "confirmed" });
  const r = await t.views.withdrawalProof(0n);
  if (!r.ok) throw new Error(`expected a proof, got ${JSON.stringify(r.refused)}`);
  expect(r.proof).toMatchObject({
    index: "0",
    recipient: t.user.address,
    amount: "250500000",
    assertion: t.assertion.id,
    stateRoot: t.root,
    batchEnd: 2,
    outbox: OUTBOX,
    claimed: false,
  });
  const slot = verifyRead(hexToBytes(t.root), engineKeys.outbox(0n), hexToBytes(r.proof.proof));
  expect(bytesToHex(slot.subarray(0, 20))).toBe(t.user.address.toLowerCase());
  // Paid on L1: still proven (L1 decides), marked claimed.
  t.markClaimed();
  expect((await t.views.withdrawals(t.user.address))[0].stage).toBe("claimed");
  // No such entry (the second WITHDRAW is still queued).
  expect(await t.views.withdrawalProof(1n)).toMatchObject({
    ok: false,
    refused: { reason: "UNKNOWN_WITHDRAWAL", index: "1", count: "1" },
  });
  await t.close();
});

test("withdrawalViews_nonce_pastTheReplayedStateAndTheQueuedMessages", async () => {
  const t = await setUp();
  // The replayed WITHDRAW used nonce 0; the queued one (message 2) takes 1: the next is 2.
  expect(t.views.nonce(t.user.address)).toEqual({
    address: t.user.address,
    nonce: "2",
    stateNonce: "1",
    replayedBatches: 2,
    queued: [{ index: 2, nonce: "1" }],
  });
  expect(t.views.nonce(trader(5).address)).toMatchObject({ nonce: "0", stateNonce: "0", queued: [] });
  await t.close();
});
