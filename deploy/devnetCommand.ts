import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { type Address, createPublicClient, getAddress, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { DEFAULT_DEPLOYMENT_FILE, devnetRpcUrl } from "./deployCommand.ts";
import { clientsFor, deployRollup } from "./deployRollup.ts";
import { DeployError } from "./errors.ts";
import { formatSummary } from "./formatSummary.ts";
import { HARDHAT_TEST_KEYS } from "./hardhatAccounts.ts";
import { mintTestCollateral } from "./mintTestCollateral.ts";

const REPO_ROOT = fileURLToPath(new URL("../", import.meta.url));

/** Test collateral minted to each of the first Hardhat accounts: 1,000,000 tUSD (6 decimals). */
export const DEVNET_MINT = 1_000_000n * 10n ** 6n;
/** How many of Hardhat's accounts get test collateral (#0 is also admin, sequencer and proposer). */
const FUNDED_ACCOUNTS = HARDHAT_TEST_KEYS.length;
/** How long the node may take to answer before the devnet gives up (seconds). */
const START_TIMEOUT_S = 60;

/** Whether a chain answers eth_chainId at `url`. */
async function answers(url: string): Promise<boolean> {
  try {
    await createPublicClient({ transport: http(url, { retryCount: 0, timeout: 2_000 }) }).getChainId();
    return true;
  } catch {
    return false;
  }
}

/** Stops the node's whole process group (npx/hardhat and its workers), SIGKILL if it lingers. */
function stopNode(node: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (node.exitCode !== null || node.signalCode !== null || node.pid === undefined) return done();
    const pid = node.pid;
    const kill = (sig: NodeJS.Signals) => {
      try {
        process.kill(-pid, sig);
      } catch {
        // already gone
      }
    };
    const force = setTimeout(() => kill("SIGKILL"), 5_000);
    node.once("exit", () => {
      clearTimeout(force);
      done();
    });
    kill("SIGTERM");
  });
}

/**
 * `./optio devnet`: starts Hardhat's EDR node on 127.0.0.1, waits until it answers, deploys the rollup with the
 * devnet parameters (Hardhat account #0 as admin, sequencer and proposer), mints test collateral to the first
 * accounts, prints a summary and keeps the node in the foreground until Ctrl-C, then stops it (no orphans).
 */
/** Services the full devnet starts once the rollup is deployed (cli/devnet.ts); what they print, and how they stop. */
export type DevnetServicesStarter = (
  deployment: Awaited<ReturnType<typeof deployRollup>>,
  deploymentFile: string,
  rpcUrl: string,
) => Promise<{
  readonly lines: readonly string[];
  /** Where the L1 node's request log goes once the services run (they poll it: too much for the terminal). */
  readonly l1Log?: NodeJS.WritableStream;
  stop(): Promise<void>;
}>;

export async function devnetCommand(
  argv: readonly string[],
  services?: DevnetServicesStarter,
  /** Proposers allowed besides #0 (./optio devnet --evil adds its dishonest proposers' keys). */
  extraProposers: readonly Address[] = [],
): Promise<number> {
  // --out moves the deployment record (tests use it so a running devnet's file is left alone).
  // --challenge-period S: a longer period leaves time to watch disputes (the fault-injection test uses an hour).
  const { values } = parseArgs({
    args: [...argv],
    options: { out: { type: "string" }, "challenge-period": { type: "string" } },
    strict: true,
  });
  const period = values["challenge-period"];
  if (period !== undefined && !/^\d{1,7}$/.test(period))
    throw new DeployError(
      `--challenge-period: expected whole seconds, got "${period}"`,
      "e.g. --challenge-period 3600",
    );
  const out = values.out ?? DEFAULT_DEPLOYMENT_FILE;
  const url = devnetRpcUrl();
  const port = new URL(url).port;
  if (await answers(url)) {
    throw new DeployError(
      `a chain already answers at ${url}`,
      `stop it (another \`./optio devnet\`?) or set OPTIO_L1_PORT to a free port; to deploy onto it: ./optio deploy --rpc ${url}`,
    );
  }
  // Its own process group, so one signal stops npx, hardhat and anything they start.
  const node = spawn(
    `${REPO_ROOT}node_modules/.bin/hardhat`,
    ["node", "--hostname", "127.0.0.1", "--port", port],
    {
      cwd: REPO_ROOT,
      detached: true,
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  let stopServices: () => Promise<void> = async () => {};
  const stop = async () => {
    await stopServices();
    await stopNode(node);
  };
  let exited = false;
  node.once("exit", () => {
    exited = true;
  });
  // The node's start-up banner (accounts, keys) is held back until the rollup is deployed, then replayed.
  const banner: Buffer[] = [];
  let live = false;
  let sink: NodeJS.WritableStream = process.stdout;
  node.stdout?.on("data", (chunk: Buffer) => {
    if (live) sink.write(chunk);
    else banner.push(chunk);
  });
  const onSignal = () => {
    console.error("\noptio devnet: stopping the services and the chain");
    void stop().then(() => process.exit(0));
  };
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(sig, onSignal);

  try {
    console.error(`optio devnet: starting the local L1 (Hardhat EDR) on ${url}`);
    const deadline = Date.now() + START_TIMEOUT_S * 1000;
    while (!(await answers(url))) {
      if (exited) {
        throw new DeployError(
          `the L1 node exited before answering (exit code ${node.exitCode})`,
          "read its error above; if the port is taken, set OPTIO_L1_PORT to a free port",
        );
      }
      if (Date.now() > deadline) {
        throw new DeployError(
          `the L1 node did not answer at ${url} within ${START_TIMEOUT_S} s`,
          "retry; check the machine's load",
        );
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    const key = HARDHAT_TEST_KEYS[0];
    console.error("optio devnet: deploying the rollup (devnet parameters)");
    const d = await deployRollup({
      connection: { rpcUrl: url, privateKey: key },
      params: "devnet",
      overrides: period === undefined ? undefined : { challengePeriod: Number(period) },
      proposers: [getAddress(privateKeyToAccount(key).address), ...extraProposers],
      out,
    });
    const funded = HARDHAT_TEST_KEYS.slice(0, FUNDED_ACCOUNTS).map((k) =>
      getAddress(privateKeyToAccount(k).address),
    );
    await mintTestCollateral(
      clientsFor({ rpcUrl: url, privateKey: key }),
      d.token.address,
      funded,
      DEVNET_MINT,
    );

    const started = services === undefined ? undefined : await services(d, out, url);
    if (started !== undefined) stopServices = () => started.stop();
    if (started?.l1Log !== undefined) sink = started.l1Log;

    // Replay the node's start-up banner (not its log of the deployment's calls), cut to the funded accounts.
    // The node logs each call as a line starting with a colour escape (ESC): the banner is what precedes them.
    const held = Buffer.concat(banner).toString("utf8");
    const firstLog = held.indexOf(`\n${String.fromCharCode(27)}`);
    const startup = firstLog < 0 ? held : held.slice(0, firstLog + 1);
    const cut = startup.indexOf(`Account #${FUNDED_ACCOUNTS}:`);
    live = true;
    process.stdout.write(
      cut < 0 ? startup : `${startup.slice(0, cut)}(and more accounts of Hardhat's test mnemonic)\n`,
    );
    console.log(
      [
        "",
        formatSummary(d, out, key),
        `Test collateral: ${DEVNET_MINT / 10n ** 6n} ${d.token.symbol} minted to Hardhat accounts #0-#${FUNDED_ACCOUNTS - 1}.`,
        ...(started === undefined
          ? [
              "Next: deposit with token.approve(bridge, amount) then bridge.deposit(amount, l2Recipient, subaccount) from",
              "one of those accounts (keys above), once the sequencer has posted GENESIS as batch 0 (until then deposits revert ChainNotStarted).",
              "This is the chain alone (deploy/cli.ts devnet): ./optio devnet also starts the services.",
              "Ctrl-C stops the chain (its state is not kept).",
            ]
          : [
              ...started.lines,
              "Ctrl-C stops everything (the chain's state is not kept).",
              "",
              "optio devnet: ready",
            ]),
        "",
      ].join("\n"),
    );
  } catch (e) {
    await stop();
    throw e;
  }
  return new Promise<number>((done) => {
    node.once("exit", (code, signal) => done(signal ? 0 : (code ?? 0)));
    if (exited) done(node.exitCode ?? 0);
  });
}
