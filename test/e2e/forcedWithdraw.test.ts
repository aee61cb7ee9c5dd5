/**
 * Censorship resistance end to end, with the pieces a user runs: the devnet's chain with the rollup deployed
 * (l1/testing/startDevnet), `./optio sequencer` with its L1 key (batches, assertions) and `./optio verifier
 * --propose-when-inactive` on a key of its own, as processes on their own ports, data directories and Redis prefix.
 * A trader deposits on L1 and moves funds on L2 through the sequencer; then the sequencer is STOPPED (SIGTERM) and
 * nothing of it runs again. The trader queues a signed WITHDRAW in the bridge (`./optio trade withdraw --forced`,
 * its nonce from the verifier's replay of L1); force-include is refused before forceInclusionDelay, then includes
 * it; past proposerInactivity proposing opens, the verifier asserts from its own replay; past the challenge period
 * it confirms; `./optio trade claim` (the sequencer gone: the proof from the verifier) pays it on L1, exactly the
 * amount. L1's clock is moved with evm_increaseTime. Prints one JSON line of timings.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Redis } from "ioredis";
import { bytesToHex, createPublicClient, createWalletClient, type Hex, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, expect, test } from "vitest";
import { HARDHAT_TEST_KEYS, writeDeployment } from "../../deploy/index.ts";
import { rollupAbi, testTokenAbi } from "../../l1/index.ts";
import { freePort, startDevnet, type TestDevnet } from "../../l1/testing/startDevnet.ts";
import { createOptioClient, createVerifierClient, depositToL2 } from "../../sdk/index.ts";
import { l1QueuePrefix } from "../../sequencer/l1/startL1Work.ts";
import { until as untilOr } from "./until.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), "optio-forced-"));
let dev: TestDevnet | undefined;
const children: ChildProcess[] = [];
const redisPrefixes: string[] = [];
let mining = false;
let miner: Promise<void> = Promise.resolve();

/** A block every second, as a live L1: the devnet mines only on transactions, and every period is on L1's clock. */
function startMining(d: TestDevnet): void {
  mining = true;
  miner = (async () => {
    while (mining) {
      await d.rpc("evm_mine").catch(() => {});
      await new Promise((r) => setTimeout(r, 1_000));
    }
  })();
}

async function stop(child: ChildProcess | undefined): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  const force = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(force);
}

afterAll(async () => {
  mining = false;
  await miner;
  for (const c of children) await stop(c);
  await dev?.stop();
  for (const prefix of redisPrefixes) await cleanRedis(prefix).catch(() => {});
  rmSync(dir, { recursive: true, force: true });
}, 40_000);

/** Deletes the Redis keys the processes left under `prefix` (their queues and intents). */
async function cleanRedis(prefix: string): Promise<void> {
  const r = new Redis(process.env.OPTIO_REDIS_URL ?? "redis://127.0.0.1:6379", { lazyConnect: true });
  await r.connect();
  let cursor = "0";
  do {
    const [next, keys] = await r.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
    cursor = next;
    if (keys.length > 0) await r.del(...keys);
  } while (cursor !== "0");
  r.disconnect();
}

function logTail(name: string): string {
  try {
    return readFileSync(join(dir, `${name}.log`), "utf8")
      .trim()
      .split("\n")
      .slice(-25)
      .join("\n");
  } catch {
    return "(no log)";
  }
}

const until = <T>(what: string, f: () => Promise<T | null | undefined | false>, ms: number) =>
  untilOr(what, f, ms, {
    explain: () =>
      `the verifier's log ends:\n${logTail("verifier")}\nthe sequencer's:\n${logTail("sequencer")}`,
  });

/** `./optio ...` (cli/main.ts) in its own process, as a user runs it. */
async function optio(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, ["--import", "tsx", "cli/main.ts", ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
    });
    return { code: 0, ...r };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

function spawnLogged(name: string, args: string[], env: Record<string, string>): ChildProcess {
  const log = openSync(join(dir, `${name}.log`), "a");
  const child = spawn(process.execPath, ["--import", "tsx", ...args], {
    cwd: ROOT,
    stdio: ["ignore", log, log],
    env: { ...process.env, ...env },
  });
  children.push(child);
  return child;
}

test("forcedWithdraw_sequencerStopped_forcedInAssertedByTheVerifierAndClaimed", async () => {
  const t0 = Date.now();
  const timings: Record<string, number> = {};
  const lap = (what: string) => {
    timings[what] = Math.round((Date.now() - t0) / 100) / 10;
    console.log(`forcedWithdraw: ${what} at ${timings[what]} s`);
  };
  dev = await startDevnet();
  startMining(dev);
  const devnet = dev;
  const d = dev.deployment;
  const deploymentFile = join(dir, "devnet.json");
  writeDeployment(d, deploymentFile);
  lap("chainDeployed");

  // The sequencer, with its L1 key (#0: sequencer and the only allowed proposer).
  const [apiPort, operatorPort, vPort, vOperatorPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const sequencer = spawnLogged(
    "sequencer",
    [
      "sequencer/cli.ts",
      ...["--deployment", deploymentFile, "--data-dir", join(dir, "sequencer"), "--l1-rpc", dev.url],
      ...["--api-port", String(apiPort), "--operator-port", String(operatorPort)],
      ...["--propose-every-seconds", "5", "--l1-poll-ms", "250"],
    ],
    { OPTIO_L1_KEY: HARDHAT_TEST_KEYS[0] },
  );
  // The verifier on a key of its own (fresh, funded for the bond), proposing when the proposers are gone.
  const verifierKey = bytesToHex(randomBytes(32));
  const verifierPrefix = `optio-forced-${randomBytes(4).toString("hex")}`;
  redisPrefixes.push(verifierPrefix, await l1QueuePrefix(dev.client, d));
  const verifierAddress = privateKeyToAccount(verifierKey).address;
  await dev.rpc("hardhat_setBalance", [verifierAddress, `0x${(10n ** 20n).toString(16)}`]);
  const vApi = `http://127.0.0.1:${vPort}`;
  spawnLogged(
    "verifier",
    [
      "cli/main.ts",
      "verifier",
      ...["--deployment", deploymentFile, "--l1-rpc", dev.url, "--data-dir", join(dir, "verifier")],
      ...["--mode", "all", "--propose-when-inactive", "--propose-idle-seconds", "60"],
      ...["--redis-prefix", verifierPrefix],
      ...[
        "--confirmations",
        "1",
        "--poll-ms",
        "250",
        "--port",
        String(vPort),
        "--operator-port",
        String(vOperatorPort),
      ],
      ...["--tx-lock-ttl-ms", "2000", "--tx-job-lock-ms", "2000"],
    ],
    { OPTIO_KEY: verifierKey },
  );
  const api = `http://127.0.0.1:${apiPort}`;
  const trader = privateKeyToAccount(HARDHAT_TEST_KEYS[1]);
  const client = createOptioClient({ url: api, account: trader });
  const verifier = createVerifierClient({ url: vApi });
  await until("batch 0 posted", async () => (await client.status()).lastPostedBatch !== null, 90_000);
  lap("sequencerServing");

  // Deposit on L1 through the bridge; credited on L2 by the sequencer.
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
  const collateral = async (sub: number) =>
    BigInt((await client.getAccount()).subaccounts.find((s) => s.subaccount === sub)?.collateral ?? "0");
  await until("deposit credited on L2", async () => (await collateral(0)) === deposit, 30_000);
  // A signed transaction through the sequencer (nonce 0), so the forced one needs nonce 1.
  const transfer = await client.send("TRANSFER", {
    fromSubaccount: 0n,
    toSubaccount: 1n,
    amount: 100_000_000n,
  });
  expect(transfer.outcomeName).toBe("OK");
  // The verifier replayed it from L1: its view of the nonce is the sequencer's.
  await until(
    "the verifier's nonce view at 1",
    async () => (await verifier.getNonce(trader.address)).next === 1n,
    60_000,
  );
  lap("depositedAndTransferred");

  // The sequencer goes away for good.
  await stop(sequencer);
  expect(await client.status().catch((e) => e.name)).toBe("OptioTransportError");
  lap("sequencerStopped");

  // The trader queues a signed WITHDRAW in the bridge; the nonce comes from the verifier.
  const amount = 250_500_000n;
  const queued = await optio([
    ...["trade", "withdraw", "--forced", "--amount", "250.5", "--json"],
    ...["--api", api, "--deployment", deploymentFile, "--from-verifier", vApi],
  ]);
  expect(queued.stderr).toBe("");
  const forced = JSON.parse(queued.stdout) as {
    index: string;
    nonce: string;
    forceableAt: string;
    queuedAt: string;
  };
  expect(forced.nonce).toBe("1");
  expect(BigInt(forced.forceableAt) - BigInt(forced.queuedAt)).toBe(BigInt(d.params.forceInclusionDelay));
  lap("forcedQueued");

  // Too early: refused with the time it is allowed at.
  const early = await optio(["l1", "force-include", "--deployment", deploymentFile, "--account", "2"]);
  expect(early.code).toBe(1);
  expect(early.stderr).toMatch(
    /not yet: delayed message \d+ .* allowed at \d{4}-\d\d-\d\dT.*Z \(L1 time, in \d+ s\)/,
  );
  // Past forceInclusionDelay: anyone forces it in.
  await devnet.rpc("evm_increaseTime", [d.params.forceInclusionDelay + 1]);
  await devnet.rpc("evm_mine");
  const included = await optio([
    "l1",
    "force-include",
    "--deployment",
    deploymentFile,
    "--account",
    "2",
    "--json",
  ]);
  expect(included.stderr).toBe("");
  const batch = JSON.parse(included.stdout) as { batch: string; delayedAfter: string };
  expect(BigInt(batch.delayedAfter)).toBe(BigInt(forced.index) + 1n);
  lap("forcedIncluded");

  // The verifier replays the forced batch: the withdrawal is in its state, not yet asserted; proposing not open yet.
  const index = await until(
    "the forced withdrawal replayed by the verifier",
    async () => (await verifier.getWithdrawals(trader.address)).find((w) => w.amount === amount.toString()),
    30_000,
  );
  expect(index.stage).toBe("posted");
  const status = async () =>
    (await (await fetch(`${vApi}/status`)).json()) as { proposal: { reason?: string } };
  await until(
    "the verifier waiting for proposing to open",
    async () => (await status()).proposal.reason === "NOT_OPEN",
    10_000,
  );

  // Past proposerInactivity (from the rollup's last progress, on L1's clock): the verifier proposes from its replay.
  const read = <T>(functionName: string) =>
    devnet.client.readContract({
      address: d.contracts.rollup.address,
      abi: rollupAbi,
      functionName,
    } as never) as Promise<T>;
  const opensAt = (await read<bigint>("lastProgressAt")) + (await read<bigint>("proposerInactivity"));
  const now = (await devnet.client.getBlock()).timestamp;
  await devnet.rpc("evm_increaseTime", [Number(opensAt - now) + 1]);
  await devnet.rpc("evm_mine");
  const ours = await until(
    "the verifier's own assertion",
    async () =>
      (
        (await (await fetch(`${vApi}/assertions`)).json()) as { id: Hex; proposer: Hex; batchEnd: number }[]
      ).find((a) => a.proposer.toLowerCase() === verifierAddress.toLowerCase()),
    60_000,
  );
  expect(ours.batchEnd).toBe(Number(batch.batch) + 1);
  expect(await read<boolean>("proposingOpened")).toBe(true);
  await until(
    "the withdrawal asserted",
    async () =>
      (await verifier.getWithdrawals(trader.address)).find(
        (w) => w.index === index.index && w.stage === "asserted",
      ),
    30_000,
  );
  lap("assertedByVerifier");

  // Asserted, not confirmed: the claim is refused with the stage (the sequencer gone: the verifier answers).
  const withVerifier = { OPTIO_VERIFIER_URL: vApi };
  const claimArgs = ["trade", "claim", "--index", index.index, "--api", api, "--deployment", deploymentFile];
  const tooSoon = await optio(claimArgs, withVerifier);
  expect(tooSoon.code).toBe(1);
  expect(tooSoon.stderr).toMatch(/withdrawal \d+ is asserted by 0x[0-9a-f]{64}, confirmable after/);

  // Past the challenge period: the verifier confirms the sequencer's pending assertions, then its own.
  await devnet.rpc("evm_increaseTime", [d.params.challengePeriod + 1]);
  await devnet.rpc("evm_mine");
  await until(
    "the withdrawal claimable",
    async () =>
      (await verifier.getWithdrawals(trader.address)).find(
        (w) => w.index === index.index && w.stage === "claimable",
      ),
    60_000,
  );
  expect(await read<Hex>("latestConfirmed")).toBe(ours.id);
  lap("confirmed");

  // The claim: the L1 token balance rises by exactly the amount.
  const balance = () =>
    pub.readContract({
      address: d.token.address,
      abi: testTokenAbi,
      functionName: "balanceOf",
      args: [trader.address],
    });
  const before = await balance();
  const claimed = await optio(claimArgs, withVerifier);
  expect(claimed.stderr).toMatch(/^the sequencer does not answer at .*; asking the verifier at /);
  expect(claimed.stdout).toMatch(
    new RegExp(
      `claimed withdrawal ${index.index}: 250.5 ${d.token.symbol} paid to 0x[0-9a-fA-F]{40} on L1 \\(tx 0x[0-9a-f]{64}`,
    ),
  );
  expect((await balance()) - before).toBe(amount);
  lap("claimed");
  client.close();
  console.log(JSON.stringify({ test: "forcedWithdraw", seconds: timings }));
}, 240_000);
