import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Abi, Hex } from "viem";
import { ArtifactMissingError } from "./errors.ts";

/** The contracts a deployment uses, by the contracts/ folder that holds their source. */
const SOURCE_DIR = {
  Bridge: "rollup",
  SequencerInbox: "rollup",
  Rollup: "rollup",
  ChallengeManager: "rollup",
  Outbox: "rollup",
  OneStepProver: "osp",
  OneStepProverHostIo: "osp",
  TestToken: "test",
  ReentrantToken: "test",
  OneStepProverDouble: "test",
} as const;

export type ContractName = keyof typeof SOURCE_DIR;

export interface Artifact {
  readonly contractName: ContractName;
  readonly abi: Abi;
  readonly bytecode: Hex;
}

/** The repository's artifacts/ (Hardhat's build output), next to deploy/. */
export const ARTIFACTS_DIR = fileURLToPath(new URL("../artifacts/", import.meta.url));

const cache = new Map<ContractName, Artifact>();

/** The compiled contract `name` from artifacts/ (built by `npx hardhat build`). */
export function loadArtifact(name: ContractName): Artifact {
  const hit = cache.get(name);
  if (hit) return hit;
  const path = `${ARTIFACTS_DIR}contracts/${SOURCE_DIR[name]}/${name}.sol/${name}.json`;
  if (!existsSync(path)) throw new ArtifactMissingError(name, path);
  const json = JSON.parse(readFileSync(path, "utf8")) as { abi: Abi; bytecode: Hex };
  const artifact: Artifact = { contractName: name, abi: json.abi, bytecode: json.bytecode };
  cache.set(name, artifact);
  return artifact;
}
