// Issue 12's problem 4: deposits before batch 0. Old contracts: a deposit queued before the sequencer's first
// batch was consumed by batch 0 ahead of the sequencer's GENESIS, refused by the engine (NOT_INITIALIZED), and its
// tokens stayed in the bridge for good; and if the sequencer never posted batch 0, nothing could be forced in
// (NoGenesisBatch), so the deposit was held hostage. Now batch 0 consumes no delayed message and deposits open once
// it exists (docs/protocol.md, "Delayed inbox").
import { expect, test } from "vitest";
import { DEVNET_PARAMS, encodeBatch, transactionHash } from "../../protocol/index.ts";
import { createChain, deployRollup, hex, reverts } from "./fixture.ts";

const chain = await createChain();
const { accounts } = chain;
const params = DEVNET_PARAMS;

test("test_deposit_beforeBatchZero_reverts", async () => {
  const r = await deployRollup(chain, { params });
  await r.send(r.token, "mint", [accounts.user, 5_000_000n]);
  await r.send(r.token, "approve", [r.bridge.address, 5_000_000n], accounts.user);
  await reverts(
    r.send(r.bridge, "deposit", [1_000_000n, accounts.user, 0], accounts.user),
    "ChainNotStarted",
  );
  // Nothing was taken or queued: a sequencer that never starts holds no tokens.
  expect(await r.token.read.balanceOf([accounts.user])).toBe(5_000_000n);
  expect(await r.bridge.read.messageCount()).toBe(0n);
  await r.start();
  await r.send(r.bridge, "deposit", [1_000_000n, accounts.user, 0], accounts.user);
  expect(await r.bridge.read.messageCount()).toBe(1n);
});

test("test_postBatch_batchZeroConsumesDelayed_reverts", async () => {
  // A user's own transaction may be queued before batch 0 (it carries no tokens); batch 0 may not run it before
  // GENESIS, a later batch does.
  const r = await deployRollup(chain, { params });
  const userTx = Uint8Array.of(0x42, 1, 2, 3);
  await r.send(r.bridge, "sendTransaction", [hex(userTx)], accounts.user);
  const now = BigInt(await r.now());
  await reverts(
    r.send(r.inbox, "postBatch", [hex(encodeBatch([Uint8Array.of(0x01)])), now, 1n]),
    "GenesisBatchConsumesDelayed",
  );
  // Nor can it be forced in before batch 0.
  await r.advance(params.forceInclusionDelay);
  const queuedAt = BigInt(await r.now()) - BigInt(params.forceInclusionDelay) - 1n;
  await reverts(
    r.send(r.inbox, "forceInclusion", [1n, queuedAt, hex(transactionHash(userTx))], accounts.other),
    "NoGenesisBatch",
  );
  const b0 = await r.start();
  expect(b0.header.delayedAfter).toBe(0);
  const b1 = await r.postBatch([Uint8Array.of(7)], 1);
  expect(b1.header.delayedBefore).toBe(0);
  expect(b1.header.delayedAfter).toBe(1);
});
