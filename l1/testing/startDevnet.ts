// A devnet for L1 tests and the l1 benchmark: `./optio devnet`'s own command (deploy/cli.ts devnet) on a free
// loopback port, so they talk to a real Hardhat node process (EDR) over HTTP with the rollup deployed, as services
// do. Testing only: it reads the deployment record through deploy/ (l1/ proper does not import deploy/).
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createPublicClient, http, type PublicClient } from "viem";
import { type RollupDeployment, readDeployment } from "../../deploy/index.ts";
import { testTokenAbi } from "../abi/index.ts";

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface TestDevnet {
  readonly url: string;
  readonly deployment: RollupDeployment;
  readonly client: PublicClient;
  /** A raw JSON-RPC call (evm_mine, evm_snapshot, hardhat_setNextBlockBaseFeePerGas, ...). */
  rpc<T = unknown>(method: string, params?: unknown[]): Promise<T>;
  stop(): Promise<void>;
}

/** Starts the devnet (node + deployment) and resolves once the deployment file is written and read. */
export async function startDevnet(timeoutMs = 100_000): Promise<TestDevnet> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const dir = mkdtempSync(join(tmpdir(), "optio-l1-"));
  const out = join(dir, "devnet.json");
  const child: ChildProcess = spawn(
    process.execPath,
    ["--import", "tsx", "deploy/cli.ts", "devnet", "--out", out],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, OPTIO_L1_PORT: String(port) },
      detached: true,
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  let stderr = "";
  child.stderr?.on("data", (b: Buffer) => {
    stderr += b.toString();
  });
  const stop = async () => {
    if (child.pid && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        // gone
      }
      const t = setTimeout(() => {
        try {
          process.kill(-child.pid!, "SIGKILL");
        } catch {
          // gone
        }
      }, 5_000);
      await exited;
      clearTimeout(t);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + timeoutMs;
  // The summary is printed after the file is written and the collateral minted: wait for both.
  while (!existsSync(out) || !stderr.includes("deploying") || !(await answers(url))) {
    if (child.exitCode !== null) throw new Error(`devnet exited (${child.exitCode}): ${stderr}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`devnet not ready within ${timeoutMs} ms: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const client = createPublicClient({ transport: http(url, { retryCount: 0 }) }) as PublicClient;
  // deployCommand mints after writing the file: wait until account #4's tokens exist (the last mint).
  const deployment = readDeployment(out);
  await waitForMint(client, deployment);
  return {
    url,
    deployment,
    client,
    rpc: <T>(method: string, params: unknown[] = []) =>
      client.request({ method, params } as never) as Promise<T>,
    stop,
  };
}

async function answers(url: string): Promise<boolean> {
  try {
    await createPublicClient({ transport: http(url, { retryCount: 0, timeout: 2_000 }) }).getChainId();
    return true;
  } catch {
    return false;
  }
}

async function waitForMint(client: PublicClient, d: RollupDeployment): Promise<void> {
  const last = "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65"; // Hardhat account #4
  for (let i = 0; i < 400; i++) {
    const bal = await client.readContract({
      address: d.token.address,
      abi: testTokenAbi,
      functionName: "balanceOf",
      args: [last],
    });
    if (bal > 0n) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("devnet: test collateral was not minted");
}
