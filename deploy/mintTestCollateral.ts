import type { Abi, Address, Hex } from "viem";
import type { DeployClients } from "./deployRollup.ts";
import { DeployTransactionError } from "./errors.ts";
import { loadArtifact } from "./loadArtifact.ts";

/**
 * Mints `amount` (the token's units: 6 decimals for TestToken) of the test collateral to each recipient, so they
 * can approve the bridge and deposit. Only for a TestToken (anyone may mint it); awaits every receipt.
 */
export async function mintTestCollateral(
  clients: DeployClients,
  token: Address,
  recipients: readonly Address[],
  amount: bigint,
): Promise<void> {
  const { walletClient, publicClient } = clients;
  const abi = loadArtifact("TestToken").abi as Abi;
  for (const to of recipients) {
    const hash: Hex = await walletClient.writeContract({
      address: token,
      abi,
      functionName: "mint",
      args: [to, amount],
      account: walletClient.account,
      chain: walletClient.chain ?? null,
    });
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success")
      throw new DeployTransactionError(`mint to ${to}`, `transaction ${hash} reverted`);
  }
}
