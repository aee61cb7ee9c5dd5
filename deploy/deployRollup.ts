import { readFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type Abi,
  type Account,
  type Address,
  BaseError,
  bytesToHex,
  type Chain,
  createPublicClient,
  createWalletClient,
  getAddress,
  type Hex,
  http,
  isAddress,
  keccak256,
  type PublicClient,
  type Transport,
  type WalletClient,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { DEVNET_PARAMS, type InitialMachine, PUBLIC_PARAMS, type RollupParams } from "../protocol/index.ts";
import { initialMachineParts } from "../vm/index.ts";
import {
  DeployError,
  DeployTransactionError,
  InsufficientFundsError,
  InvalidDeployArgumentError,
  NoChainError,
  WiringMismatchError,
} from "./errors.ts";
import { type ContractName, loadArtifact } from "./loadArtifact.ts";
import {
  DEPLOYMENT_FORMAT,
  type DeployedContract,
  type RollupDeployment,
  writeDeployment,
} from "./RollupDeployment.ts";
import { verifyDeployment } from "./verifyDeployment.ts";

const REPO_ROOT = fileURLToPath(new URL("../", import.meta.url));

/** The engine the devnet runs: its initial machine parts go into the ChallengeManager. */
export const DEFAULT_ENGINE_PATH = resolve(REPO_ROOT, "engine/engine.wasm");

/** Clients to deploy through: a wallet client with an account, and a public client on the same chain. */
export interface DeployClients {
  // biome-ignore lint/suspicious/noExplicitAny: hardhat-viem's and plain viem's clients differ in chain generics.
  walletClient: WalletClient<Transport, Chain | undefined, Account> | any;
  // biome-ignore lint/suspicious/noExplicitAny: as above.
  publicClient: PublicClient | any;
  /** The URL recorded as the L1 RPC; defaults to the public client's http URL. */
  rpcUrl?: string;
}

/** An RPC URL and the deployer's private key (0x + 64 hex digits). */
export interface DeployEndpoint {
  rpcUrl: string;
  privateKey: Hex;
}

export interface DeployRollupOptions {
  /** Where to deploy: viem clients, or an RPC URL and a private key. */
  connection: DeployClients | DeployEndpoint;
  /** A named parameter set (protocol/rollup/params.ts) or a full set; `overrides` change single values. */
  params?: "devnet" | "public" | RollupParams;
  overrides?: Partial<RollupParams>;
  /** The account allowed to post batches; defaults to the deployer. */
  sequencer?: Address;
  /** Allowed proposers; defaults to [the deployer]. */
  proposers?: readonly Address[];
  /** The engine wasm (path or bytes) whose initial machine parts the challenge manager holds; default engine/engine.wasm. */
  engine?: string | Uint8Array;
  /** The initial machine parts directly (tests with a synthetic engine); `engine` is then not read. */
  machine?: InitialMachine;
  /** The genesis state root; default the empty state tree (ZERO), where the engine's GENESIS starts. */
  genesisRoot?: Uint8Array;
  /** The collateral token: an existing ERC-20's address, or a test token contract to deploy (default TestToken). */
  token?: Address | "TestToken" | "ReentrantToken";
  /** The one-step prover: an existing IOneStepProver's address, or the contract to deploy (default OneStepProver). */
  prover?: Address | "OneStepProver" | "OneStepProverDouble";
  /** Write the deployment JSON here (docs/deploy.md). */
  out?: string;
  /** Called before each deployment step (for CLI progress). */
  onStep?: (step: string) => void;
}

const U64_MAX = 2n ** 64n - 1n;

/** The parameter set of `options`, validated against what the contracts take (types and ranges). */
export function resolveParams(options: Pick<DeployRollupOptions, "params" | "overrides">): {
  params: RollupParams;
  paramSet: RollupDeployment["paramSet"];
} {
  const choice = options.params ?? "devnet";
  let base: RollupParams;
  if (choice === "devnet") base = DEVNET_PARAMS;
  else if (choice === "public") base = PUBLIC_PARAMS;
  else if (typeof choice === "object") base = choice;
  else throw new InvalidDeployArgumentError("parameter set", String(choice), '"devnet" or "public"');
  const params = { ...base, ...options.overrides };
  const named = typeof choice === "string" && Object.keys(options.overrides ?? {}).length === 0;
  for (const key of [
    "challengePeriod",
    "clock",
    "firstMoveDeadline",
    "proposerInactivity",
    "degree",
    "forceInclusionDelay",
    "maxTimestampDrift",
    "txGasLimit",
  ]) {
    const v = params[key as keyof RollupParams];
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) {
      throw new InvalidDeployArgumentError(
        `parameter ${key}`,
        String(v),
        "a whole number of at least 0 (u64)",
      );
    }
  }
  if (params.degree < 2)
    throw new InvalidDeployArgumentError("parameter degree", String(params.degree), "at least 2");
  if (!Number.isInteger(params.burnShareBps) || params.burnShareBps < 0 || params.burnShareBps > 10_000) {
    throw new InvalidDeployArgumentError(
      "parameter burnShareBps",
      String(params.burnShareBps),
      "0 to 10,000",
    );
  }
  for (const key of ["assertionBond", "challengeBond"] as const) {
    if (typeof params[key] !== "bigint" || params[key] < 0n || params[key] > 2n ** 256n - 1n) {
      throw new InvalidDeployArgumentError(`parameter ${key}`, String(params[key]), "wei as a bigint >= 0");
    }
  }
  if (typeof params.permissionless !== "boolean") {
    throw new InvalidDeployArgumentError(
      "parameter permissionless",
      String(params.permissionless),
      "a boolean",
    );
  }
  if (BigInt(params.txGasLimit) * 2n > U64_MAX) {
    throw new InvalidDeployArgumentError(
      "parameter txGasLimit",
      String(params.txGasLimit),
      "at most 2^63 - 1",
    );
  }
  return { params, paramSet: named ? (choice as "devnet" | "public") : "custom" };
}

/** Viem clients for an RPC URL and a private key (no retries: a dead URL fails at once with NoChainError). */
export function clientsFor(endpoint: DeployEndpoint): DeployClients {
  if (!/^0x[0-9a-fA-F]{64}$/.test(endpoint.privateKey)) {
    throw new InvalidDeployArgumentError("private key", "(not shown)", "0x followed by 64 hex digits");
  }
  if (!/^https?:\/\//.test(endpoint.rpcUrl)) {
    throw new InvalidDeployArgumentError("RPC URL", endpoint.rpcUrl, "an http:// or https:// URL");
  }
  const transport = http(endpoint.rpcUrl, { retryCount: 0, timeout: 30_000 });
  return {
    walletClient: createWalletClient({ account: privateKeyToAccount(endpoint.privateKey), transport }),
    publicClient: createPublicClient({ transport }),
    rpcUrl: endpoint.rpcUrl,
  };
}

/** Whether `e` (a viem error chain) says the sender cannot pay. */
function isInsufficientFunds(e: unknown): boolean {
  const text = e instanceof BaseError ? `${e.shortMessage} ${e.details} ${e.message}` : String(e);
  return /insufficient funds|enough funds|exceeds (the )?balance|sender balance/i.test(text);
}

/** Whether `e` is a transport failure (nothing listening, connection refused, timeout). */
function isUnreachable(e: unknown): boolean {
  const text = e instanceof BaseError ? `${e.name} ${e.shortMessage} ${e.details}` : String(e);
  return /HttpRequestError|fetch failed|ECONNREFUSED|TimeoutError|socket hang up|ENOTFOUND/i.test(text);
}

const hexWords = (m: InitialMachine) => ({
  statusWord: bytesToHex(m.statusWord),
  valueStackHash: bytesToHex(m.valueStackHash),
  frameStackHash: bytesToHex(m.frameStackHash),
  globalsRoot: bytesToHex(m.globalsRoot),
  memoryRoot: bytesToHex(m.memoryRoot),
  codeRoot: bytesToHex(m.codeRoot),
  tableRoot: bytesToHex(m.tableRoot),
});

/**
 * Deploys the rollup's L1 contracts and wires them: the collateral token (unless given), Bridge (with the delayed
 * inbox), SequencerInbox, Rollup (genesis confirmed), the one-step prover, ChallengeManager (with the engine's
 * initial machine), Outbox; then Rollup.connect(challengeManager) and Bridge.connect(sequencerInbox, outbox). Each transaction is
 * awaited to its receipt, the result is read back (verifyDeployment) and returned as a deployment record, written
 * as JSON to `out` when given. Throws a DeployError subclass (with a `fix`) on failure.
 */
export async function deployRollup(options: DeployRollupOptions): Promise<RollupDeployment> {
  const { params, paramSet } = resolveParams(options);
  const clients = "privateKey" in options.connection ? clientsFor(options.connection) : options.connection;
  const { walletClient, publicClient } = clients;
  const rpcUrl: string =
    clients.rpcUrl ?? (publicClient.transport?.url as string | undefined) ?? "in-process (no URL)";
  const account: Account = walletClient.account;
  if (!account) {
    throw new InvalidDeployArgumentError(
      "wallet client",
      "a client without an account",
      "a client with an account",
    );
  }
  const admin = getAddress(account.address);
  for (const a of [options.sequencer, ...(options.proposers ?? [])]) {
    if (a !== undefined && !isAddress(a))
      throw new InvalidDeployArgumentError("address", String(a), "a 0x address");
  }
  const sequencer = getAddress(options.sequencer ?? admin);
  const proposers = (options.proposers ?? [admin]).map((a) => getAddress(a));
  if (!params.permissionless && proposers.length === 0) {
    throw new InvalidDeployArgumentError(
      "proposers",
      "none",
      "at least one proposer when permissionless is false",
    );
  }

  // The engine first: a bad engine fails before anything is spent.
  let machine: InitialMachine;
  let enginePath: string | null = null;
  let wasmHash: Hex | null = null;
  if (options.machine) {
    machine = options.machine;
  } else {
    const source = options.engine ?? DEFAULT_ENGINE_PATH;
    let wasm: Uint8Array;
    if (typeof source === "string") {
      try {
        wasm = readFileSync(source);
      } catch (e) {
        throw new DeployError(
          `cannot read the engine at ${source}`,
          "build it with `scripts/build-wasm.sh`, or pass the path of an engine wasm",
          {
            path: source,
          },
          { cause: e },
        );
      }
      const rel = relative(REPO_ROOT, resolve(source));
      enginePath = rel.startsWith("..") ? resolve(source) : rel;
    } else {
      wasm = source;
    }
    wasmHash = keccak256(wasm);
    machine = initialMachineParts(wasm);
  }
  const genesisRoot = options.genesisRoot ?? new Uint8Array(32);

  let chainId: number;
  try {
    chainId = await publicClient.getChainId();
  } catch (e) {
    throw new NoChainError(rpcUrl, e);
  }
  const balance: bigint = await publicClient.getBalance({ address: admin });
  if (balance === 0n) throw new InsufficientFundsError(admin, balance);

  const chain = walletClient.chain ?? null;
  const step = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
    options.onStep?.(name);
    try {
      return await run();
    } catch (e) {
      if (e instanceof DeployError) throw e;
      if (isInsufficientFunds(e)) {
        throw new InsufficientFundsError(admin, await publicClient.getBalance({ address: admin }), e);
      }
      if (isUnreachable(e)) throw new NoChainError(rpcUrl, e);
      throw new DeployTransactionError(name, e instanceof BaseError ? e.shortMessage : String(e), e);
    }
  };
  const receiptOf = async (name: string, hash: Hex) => {
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") throw new DeployTransactionError(name, `transaction ${hash} reverted`);
    return receipt;
  };
  const deploy = (name: ContractName, args: readonly unknown[] = []): Promise<DeployedContract> =>
    step(`deploy ${name}`, async () => {
      const { abi, bytecode } = loadArtifact(name);
      const hash: Hex = await walletClient.deployContract({ abi, bytecode, args, account, chain });
      const receipt = await receiptOf(`deploy ${name}`, hash);
      if (!receipt.contractAddress)
        throw new DeployTransactionError(`deploy ${name}`, "no contract was created");
      return { address: getAddress(receipt.contractAddress), block: Number(receipt.blockNumber) };
    });
  const call = (name: ContractName, address: Address, functionName: string, args: readonly unknown[]) =>
    step(`${name}.${functionName}`, async () => {
      const abi = loadArtifact(name).abi as Abi;
      const hash: Hex = await walletClient.writeContract({
        address,
        abi,
        functionName,
        args,
        account,
        chain,
      });
      await receiptOf(`${name}.${functionName}`, hash);
    });

  const existing = (a: string | undefined): a is Address => typeof a === "string" && a.startsWith("0x");
  if (existing(options.token) && !isAddress(options.token)) {
    throw new InvalidDeployArgumentError("token", options.token, "a 0x address or a test token name");
  }
  if (existing(options.prover) && !isAddress(options.prover)) {
    throw new InvalidDeployArgumentError("prover", options.prover, "a 0x address or a prover contract name");
  }
  const tokenChoice = options.token ?? "TestToken";
  // A contract this deployment did not create is recorded with block 0 (services scan it from the start).
  const token: DeployedContract = existing(tokenChoice)
    ? { address: getAddress(tokenChoice), block: 0 }
    : await deploy(tokenChoice);
  const bridge = await deploy("Bridge", [token.address]);
  const sequencerInbox = await deploy("SequencerInbox", [
    sequencer,
    bridge.address,
    BigInt(params.forceInclusionDelay),
    BigInt(params.maxTimestampDrift),
  ]);
  const rollup = await deploy("Rollup", [
    sequencerInbox.address,
    {
      challengePeriod: BigInt(params.challengePeriod),
      assertionBond: params.assertionBond,
      burnShareBps: params.burnShareBps,
      permissionless: params.permissionless,
      proposerInactivity: BigInt(params.proposerInactivity),
    },
    bytesToHex(genesisRoot),
    proposers,
  ]);
  const proverChoice = options.prover ?? "OneStepProver";
  let oneStepProver: DeployedContract;
  let oneStepProverHostIo: DeployedContract | null = null;
  if (existing(proverChoice)) {
    oneStepProver = { address: getAddress(proverChoice), block: 0 };
  } else if (proverChoice === "OneStepProver") {
    // The order of prover/deployOneStepProver.ts: the host I/O family, then the entry wired to it.
    oneStepProverHostIo = await deploy("OneStepProverHostIo");
    oneStepProver = await deploy("OneStepProver", [oneStepProverHostIo.address]);
  } else {
    oneStepProver = await deploy(proverChoice);
  }
  const words = hexWords(machine);
  const challengeManager = await deploy("ChallengeManager", [
    rollup.address,
    oneStepProver.address,
    {
      challengeBond: params.challengeBond,
      clock: BigInt(params.clock),
      firstMoveDeadline: BigInt(params.firstMoveDeadline),
      degree: BigInt(params.degree),
      txGasLimit: BigInt(params.txGasLimit),
      burnShareBps: params.burnShareBps,
    },
    words,
  ]);
  const outbox = await deploy("Outbox", [rollup.address, bridge.address]);
  await call("Rollup", rollup.address, "connect", [challengeManager.address]);
  await call("Bridge", bridge.address, "connect", [sequencerInbox.address, outbox.address]);

  const { tokenInfo, genesisAssertion } = await step("read back", async () => {
    const erc20 = loadArtifact("TestToken").abi as Abi;
    const read = (functionName: string) =>
      publicClient.readContract({ address: token.address, abi: erc20, functionName }) as Promise<unknown>;
    // An existing token may lack the optional symbol(): record "" rather than fail.
    const symbol = await read("symbol").then(String, () => "");
    const decimals = Number(await read("decimals"));
    const genesisAssertion = (await publicClient.readContract({
      address: rollup.address,
      abi: loadArtifact("Rollup").abi as Abi,
      functionName: "genesis",
    })) as Hex;
    return { tokenInfo: { symbol, decimals }, genesisAssertion };
  });

  const deployment: RollupDeployment = {
    format: DEPLOYMENT_FORMAT,
    chainId,
    l1Rpc: rpcUrl,
    paramSet,
    params,
    admin,
    sequencer,
    proposers: [...proposers],
    genesisStateRoot: bytesToHex(genesisRoot),
    genesisAssertion,
    engine: { path: enginePath, wasmHash, codeRoot: words.codeRoot, initialMachine: words },
    token: { ...token, ...tokenInfo },
    contracts: {
      bridge,
      sequencerInbox,
      rollup,
      challengeManager,
      outbox,
      oneStepProver,
      oneStepProverHostIo,
    },
  };
  const mismatches = await step("verify", () => verifyDeployment(publicClient, deployment));
  if (mismatches.length > 0) throw new WiringMismatchError(mismatches);
  if (options.out) writeDeployment(deployment, options.out);
  return deployment;
}
