/**
 * Deposits collateral on L1 for an L2 account: the token's approve (only when the bridge's allowance is short),
 * then Bridge.deposit(amount, l2Recipient, subaccount), through a viem wallet client. The sequencer credits it
 * once its delayed-inbox follower reads it (a few seconds on the devnet; `getAccount` shows it).
 */
import type { Account, Chain, Hex, PublicClient, Transport, WalletClient } from "viem";
import { publicActions } from "viem";
// The ABIs only (l1/abi is l1's generated-ABI entry): the SDK needs none of l1's services.
import { bridgeAbi, testTokenAbi } from "../l1/abi/index.ts";
import { OptioError } from "./errors.ts";

export interface DepositParams {
  /** Pays the tokens and the gas (its account). */
  readonly walletClient: WalletClient<Transport, Chain | undefined, Account | undefined>;
  /** Waits for the receipts; default: the wallet client's own transport. */
  readonly publicClient?: PublicClient;
  /** The deployment record's token and bridge. */
  readonly token: Hex;
  readonly bridge: Hex;
  /** Token units (6 decimals for the devnet's tUSD). */
  readonly amount: bigint;
  /** The L2 account credited (default: the wallet's address) and its subaccount (default 0). */
  readonly to?: Hex;
  readonly subaccount?: number;
}

export interface Deposited {
  readonly l1TxHash: Hex;
  readonly l1Block: bigint;
  readonly amount: bigint;
}

export async function depositToL2(p: DepositParams): Promise<Deposited> {
  const wallet = p.walletClient;
  const account = wallet.account;
  if (account === undefined)
    throw new OptioError("depositToL2: the wallet client needs an account (createWalletClient({ account }))");
  const pub = p.publicClient ?? (wallet.extend(publicActions) as unknown as PublicClient);
  const allowance = await pub.readContract({
    address: p.token,
    abi: testTokenAbi,
    functionName: "allowance",
    args: [account.address, p.bridge],
  });
  if (allowance < p.amount) {
    const approve = await wallet.writeContract({
      account,
      chain: null,
      address: p.token,
      abi: testTokenAbi,
      functionName: "approve",
      args: [p.bridge, p.amount],
    });
    await pub.waitForTransactionReceipt({ hash: approve });
  }
  const hash = await wallet.writeContract({
    account,
    chain: null,
    address: p.bridge,
    abi: bridgeAbi,
    functionName: "deposit",
    args: [p.amount, p.to ?? account.address, p.subaccount ?? 0],
  });
  const r = await pub.waitForTransactionReceipt({ hash });
  if (r.status !== "success")
    throw new OptioError(`the deposit transaction ${hash} reverted: check the token balance and allowance`);
  return { l1TxHash: hash, l1Block: r.blockNumber, amount: p.amount };
}
