// The verifier as a process against a devnet (test/l1/devnet.ts: a real Hardhat node process with the rollup
// deployed), and the dishonest party the tests play against it: a batch posted with SequencerInbox.postBatch, an
// assertion (honest or not) from the devnet's proposer, and a liar that plays chooseMove on a false history from
// the test process, sending its moves itself.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type Address,
  bytesToHex,
  createWalletClient,
  type Hex,
  hexToBytes,
  http,
  type LocalAccount,
} from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { deploymentToJson, deployRollup } from "../../deploy/index.ts";
import { challengeManagerAbi, rollupAbi, sequencerInboxAbi } from "../../l1/index.ts";
import { freePort, type TestDevnet } from "../../l1/testing/startDevnet.ts";
import { encodeGenesis } from "../../protocol/engine/index.ts";
import {
  batchTransactionRoot,
  encodeBatch,
  encodeProof,
  Origin,
  OUTBOX_ROOT_KEY,
  ZERO,
} from "../../protocol/index.ts";
import {
  batchRoots,
  DisputeHistory,
  faultyHistory,
  type PlacedTransaction,
  placedBatchContext,
} from "../../prover/index.ts";
import { setupTxs, trader } from "../../sequencer/testing/traders.ts";
import {
  ChallengeStatus,
  chooseMove,
  gameViewOf,
  type History,
  type Move,
  moveCall,
  type Role,
  type Segment,
  type StepRoots,
} from "../../verifier/index.ts";
import { loadModule, ProvableState, TransactionRunner } from "../../vm/index.ts";
import { stateWith } from "../rollup/fixture.ts";

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const MNEMONIC = "test test test test test test test test test test test junk";
export const ENGINE = new Uint8Array(readFileSync(join(REPO_ROOT, "engine/engine.wasm")));

/**
 * The account that deploys, sequences and proposes on the tests' own rollup. Not #0 (and none of the accounts
 * test/l1 uses): the signer lock is per chain id and address, and other devnets on chain 31337 run services with #0.
 */
export const OPERATOR = 10;

const ADMIN_TOKEN = "test-admin-token-0123456789";

/**
 * The tests' own rollup on the devnet's node, operated by account OPERATOR (its sequencer and only proposer): a
 * TestDevnet whose deployment is this one.
 */
export async function ownRollup(devnet: TestDevnet): Promise<TestDevnet> {
  const deployment = await deployRollup({
    connection: { rpcUrl: devnet.url, privateKey: account(OPERATOR).key },
    params: "devnet",
  });
  return { ...devnet, deployment };
}

/** Hardhat's account i with its private key (the verifier process takes the key). */
export function account(i: number): { account: LocalAccount; key: Hex } {
  const a = mnemonicToAccount(MNEMONIC, { addressIndex: i });
  return { account: a, key: bytesToHex(a.getHdKey().privateKey as Uint8Array) };
}

export interface VerifierProcess {
  readonly api: string;
  readonly operator: string;
  readonly dataDir: string;
  /** Everything it printed (pino JSON lines). */
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `./optio verifier` (cli/main.ts verifier) as a process; resolves once its API answers. */
export async function startVerifierProcess(opts: {
  devnet: TestDevnet;
  key: Hex;
  mode: "watch" | "challenge" | "defend" | "all";
  prefix: string;
  dataDir?: string;
}): Promise<VerifierProcess> {
  const dir = opts.dataDir ?? mkdtempSync(join(tmpdir(), "optio-verifier-"));
  const record = join(dir, "deployment.json");
  writeFileSync(record, deploymentToJson(opts.devnet.deployment));
  const [port, operatorPort] = [await freePort(), await freePort()];
  const child: ChildProcess = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "cli/main.ts",
      "verifier",
      ...["--deployment", record, "--l1-rpc", opts.devnet.url, "--data-dir", join(dir, "data")],
      ...["--mode", opts.mode, "--redis-prefix", opts.prefix, "--confirmations", "1", "--poll-ms", "200"],
      ...["--port", String(port), "--operator-port", String(operatorPort)],
      ...["--tx-lock-ttl-ms", "2000", "--tx-job-lock-ms", "2000", "--log-level", "debug"],
    ],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, OPTIO_KEY: opts.key, OPTIO_ADMIN_TOKEN: ADMIN_TOKEN },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let out = "";
  child.stdout?.on("data", (b: Buffer) => {
    out += b.toString();
  });
  child.stderr?.on("data", (b: Buffer) => {
    out += b.toString();
  });
  const api = `http://127.0.0.1:${port}`;
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`verifier exited ${child.exitCode}: ${out}`);
    if (Date.now() > deadline) throw new Error(`verifier API not up within 60 s: ${out}`);
    try {
      if ((await fetch(`${api}/status`)).ok) break;
    } catch {
      // not yet
    }
    await sleep(200);
  }
  return {
    api,
    operator: `http://127.0.0.1:${operatorPort}`,
    dataDir: dir,
    output: () => out,
    stop: async (signal = "SIGTERM") => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Batch 0 (GENESIS and the exchange's set-up, all real engine transactions) and its replay from the empty state. */
export interface PostedBatch {
  readonly txs: readonly Uint8Array[];
  readonly header: {
    txRoot: Uint8Array;
    seqCount: number;
    delayedBefore: number;
    delayedAfter: number;
    txsBefore: number;
    timestamp: number;
  };
  readonly honest: DisputeHistory;
  readonly finalState: ProvableState;
  readonly postedInBlock: bigint;
}

export async function postGenesisBatch(devnet: TestDevnet): Promise<PostedBatch> {
  const d = devnet.deployment;
  const { account: sequencer } = account(OPERATOR);
  const wallet = createWalletClient({ account: sequencer, transport: http(devnet.url) });
  const chainId = BigInt(d.chainId);
  const timestamp = Number((await devnet.client.getBlock()).timestamp);
  const admin = trader(0);
  const txs = [
    encodeGenesis(admin.address, chainId),
    ...setupTxs(chainId, admin, trader(1), BigInt(timestamp)),
  ];
  const hash = await wallet.writeContract({
    chain: null,
    address: d.contracts.sequencerInbox.address,
    abi: sequencerInboxAbi,
    functionName: "postBatch",
    args: [bytesToHex(encodeBatch(txs)), BigInt(timestamp), 0n],
  });
  const receipt = await devnet.client.waitForTransactionReceipt({ hash });
  const header = {
    txRoot: batchTransactionRoot(txs),
    seqCount: txs.length,
    delayedBefore: 0,
    delayedAfter: 0,
    txsBefore: 0,
    timestamp,
  };
  const placed: PlacedTransaction[] = txs.map((bytes, i) => ({
    bytes,
    batchNumber: 0,
    header,
    origin: Origin.SEQUENCER,
    seqIndex: i,
    batchTxs: txs,
  }));
  const replay = batchRoots(
    TransactionRunner.load(ENGINE),
    ProvableState.empty(),
    placed.map((t) => ({ input: t.bytes, batchContext: placedBatchContext(t) })),
    d.params.txGasLimit,
  );
  return {
    txs,
    header,
    honest: new DisputeHistory(loadModule(ENGINE), replay, placed, { gasLimit: d.params.txGasLimit }),
    finalState: replay.stateBefore(txs.length),
    postedInBlock: receipt.blockNumber,
  };
}

/**
 * A false history: true up to transaction `tx`, whose machine departs from the real one after step `step`
 * (capped at its stop), ending in `badRoot` (a state that proves its outbox slot, as createAssertion requires).
 */
export function liarHistory(honest: DisputeHistory, tx: number, step: number, badRoot: Uint8Array): History {
  return faultyHistory(honest, { tx, step }, badRoot, "liar");
}

/** Posts an assertion over batch 0 from the rollup's proposer (OPERATOR): the true root, or a liar's. */
export async function postAssertion(
  devnet: TestDevnet,
  batch: PostedBatch,
  claim: { lie: string } | "honest",
): Promise<{ id: Hex; block: bigint }> {
  const d = devnet.deployment;
  const { account: proposer } = account(OPERATOR);
  const wallet = createWalletClient({ account: proposer, transport: http(devnet.url) });
  const n = batch.txs.length;
  const bad = claim === "honest" ? undefined : stateWith(ZERO, claim.lie);
  const data = {
    parent: d.genesisAssertion,
    stateRoot: bad ? bytesToHex(bad.root) : bytesToHex(batch.honest.root(n)),
    outboxRoot: bytesToHex(new Uint8Array(32)),
    batchEnd: 1n,
    txEnd: BigInt(n),
    delayedEnd: 0n,
  };
  const outboxProof = bad
    ? bad.outboxProof
    : bytesToHex(encodeProof(batch.finalState.prove(OUTBOX_ROOT_KEY)));
  const h = batch.header;
  const hash = await wallet.writeContract({
    chain: null,
    address: d.contracts.rollup.address,
    abi: rollupAbi,
    functionName: "createAssertion",
    args: [
      data,
      {
        txRoot: bytesToHex(h.txRoot),
        seqCount: BigInt(h.seqCount),
        delayedBefore: BigInt(h.delayedBefore),
        delayedAfter: BigInt(h.delayedAfter),
        txsBefore: BigInt(h.txsBefore),
        timestamp: BigInt(h.timestamp),
      },
      outboxProof,
    ],
    value: d.params.assertionBond,
  });
  const receipt = await devnet.client.waitForTransactionReceipt({ hash });
  const log = receipt.logs.find((l) => l.address.toLowerCase() === d.contracts.rollup.address.toLowerCase());
  return { id: log?.topics[1] as Hex, block: receipt.blockNumber };
}

/** The challenge's view for `role` from L1 (getChallenge, its events, the latest block's time). */
async function viewOf(devnet: TestDevnet, id: bigint, role: Role) {
  const d = devnet.deployment;
  const cm = d.contracts.challengeManager.address;
  const c = await devnet.client.readContract({
    address: cm,
    abi: challengeManagerAbi,
    functionName: "getChallenge",
    args: [id],
  });
  const logs = (await devnet.client.getContractEvents({
    address: cm,
    abi: challengeManagerAbi,
    args: { id } as never,
    fromBlock: 0n,
  })) as unknown as { eventName: string; args: Record<string, never> }[];
  let segment: Segment | undefined;
  let switched: { txIndex: number; roots: StepRoots } | undefined;
  for (const l of logs) {
    const a = l.args as Record<string, unknown>;
    if (l.eventName === "ChallengeStarted")
      segment = {
        lo: 0,
        hi: Number(a.transactions),
        values: [hexToBytes(a.startRoot as Hex), hexToBytes(a.claimedRoot as Hex)],
      };
    if (l.eventName === "Bisected")
      segment = { lo: Number(a.lo), hi: Number(a.hi), values: (a.values as Hex[]).map((v) => hexToBytes(v)) };
    if (l.eventName === "LevelSwitched") {
      const r = a.roots as { rootBefore: Hex; defenderRoot: Hex; challengerRoot: Hex };
      switched = {
        txIndex: Number(a.txIndex),
        roots: {
          rootBefore: hexToBytes(r.rootBefore),
          defenderRoot: hexToBytes(r.defenderRoot),
          challengerRoot: hexToBytes(r.challengerRoot),
        },
      };
    }
  }
  const standing = await devnet.client.readContract({
    address: d.contracts.rollup.address,
    abi: rollupAbi,
    functionName: "isStanding",
    args: [c.assertion],
  });
  return gameViewOf({
    role,
    challenge: c,
    segment: segment as Segment,
    switched,
    now: Number((await devnet.client.getBlock()).timestamp),
    degree: d.params.degree,
    maxTxSteps: 2 * d.params.txGasLimit,
    assertionRejected: !standing && c.status === ChallengeStatus.OPEN,
    firstMoveDeadline: d.params.firstMoveDeadline,
  });
}

/**
 * Plays `role` with `history` in challenge `id` until it ends (or `limitMs`): on its turn, the move chooseMove
 * gives, sent from `who`. When it has no move the contract accepts (a liar's refused one-step proof, or nothing
 * left to claim), it gives up and moves L1's clock past its own, so the verifier's timeout claim comes at once.
 */
export async function playAgainst(
  devnet: TestDevnet,
  id: bigint,
  role: Role,
  history: History,
  who: LocalAccount,
  limitMs: number,
  /** When the liar gives up: by default moves L1's time past its clock (games played at once coordinate this). */
  giveUp: () => Promise<void> = async () => {
    await devnet.rpc("evm_increaseTime", [devnet.deployment.params.clock + 2]);
    await devnet.rpc("evm_mine");
  },
): Promise<{ status: number; moves: Move["kind"][]; gaveUp: boolean }> {
  const d = devnet.deployment;
  const cm = d.contracts.challengeManager.address;
  const wallet = createWalletClient({ account: who, transport: http(devnet.url) });
  const moves: Move["kind"][] = [];
  let gaveUp = false;
  const started = Date.now();
  for (;;) {
    const c = await devnet.client.readContract({
      address: cm,
      abi: challengeManagerAbi,
      functionName: "getChallenge",
      args: [id],
    });
    if (c.status !== ChallengeStatus.OPEN) return { status: c.status, moves, gaveUp };
    if (Date.now() - started > limitMs)
      throw new Error(`the game did not end within ${limitMs} ms (moves ${moves.join(",")})`);
    const ourTurn = c.challengerToMove === (role === "challenger");
    if (ourTurn && !gaveUp) {
      const view = await viewOf(devnet, id, role);
      const move = chooseMove(view, history);
      const call = moveCall(id, view.segment, move);
      let sent = false;
      if (call !== undefined) {
        try {
          await serially(who.address, async () => {
            const hash = await wallet.writeContract({
              chain: null,
              address: cm,
              abi: challengeManagerAbi,
              functionName: call.functionName,
              args: call.args as never,
            });
            await devnet.client.waitForTransactionReceipt({ hash });
          });
          moves.push(move.kind);
          sent = true;
        } catch {
          // refused (e.g. StepAgrees): the liar has nothing left
        }
      }
      if (!sent) {
        gaveUp = true;
        await giveUp();
      }
    }
    await sleep(200);
  }
}

/** One send at a time per account (games played at once from one key would race for its nonce). */
const queues = new Map<string, Promise<unknown>>();
function serially<T>(who: string, f: () => Promise<T>): Promise<T> {
  const run = (queues.get(who) ?? Promise.resolve()).then(f, f);
  queues.set(
    who,
    run.catch(() => undefined),
  );
  return run;
}

export async function challengeIdOf(
  devnet: TestDevnet,
  assertion: Hex,
  limitMs: number,
): Promise<{ id: bigint; block: bigint }> {
  const cm = devnet.deployment.contracts.challengeManager.address;
  const deadline = Date.now() + limitMs;
  for (;;) {
    const logs = await devnet.client.getContractEvents({
      address: cm,
      abi: challengeManagerAbi,
      eventName: "ChallengeStarted",
      args: { assertion },
      fromBlock: 0n,
    });
    if (logs.length > 0) return { id: logs[0].args.id as bigint, block: logs[0].blockNumber };
    if (Date.now() > deadline) throw new Error(`no challenge on ${assertion} within ${limitMs} ms`);
    await sleep(200);
  }
}

export const cleanup = (dir: string) => rmSync(dir, { recursive: true, force: true });
export type { Address };

/** Runs `optio <args>` (cli/main.ts) with the test admin token; resolves with its exit code and output. */
export function runCli(args: readonly string[]): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "cli/main.ts", ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, OPTIO_ADMIN_TOKEN: ADMIN_TOKEN },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (b: Buffer) => {
    out += b.toString();
  });
  child.stderr?.on("data", (b: Buffer) => {
    out += b.toString();
  });
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, out })));
}
