import type { Address } from "viem";
import type { L1Addresses } from "../l1/index.ts";
import type { RollupParams } from "../protocol/index.ts";

/**
 * What the verifier takes from the deployment record (docs/deploy.md, `optio-deployment/1`): the addresses and
 * the blocks to follow from, the parameters the game is played with, and the engine the one-step prover holds
 * (its bytes, checked against the record's hash by the caller). verifier/ does not import deploy/: the CLI reads
 * the file and passes this.
 */
export interface VerifierDeployment extends L1Addresses {
  readonly chainId: number;
  readonly params: RollupParams;
  /** The genesis state root (the empty tree on every deployment so far) and the genesis assertion's id. */
  readonly genesisStateRoot: `0x${string}`;
  readonly genesisAssertion: `0x${string}`;
  /** The first L1 block to read events from (the earliest of the contracts' creation blocks). */
  readonly fromBlock: number;
  readonly engineWasm: Uint8Array;
  readonly contracts: L1Addresses["contracts"] & {
    readonly bridge: { readonly address: Address };
  };
}
