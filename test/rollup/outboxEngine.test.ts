// The outbox end to end with the real engine: a withdrawal the engine wrote into its state (docs/engine.md,
// "Outbox") is paid on L1 once the assertion holding that state root is confirmed, exactly once, to the
// recipient the engine recorded, for the amount it recorded; an index the engine never wrote pays nothing.
import { type Hex, hexToBytes } from "viem";
import { expect, test } from "vitest";
import { engineKeys, Outcome, signTx } from "../../protocol/engine/index.ts";
import {
  type AssertionData,
  assertionHash,
  DEVNET_PARAMS,
  encodeProof,
  OUTBOX_ROOT_KEY,
} from "../../protocol/index.ts";
import { type Leaf, referenceHash, referenceProof } from "../../protocol/smt/reference.ts";
import { EngineHarness, TestExchange, testAccount } from "../engineHarness.ts";
import { assertionArg, createChain, deployRollup, headerArg, hex, reverts } from "./fixture.ts";

const chain = await createChain();
const params = DEVNET_PARAMS;
const { accounts } = chain;

test("outbox_claim_engineWithdrawalAgainstConfirmedState_succeeds", async () => {
  // L2: alice (an L1 account too) deposits and withdraws 400 and 250: outbox entries 0 and 1.
  const x = new TestExchange(new EngineHarness());
  x.setup();
  const alice = testAccount(10);
  expect(x.deposit(alice.address, 1_000n).code).toBe(Outcome.OK);
  for (const [nonce, amount] of [
    [0n, 400n],
    [1n, 250n],
  ] as const) {
    const signed = await signTx(alice, x.chainId, {
      type: "WITHDRAW",
      nonce,
      body: { subaccount: 0n, amount },
    });
    expect(x.h.run(signed).code).toBe(Outcome.OK);
  }
  const leaves: Leaf[] = [...x.h.state.entries()].map(([key, value]) => ({ key, value }));
  const stateRoot = referenceHash(leaves);
  expect(stateRoot).toEqual(x.h.root());
  const proofOf = (key: Uint8Array): Hex => hex(encodeProof(referenceProof(leaves, key)));

  // L1: the bridge holds the collateral; an assertion claims that state root and is confirmed.
  const r = await deployRollup(chain, { params });
  await r.send(r.token, "mint", [accounts.user, 1_000n]);
  await r.send(r.token, "approve", [r.bridge.address, 1_000n], accounts.user);
  await r.start();
  await r.send(r.bridge, "deposit", [1_000n, alice.address, 0], accounts.user);
  const { header } = await r.postBatch([], 1);
  const data: AssertionData = {
    parent: hexToBytes(await r.rollup.read.genesis()),
    stateRoot,
    outboxRoot: new Uint8Array(32),
    batchEnd: 2,
    txEnd: 2,
    delayedEnd: 1,
  };
  await r.send(
    r.rollup,
    "createAssertion",
    [assertionArg(data), headerArg(header), proofOf(OUTBOX_ROOT_KEY)],
    accounts.proposer,
    params.assertionBond,
  );
  const a = hex(assertionHash(data, accounts.proposer));
  const claim = (index: bigint, proof = proofOf(engineKeys.outbox(index))) =>
    r.send(r.outbox, "claim", [a, index, proof], accounts.other);
  await reverts(claim(0n), "AssertionNotConfirmed");
  await r.advance(params.challengePeriod);
  await r.send(r.rollup, "confirm", [a]);

  await claim(1n);
  expect(await r.token.read.balanceOf([alice.address])).toBe(250n);
  await reverts(claim(1n), "AlreadyClaimed");
  // Entry 0's proof given for another index does not open that index's key.
  await reverts(claim(2n, proofOf(engineKeys.outbox(0n))), "LeafPrefixMismatch");
  // An index the engine never wrote: its key is absent from the state.
  await reverts(claim(2n), "NoSuchWithdrawal");
  await claim(0n);
  expect(await r.token.read.balanceOf([alice.address])).toBe(650n);
  expect(await r.token.read.balanceOf([r.bridge.address])).toBe(350n);
  expect(await r.outbox.read.isClaimed([0n])).toBe(true);
  expect(await r.outbox.read.isClaimed([2n])).toBe(false);
});
