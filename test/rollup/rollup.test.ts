// Assertions, bonds, confirmation and rejection, and the outbox: only bonded (allowed) proposers assert, nobody
// confirms early, bonds come back when no longer at stake, withdrawals are paid once and only with a valid proof,
// and a token that re-enters cannot be paid twice.
import { type Abi, encodeFunctionData, type Hex } from "viem";
import { expect, test } from "vitest";
import { engineKeys } from "../../protocol/engine/index.ts";
import {
  type AssertionData,
  assertionHash,
  type BatchHeader,
  DEVNET_PARAMS,
  encodeProof,
  OUTBOX_ROOT_KEY,
  outboxRoot,
  type RollupParams,
  type Withdrawal,
} from "../../protocol/index.ts";
import { type Leaf, referenceHash, referenceProof } from "../../protocol/smt/reference.ts";
import {
  assertionArg,
  bytes,
  createChain,
  deployRollup,
  headerArg,
  hex,
  type Rollup,
  reverts,
  stateWith,
  withdrawalEntry,
  word,
} from "./fixture.ts";

const chain = await createChain();
const { accounts } = chain;
const params = DEVNET_PARAMS;
const tx = (i: number) => Uint8Array.from({ length: 40 }, (_, j) => (i * 7 + j) & 0xff);

async function withBatches(p: RollupParams = params, reentrantToken = false) {
  const r = await deployRollup(chain, { params: p, reentrantToken });
  // Batch 0 (GENESIS) consumes no delayed message; the deposit opens after it and batch 1 consumes it.
  const b0 = await r.postBatch([tx(0), tx(1)]);
  await r.send(r.token, "mint", [accounts.user, 10_000_000n]);
  await r.send(r.token, "approve", [r.bridge.address, 10_000_000n], accounts.user);
  await r.send(r.bridge, "deposit", [10_000_000n, accounts.user, 0], accounts.user);
  const b1 = await r.postBatch([tx(2)], 1);
  return { r, headers: [b0.header, b1.header] };
}

/** Posts an assertion on `parent` over batches up to `batchEnd` with the given withdrawals; returns its hash. */
async function propose(
  r: Rollup,
  parent: Hex,
  header: BatchHeader,
  batchEnd: number,
  withdrawals: Withdrawal[],
  salt: string,
  from = accounts.proposer,
) {
  const root = outboxRoot(withdrawals);
  const state = stateWith(root, salt);
  const data: AssertionData = {
    parent: bytes(parent),
    stateRoot: state.root,
    outboxRoot: root,
    batchEnd,
    txEnd: header.txsBefore + header.seqCount + header.delayedAfter - header.delayedBefore,
    delayedEnd: header.delayedAfter,
  };
  await r.send(
    r.rollup,
    "createAssertion",
    [assertionArg(data), headerArg(header), state.outboxProof],
    from,
    params.assertionBond,
  );
  return { hash: hex(assertionHash(data, from)), data, state };
}

test("rollup_createAssertion_onlyBondedAllowedProposers_reverts", async () => {
  const { r, headers } = await withBatches();
  const genesis = await r.rollup.read.genesis();
  const w = [{ recipient: accounts.user, amount: 1n }];
  await reverts(propose(r, genesis, headers[0], 1, w, "a", accounts.other), "NotAllowedProposer");
  const state = stateWith(outboxRoot(w), "a");
  const data = {
    parent: bytes(genesis),
    stateRoot: state.root,
    outboxRoot: outboxRoot(w),
    batchEnd: 1,
    txEnd: 2,
    delayedEnd: 0,
  };
  const call = (d: AssertionData, h: BatchHeader, proof: Hex, value = params.assertionBond) =>
    r.send(r.rollup, "createAssertion", [assertionArg(d), headerArg(h), proof], accounts.proposer, value);
  await reverts(call(data, headers[0], state.outboxProof, 0n), "WrongBond");
  await reverts(call(data, headers[0], state.outboxProof, params.assertionBond + 1n), "WrongBond");
  await reverts(call({ ...data, batchEnd: 3 }, headers[0], state.outboxProof), "BadBatchRange");
  await reverts(call(data, headers[1], state.outboxProof), "BatchHeaderMismatch");
  await reverts(call({ ...data, txEnd: 3 }, headers[0], state.outboxProof), "CountMismatch");
  await reverts(
    call({ ...data, outboxRoot: new Uint8Array(32) }, headers[0], state.outboxProof),
    "OutboxRootMismatch",
  );
  await reverts(
    call({ ...data, parent: new Uint8Array(32) }, headers[0], state.outboxProof),
    "BadAssertionStatus",
  );
  await call(data, headers[0], state.outboxProof);
  await reverts(call(data, headers[0], state.outboxProof), "AssertionExists");
  // A child must cover new batches.
  const h = hex(assertionHash(data, accounts.proposer));
  await reverts(propose(r, h, headers[0], 1, w, "b"), "BadBatchRange");

  // Permissionless: anyone with the bond.
  const open = await withBatches({ ...params, permissionless: true });
  const g2 = await open.r.rollup.read.genesis();
  await propose(open.r, g2, open.headers[0], 1, w, "a", accounts.other);
});

test("rollup_confirm_notEarlyAndInOrder_succeeds", async () => {
  const { r, headers } = await withBatches();
  const genesis = await r.rollup.read.genesis();
  const a = await propose(r, genesis, headers[0], 1, [], "a");
  const b = await propose(r, a.hash, headers[1], 2, [], "b");
  await reverts(r.send(r.rollup, "confirm", [a.hash]), "ChallengePeriodNotOver");
  await r.advance(params.challengePeriod - 10);
  await reverts(r.send(r.rollup, "confirm", [a.hash]), "ChallengePeriodNotOver");
  await r.advance(20);
  // The child cannot be confirmed before its parent.
  await reverts(r.send(r.rollup, "confirm", [b.hash]), "ParentNotLatestConfirmed");
  await r.send(r.rollup, "confirm", [a.hash], accounts.other);
  await reverts(r.send(r.rollup, "confirm", [a.hash]), "BadAssertionStatus");
  await r.send(r.rollup, "confirm", [b.hash]);
  expect(await r.rollup.read.latestConfirmed()).toBe(b.hash);
  // Both bonds are free again.
  expect(await r.rollup.read.withdrawable([accounts.proposer])).toBe(2n * params.assertionBond);
  const before = await chain.publicClient.getBalance({ address: accounts.proposer });
  const receipt = await r.send(r.rollup, "withdrawBonds", [], accounts.proposer);
  const after = await chain.publicClient.getBalance({ address: accounts.proposer });
  expect(after - before).toBe(2n * params.assertionBond - receipt.gasUsed * receipt.effectiveGasPrice);
  await reverts(r.send(r.rollup, "withdrawBonds", [], accounts.proposer), "NothingToWithdraw");
});

test("rollup_reject_siblingOfConfirmedRefundsBond_succeeds", async () => {
  const { r, headers } = await withBatches();
  const genesis = await r.rollup.read.genesis();
  const a = await propose(r, genesis, headers[0], 1, [], "a");
  const sibling = await propose(r, genesis, headers[0], 1, [], "other", accounts.challenger);
  const child = await propose(r, sibling.hash, headers[1], 2, [], "c", accounts.challenger);
  await reverts(r.send(r.rollup, "reject", [sibling.hash]), "NotRejectable");
  await r.advance(params.challengePeriod + 1);
  await r.send(r.rollup, "confirm", [a.hash]);
  await r.send(r.rollup, "reject", [sibling.hash]);
  await r.send(r.rollup, "reject", [child.hash]);
  expect((await r.rollup.read.getAssertion([sibling.hash])).status).toBe(3);
  await reverts(r.send(r.rollup, "confirm", [child.hash]), "BadAssertionStatus");
  // Never proven wrong: the bonds come back.
  expect(await r.rollup.read.withdrawable([accounts.challenger])).toBe(2n * params.assertionBond);
});

/** A confirmed assertion whose state holds `withdrawals` as the engine's outbox entries 0, 1, ... */
async function confirmedWithWithdrawals(reentrantToken = false) {
  const { r, headers } = await withBatches(params, reentrantToken);
  const withdrawals: Withdrawal[] = [
    { recipient: accounts.user, amount: 2_000_000n },
    { recipient: accounts.other, amount: 3_000_000n },
    { recipient: accounts.user, amount: 1_000_000n },
  ];
  const leaves: Leaf[] = [
    { key: word("salt-key"), value: word("salt") },
    ...withdrawals.map((w, i) => ({ key: engineKeys.outbox(BigInt(i)), value: withdrawalEntry(w) })),
  ];
  const header = headers[0];
  const data: AssertionData = {
    parent: bytes(await r.rollup.read.genesis()),
    stateRoot: referenceHash(leaves),
    outboxRoot: new Uint8Array(32),
    batchEnd: 1,
    txEnd: header.txsBefore + header.seqCount + header.delayedAfter - header.delayedBefore,
    delayedEnd: header.delayedAfter,
  };
  const proof = (key: Uint8Array): Hex => hex(encodeProof(referenceProof(leaves, key)));
  await r.send(
    r.rollup,
    "createAssertion",
    [assertionArg(data), headerArg(header), proof(OUTBOX_ROOT_KEY)],
    accounts.proposer,
    params.assertionBond,
  );
  const a = { hash: hex(assertionHash(data, accounts.proposer)) };
  const claimArgs = (i: number, key = engineKeys.outbox(BigInt(i))) => [a.hash, BigInt(i), proof(key)];
  return { r, a, withdrawals, claimArgs };
}

test("outbox_claim_exactlyOnceWithValidProof_succeeds", async () => {
  const { r, a, claimArgs } = await confirmedWithWithdrawals();
  await reverts(r.send(r.outbox, "claim", claimArgs(1)), "AssertionNotConfirmed");
  await r.advance(params.challengePeriod);
  await r.send(r.rollup, "confirm", [a.hash]);
  await r.send(r.outbox, "claim", claimArgs(1), accounts.user);
  expect(await r.token.read.balanceOf([accounts.other])).toBe(3_000_000n);
  expect(await r.outbox.read.isClaimed([1n])).toBe(true);
  await reverts(r.send(r.outbox, "claim", claimArgs(1)), "AlreadyClaimed");
  // Another entry's proof, or a proof against another state, does not open the slot.
  await reverts(r.send(r.outbox, "claim", claimArgs(0, engineKeys.outbox(2n))), "LeafPrefixMismatch");
  const other = hex(
    encodeProof(referenceProof([{ key: engineKeys.outbox(0n), value: word("x") }], engineKeys.outbox(0n))),
  );
  await reverts(r.send(r.outbox, "claim", [a.hash, 0n, other]), "RootMismatch");
  // An index past the entries: its slot is empty.
  await reverts(r.send(r.outbox, "claim", claimArgs(3)), "NoSuchWithdrawal");
  await r.send(r.outbox, "claim", claimArgs(0));
  await r.send(r.outbox, "claim", claimArgs(2));
  expect(await r.token.read.balanceOf([accounts.user])).toBe(3_000_000n);
  expect(await r.token.read.balanceOf([r.bridge.address])).toBe(4_000_000n);
  // L1 derives the engine's key for any index.
  for (const i of [0n, 1n, 255n, 256n, 2n ** 64n - 1n])
    expect(await r.outbox.read.withdrawalKey([i])).toBe(hex(engineKeys.outbox(i)));
});

test("outbox_reentrantToken_paysOnce_succeeds", async () => {
  const { r, a, claimArgs } = await confirmedWithWithdrawals(true);
  await r.advance(params.challengePeriod);
  await r.send(r.rollup, "confirm", [a.hash]);
  // While the bridge pays withdrawal 0, the token re-claims it.
  const again = encodeFunctionData({
    abi: (r.outbox as unknown as { abi: Abi }).abi,
    functionName: "claim",
    args: claimArgs(0),
  });
  await r.send(r.token, "arm", [r.outbox.address, again]);
  await r.send(r.outbox, "claim", claimArgs(0));
  expect(await r.token.read.reentries()).toBe(1n);
  expect(await r.token.read.lastReentrySucceeded()).toBe(false);
  expect(await r.token.read.balanceOf([accounts.user])).toBe(2_000_000n);
  expect(await r.token.read.balanceOf([r.bridge.address])).toBe(8_000_000n);
});

test("rollup_copiedAssertion_doesNotBlockTheHonestProposer_succeeds", async () => {
  // An attacker who copies a correct assertion first (front-running it) and then loses it on purpose to its own
  // challenger would, if ids ignored the proposer, make the honest proposer's identical claim revert
  // AssertionExists and reject the only assertion with that claim. The id includes the proposer, so each
  // proposer's claim stands on its own.
  const { r, headers } = await withBatches();
  const genesis = await r.rollup.read.genesis();
  const copy = await propose(r, genesis, headers[0], 1, [], "same", accounts.challenger);
  const own = await propose(r, genesis, headers[0], 1, [], "same", accounts.proposer);
  expect(own.hash).not.toBe(copy.hash);
  expect(own.hash).toBe(hex(assertionHash(own.data, accounts.proposer)));
  expect((await r.rollup.read.getAssertion([own.hash])).proposer.toLowerCase()).toBe(
    accounts.proposer.toLowerCase(),
  );
  await reverts(propose(r, genesis, headers[0], 1, [], "same", accounts.proposer), "AssertionExists");
  // Whatever happens to the copy, the honest one confirms; the copy then goes (its bond back: never proven wrong).
  await r.advance(params.challengePeriod);
  await r.send(r.rollup, "confirm", [own.hash]);
  await r.send(r.rollup, "reject", [copy.hash]);
  expect(await r.rollup.read.latestConfirmed()).toBe(own.hash);
});

test("rollup_createAssertion_beforeChallengeManagerConnected_reverts", async () => {
  // An assertion nobody can challenge would confirm whatever it claims: none is accepted before the connection.
  const { r, headers } = await withBatches();
  const unconnected = (await chain.viem.deployContract(
    "Rollup" as never,
    [
      r.inbox.address,
      {
        challengePeriod: BigInt(params.challengePeriod),
        assertionBond: params.assertionBond,
        burnShareBps: params.burnShareBps,
        permissionless: true,
        proposerInactivity: BigInt(params.proposerInactivity),
      },
      hex(r.genesisRoot),
      [],
    ] as never,
  )) as unknown as Rollup["rollup"];
  await reverts(
    propose({ ...r, rollup: unconnected }, await unconnected.read.genesis(), headers[0], 1, [], "a"),
    "NotConnected",
  );
  await r.send(unconnected, "connect", [r.cm.address]);
  await propose({ ...r, rollup: unconnected }, await unconnected.read.genesis(), headers[0], 1, [], "a");
});

test("rollup_challengeHooks_onlyTheChallengeManager_reverts", async () => {
  // Anyone opening a challenge count directly would hold an assertion unconfirmable forever; closing one would
  // reject it.
  const { r, headers } = await withBatches();
  const a = await propose(r, await r.rollup.read.genesis(), headers[0], 1, [], "a");
  await reverts(r.send(r.rollup, "openChallenge", [a.hash], accounts.other), "NotChallengeManager");
  await reverts(
    r.send(r.rollup, "closeChallenge", [a.hash, true, accounts.other], accounts.other),
    "NotChallengeManager",
  );
  expect((await r.rollup.read.getAssertion([a.hash])).openChallenges).toBe(0);
  await r.advance(params.challengePeriod);
  await r.send(r.rollup, "confirm", [a.hash]);
});
