// Deploys the rollup contracts on Hardhat's in-process chain and wraps the calls tests and the benchmark make.
// Contracts are driven through viem with loose types (the artifacts' generated types are not checked in).
import { network } from "hardhat";
import { type Abi, type Address, bytesToHex, type Hex, hexToBytes, type Log, parseEventLogs } from "viem";
import { deployRollup as deployContracts } from "../../deploy/index.ts";
import { engineKeys } from "../../protocol/engine/index.ts";
import {
  type AssertionData,
  type BatchHeader,
  batchTransactionRoot,
  encodeBatch,
  encodeProof,
  type InitialMachine,
  type MachineOpening,
  OUTBOX_ROOT_KEY,
  type RollupParams,
  type Withdrawal,
} from "../../protocol/index.ts";
import { type Leaf, referenceHash, referenceProof } from "../../protocol/smt/reference.ts";

// biome-ignore lint/suspicious/noExplicitAny: viem contract instances are typed from artifacts that are not checked in.
export type Contract = { address: Address; read: Record<string, any>; write: Record<string, any> };

export const hex = (b: Uint8Array): Hex => bytesToHex(b);
export const bytes = (h: Hex): Uint8Array => hexToBytes(h);

/** A word derived from a label, for scripted histories. */
export function word(label: string): Uint8Array {
  const out = new Uint8Array(32);
  const t = new TextEncoder().encode(label);
  for (let i = 0; i < t.length; i++) out[i % 32] ^= t[i];
  out[31] ^= t.length;
  out[0] ^= 0xa5;
  return out;
}

/** The engine's fixed initial parts, for tests (a documented fixture: status running, pc 0, empty stacks). */
export const TEST_MACHINE: InitialMachine = {
  statusWord: new Uint8Array(32),
  valueStackHash: new Uint8Array(32),
  frameStackHash: new Uint8Array(32),
  globalsRoot: word("globals"),
  memoryRoot: word("memory"),
  codeRoot: word("code"),
  tableRoot: word("table"),
};

/** The engine's outbox entry of a withdrawal (docs/engine.md, "Outbox"): recipient (20) || amount (u64) || 0 (4). */
export function withdrawalEntry(w: Withdrawal): Uint8Array {
  const v = new Uint8Array(32);
  v.set(hexToBytes(w.recipient), 0);
  new DataView(v.buffer).setBigUint64(20, w.amount);
  return v;
}

/**
 * A state: the outbox root at OUTBOX_ROOT_KEY, `withdrawals` as the engine's outbox entries 0, 1, ... (what
 * Outbox.claim reads) and a salt leaf that makes roots differ.
 */
export function stateWith(
  outboxRoot: Uint8Array,
  salt: string,
  withdrawals: readonly Withdrawal[] = [],
): { root: Uint8Array; outboxProof: Hex; withdrawalProof: (index: number) => Hex } {
  const leaves: Leaf[] = [{ key: word(`salt-key-${salt}`), value: word(`salt-${salt}`) }];
  if (outboxRoot.some((b) => b !== 0)) leaves.push({ key: OUTBOX_ROOT_KEY, value: outboxRoot });
  withdrawals.forEach((w, i) => {
    leaves.push({ key: engineKeys.outbox(BigInt(i)), value: withdrawalEntry(w) });
  });
  return {
    root: referenceHash(leaves),
    outboxProof: hex(encodeProof(referenceProof(leaves, OUTBOX_ROOT_KEY))),
    withdrawalProof: (index) => hex(encodeProof(referenceProof(leaves, engineKeys.outbox(BigInt(index))))),
  };
}

export const machineArg = (m: InitialMachine) => ({
  statusWord: hex(m.statusWord),
  valueStackHash: hex(m.valueStackHash),
  frameStackHash: hex(m.frameStackHash),
  globalsRoot: hex(m.globalsRoot),
  memoryRoot: hex(m.memoryRoot),
  codeRoot: hex(m.codeRoot),
  tableRoot: hex(m.tableRoot),
});

export const openingArg = (m: MachineOpening) => ({
  ...machineArg(m),
  stateRoot: hex(m.stateRoot),
  inputHash: hex(m.inputHash),
  batchContext: hex(m.batchContext),
  gasWord: hex(m.gasWord),
});

export const headerArg = (h: BatchHeader) => ({
  txRoot: hex(h.txRoot),
  seqCount: BigInt(h.seqCount),
  delayedBefore: BigInt(h.delayedBefore),
  delayedAfter: BigInt(h.delayedAfter),
  txsBefore: BigInt(h.txsBefore),
  timestamp: BigInt(h.timestamp),
});

export const assertionArg = (a: AssertionData) => ({
  parent: hex(a.parent),
  stateRoot: hex(a.stateRoot),
  outboxRoot: hex(a.outboxRoot),
  batchEnd: BigInt(a.batchEnd),
  txEnd: BigInt(a.txEnd),
  delayedEnd: BigInt(a.delayedEnd),
});

/** A chain with the rollup deployed, and its accounts. */
export type Rollup = Awaited<ReturnType<typeof deployRollup>>;

/** One in-process chain per test file; fixtures deploy fresh contracts on it. */
export async function createChain() {
  const conn = await network.create();
  const { viem } = conn;
  const publicClient = await viem.getPublicClient();
  const testClient = await viem.getTestClient();
  const wallets = await viem.getWalletClients();
  const [deployer, proposer, challenger, user, other] = wallets.map((w) => w.account.address);
  return { viem, publicClient, testClient, accounts: { deployer, proposer, challenger, user, other } };
}
export type Chain = Awaited<ReturnType<typeof createChain>>;

export interface DeployOptions {
  params: RollupParams;
  genesisRoot?: Uint8Array;
  machine?: InitialMachine;
  /** Deploy the bridge on a token that calls back into contracts (reentrancy tests). */
  reentrantToken?: boolean;
  /** The one-step prover; defaults to the table-driven test double. */
  prover?: Address;
}

/**
 * Deploys through deploy/deployRollup (what `./optio deploy` runs, so the tests exercise the real wiring) with
 * the tests' choices: the deployer as sequencer, `proposer` and `challenger` as proposers, a synthetic engine
 * (TEST_MACHINE) and the table-driven prover double unless given; wraps the addresses as contract instances.
 */
export async function deployRollup(chain: Chain, options: DeployOptions) {
  const { viem, accounts, publicClient, testClient } = chain;
  const p = options.params;
  const genesisRoot = options.genesisRoot ?? stateWith(new Uint8Array(32), "genesis").root;
  const machine = options.machine ?? TEST_MACHINE;
  const [walletClient] = await viem.getWalletClients();
  const deployment = await deployContracts({
    connection: { walletClient, publicClient },
    params: p,
    sequencer: accounts.deployer,
    proposers: [accounts.proposer, accounts.challenger],
    machine,
    genesisRoot,
    token: options.reentrantToken ? "ReentrantToken" : "TestToken",
    prover: options.prover ?? "OneStepProverDouble",
  });
  const at = async (name: string, address: Address) =>
    (await viem.getContractAt(name as never, address)) as unknown as Contract;
  const c = deployment.contracts;
  const token = await at(options.reentrantToken ? "ReentrantToken" : "TestToken", deployment.token.address);
  const bridge = await at("Bridge", c.bridge.address);
  const inbox = await at("SequencerInbox", c.sequencerInbox.address);
  const rollup = await at("Rollup", c.rollup.address);
  const osp = options.prover ? undefined : await at("OneStepProverDouble", c.oneStepProver.address);
  const cm = await at("ChallengeManager", c.challengeManager.address);
  const outbox = await at("Outbox", c.outbox.address);

  /** Sends a transaction and returns its receipt (gas used, logs); throws on revert. */
  async function send(contract: Contract, fn: string, args: unknown[], account?: Address, value?: bigint) {
    const hash = await contract.write[fn](args, { account: account ?? accounts.deployer, value });
    return publicClient.waitForTransactionReceipt({ hash });
  }

  async function now(): Promise<number> {
    return Number((await publicClient.getBlock()).timestamp);
  }

  async function advance(seconds: number) {
    await testClient.increaseTime({ seconds });
    await testClient.mine({ blocks: 1 });
  }

  /** The next transaction's block gets this timestamp (exact-boundary tests). */
  async function nextAt(timestamp: number | bigint) {
    await testClient.setNextBlockTimestamp({ timestamp: BigInt(timestamp) });
  }

  /** Posts a batch of sequencer transactions with the delayed count after it; returns its header. */
  async function postBatch(txs: readonly Uint8Array[], delayedAfter?: number) {
    const before = {
      delayedBefore: Number(await inbox.read.delayedConsumed()),
      txsBefore: Number(await inbox.read.totalTransactions()),
    };
    const delayed = delayedAfter ?? before.delayedBefore;
    const timestamp = await now();
    const receipt = await send(inbox, "postBatch", [
      hex(encodeBatch(txs)),
      BigInt(timestamp),
      BigInt(delayed),
    ]);
    const number = Number(await inbox.read.batchCount()) - 1;
    const header: BatchHeader = {
      txRoot: batchTransactionRoot(txs),
      seqCount: txs.length,
      delayedBefore: before.delayedBefore,
      delayedAfter: delayed,
      txsBefore: before.txsBefore,
      timestamp,
    };
    return { number, header, receipt, timestamp };
  }

  /**
   * Posts batch 0, the sequencer's GENESIS batch (a stand-in transaction of type 0x01, no delayed message):
   * deposits open once it exists.
   */
  async function start() {
    return postBatch([Uint8Array.of(0x01, 0x47, 0x45, 0x4e)]);
  }

  return {
    ...chain,
    params: p,
    machine,
    genesisRoot,
    token,
    bridge,
    inbox,
    rollup,
    cm,
    osp,
    outbox,
    send,
    now,
    advance,
    nextAt,
    postBatch,
    start,
  };
}

/** Runs `f` and expects it to revert with custom error `name`. */
export async function reverts(f: Promise<unknown>, name: string): Promise<void> {
  try {
    await f;
  } catch (e) {
    const text = String((e as Error).message) + String((e as { cause?: unknown }).cause ?? "");
    if (!text.includes(name)) throw new Error(`expected revert ${name}, got: ${text.slice(0, 400)}`);
    return;
  }
  throw new Error(`expected revert ${name}, but the call succeeded`);
}

/** The arguments of a contract's events named `name` in a receipt. */
export function eventsOf<T = Record<string, unknown>>(
  contract: Contract,
  receipt: { logs: readonly Log[] },
  name: string,
): T[] {
  const abi = (contract as unknown as { abi: Abi }).abi;
  return parseEventLogs({ abi, logs: [...receipt.logs], eventName: name as never }).map(
    (e) => (e as unknown as { args: T }).args,
  );
}
