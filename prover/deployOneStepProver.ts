/**
 * Deploys the one-step prover (contracts/osp/): the host I/O family contract,
 * then the entry contract (which holds the math, control and memory families as
 * internal libraries) wired to it. Used by the tests, the benchmark and (later)
 * the devnet deployment.
 */
import type { Address } from "viem";

/** The part of hardhat-viem's `viem` helper this needs (kept structural so callers pass their own). */
export interface ContractDeployer {
  deployContract(name: string, args?: readonly unknown[]): Promise<{ address: Address }>;
}

/** Addresses of the deployed prover: `entry` implements IOneStepProver. */
export interface OneStepProverDeployment {
  readonly entry: Address;
  readonly hostIo: Address;
}

/** Deploy the host I/O contract and the entry contract wired to it. */
export async function deployOneStepProver(viem: ContractDeployer): Promise<OneStepProverDeployment> {
  const hostIo = (await viem.deployContract("OneStepProverHostIo")).address;
  const entry = (await viem.deployContract("OneStepProver", [hostIo])).address;
  return { entry, hostIo };
}
