// deploy/deployRollup against Hardhat's in-process chain: what `./optio deploy` and `./optio devnet` put on L1 is
// wired as the services expect (addresses, parameters, the real engine's initial machine), recorded faithfully in
// the deployment file, and usable (a deposit through the deployed bridge queues the engine's DEPOSIT).
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { network } from "hardhat";
import {
  type Abi,
  bytesToHex,
  createWalletClient,
  custom,
  decodeEventLog,
  getAddress,
  hexToBytes,
  parseEventLogs,
} from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { afterAll, expect, test } from "vitest";
import {
  DEFAULT_ENGINE_PATH,
  DeployError,
  deployRollup,
  InsufficientFundsError,
  InvalidDeployArgumentError,
  loadArtifact,
  mintTestCollateral,
  NoChainError,
  readDeployment,
  resolveParams,
  verifyDeployment,
} from "../deploy/index.ts";
import { DEVNET_PARAMS, depositMessage, encodeBatch, PUBLIC_PARAMS } from "../protocol/index.ts";
import { initialMachineParts } from "../vm/index.ts";

const conn = await network.create();
const publicClient = await conn.viem.getPublicClient();
const wallets = await conn.viem.getWalletClients();
const [admin, sequencer, proposer, user] = wallets.map((w) => getAddress(w.account.address));
const dir = mkdtempSync(join(tmpdir(), "optio-deploy-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const out = join(dir, "devnet.json");
const d = await deployRollup({
  connection: { walletClient: wallets[0], publicClient, rpcUrl: "http://127.0.0.1:8545" },
  params: "devnet",
  sequencer,
  proposers: [admin, proposer],
  out,
});
const read = (
  name: Parameters<typeof loadArtifact>[0],
  address: `0x${string}`,
  fn: string,
  args: unknown[] = [],
) => publicClient.readContract({ address, abi: loadArtifact(name).abi as Abi, functionName: fn, args });

test("deployRollup_devnet_rollupKnowsItsContracts_succeeds", async () => {
  const c = d.contracts;
  expect(await read("Rollup", c.rollup.address, "inbox")).toBe(c.sequencerInbox.address);
  expect(await read("Rollup", c.rollup.address, "challengeManager")).toBe(c.challengeManager.address);
  expect(await read("SequencerInbox", c.sequencerInbox.address, "bridge")).toBe(c.bridge.address);
  expect(await read("SequencerInbox", c.sequencerInbox.address, "sequencer")).toBe(sequencer);
  expect(await read("ChallengeManager", c.challengeManager.address, "prover")).toBe(c.oneStepProver.address);
  expect(await read("OneStepProver", c.oneStepProver.address, "hostIo")).toBe(c.oneStepProverHostIo?.address);
  expect(await read("Bridge", c.bridge.address, "outbox")).toBe(c.outbox.address);
  expect(await read("Bridge", c.bridge.address, "token")).toBe(d.token.address);
  expect(await read("Rollup", c.rollup.address, "allowedProposer", [proposer])).toBe(true);
  expect(await read("Rollup", c.rollup.address, "allowedProposer", [user])).toBe(false);
  expect(d.token).toMatchObject({ symbol: "tUSD", decimals: 6 });
  expect(d.admin).toBe(admin);
  expect(d.chainId).toBe(await publicClient.getChainId());
  for (const x of [...Object.values(c), d.token]) if (x) expect(x.block).toBeGreaterThan(0);
});

test("deployRollup_devnet_parametersReadBack_succeeds", async () => {
  const c = d.contracts;
  expect(d.params).toEqual(DEVNET_PARAMS);
  expect(d.paramSet).toBe("devnet");
  expect(await read("Rollup", c.rollup.address, "challengePeriod")).toBe(
    BigInt(DEVNET_PARAMS.challengePeriod),
  );
  expect(await read("Rollup", c.rollup.address, "assertionBond")).toBe(DEVNET_PARAMS.assertionBond);
  expect(await read("Rollup", c.rollup.address, "permissionless")).toBe(DEVNET_PARAMS.permissionless);
  expect(await read("ChallengeManager", c.challengeManager.address, "challengeBond")).toBe(
    DEVNET_PARAMS.challengeBond,
  );
  expect(await read("ChallengeManager", c.challengeManager.address, "clock")).toBe(
    BigInt(DEVNET_PARAMS.clock),
  );
  expect(await read("ChallengeManager", c.challengeManager.address, "txGasLimit")).toBe(
    BigInt(DEVNET_PARAMS.txGasLimit),
  );
  expect(await read("SequencerInbox", c.sequencerInbox.address, "forceInclusionDelay")).toBe(
    BigInt(DEVNET_PARAMS.forceInclusionDelay),
  );
  // The genesis assertion is confirmed on the empty state tree, where the engine's GENESIS starts.
  expect(await read("Rollup", c.rollup.address, "latestConfirmed")).toBe(d.genesisAssertion);
  expect(d.genesisStateRoot).toBe(bytesToHex(new Uint8Array(32)));
});

test("deployRollup_devnet_initialMachineIsTheEngines_succeeds", () => {
  const parts = initialMachineParts(readFileSync(DEFAULT_ENGINE_PATH));
  const want = Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, bytesToHex(v as Uint8Array)]));
  expect(d.engine.initialMachine).toEqual(want);
  expect(d.engine.codeRoot).toBe(bytesToHex(parts.codeRoot));
  expect(d.engine.path).toBe("engine/engine.wasm");
});

test("verifyDeployment_wrongRecord_listsTheMismatches", async () => {
  expect(await verifyDeployment(publicClient, d)).toEqual([]);
  const wrongMachine = { ...d.engine.initialMachine, codeRoot: bytesToHex(new Uint8Array(32).fill(1)) };
  const wrong = {
    ...d,
    sequencer: user,
    params: { ...d.params, clock: d.params.clock + 1 },
    engine: { ...d.engine, initialMachine: wrongMachine },
  };
  const mismatches = await verifyDeployment(publicClient, wrong);
  expect(mismatches).toHaveLength(3);
  expect(mismatches.join("\n")).toMatch(
    /SequencerInbox.sequencer[\s\S]*ChallengeManager.clock[\s\S]*initial machine/,
  );
});

test("deployRollup_file_roundTripsTheRecord_succeeds", () => {
  expect(readDeployment(out)).toEqual(d);
  expect(d.l1Rpc).toBe("http://127.0.0.1:8545");
});

test("deployRollup_depositThroughTheBridge_queuesTheDelayedMessage_succeeds", async () => {
  const amount = 2_500_000n; // 2.5 tUSD
  // Deposits open once the sequencer's first batch (its GENESIS, no delayed message) is posted.
  const inboxAbi = loadArtifact("SequencerInbox").abi as Abi;
  const now = (await publicClient.getBlock()).timestamp;
  await publicClient.waitForTransactionReceipt({
    hash: await wallets[1].writeContract({
      address: d.contracts.sequencerInbox.address,
      abi: inboxAbi,
      functionName: "postBatch",
      args: [bytesToHex(encodeBatch([Uint8Array.of(0x01)])), now, 0n],
    }),
  });
  await mintTestCollateral({ walletClient: wallets[0], publicClient }, d.token.address, [user], amount);
  const token = loadArtifact("TestToken").abi as Abi;
  const bridgeAbi = loadArtifact("Bridge").abi as Abi;
  const u = wallets[3];
  await publicClient.waitForTransactionReceipt({
    hash: await u.writeContract({
      address: d.token.address,
      abi: token,
      functionName: "approve",
      args: [d.contracts.bridge.address, amount],
    }),
  });
  const receipt = await publicClient.waitForTransactionReceipt({
    hash: await u.writeContract({
      address: d.contracts.bridge.address,
      abi: bridgeAbi,
      functionName: "deposit",
      args: [amount, user, 0],
    }),
  });
  const events = parseEventLogs({ abi: bridgeAbi, logs: receipt.logs, eventName: "MessageQueued" });
  expect(events).toHaveLength(1);
  const ev = decodeEventLog({ abi: bridgeAbi, ...events[0] }) as unknown as {
    args: { index: bigint; sender: string; transaction: `0x${string}` };
  };
  expect(ev.args.index).toBe(0n);
  expect(ev.args.sender).toBe(user);
  expect(hexToBytes(ev.args.transaction)).toEqual(depositMessage(user, 0, amount));
});

test("deployRollup_publicParamsWithExistingToken_succeeds", async () => {
  const p = await deployRollup({
    connection: { walletClient: wallets[1], publicClient },
    params: "public",
    token: d.token.address,
  });
  expect(p.params).toEqual(PUBLIC_PARAMS);
  expect(p.token.address).toBe(d.token.address);
  expect(p.admin).toBe(sequencer);
  expect(p.proposers).toEqual([sequencer]);
  expect(await read("Rollup", p.contracts.rollup.address, "permissionless")).toBe(true);
});

test("deployRollup_badInput_throwsBeforeSpending", async () => {
  const nonce = await publicClient.getTransactionCount({ address: admin });
  const connection = { walletClient: wallets[0], publicClient };
  await expect(deployRollup({ connection, params: "devnet", overrides: { degree: 1 } })).rejects.toThrow(
    InvalidDeployArgumentError,
  );
  await expect(deployRollup({ connection, params: "mainnet" as "public" })).rejects.toThrow(/parameter set/);
  await expect(deployRollup({ connection, engine: join(dir, "missing.wasm") })).rejects.toThrow(DeployError);
  await expect(
    deployRollup({ connection, proposers: [], overrides: { permissionless: false } }),
  ).rejects.toThrow(/at least one proposer/);
  expect(await publicClient.getTransactionCount({ address: admin })).toBe(nonce);
  expect(resolveParams({ params: "devnet", overrides: { clock: 5 } }).paramSet).toBe("custom");
});

test("deployRollup_noChainAtTheUrl_saysToStartTheDevnet", async () => {
  // Port 9 (discard) on loopback: nothing answers JSON-RPC there.
  const e = await deployRollup({
    connection: {
      rpcUrl: "http://127.0.0.1:9",
      privateKey: "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
    },
  }).catch((x: unknown) => x);
  expect(e).toBeInstanceOf(NoChainError);
  await expect(
    deployRollup({ connection: { rpcUrl: "http://127.0.0.1:8545", privateKey: "0x1234" } }),
  ).rejects.toThrow(/private key/);
});

test("deployRollup_unfundedDeployer_saysToFundIt", async () => {
  const walletClient = createWalletClient({
    account: privateKeyToAccount(generatePrivateKey()),
    transport: custom(conn.provider),
  });
  const e = await deployRollup({ connection: { walletClient, publicClient } }).catch((x: unknown) => x);
  expect(e).toBeInstanceOf(InsufficientFundsError);
  expect((e as InsufficientFundsError).fix).toMatch(/fund the account/);
  // Some funds, too few for the contracts: the node's refusal is reported the same way.
  await (await conn.viem.getTestClient()).setBalance({
    address: walletClient.account.address,
    value: 10n ** 12n,
  });
  const partly = await deployRollup({ connection: { walletClient, publicClient } }).catch((x: unknown) => x);
  expect(partly).toBeInstanceOf(InsufficientFundsError);
});
