/**
 * The trader SDK's entry (in viem's style): `createOptioClient({ url, account })` gives a typed
 * method per API call (docs/api.md), signing of every engine transaction with a viem account
 * (EIP-712, docs/engine.md "Transactions"), nonces handled for concurrent callers, and WebSocket
 * subscriptions that reconnect and resync by themselves.
 */
import { bytesToHex, type Hex, hexToBytes, type LocalAccount, publicActions } from "viem";
import { encodeSettle, type SignedTypeName, signTx, type TxBody } from "../protocol/engine/index.ts";
import type {
  AccountView,
  BatchView,
  BookView,
  MarketView,
  NodeStatus,
  OptionsChainView,
  OrderView,
  Receipt,
  TxStage,
  UnderlyingView,
  WithdrawalProof,
  WithdrawalView,
} from "../sequencer/api/index.ts";
import { type ClaimedWithdrawal, type ClaimWithdrawalParams, claimWithdrawal } from "./claimWithdrawal.ts";
import { createNonceSender, type NonceSender } from "./createNonceSender.ts";
import { createSubscriber, type Subscriber, type SubscriberOptions } from "./createSubscriber.ts";
import { OptioError, rpcErrorFrom } from "./errors.ts";
import { createHttpTransport, type HttpTransportOptions, type RpcTransport } from "./rpcTransport.ts";
import {
  type ForcedTransaction,
  type SendForcedParams,
  sendForcedTransaction,
} from "./sendForcedTransaction.ts";

export interface OptioClientOptions extends HttpTransportOptions {
  /** The sequencer's API, e.g. http://127.0.0.1:8547 (the devnet prints it). */
  readonly url: string;
  /** WebSocket URL of the same API; default: `url` with ws:// or wss://. */
  readonly wsUrl?: string;
  /** Signs transactions; required for `send` and the order helpers. */
  readonly account?: LocalAccount;
  /** The engine's chain id (EIP-712 domain); default: asked of the node once. */
  readonly chainId?: bigint;
  readonly subscriber?: SubscriberOptions;
}

/** Limits the node enforces (rates, sizes, in-flight bounds); docs/api.md, "Limits". */
export type Limits = Readonly<Record<string, number>>;

export type SendOutcome = { receipt: Receipt } | { error: OptioError };

export interface OptioClient {
  readonly transport: RpcTransport;
  readonly account: LocalAccount | undefined;
  chainId(): Promise<bigint>;
  getNonce(address: Hex): Promise<bigint>;
  getAccount(address?: Hex): Promise<AccountView>;
  getOrder(market: number, orderId: bigint): Promise<OrderView | null>;
  getBook(market: number, depth?: number): Promise<BookView | null>;
  getMarkets(): Promise<MarketView[]>;
  getUnderlyings(): Promise<UnderlyingView[]>;
  getOptionsChain(underlying: number): Promise<OptionsChainView | null>;
  getReceipt(txHash: Hex): Promise<Receipt | null>;
  getTransactionStage(txHash: Hex): Promise<{ stage: TxStage; block: number | null } | null>;
  getBatch(number: number): Promise<BatchView | null>;
  status(): Promise<NodeStatus>;
  getLimits(): Promise<Limits>;
  /** The address's withdrawals (default: the client's account) with their stage on the way to L1. */
  getWithdrawals(address?: Hex): Promise<WithdrawalView[]>;
  /**
   * For outbox index `index`: the confirmed assertion and the state proof Outbox.claim takes. Throws
   * NotClaimableError (with `stage`, `confirmableAt`) until a confirmed assertion covers it.
   */
  getWithdrawalProof(index: bigint): Promise<WithdrawalProof>;
  /** Asks the node for the proof, then sends Outbox.claim on L1 through `walletClient` and waits for it. */
  claimWithdrawal(params: ClaimWithdrawalParams): Promise<ClaimedWithdrawal>;
  /** Sends signed bytes as they are (someone else signed them); resolves with the receipt. */
  sendRawTransaction(tx: Uint8Array | Hex): Promise<Receipt>;
  /** Sends many signed transactions in one call, executed in order; one outcome each. */
  sendRawTransactions(txs: readonly (Uint8Array | Hex)[]): Promise<SendOutcome[]>;
  /**
   * Sends SETTLE(market, accountId) (docs/engine.md, "Options"): settles that account's position in an expired
   * option series at the series' settlement price. Unsigned: anyone may send it for any account, so no account
   * is needed. `SETTLEMENT_PENDING` until the price is fixed (the first index update at or after expiry) and, for a
   * long, until the shorts have paid in (settle them first); `NOTHING_TO_SETTLE` once the account holds nothing
   * there. `accountId` is the engine's (`getAccount(address).subaccounts[i].accountId`).
   */
  settle(market: number, accountId: number): Promise<Receipt>;
  /** Signs a transaction of `type` with the client's account and the next nonce, sends it, returns its receipt. */
  send<N extends SignedTypeName>(type: N, body: TxBody<N>): Promise<Receipt>;
  /**
   * Signs a transaction of `type` with the client's account and `nonce` and queues it in the bridge's delayed inbox
   * (sendForcedTransaction): L2 runs it whatever the sequencer does, once it is included (by the sequencer, or by
   * anyone through forceInclusion after forceInclusionDelay). Needs no sequencer: the EIP-712 chain id is the
   * client's `chainId` option or else L1's (GENESIS sets the engine's to L1's), and the nonce is yours to give
   * (a verifier's view: createVerifierClient(...).getNonce, or getNonce while the sequencer answers).
   */
  sendForced<N extends SignedTypeName>(
    type: N,
    body: TxBody<N>,
    params: SendForcedParams & { readonly nonce: bigint },
  ): Promise<ForcedTransaction & { readonly transaction: Hex }>;
  /** WebSocket subscriptions (opened on first use). */
  subscriber(): Subscriber;
  close(): void;
}

const asBytes = (tx: Uint8Array | Hex): Uint8Array => (typeof tx === "string" ? hexToBytes(tx) : tx);

export function createOptioClient(options: OptioClientOptions): OptioClient {
  const transport = createHttpTransport(options.url, options);
  const account = options.account;
  let chainId: Promise<bigint> | undefined =
    options.chainId === undefined ? undefined : Promise.resolve(options.chainId);
  let sender: NonceSender | undefined;
  let subscriber: Subscriber | undefined;
  const rq = <T>(method: string, params: unknown[] = []) => transport.request<T>(method, params);
  const getChainId = () => {
    chainId ??= rq<NodeStatus>("optio_status").then((s) => BigInt(s.chainId));
    return chainId;
  };

  return {
    transport,
    account,
    chainId: getChainId,
    getNonce: async (address) => BigInt(await rq<string>("optio_getNonce", [address])),
    getAccount: (address) => {
      const a = address ?? account?.address;
      if (a === undefined)
        throw new OptioError("getAccount: pass an address or create the client with an account");
      return rq("optio_getAccount", [a]);
    },
    getOrder: (market, orderId) => rq("optio_getOrder", [market, orderId.toString()]),
    getBook: (market, depth) => rq("optio_getBook", depth === undefined ? [market] : [market, depth]),
    getMarkets: () => rq("optio_getMarkets"),
    getUnderlyings: () => rq("optio_getUnderlyings"),
    getOptionsChain: (underlying) => rq("optio_getOptionsChain", [underlying]),
    getReceipt: (txHash) => rq("optio_getReceipt", [txHash]),
    getTransactionStage: (txHash) => rq("optio_getTransactionStage", [txHash]),
    getBatch: (n) => rq("optio_getBatch", [n]),
    status: () => rq("optio_status"),
    getLimits: () => rq("optio_getLimits"),
    getWithdrawals: (address) => {
      const a = address ?? account?.address;
      if (a === undefined)
        throw new OptioError("getWithdrawals: pass an address or create the client with an account");
      return rq("optio_getWithdrawals", [a]);
    },
    getWithdrawalProof: (index) => rq("optio_getWithdrawalProof", [index.toString()]),
    claimWithdrawal: async (params) =>
      claimWithdrawal(
        await rq<WithdrawalProof>("optio_getWithdrawalProof", [params.index.toString()]),
        params,
      ),
    sendRawTransaction: (tx) => rq("optio_sendTransaction", [bytesToHex(asBytes(tx))]),
    settle: async (market, accountId) =>
      rq("optio_sendTransaction", [bytesToHex(encodeSettle(market, accountId))]),
    async sendRawTransactions(txs) {
      const out = await rq<
        ({ receipt: Receipt } | { error: { code: number; message: string; data?: unknown } })[]
      >("optio_sendTransactions", [txs.map((t) => bytesToHex(asBytes(t)))]);
      return out.map((o) =>
        "receipt" in o ? o : { error: rpcErrorFrom("optio_sendTransactions", o.error) },
      );
    },
    async send(type, body) {
      if (account === undefined) throw new OptioError("send: create the client with an account to sign");
      const id = await getChainId();
      sender ??= createNonceSender(transport, account.address);
      return sender.send((nonce) => signTx(account, id, { type, nonce, body }));
    },
    async sendForced(type, body, params) {
      if (account === undefined)
        throw new OptioError("sendForced: create the client with an account to sign");
      const id =
        options.chainId ??
        BigInt(await (params.publicClient ?? params.walletClient.extend(publicActions)).getChainId());
      const tx = await signTx(account, id, { type, nonce: params.nonce, body });
      return { ...(await sendForcedTransaction(tx, params)), transaction: bytesToHex(tx) };
    },
    subscriber() {
      subscriber ??= createSubscriber(
        options.wsUrl ?? options.url.replace(/^http/, "ws"),
        options.subscriber,
      );
      return subscriber;
    },
    close() {
      subscriber?.close();
    },
  };
}
