/**
 * What `./optio devnet` starts once the L1 is up and the rollup deployed, in order, with progress:
 * Redis, the sequencer (with its L1 work: delayed inbox, batch poster, proposer), the default
 * markets by governance transactions, the oracle feeder, and a market maker funded through the
 * bridge like any user. Each run keeps its service data under .optio/devnet/<run>/ (a new chain
 * never reads an old chain's data). Returns the stop function: services stop in reverse order.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, mkdirSync, openSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createPublicClient, createWalletClient, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { HARDHAT_TEST_KEYS, type RollupDeployment } from "../../deploy/index.ts";
import { startExplorer } from "../../explorer/index.ts";
import { bridgeAbi, testTokenAbi } from "../../l1/index.ts";
import { createOptioClient } from "../../sdk/index.ts";
import { CliError } from "../CliError.ts";
import { setupDevnetMarkets } from "./devnetMarkets.ts";
import { ensureRedis } from "./ensureRedis.ts";
import { startMarketMaker } from "./startMarketMaker.ts";
import { startOracleFeeder } from "./startOracleFeeder.ts";

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** The devnet's ports (each moves with its OPTIO_* variable). */
export const DEVNET_PORTS = {
  api: Number(process.env.OPTIO_API_PORT ?? 8547),
  explorer: Number(process.env.OPTIO_EXPLORER_PORT ?? 8548),
  verifier: Number(process.env.OPTIO_VERIFIER_PORT ?? 8549),
  verifierOperator: Number(process.env.OPTIO_VERIFIER_OPERATOR_PORT ?? 9200),
  sequencerOperator: Number(process.env.OPTIO_OPERATOR_PORT ?? 9100),
};
/** The market maker's deposit (tUSD). */
const MM_DEPOSIT = 200_000n * 10n ** 6n;
const MM_KEY_INDEX = 4;
/** The honest verifier's key (its bonds are paid in the test chain's ether). */
const VERIFIER_KEY_INDEX = 3;

export interface DevnetServices {
  readonly lines: readonly string[];
  readonly l1Log: NodeJS.WritableStream;
  stop(): Promise<void>;
}

function step(msg: string): void {
  console.error(`optio devnet: ${msg}`);
}

async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutS: number,
  alive?: () => boolean,
): Promise<void> {
  const deadline = Date.now() + timeoutS * 1000;
  while (!(await check().catch(() => false))) {
    if (alive !== undefined && !alive())
      throw new CliError(`${what}: the process exited`, "read its log (path above)");
    if (Date.now() > deadline)
      throw new CliError(`${what} within ${timeoutS} s`, "read the service's log (path above); retry");
    await new Promise((r) => setTimeout(r, 250));
  }
}

function stopChild(c: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (c.exitCode !== null || c.signalCode !== null) return done();
    const force = setTimeout(() => c.kill("SIGKILL"), 10_000);
    c.once("exit", () => {
      clearTimeout(force);
      done();
    });
    c.kill("SIGTERM");
  });
}

export async function startDevnetServices(
  d: RollupDeployment,
  deploymentFile: string,
  rpcUrl: string,
): Promise<DevnetServices> {
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => {});
  };
  try {
    const run = `${new Date().toISOString().replace(/[:.]/g, "-")}-${d.contracts.rollup.address.slice(2, 10).toLowerCase()}`;
    const dir = join(REPO_ROOT, ".optio", "devnet", run);
    mkdirSync(dir, { recursive: true });

    step("Redis");
    const redis = await ensureRedis();
    if (redis.process !== undefined) {
      const p = redis.process;
      stops.push(() => stopChild(p));
    }

    step("starting the sequencer");
    const adminToken = randomBytes(16).toString("hex");
    const log = join(dir, "sequencer.log");
    const fd = openSync(log, "a");
    const seq = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        join(REPO_ROOT, "sequencer/cli.ts"),
        "--deployment",
        deploymentFile,
        "--data-dir",
        join(dir, "sequencer"),
        "--api-port",
        String(DEVNET_PORTS.api),
        "--operator-port",
        String(DEVNET_PORTS.sequencerOperator),
        "--propose-every-seconds",
        "15",
        "--l1-rpc",
        rpcUrl,
      ],
      {
        cwd: REPO_ROOT,
        stdio: ["ignore", fd, fd],
        env: {
          ...process.env,
          OPTIO_L1_KEY: HARDHAT_TEST_KEYS[0],
          OPTIO_ADMIN_TOKEN: adminToken,
          OPTIO_REDIS_URL: redis.url,
        },
      },
    );
    stops.push(() => stopChild(seq));
    const operator = `http://127.0.0.1:${DEVNET_PORTS.sequencerOperator}`;
    const api = `http://127.0.0.1:${DEVNET_PORTS.api}`;
    await waitFor(
      `the sequencer did not become ready (log: ${log})`,
      async () => (await fetch(`${operator}/readyz`)).ok,
      120,
      () => seq.exitCode === null,
    );

    step("GENESIS is batch 0; setting up the default markets (governance transactions)");
    const admin = createOptioClient({ url: api, account: privateKeyToAccount(HARDHAT_TEST_KEYS[0]) });
    const chainId = await admin.chainId();
    const strip = await setupDevnetMarkets(admin, BigInt(Math.floor(Date.now() / 1000)));

    step("starting the oracle feeder (3 reporters, deterministic random walk)");
    const feeder = startOracleFeeder({
      url: api,
      chainId,
      periodMs: 2_000,
      pricesFile: process.env.OPTIO_DEVNET_PRICES,
      onError: (e) => console.error(`optio devnet: oracle feeder: ${(e as Error).message}`),
    });
    stops.push(async () => feeder.stop());
    await feeder.round();

    step("funding the market maker through the bridge (waits for batch 0 on L1)");
    await waitFor(
      "batch 0 was not posted to L1",
      async () => (await admin.status()).lastPostedBatch !== null,
      120,
    );
    const mmAccount = privateKeyToAccount(HARDHAT_TEST_KEYS[MM_KEY_INDEX]);
    const transport = http(rpcUrl, { retryCount: 0, timeout: 30_000 });
    const wallet = createWalletClient({ account: mmAccount, transport });
    const pub = createPublicClient({ transport });
    await pub.waitForTransactionReceipt({
      hash: await wallet.writeContract({
        address: d.token.address,
        abi: testTokenAbi,
        functionName: "approve",
        args: [d.contracts.bridge.address, MM_DEPOSIT],
        chain: null,
      }),
    });
    await pub.waitForTransactionReceipt({
      hash: await wallet.writeContract({
        address: d.contracts.bridge.address,
        abi: bridgeAbi,
        functionName: "deposit",
        args: [MM_DEPOSIT, mmAccount.address, 0],
        chain: null,
      }),
    });
    await waitFor(
      "the market maker's deposit was not credited on L2",
      async () => (await admin.getAccount(mmAccount.address)).subaccounts.length > 0,
      60,
    );
    step("starting the market maker");
    const mm = startMarketMaker({
      url: api,
      chainId,
      account: mmAccount,
      onError: (e) => console.error(`optio devnet: market maker: ${(e as Error).message}`),
    });
    stops.push(async () => mm.stop());
    await mm.requote();
    admin.close();

    step("starting an honest verifier (replays L1 alone, challenges wrong assertions, defends, confirms)");
    const vlog = openSync(join(dir, "verifier.log"), "a");
    const verifier = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        join(REPO_ROOT, "cli/main.ts"),
        "verifier",
        "--deployment",
        deploymentFile,
        "--l1-rpc",
        rpcUrl,
        "--data-dir",
        join(dir, "verifier"),
        "--mode",
        "all",
        "--confirmations",
        "1",
        "--port",
        String(DEVNET_PORTS.verifier),
        "--operator-port",
        String(DEVNET_PORTS.verifierOperator),
        "--redis-url",
        redis.url,
        "--redis-prefix",
        `optio-verifier-${run.slice(-34)}`,
      ],
      {
        cwd: REPO_ROOT,
        stdio: ["ignore", vlog, vlog],
        env: { ...process.env, OPTIO_KEY: HARDHAT_TEST_KEYS[VERIFIER_KEY_INDEX] },
      },
    );
    stops.push(() => stopChild(verifier));
    const verifierUrl = `http://127.0.0.1:${DEVNET_PORTS.verifier}`;
    await waitFor(
      `the verifier did not start (log: ${join(dir, "verifier.log")})`,
      async () => (await fetch(`http://127.0.0.1:${DEVNET_PORTS.verifierOperator}/healthz`)).ok,
      120,
      () => verifier.exitCode === null,
    );

    step("building and serving the explorer");
    const explorer = await startExplorer({
      config: { apiUrl: api, wsUrl: api.replace(/^http/, "ws"), verifierUrl, quoteDecimals: 6 },
      port: DEVNET_PORTS.explorer,
      outDir: join(REPO_ROOT, ".optio", "explorer"),
    });
    stops.push(() => explorer.close());

    return {
      l1Log: createWriteStream(join(dir, "l1.log"), { flags: "a" }),
      lines: [
        "Services:",
        `  explorer: ${explorer.url}  (docs/explorer.md)`,
        `  trader API (JSON-RPC over HTTP and WebSocket): ${api}  (docs/api.md; ./optio trade --help)`,
        `  sequencer operator: ${operator}/healthz /readyz /metrics; admin token: ${adminToken}`,
        `  verifier (Hardhat #${VERIFIER_KEY_INDEX}, mode all): inspection API ${verifierUrl} (./optio disputes --api ${verifierUrl}), operator http://127.0.0.1:${DEVNET_PORTS.verifierOperator}`,
        `  Redis: ${redis.url}${redis.process ? " (started by the devnet)" : ""}`,
        `  service data and logs: ${dir} (sequencer.log, l1.log: the L1 node's requests)`,
        `Markets: perpetuals 1 (ETH) and 2 (BTC); options ${strip[0].market}-${strip.at(-1)?.market} on ETH (./optio trade markets).`,
        `Market maker: Hardhat account #${MM_KEY_INDEX} quotes both perpetuals. Oracle: 3 reporters, quorum 2, every 2 s.`,
        "Try: ./optio trade deposit --amount 1000   then   ./optio trade order --market 1 --side buy --price 3010 --qty 0.01 --tif ioc",
      ],
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
