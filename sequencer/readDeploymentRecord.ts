import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { bytesToHex, type Hex } from "viem";
import { keccak256 } from "../protocol/keccak.ts";
import { ServiceError } from "../service/index.ts";

/** What the sequencer takes from the deployment record (docs/deploy.md, `optio-deployment/1`). */
export interface SequencerDeployment {
  /** L1's chain id: also the chain id of the engine's GENESIS and every EIP-712 signature. */
  readonly chainId: bigint;
  /** GENESIS's admin: the account that deployed the rollup. */
  readonly admin: Hex;
  /** The engine the challenge manager holds: its bytes, checked against the record's hash. */
  readonly engineWasm: Uint8Array;
  readonly enginePath: string;
  /** Seconds an assertion can be challenged (per-transaction roots must stay provable that long). */
  readonly challengePeriod: number;
}

function bad(path: string, reason: string, fix: string): ServiceError {
  return new ServiceError(`deployment record ${path}: ${reason}`, fix, { path });
}

/**
 * Reads the fields the sequencer needs from a deployment record (a subset of
 * deploy/RollupDeployment.ts, read here because sequencer/ does not import deploy/), and the
 * engine it names, refusing an engine whose keccak differs from the record's: the sequencer
 * must run the very code L1's one-step prover holds.
 */
export function readDeploymentRecord(path: string, repoRoot: string): SequencerDeployment {
  if (!existsSync(path))
    throw bad(
      path,
      "not found",
      "start ./optio devnet (it writes .optio/devnet.json) or pass --deployment FILE",
    );
  let j: Record<string, unknown>;
  try {
    j = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw bad(
      path,
      `not JSON (${(e as Error).message})`,
      "deploy again with ./optio deploy or ./optio devnet",
    );
  }
  if (j.format !== "optio-deployment/1")
    throw bad(
      path,
      `format ${JSON.stringify(j.format)}, expected "optio-deployment/1"`,
      "deploy again with this checkout",
    );
  const chainId = j.chainId;
  const admin = j.admin;
  const engine = j.engine as { path?: unknown; wasmHash?: unknown } | undefined;
  const params = j.params as { challengePeriod?: unknown } | undefined;
  if (typeof chainId !== "number" || !Number.isSafeInteger(chainId) || chainId <= 0)
    throw bad(path, `chainId ${String(chainId)}`, "deploy again");
  if (typeof admin !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(admin))
    throw bad(path, `admin ${String(admin)}`, "deploy again");
  const rel = typeof engine?.path === "string" ? engine.path : "engine/engine.wasm";
  const enginePath = isAbsolute(rel)
    ? rel
    : existsSync(join(repoRoot, rel))
      ? join(repoRoot, rel)
      : resolve(dirname(path), rel);
  if (!existsSync(enginePath))
    throw bad(path, `engine ${enginePath} not found`, "check out the commit the rollup was deployed from");
  const engineWasm = new Uint8Array(readFileSync(enginePath));
  const hash = bytesToHex(keccak256(engineWasm));
  if (typeof engine?.wasmHash === "string" && engine.wasmHash.toLowerCase() !== hash)
    throw bad(
      path,
      `engine ${enginePath} hashes to ${hash}, the rollup was deployed with ${engine.wasmHash}`,
      "run the engine the rollup was deployed with (check out its commit), or deploy again",
    );
  const challengePeriod = typeof params?.challengePeriod === "number" ? params.challengePeriod : 0;
  return {
    chainId: BigInt(chainId),
    admin: admin.toLowerCase() as Hex,
    engineWasm,
    enginePath,
    challengePeriod,
  };
}
