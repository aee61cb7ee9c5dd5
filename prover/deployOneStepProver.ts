/**
 * Deploys the one-step prover (contracts/osp/): the four instruction-family
 * contracts, then the entry contract that dispatches to them. Used by the
 * tests, the benchmark and (later) the devnet deployment.
 */
import type { Address } from "viem";

/** The part of hardhat-viem's `viem` helper this needs (kept structural so callers pass their own). */
export interface ContractDeployer {
  deployContract(name: string, args?: readonly unknown[]): Promise<{ address: Address }>;
}

/** Addresses of the deployed prover: `entry` implements IOneStepProver. */
export interface OneStepProverDeployment {
  readonly entry: Address;
  readonly math: Address;
  readonly control: Address;
  readonly memory: Address;
  readonly hostIo: Address;
}

/** Deploy the family contracts and the entry contract wired to them. */
export async function deployOneStepProver(viem: ContractDeployer): Promise<OneStepProverDeployment> {
  const math = (await viem.deployContract("OneStepProverMath")).address;
  const control = (await viem.deployContract("OneStepProverControl")).address;
  const memory = (await viem.deployContract("OneStepProverMemory")).address;
  const hostIo = (await viem.deployContract("OneStepProverHostIo")).address;
  const entry = (await viem.deployContract("OneStepProver", [math, control, memory, hostIo])).address;
  return { entry, math, control, memory, hostIo };
}
