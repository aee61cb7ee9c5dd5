// `./optio devnet [args]` as a user starts it (cli/main.ts devnet), on free loopback ports and its own deployment
// record, waited on until its "ready" line: what the end-to-end tests run against.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "../../cli/devnet/ensureRedis.ts";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

export interface DevnetProcess {
  readonly child: ChildProcess;
  readonly ports: {
    readonly l1: number;
    readonly api: number;
    readonly operator: number;
    readonly explorer: number;
    readonly verifier: number;
    readonly verifierOperator: number;
    readonly defender: number;
    /** The first dishonest party's inspection API (--evil); the next ones follow. */
    readonly evil: number;
  };
  /** The deployment record it wrote. */
  readonly out: string;
  stdout(): string;
  stderr(): string;
  /** Ctrl-C, then SIGKILL if it has not exited within `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export async function startDevnetProcess(
  args: readonly string[] = [],
  readyMs = 240_000,
  /** Extra environment for the devnet (e.g. OPTIO_DEVNET_SHORT_EXPIRY_S); the ports above win. */
  env: Readonly<Record<string, string>> = {},
): Promise<DevnetProcess> {
  const p: number[] = [];
  for (let i = 0; i < 9; i++) p.push(await freePort());
  const ports = {
    l1: p[0],
    api: p[1],
    operator: p[2],
    explorer: p[3],
    verifier: p[4],
    verifierOperator: p[5],
    defender: p[6],
    evil: p[7],
  };
  const out = join(mkdtempSync(join(tmpdir(), "optio-e2e-")), "devnet.json");
  const child = spawn(process.execPath, ["--import", "tsx", "cli/main.ts", "devnet", "--out", out, ...args], {
    cwd: ROOT,
    env: {
      ...process.env,
      ...env,
      OPTIO_L1_PORT: String(ports.l1),
      OPTIO_API_PORT: String(ports.api),
      OPTIO_OPERATOR_PORT: String(ports.operator),
      OPTIO_EXPLORER_PORT: String(ports.explorer),
      OPTIO_VERIFIER_PORT: String(ports.verifier),
      OPTIO_VERIFIER_OPERATOR_PORT: String(ports.verifierOperator),
      OPTIO_DEFENDER_PORT: String(ports.defender),
      OPTIO_EVIL_PORT: String(ports.evil),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr?.on("data", (c: Buffer) => {
    stderr += c.toString();
  });
  const stop = async (graceMs = 8_000) => {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once("exit", () => r()));
    child.kill("SIGINT");
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + readyMs;
  while (!stdout.includes("optio devnet: ready")) {
    if (child.exitCode !== null) throw new Error(`devnet exited: ${stderr}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`devnet not ready within ${readyMs} ms: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return { child, ports, out, stdout: () => stdout, stderr: () => stderr, stop };
}
