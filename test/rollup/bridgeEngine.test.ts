// The bridge's delayed messages as the engine executes them: a deposit queued on L1 must be a DEPOSIT the engine
// credits (else the collateral is locked in the bridge for good), a user's signed transaction queued on L1 must
// reach the engine unchanged (the censorship-resistant path for withdrawals and cancels), and nothing queued on L1
// may pose as a deposit or as the chain's genesis.
import { decodeEventLog, type Hex } from "viem";
import { expect, test } from "vitest";
import { encodeDeposit, Outcome, signTx } from "../../protocol/engine/index.ts";
import { DEVNET_PARAMS, depositMessage, MAX_TRANSACTION_BYTES } from "../../protocol/index.ts";
import { EngineHarness, TestExchange, testAccount } from "../engineHarness.ts";
import { bytes, createChain, deployRollup, hex, type Rollup, reverts } from "./fixture.ts";

const chain = await createChain();
const params = DEVNET_PARAMS;
const { accounts } = chain;
const I64_MAX = 2n ** 63n - 1n;

/** The transaction bytes of the MessageQueued events of a receipt. */
function queued(
  r: Rollup,
  receipt: { logs: readonly { data: Hex; topics: readonly Hex[] }[] },
): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const log of receipt.logs) {
    try {
      const ev = decodeEventLog({
        abi: (r.bridge as unknown as { abi: never }).abi,
        data: log.data,
        topics: log.topics as never,
      }) as unknown as { eventName: string; args: { transaction: Hex } };
      if (ev.eventName === "MessageQueued") out.push(bytes(ev.args.transaction));
    } catch {
      // another contract's event (the token's Transfer)
    }
  }
  return out;
}

test("bridge_deposit_engineCreditsTheQueuedMessage_succeeds", async () => {
  const r = await deployRollup(chain, { params });
  await r.start();
  await r.send(r.token, "mint", [accounts.user, 5_000_000n]);
  await r.send(r.token, "approve", [r.bridge.address, 5_000_000n], accounts.user);
  const receipt = await r.send(r.bridge, "deposit", [1_500_000n, accounts.other, 3], accounts.user);
  const [message] = queued(r, receipt);
  expect(message).toEqual(encodeDeposit(accounts.other, 3, 1_500_000n));
  expect(message).toEqual(depositMessage(accounts.other, 3, 1_500_000n));

  // The engine, initialized, credits it as a delayed-inbox message (origin 1) to (recipient, subaccount 3).
  const x = new TestExchange(new EngineHarness());
  x.setup();
  const run = x.h.run(message, 1n);
  expect(run.code).toBe(Outcome.OK);
  expect(x.account(accounts.other, 3).collateral).toBe(1_500_000n);
});

test("bridge_deposit_aboveEngineRange_reverts", async () => {
  // The engine refuses a deposit that takes its total deposited past i64 (BAD_AMOUNT): the tokens would stay in
  // the bridge with nothing credited on L2, so the bridge refuses it first.
  const r = await deployRollup(chain, { params });
  await r.start();
  await r.send(r.token, "mint", [accounts.user, I64_MAX + 10n]);
  await r.send(r.token, "approve", [r.bridge.address, I64_MAX + 10n], accounts.user);
  await reverts(
    r.send(r.bridge, "deposit", [I64_MAX + 1n, accounts.user, 0], accounts.user),
    "DepositTooLarge",
  );
  await r.send(r.bridge, "deposit", [I64_MAX - 5n, accounts.user, 0], accounts.user);
  await reverts(r.send(r.bridge, "deposit", [6n, accounts.user, 0], accounts.user), "DepositTooLarge");
  await r.send(r.bridge, "deposit", [5n, accounts.user, 0], accounts.user);
  expect(await r.bridge.read.deposited()).toBe(I64_MAX);
  expect(await r.bridge.read.messageCount()).toBe(2n);
});

test("bridge_sendTransaction_signedWithdrawalReachesEngine_succeeds", async () => {
  const r = await deployRollup(chain, { params });
  const x = new TestExchange(new EngineHarness());
  x.setup();
  const alice = testAccount(10);
  expect(x.deposit(alice.address, 1_000n).code).toBe(Outcome.OK);
  // Alice signs her own withdrawal and queues it on L1 herself: no sequencer can keep it out.
  const signed = await signTx(alice, x.chainId, {
    type: "WITHDRAW",
    nonce: 0n,
    body: { subaccount: 0n, amount: 400n },
  });
  const receipt = await r.send(r.bridge, "sendTransaction", [hex(signed)], accounts.user);
  const [message] = queued(r, receipt);
  expect(message).toEqual(signed);
  expect(x.h.run(message, 1n).code).toBe(Outcome.OK);
  expect(x.account(alice.address).collateral).toBe(600n);
});

test("bridge_sendTransaction_genesisDepositEmptyOrTooLong_reverts", async () => {
  const r = await deployRollup(chain, { params });
  // A bare DEPOSIT from L1 would be credited without collateral; a GENESIS before the sequencer's would make its
  // sender the chain's admin.
  await reverts(
    r.send(r.bridge, "sendTransaction", [hex(encodeDeposit(accounts.user, 0, 10n ** 12n))], accounts.user),
    "TransactionNotAllowed",
  );
  await reverts(r.send(r.bridge, "sendTransaction", ["0x01"], accounts.user), "TransactionNotAllowed");
  await reverts(r.send(r.bridge, "sendTransaction", ["0x"], accounts.user), "TransactionNotAllowed");
  await reverts(
    r.send(
      r.bridge,
      "sendTransaction",
      [hex(new Uint8Array(MAX_TRANSACTION_BYTES + 1).fill(0x40))],
      accounts.user,
    ),
    "TransactionTooLong",
  );
  await r.send(
    r.bridge,
    "sendTransaction",
    [hex(new Uint8Array(MAX_TRANSACTION_BYTES).fill(0x40))],
    accounts.user,
  );
  expect(await r.bridge.read.messageCount()).toBe(1n);
});
