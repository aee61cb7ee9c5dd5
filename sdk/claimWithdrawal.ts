/**
 * Pays a withdrawal on L1: Outbox.claim(assertion, index, stateProof) with the proof the sequencer
 * gives (optio_getWithdrawalProof), sent through a viem wallet client as `./optio trade deposit`
 * sends Bridge.deposit. Anyone may claim; the collateral goes to the recipient the engine recorded.
 * L1 is the judge: a claim the node thinks done is still sent, and its revert comes back decoded.
 */
import {
  type Account,
  type Chain,
  type Hex,
  type PublicClient,
  publicActions,
  type Transport,
  type WalletClient,
} from "viem";
// The ABI only (l1/abi is l1's generated-ABI entry): the SDK needs none of l1's services.
import { outboxAbi } from "../l1/abi/index.ts";
import type { WithdrawalProof } from "../sequencer/api/index.ts";
import { ClaimRevertedError, OptioError } from "./errors.ts";
import { sendDecodingRevert } from "./revertOf.ts";

export interface ClaimWithdrawalParams {
  /** Sends the claim and pays its gas (its account). */
  readonly walletClient: WalletClient<Transport, Chain | undefined, Account | undefined>;
  /** Waits for the receipt; default: the wallet client's own transport. */
  readonly publicClient?: PublicClient;
  readonly index: bigint;
  /** The Outbox of your deployment record: if given, the node's proof must name the same contract. */
  readonly outbox?: Hex;
}

export interface ClaimedWithdrawal {
  readonly index: bigint;
  readonly recipient: Hex;
  readonly amount: bigint;
  readonly assertion: Hex;
  readonly l1TxHash: Hex;
  readonly l1Block: bigint;
}

export async function claimWithdrawal(
  proof: WithdrawalProof,
  p: ClaimWithdrawalParams,
): Promise<ClaimedWithdrawal> {
  const wallet = p.walletClient;
  const account = wallet.account;
  if (account === undefined)
    throw new OptioError(
      "claimWithdrawal: the wallet client needs an account (createWalletClient({ account }))",
    );
  if (p.outbox !== undefined && p.outbox.toLowerCase() !== proof.outbox.toLowerCase())
    throw new OptioError(
      `claimWithdrawal: the node names Outbox ${proof.outbox}, your deployment record ${p.outbox}; check --api and the record`,
    );
  const index = BigInt(proof.index);
  const call = {
    address: proof.outbox,
    abi: outboxAbi,
    functionName: "claim",
    args: [proof.assertion, index, proof.proof],
    account,
    chain: wallet.chain ?? null,
  } as const;
  const pub = p.publicClient ?? wallet.extend(publicActions);
  const { hash, receipt } = await sendDecodingRevert(
    () => wallet.writeContract(call),
    () => pub.simulateContract({ ...call, chain: wallet.chain }),
    pub,
    (r, sent, cause) => new ClaimRevertedError(index, r.errorName, r.args, sent, { cause }),
  );
  return {
    index,
    recipient: proof.recipient,
    amount: BigInt(proof.amount),
    assertion: proof.assertion,
    l1TxHash: hash,
    l1Block: receipt.blockNumber,
  };
}
