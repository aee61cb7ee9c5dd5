// The commands users run: `./optio devnet` starts a chain, deploys the rollup on it, funds test accounts and
// stops everything on Ctrl-C; `./optio deploy` deploys to a running chain and fails with the fix when none answers.
// Runs the CLI entry directly (deploy/cli.ts; the optio script only builds the contracts first, which CI has done).
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { type Abi, createPublicClient, http } from "viem";
import { afterAll, expect, test } from "vitest";
import { HARDHAT_TEST_KEYS, loadArtifact, readDeployment, verifyDeployment } from "../deploy/index.ts";

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), "optio-cli-"));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Whether a process with this pid still exists. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const port = await freePort();
const url = `http://127.0.0.1:${port}`;
let devnet: ChildProcess | undefined;
afterAll(() => {
  // A failed test must not leave the chain running.
  if (devnet?.pid && devnet.exitCode === null) {
    try {
      process.kill(-devnet.pid, "SIGKILL");
    } catch {
      // gone
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

const cli = (args: string[]) =>
  run(process.execPath, ["--import", "tsx", "deploy/cli.ts", ...args], {
    env: { ...process.env, OPTIO_L1_PORT: String(port) },
  });

test("deployCli_noChain_saysToStartTheDevnet", async () => {
  const e = (await cli(["deploy", "--out", join(dir, "none.json")]).catch((x: unknown) => x)) as {
    code: number;
    stderr: string;
  };
  expect(e.code).toBe(1);
  expect(e.stderr).toContain(`no chain answers JSON-RPC at ${url}`);
  expect(e.stderr).toContain("fix: start the local L1 with `./optio devnet`");
});

test("devnetCli_deploysFundsAndStopsCleanly_succeeds", async () => {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "deploy/cli.ts", "devnet", "--out", join(dir, "devnet.json")],
    {
      env: { ...process.env, OPTIO_L1_PORT: String(port) },
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  devnet = child;
  let stdout = "";
  child.stdout?.on("data", (b: Buffer) => {
    stdout += b.toString();
  });
  child.stderr?.on("data", () => {});
  const deadline = Date.now() + 90_000;
  while (!stdout.includes("Ctrl-C stops the chain")) {
    if (child.exitCode !== null) throw new Error(`devnet exited early: ${stdout}`);
    if (Date.now() > deadline) throw new Error(`devnet did not come up: ${stdout}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  expect(stdout).toContain("Rollup deployed on chain 31337");
  expect(stdout).toContain(`Deployment record: ${join(dir, "devnet.json")}`);
  // The node's banner, cut to the funded accounts (their keys are Hardhat's well-known ones).
  expect(stdout).toContain(`Private Key: ${HARDHAT_TEST_KEYS[HARDHAT_TEST_KEYS.length - 1]}`);
  expect(stdout).not.toContain(`Account #${HARDHAT_TEST_KEYS.length}:`);

  const d = readDeployment(join(dir, "devnet.json"));
  expect(d.l1Rpc).toBe(url);
  const client = createPublicClient({ transport: http(url) });
  expect(await verifyDeployment(client, d)).toEqual([]);
  const balance = await client.readContract({
    address: d.token.address,
    abi: loadArtifact("TestToken").abi as Abi,
    functionName: "balanceOf",
    args: ["0x70997970C51812dc3A010C7d01b50e0d17dc79C8"], // Hardhat account #1
  });
  expect(balance).toBe(1_000_000n * 10n ** 6n);

  // `./optio deploy` onto the running chain, with the public parameters, to another file.
  const out = join(dir, "public.json");
  const { stdout: deployed } = await cli(["deploy", "--rpc", url, "--params", "public", "--out", out]);
  expect(deployed).toContain("with the public parameters");
  const p = JSON.parse(readFileSync(out, "utf8")) as {
    paramSet: string;
    params: { challengePeriod: number };
  };
  expect(p.paramSet).toBe("public");
  expect(p.params.challengePeriod).toBe(604_800);

  // Ctrl-C: the devnet stops its node (its own process group) and exits; nothing answers afterwards.
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  child.kill("SIGINT");
  expect(await exited).toBe(0);
  const after = await createPublicClient({ transport: http(url, { retryCount: 0, timeout: 2_000 }) })
    .getChainId()
    .then(
      () => "answers",
      () => "stopped",
    );
  expect(after).toBe("stopped");
  if (child.pid) expect(alive(child.pid)).toBe(false);
});
