/**
 * What `./optio devnet` starts once the L1 is up and the rollup deployed, in order, with progress:
 * Redis, the sequencer (with its L1 work: delayed inbox, batch poster, proposer), the default
 * markets by governance transactions, the oracle feeder, and a market maker funded through the
 * bridge like any user. Each run keeps its service data under .optio/devnet/<run>/ (a new chain
 * never reads an old chain's data). Returns the stop function: services stop in reverse order.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, mkdirSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createPublicClient, createWalletClient, http, type PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { HARDHAT_TEST_KEYS, type RollupDeployment } from "../../deploy/index.ts";
import { startExplorer } from "../../explorer/index.ts";
import { createOptioClient, depositToL2 } from "../../sdk/index.ts";
import { l1QueuePrefix } from "../../sequencer/l1/startL1Work.ts";
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
  /** The proposer's defender's inspection API. */
  defender: Number(process.env.OPTIO_DEFENDER_PORT ?? 8550),
  /** The first dishonest party's inspection API (--evil); the next ones take the following ports. */
  evil: Number(process.env.OPTIO_EVIL_PORT ?? 8560),
  sequencerOperator: Number(process.env.OPTIO_OPERATOR_PORT ?? 9100),
};
/** The market maker's deposit (tUSD). */
const MM_DEPOSIT = 200_000n * 10n ** 6n;
const MM_KEY_INDEX = 4;
/** The honest verifier's key (its bonds are paid in the test chain's ether). */
const VERIFIER_KEY_INDEX = 3;
/** The first dishonest party's key (./optio devnet --evil); the next ones take #6, #7, ... */
export const EVIL_KEY_INDEX = 5;

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

/** `./optio devnet --evil KIND[,KIND]`: dishonest parties next to the honest ones, one key each from #5. */
export interface DevnetEvil {
  readonly kinds: readonly string[];
  readonly seed: number;
}

export async function startDevnetServices(
  d: RollupDeployment,
  deploymentFile: string,
  rpcUrl: string,
  evil?: DevnetEvil,
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
    await depositToL2({
      walletClient: wallet,
      publicClient: pub as PublicClient,
      token: d.token.address,
      bridge: d.contracts.bridge.address,
      amount: MM_DEPOSIT,
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

    const verifierPrefix = `optio-verifier-${run.slice(-34)}`;
    /** A `./optio verifier` child with its own data directory and log under the run's directory. */
    const startVerifierChild = async (name: string, keyIndex: number, args: readonly string[]) => {
      const logFile = join(dir, `${name}.log`);
      const fd = openSync(logFile, "a");
      const child = spawn(
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
          join(dir, name),
          "--confirmations",
          "1",
          "--redis-url",
          redis.url,
          ...args,
        ],
        {
          cwd: REPO_ROOT,
          stdio: ["ignore", fd, fd],
          env: { ...process.env, OPTIO_KEY: HARDHAT_TEST_KEYS[keyIndex] },
        },
      );
      stops.push(() => stopChild(child));
      return { child, logFile };
    };

    step("starting an honest verifier (replays L1 alone, challenges wrong assertions, defends, confirms)");
    const verifier = await startVerifierChild("verifier", VERIFIER_KEY_INDEX, [
      "--mode",
      "all",
      "--port",
      String(DEVNET_PORTS.verifier),
      "--operator-port",
      String(DEVNET_PORTS.verifierOperator),
      "--redis-prefix",
      verifierPrefix,
    ]);
    const verifierUrl = `http://127.0.0.1:${DEVNET_PORTS.verifier}`;
    await waitFor(
      `the verifier did not start (log: ${verifier.logFile})`,
      async () => (await fetch(`http://127.0.0.1:${DEVNET_PORTS.verifierOperator}/healthz`)).ok,
      120,
      () => verifier.child.exitCode === null,
    );

    // Only an assertion's proposer may defend it: a verifier on the proposer's key (#0) in defend mode answers every
    // challenge of the sequencer's assertions. The sequencer holds the key's lock, so this one sends nothing itself:
    // its moves go into the key's intent queue (the sequencer's L1 prefix) and the sequencer's TxSender sends them.
    step("starting the proposer's defender (a verifier on the proposer's key, defend mode)");
    const defender = await startVerifierChild("defender", 0, [
      "--mode",
      "defend",
      "--port",
      String(DEVNET_PORTS.defender),
      "--operator-port",
      "0",
      "--redis-prefix",
      await l1QueuePrefix(createPublicClient({ transport: http(rpcUrl) }) as PublicClient, d),
      "--tx-lock-ttl-ms",
      "1000",
    ]);
    const evilLines: string[] = [];
    const evilStarted: { url: string; logFile: string; alive: () => boolean }[] = [];
    for (const [i, kind] of (evil?.kinds ?? []).entries()) {
      const keyIndex = EVIL_KEY_INDEX + i;
      step(`starting a DISHONEST party (Hardhat #${keyIndex}): ${kind}, seed ${evil?.seed}`);
      const e = await startVerifierChild(`evil-${i}-${kind}`, keyIndex, [
        "--mode",
        "all",
        "--fault",
        kind,
        "--fault-seed",
        String(evil?.seed ?? 1),
        "--port",
        String(DEVNET_PORTS.evil + i),
        "--operator-port",
        "0",
        "--redis-prefix",
        `optio-evil-${i}-${run.slice(-30)}`,
      ]);
      evilStarted.push({
        url: `http://127.0.0.1:${DEVNET_PORTS.evil + i}`,
        logFile: e.logFile,
        alive: () => e.child.exitCode === null,
      });
      evilLines.push(
        `  DISHONEST party (Hardhat #${keyIndex}, ${kind}, seed ${evil?.seed}): its lies at http://127.0.0.1:${DEVNET_PORTS.evil + i}/faults, log ${e.logFile}`,
      );
    }
    await waitFor(
      `the defender did not start (log: ${defender.logFile})`,
      async () => /"msg":"verifier running"/.test(readFileSync(defender.logFile, "utf8")),
      120,
      () => defender.child.exitCode === null,
    );
    for (const e of evilStarted)
      await waitFor(
        `a dishonest party did not start (log: ${e.logFile})`,
        async () => (await fetch(`${e.url}/status`)).ok,
        120,
        e.alive,
      );

    step("building and serving the explorer");
    const explorer = await startExplorer({
      // The verifier serves the explorer's view of assertions and games under /explorer (docs/explorer.md).
      config: {
        apiUrl: api,
        wsUrl: api.replace(/^http/, "ws"),
        verifierUrl: `${verifierUrl}/explorer`,
        quoteDecimals: 6,
      },
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
        `  proposer's defender (Hardhat #0, defend mode): inspection API http://127.0.0.1:${DEVNET_PORTS.defender}, log ${defender.logFile}`,
        ...evilLines,
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
