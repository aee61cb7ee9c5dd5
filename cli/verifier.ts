/**
 * `./optio verifier`: loads the settings (flags, OPTIO_* environment, --config FILE), reads the deployment record
 * (addresses, parameters, the engine checked against its hash) and runs the verifier until SIGINT/SIGTERM, which
 * shut it down in order. Operator errors print what and the fix.
 */
import { readFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { bytesToHex } from "viem";
import { readDeployment } from "../deploy/index.ts";
import { keccak256 } from "../protocol/keccak.ts";
import { ConfigError, configHelp, loadConfig, ServiceError } from "../service/index.ts";
import { startVerifier, VERIFIER_SETTINGS, type VerifierDeployment } from "../verifier/index.ts";
import { CliError } from "./CliError.ts";

const REPO_ROOT = resolve(import.meta.dirname, "..");

/** The verifier's view of a deployment record (docs/deploy.md), with the engine's bytes checked against its hash. */
export function verifierDeployment(path: string): VerifierDeployment {
  let d: ReturnType<typeof readDeployment>;
  try {
    d = readDeployment(path);
  } catch (e) {
    throw new CliError(
      `deployment record ${path}: ${(e as Error).message}`,
      "start ./optio devnet (it writes .optio/devnet.json) or pass --deployment FILE",
    );
  }
  if (d.engine.path === null || d.engine.wasmHash === null)
    throw new CliError(
      `deployment record ${path} names no engine file`,
      "deploy with --engine engine/engine.wasm",
    );
  const enginePath = isAbsolute(d.engine.path) ? d.engine.path : join(REPO_ROOT, d.engine.path);
  const engineWasm = new Uint8Array(readFileSync(enginePath));
  const hash = bytesToHex(keccak256(engineWasm));
  if (hash !== d.engine.wasmHash)
    throw new CliError(
      `engine ${enginePath} has keccak ${hash}, the deployment's is ${d.engine.wasmHash}`,
      "run the checkout the rollup was deployed from (the verifier must run the code L1's prover holds)",
    );
  const blocks = Object.values(d.contracts)
    .filter((c): c is { address: `0x${string}`; block: number } => c !== null)
    .map((c) => c.block);
  return {
    chainId: d.chainId,
    params: d.params,
    genesisStateRoot: d.genesisStateRoot,
    genesisAssertion: d.genesisAssertion,
    fromBlock: Math.max(0, Math.min(...blocks)),
    engineWasm,
    token: d.token,
    contracts: d.contracts,
  };
}

export async function verifierCommand(argv: readonly string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(
      configHelp(
        "usage: ./optio verifier [--setting value]...\n  Replays every batch from L1, judges every assertion, challenges wrong ones, defends its key's own,\n  confirms, and serves what it sees as JSON on --port.",
        VERIFIER_SETTINGS,
      ),
    );
    return 0;
  }
  let exit: (code: number) => void = () => {};
  const exited = new Promise<number>((done) => {
    exit = done;
  });
  try {
    const config = loadConfig(VERIFIER_SETTINGS, { argv, env: process.env });
    const deployment = verifierDeployment(config.deployment);
    if (config.l1Rpc === "") (config as { l1Rpc: string }).l1Rpc = readDeployment(config.deployment).l1Rpc;
    await startVerifier(config, deployment, exit);
  } catch (e) {
    if (e instanceof ConfigError || e instanceof ServiceError) throw new CliError(e.message, e.fix);
    throw e;
  }
  return exited;
}
