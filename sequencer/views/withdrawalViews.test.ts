/**
 * Withdrawals through the trader API's port on the real node (engine, log, state tree), with the
 * L1 side as a fixed assertion record: stages from pending to claimed, the proof checked against
 * the confirmed root with the TypeScript twin of SparseMerkle.read, and every refusal.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { type Hex, hexToBytes } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeWithdrawal, engineKeys } from "../../protocol/engine/index.ts";
import { verifyRead } from "../../protocol/index.ts";
import { createLogger } from "../../service/index.ts";
import type { NodeApi, SubmitResult, WithdrawalProofResult } from "../api/NodeApi.ts";
import type { AssertionEntry, AssertionSource, AssertionState } from "../l1/assertionState.ts";
import { SequencerNode } from "../SequencerNode.ts";
import { deposit, signed, trader } from "../testing/traders.ts";
import { createNodeApi } from "./createNodeApi.ts";

const ENGINE = readFileSync(new URL("../../engine/engine.wasm", import.meta.url));
const CHAIN = 31337n;
const OUTBOX: Hex = `0x${"0b".repeat(20)}`;
const a = trader(21);
const b = trader(22);

function ok(r: SubmitResult) {
  if (!r.ok) throw new Error(JSON.stringify(r.rejection));
  return r.receipt;
}
const refusal = (r: WithdrawalProofResult) => {
  if (r.ok) throw new Error("expected a refusal");
  return r.refusal;
};
const withdraw = (t: typeof a, amount: bigint) => signed(CHAIN, t, "WITHDRAW", { subaccount: 0n, amount });

function assertion(
  n: number,
  batchEnd: number,
  stateRoot: Hex,
  status: AssertionEntry["status"],
): AssertionEntry {
  return {
    id: `0x${n.toString(16).padStart(64, "0")}`,
    parent: `0x${"00".repeat(32)}`,
    proposer: `0x${"99".repeat(20)}`,
    stateRoot,
    batchEnd,
    deadline: 1234,
    status,
    createdBlock: BigInt(n),
    statusBlock: status === "pending" ? null : BigInt(n),
  };
}

let dir: string;
let node: SequencerNode;
let l1: AssertionState;
const source: AssertionSource = { outbox: OUTBOX, current: () => l1 };
const posted = new Set<number>();
let api: NodeApi;
let bare: NodeApi;
/** The batch of the first withdrawals, and its state root. */
let first: number;
let root: Hex;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "optio-withdrawals-"));
  node = await SequencerNode.open({
    dataDir: dir,
    engineWasm: ENGINE,
    chainId: CHAIN,
    admin: trader(2000).address,
    logger: createLogger({
      service: "t",
      level: "warn",
      destination: new Writable({ write: (_c, _e, cb) => cb() }),
    }),
    now: () => 1_000_000_000,
    recoveryThreads: 1,
    limits: { batchTimeMs: 60_000 },
    keepRoots: 3,
  });
  l1 = { assertions: [], claims: {} };
  api = createNodeApi(
    node,
    undefined,
    {
      postedBatch: (n) => (posted.has(n) ? { txHash: `0x${"ab".repeat(32)}`, blockNumber: "7" } : undefined),
      lastPosted: () => (posted.size === 0 ? null : Math.max(...posted)),
    },
    source,
  );
  bare = createNodeApi(node, undefined);
  for (const r of await node.includeDelayed([deposit(a, 1_000_000n), deposit(b, 1_000_000n)])) ok(r);
  const w0 = ok(await api.submit(withdraw(a, 300_000n)));
  // Refused by the engine (more than the collateral): executed, nonce consumed, no outbox entry.
  expect(ok(await api.submit(withdraw(b, 5_000_000n))).outcomeName).toBe("INSUFFICIENT_COLLATERAL");
  ok(await api.submit(withdraw(b, 100_000n)));
  first = w0.block;
  expect(await node.sealNow()).toBe(first);
  // The sealed record gets its root once the tree's writer stored it.
  while (node.log.batch(first)?.stateRoot === undefined) await new Promise((r) => setTimeout(r, 10));
  root = node.log.batch(first)?.stateRoot as Hex;
  ok(await api.submit(withdraw(a, 50_000n)));
});
afterAll(async () => {
  await node.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("withdrawals on the real node", () => {
  it("test_withdrawals_listedPerAddressWithOutboxIndexTxAndBatch_succeeds", async () => {
    const ws = await api.withdrawals!(a.address);
    expect(ws.map((w) => [w.index, w.amount, w.stage])).toEqual([
      ["0", "300000", "pending"],
      ["2", "50000", "pending"],
    ]);
    expect(ws[0]).toMatchObject({ recipient: a.address.toLowerCase(), batch: first, batchL1TxHash: null });
    expect(ws[1].batch).toBe(first + 1);
    expect((await node.receipt(ws[0].txHash))?.type).toBe("WITHDRAW");
    expect((await api.withdrawals!(b.address)).map((w) => w.index)).toEqual(["1"]);
    expect(await api.withdrawals!(trader(99).address)).toEqual([]);
    // Entries appear as the log grows (the index reads on from its cursor).
    ok(await api.submit(withdraw(b, 1n)));
    expect((await api.withdrawals!(b.address)).map((w) => w.index)).toEqual(["1", "3"]);
  });

  it("test_withdrawalProof_beforeConfirmation_reverts", async () => {
    expect(refusal(await api.withdrawalProof!(4n))).toEqual({
      reason: "UNKNOWN_WITHDRAWAL",
      index: "4",
      count: "4",
    });
    expect(refusal(await bare.withdrawalProof!(0n))).toMatchObject({
      reason: "NOT_CLAIMABLE",
      stage: "pending",
      message: "this node does not follow L1 (it runs without an L1 key); ask a node that does",
    });
    expect(refusal(await api.withdrawalProof!(0n))).toMatchObject({
      stage: "pending",
      message: `batch ${first} is not on L1 yet`,
    });
    posted.add(first);
    expect((await api.withdrawals!(a.address))[0]).toMatchObject({
      stage: "posted",
      batchL1TxHash: `0x${"ab".repeat(32)}`,
    });
    expect(refusal(await api.withdrawalProof!(0n))).toMatchObject({
      stage: "posted",
      message: `batch ${first} is on L1; the next assertion will cover it`,
    });
    l1 = { assertions: [assertion(1, first + 1, root, "pending")], claims: {} };
    const [w0, w2] = await api.withdrawals!(a.address);
    expect(w0).toMatchObject({
      stage: "asserted",
      assertion: assertion(1, 0, root, "pending").id,
      confirmableAt: "1234",
    });
    expect(w2.stage).toBe("pending");
    expect(refusal(await api.withdrawalProof!(0n))).toEqual({
      reason: "NOT_CLAIMABLE",
      index: "0",
      stage: "asserted",
      assertion: w0.assertion,
      confirmableAt: "1234",
      message: `asserted by ${w0.assertion}, confirmable after 1970-01-01T00:20:34.000Z (L1 time)`,
    });
    expect((await api.batch(first))?.stage).toBe("asserted");
    expect(await api.status()).toMatchObject({ lastAssertedBatch: first, lastConfirmedBatch: null });
  });

  it("test_withdrawalProof_confirmed_provesTheEntryAgainstTheConfirmedRoot_succeeds", async () => {
    const confirmed = assertion(1, first + 1, root, "confirmed");
    l1 = { assertions: [confirmed], claims: {} };
    expect((await api.withdrawals!(b.address)).map((w) => w.stage)).toEqual(["claimable", "pending"]);
    const r = await api.withdrawalProof!(1n);
    if (!r.ok) throw new Error(JSON.stringify(r.refusal));
    expect(r.proof).toMatchObject({
      index: "1",
      recipient: b.address.toLowerCase(),
      amount: "100000",
      assertion: confirmed.id,
      stateRoot: root,
      batchEnd: first + 1,
      outbox: OUTBOX,
      claimed: false,
    });
    // What Outbox.claim does: read the slot from the root with the proof.
    const entry = decodeWithdrawal(
      verifyRead(hexToBytes(root), engineKeys.outbox(1n), hexToBytes(r.proof.proof)),
    );
    expect(entry).toEqual({ recipient: b.address.toLowerCase(), amount: 100_000n });
    expect((await api.batch(first))?.stage).toBe("confirmed");
    expect((await api.status()).lastConfirmedBatch).toBe(first);

    l1 = {
      assertions: [confirmed],
      claims: {
        "1": {
          index: 1n,
          recipient: b.address.toLowerCase() as Hex,
          amount: 100_000n,
          assertion: confirmed.id,
          l1TxHash: `0x${"c1".repeat(32)}`,
          block: 9n,
        },
      },
    };
    expect((await api.withdrawals!(b.address))[0]).toMatchObject({
      stage: "claimed",
      assertion: confirmed.id,
      claimL1TxHash: `0x${"c1".repeat(32)}`,
    });
    expect(await api.withdrawalProof!(1n)).toMatchObject({ ok: true, proof: { claimed: true } });
  });

  it("test_withdrawalProof_rootNotOursOrNotKept_reverts", async () => {
    const wrong = assertion(2, first + 1, `0x${"ee".repeat(32)}`, "confirmed");
    l1 = { assertions: [wrong], claims: {} };
    expect(refusal(await api.withdrawalProof!(0n))).toEqual({
      reason: "PROOF_UNAVAILABLE",
      index: "0",
      assertion: wrong.id,
      message: `L1 confirmed state root 0x${"ee".repeat(32)} after batch ${first}; this node's is ${root}`,
    });
    // keepRoots 3: three more batches and the root after `first` is gone.
    l1 = { assertions: [assertion(1, first + 1, root, "confirmed")], claims: {} };
    for (let i = 0; i < 3; i++) {
      await node.sealNow();
      ok(await api.submit(withdraw(a, 1n)));
    }
    await node.sealNow();
    await node.tree.flushed();
    expect(refusal(await api.withdrawalProof!(0n))).toMatchObject({
      reason: "PROOF_UNAVAILABLE",
      message: `the state root after batch ${first} is no longer kept (keepRoots); ask an archive node`,
    });
  });
});
