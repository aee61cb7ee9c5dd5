/**
 * A trader's withdrawal reaches L1, with the pieces a user runs: the devnet's chain with the rollup
 * deployed (l1/testing/startDevnet: `deploy/cli.ts devnet`) and `./optio sequencer` with its L1 key
 * (batch poster, proposer and confirmer, assertion record) as processes on their own ports and data
 * directory. Deposit on L1, credited on L2, withdraw on L2; the batch is posted and asserted; L1's
 * clock moves past the challenge period; the sequencer's proposer confirms its assertion; `./optio
 * trade claim` pays it on L1: the token balance rises by exactly the amount, a second claim is
 * refused with the Outbox's AlreadyClaimed decoded, and L2 collateral fell by exactly the amount.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { createPublicClient, createWalletClient, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, expect, test } from "vitest";
import { HARDHAT_TEST_KEYS, writeDeployment } from "../../deploy/index.ts";
import { testTokenAbi } from "../../l1/index.ts";
import { freePort, startDevnet, type TestDevnet } from "../../l1/testing/startDevnet.ts";
import {
  ClaimRevertedError,
  createOptioClient,
  depositToL2,
  type NotClaimableError,
} from "../../sdk/index.ts";
import type { WithdrawalView } from "../../sequencer/api/index.ts";
import { until as untilOr } from "./until.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), "optio-claim-"));
let dev: TestDevnet | undefined;
let sequencer: ChildProcess | undefined;
let mining = false;
let miner: Promise<void> = Promise.resolve();

/**
 * Mines a block every second, as a live L1 does: the devnet's chain mines only when a transaction comes, and the
 * proposer's cadence and the challenge period are measured on L1's clock (the latest block's time).
 */
function startMining(d: TestDevnet): void {
  mining = true;
  miner = (async () => {
    while (mining) {
      await d.rpc("evm_mine").catch(() => {});
      await new Promise((r) => setTimeout(r, 1_000));
    }
  })();
}

afterAll(async () => {
  mining = false;
  await miner;
  if (sequencer !== undefined && sequencer.exitCode === null && sequencer.signalCode === null) {
    const s = sequencer;
    const exited = new Promise((r) => s.once("exit", r));
    s.kill("SIGTERM");
    const force = setTimeout(() => s.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(force);
  }
  await dev?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 30_000);

/** The sequencer's last log lines (a failure shows them: its data directory is removed afterwards). */
function logTail(): string {
  try {
    return readFileSync(join(dir, "sequencer.log"), "utf8").trim().split("\n").slice(-25).join("\n");
  } catch {
    return "(no log)";
  }
}

const until = <T>(what: string, f: () => Promise<T | null | undefined | false>, ms: number) =>
  untilOr(what, f, ms, {
    gone: () =>
      sequencer?.exitCode !== null && sequencer?.exitCode !== undefined
        ? `the sequencer exited (${sequencer.exitCode}); log in ${dir}/sequencer.log`
        : undefined,
    explain: () => `the sequencer's log ends:\n${logTail()}`,
  });

/** `./optio trade ...` in its own process, as a user runs it. */
async function trade(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, ["--import", "tsx", "cli/main.ts", "trade", ...args], {
      cwd: ROOT,
    });
    return { code: 0, ...r };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

test("withdrawClaim_depositWithdrawConfirmClaim_paysExactlyOnce", async () => {
  const t0 = Date.now();
  const lap = (what: string) =>
    console.log(`withdrawClaim: ${what} at ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  dev = await startDevnet();
  startMining(dev);
  const d = dev.deployment;
  lap("chain deployed");
  const deploymentFile = join(dir, "devnet.json");
  writeDeployment(d, deploymentFile);
  const [apiPort, operatorPort] = [await freePort(), await freePort()];
  const log = openSync(join(dir, "sequencer.log"), "a");
  sequencer = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "sequencer/cli.ts",
      "--deployment",
      deploymentFile,
      "--data-dir",
      join(dir, "sequencer"),
      "--api-port",
      String(apiPort),
      "--operator-port",
      String(operatorPort),
      "--l1-rpc",
      dev.url,
      // Assert often and look often: the test waits on both.
      "--propose-every-seconds",
      "5",
      "--l1-poll-ms",
      "250",
    ],
    { cwd: ROOT, stdio: ["ignore", log, log], env: { ...process.env, OPTIO_L1_KEY: HARDHAT_TEST_KEYS[0] } },
  );
  const api = `http://127.0.0.1:${apiPort}`;
  const trader = privateKeyToAccount(HARDHAT_TEST_KEYS[1]);
  const client = createOptioClient({ url: api, account: trader });
  // Deposits open once GENESIS (batch 0) is on L1.
  await until("batch 0 posted", async () => (await client.status()).lastPostedBatch !== null, 90_000);
  lap("sequencer serving, batch 0 on L1");

  // Deposit on L1 through the bridge; credited on L2.
  const transport = http(dev.url, { retryCount: 0 });
  const wallet = createWalletClient({ account: trader, transport });
  const pub = createPublicClient({ transport });
  const deposit = 1_000n * 10n ** 6n;
  await depositToL2({
    walletClient: wallet,
    publicClient: pub,
    token: d.token.address,
    bridge: d.contracts.bridge.address,
    amount: deposit,
  });
  const collateral = async () => BigInt((await client.getAccount()).subaccounts[0]?.collateral ?? "0");
  await until("deposit credited on L2", async () => (await collateral()) === deposit, 30_000);
  lap("deposit credited");

  // Withdraw on L2: collateral into the outbox.
  const amount = 250_500_000n; // 250.5 tUSD
  const w = await client.send("WITHDRAW", { subaccount: 0n, amount });
  expect(w.outcomeName).toBe("OK");
  expect(await collateral()).toBe(deposit - amount);
  const [mine] = await client.getWithdrawals();
  expect(mine).toMatchObject({ amount: amount.toString(), txHash: w.txHash, batch: w.block });
  const index = BigInt(mine.index);

  // Posted, then asserted: not claimable yet, and both the API and the CLI say so.
  const asserted = await until(
    "the withdrawal asserted",
    async () => (await client.getWithdrawals()).find((x: WithdrawalView) => x.stage === "asserted"),
    60_000,
  );
  lap("withdrawal asserted");
  const early = (await client.getWithdrawalProof(index).catch((e) => e)) as NotClaimableError;
  expect([early.reason, early.stage, early.confirmableAt]).toEqual([
    "NOT_CLAIMABLE",
    "asserted",
    BigInt(asserted.confirmableAt!),
  ]);
  const tooSoon = await trade("claim", "--api", api, "--deployment", deploymentFile, "--index", mine.index);
  expect(tooSoon.code).toBe(1);
  expect(tooSoon.stderr).toMatch(
    new RegExp(
      `withdrawal ${index} is not claimable yet: asserted \\(0x[0-9a-f]{64}\\), confirmable after .*Z \\(L1 time; in \\d`,
    ),
  );

  // L1's clock past the challenge period; the sequencer's proposer confirms its assertions in order.
  await dev.rpc("evm_increaseTime", [d.params.challengePeriod + 1]);
  await dev.rpc("evm_mine");
  await until(
    "the withdrawal claimable",
    async () =>
      (await client.getWithdrawals()).find((x) => x.index === mine.index && x.stage === "claimable"),
    60_000,
  );
  lap("assertion confirmed");

  // Claim through the CLI: the L1 token balance rises by exactly the amount.
  const balance = () =>
    pub.readContract({
      address: d.token.address,
      abi: testTokenAbi,
      functionName: "balanceOf",
      args: [trader.address],
    });
  const before = await balance();
  const claimed = await trade("claim", "--api", api, "--deployment", deploymentFile);
  expect(claimed.stderr).toBe("");
  expect(claimed.stdout).toMatch(
    new RegExp(
      `claimed withdrawal ${index}: 250.5 ${d.token.symbol} paid to 0x[0-9a-fA-F]{40} on L1 \\(tx 0x[0-9a-f]{64}`,
    ),
  );
  expect((await balance()) - before).toBe(amount);
  lap("claimed on L1");

  // A second claim is refused by the Outbox, its custom error decoded; the node then shows it claimed.
  const again = (await client
    .claimWithdrawal({ walletClient: wallet, publicClient: pub, index, outbox: d.contracts.outbox.address })
    .catch((e) => e)) as ClaimRevertedError;
  expect(again).toBeInstanceOf(ClaimRevertedError);
  expect([again.errorName, again.args]).toEqual(["AlreadyClaimed", [index]]);
  expect(await balance()).toBe(before + amount);
  const done = await until(
    "the withdrawal shown claimed",
    async () => (await client.getWithdrawals()).find((x) => x.index === mine.index && x.stage === "claimed"),
    20_000,
  );
  expect(done.claimL1TxHash).toMatch(/^0x[0-9a-f]{64}$/);
  // L2 collateral fell by exactly the amount, and stays so.
  expect(await collateral()).toBe(deposit - amount);
  client.close();
  lap("done");
}, 180_000);
