/**
 * Queues a signed L2 transaction in the bridge's delayed inbox (Bridge.sendTransaction), the way around a sequencer
 * that is down or censors you: L2 must run it once the sequencer inbox consumes it, and after forceInclusionDelay
 * anyone may make it do so (SequencerInbox.forceInclusion; `./optio l1 force-include`). The signature authenticates
 * it, not the L1 sender, so any account may pay the L1 gas. Sent through a viem wallet client, as claimWithdrawal.
 */
import {
  type Account,
  bytesToHex,
  type Chain,
  type Hex,
  hexToBytes,
  type PublicClient,
  parseEventLogs,
  publicActions,
  type Transport,
  type WalletClient,
} from "viem";
// The ABIs only (l1/abi is l1's generated-ABI entry): the SDK needs none of l1's services.
import { bridgeAbi, sequencerInboxAbi } from "../l1/abi/index.ts";
import { transactionHash } from "../protocol/index.ts";
import { ForcedRevertedError, OptioError } from "./errors.ts";
import { sendDecodingRevert } from "./revertOf.ts";

export interface SendForcedParams {
  /** Sends Bridge.sendTransaction and pays its gas (its account; not necessarily the transaction's signer). */
  readonly walletClient: WalletClient<Transport, Chain | undefined, Account | undefined>;
  /** Waits for the receipt and reads the inbox; default: the wallet client's own transport. */
  readonly publicClient?: PublicClient;
  /** The deployment's Bridge. */
  readonly bridge: Hex;
  /** The deployment's SequencerInbox: when given, `forceableAt` says when anyone may force the message in. */
  readonly inbox?: Hex;
}

/** A transaction queued in the delayed inbox. */
export interface ForcedTransaction {
  /** The delayed message's index (Bridge.MessageQueued). */
  readonly index: bigint;
  /** L1 time it was queued, seconds. */
  readonly queuedAt: bigint;
  /** queuedAt + forceInclusionDelay: from then on SequencerInbox.forceInclusion may include it (null: no inbox given). */
  readonly forceableAt: bigint | null;
  /** The L2 transaction's hash (keccak(0x04 || bytes), as the trader API and the inbox name it). */
  readonly txHash: Hex;
  readonly l1TxHash: Hex;
  readonly l1Block: bigint;
}

export async function sendForcedTransaction(
  transaction: Uint8Array | Hex,
  p: SendForcedParams,
): Promise<ForcedTransaction> {
  const bytes = typeof transaction === "string" ? hexToBytes(transaction) : transaction;
  const wallet = p.walletClient;
  const account = wallet.account;
  if (account === undefined)
    throw new OptioError(
      "sendForcedTransaction: the wallet client needs an account (createWalletClient({ account }))",
    );
  const call = {
    address: p.bridge,
    abi: bridgeAbi,
    functionName: "sendTransaction",
    args: [bytesToHex(bytes)],
    account,
    chain: wallet.chain ?? null,
  } as const;
  const pub = p.publicClient ?? wallet.extend(publicActions);
  const { hash, receipt } = await sendDecodingRevert(
    () => wallet.writeContract(call),
    () => pub.simulateContract({ ...call, chain: wallet.chain }),
    pub,
    (r, sent, cause) => new ForcedRevertedError(r.errorName, r.args, sent, { cause }),
  );
  const [queued] = parseEventLogs({ abi: bridgeAbi, logs: receipt.logs, eventName: "MessageQueued" }).filter(
    (l) => l.address.toLowerCase() === p.bridge.toLowerCase(),
  );
  if (queued === undefined)
    throw new OptioError(`sendForcedTransaction: ${hash} emitted no MessageQueued of bridge ${p.bridge}`);
  const delay =
    p.inbox === undefined
      ? null
      : await pub.readContract({
          address: p.inbox,
          abi: sequencerInboxAbi,
          functionName: "forceInclusionDelay",
        });
  return {
    index: queued.args.index,
    queuedAt: queued.args.queuedAt,
    forceableAt: delay === null ? null : queued.args.queuedAt + delay,
    txHash: bytesToHex(transactionHash(bytes)),
    l1TxHash: hash,
    l1Block: receipt.blockNumber,
  };
}
