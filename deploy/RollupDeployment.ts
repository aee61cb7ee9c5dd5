import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { Address, Hex } from "viem";
import type { RollupParams } from "../protocol/index.ts";
import { InvalidDeployArgumentError } from "./errors.ts";

/** The format tag of the deployment file (docs/deploy.md); bumped on any incompatible change. */
export const DEPLOYMENT_FORMAT = "optio-deployment/1";

/** A deployed contract: where it is and the L1 block it was created in (services scan events from there). */
export interface DeployedContract {
  readonly address: Address;
  readonly block: number;
}

/** The engine the challenge manager was deployed for. */
export interface EngineRecord {
  /** The wasm file the parts were computed from (relative to the repository when inside it); null if given as parts. */
  readonly path: string | null;
  /** keccak256 of the wasm bytes; null if the parts were given directly. */
  readonly wasmHash: Hex | null;
  /** The machine's code root: the prover's StepContext.codeRoot. */
  readonly codeRoot: Hex;
  /** The seven engine-fixed words of every transaction's initial machine hash (docs/machine.md). */
  readonly initialMachine: {
    readonly statusWord: Hex;
    readonly valueStackHash: Hex;
    readonly frameStackHash: Hex;
    readonly globalsRoot: Hex;
    readonly memoryRoot: Hex;
    readonly codeRoot: Hex;
    readonly tableRoot: Hex;
  };
}

/** Everything a service needs to talk to a deployed rollup (written as JSON, docs/deploy.md). */
export interface RollupDeployment {
  readonly format: typeof DEPLOYMENT_FORMAT;
  readonly chainId: number;
  /** The L1 JSON-RPC URL the deployment was made through. */
  readonly l1Rpc: string;
  /** Which parameter set it started from ("devnet", "public" or "custom" when overridden). */
  readonly paramSet: "devnet" | "public" | "custom";
  readonly params: RollupParams;
  /** The account that deployed and connected the contracts. */
  readonly admin: Address;
  /** The only account that may post batches to the SequencerInbox. */
  readonly sequencer: Address;
  /** The proposers allowed at deployment (the only ones when params.permissionless is false). */
  readonly proposers: readonly Address[];
  /** The genesis state root, and the id of the genesis assertion (confirmed at deployment). */
  readonly genesisStateRoot: Hex;
  readonly genesisAssertion: Hex;
  readonly engine: EngineRecord;
  /** The collateral token (symbol, decimals as read from the contract). */
  readonly token: DeployedContract & { readonly symbol: string; readonly decimals: number };
  readonly contracts: {
    readonly bridge: DeployedContract;
    readonly sequencerInbox: DeployedContract;
    readonly rollup: DeployedContract;
    readonly challengeManager: DeployedContract;
    readonly outbox: DeployedContract;
    /** The one-step prover's entry (IOneStepProver) and its host I/O contract (null for a test double). */
    readonly oneStepProver: DeployedContract;
    readonly oneStepProverHostIo: DeployedContract | null;
  };
}

/** The deployment as JSON text: wei amounts as decimal strings (JSON numbers lose precision past 2^53). */
export function deploymentToJson(d: RollupDeployment): string {
  return `${JSON.stringify(d, (_k, v) => (typeof v === "bigint" ? v.toString() : v), 2)}\n`;
}

/** Parses deployment JSON, restoring the wei amounts to bigint. Throws InvalidDeployArgumentError on another format. */
export function deploymentFromJson(text: string): RollupDeployment {
  const raw = JSON.parse(text) as RollupDeployment & {
    params: RollupParams & { assertionBond: string; challengeBond: string };
  };
  if (raw.format !== DEPLOYMENT_FORMAT) {
    throw new InvalidDeployArgumentError("deployment file format", String(raw.format), DEPLOYMENT_FORMAT);
  }
  return {
    ...raw,
    params: {
      ...raw.params,
      assertionBond: BigInt(raw.params.assertionBond),
      challengeBond: BigInt(raw.params.challengeBond),
    },
  };
}

/** Writes the deployment JSON to `path`, creating its folder. */
export function writeDeployment(d: RollupDeployment, path: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, deploymentToJson(d));
}

/** Reads a deployment file written by writeDeployment. */
export function readDeployment(path: string): RollupDeployment {
  return deploymentFromJson(readFileSync(path, "utf8"));
}
