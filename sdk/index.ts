// sdk/: the trader's TypeScript client (docs/sdk.md).
export {
  type ClaimedWithdrawal,
  type ClaimWithdrawalParams,
  claimWithdrawal,
} from "./claimWithdrawal.ts";
export { createNonceSender, type NonceSender } from "./createNonceSender.ts";
export {
  createOptioClient,
  type Limits,
  type OptioClient,
  type OptioClientOptions,
  type SendOutcome,
} from "./createOptioClient.ts";
export {
  type ChannelMessage,
  createSubscriber,
  type SubscribeParams,
  type Subscriber,
  type SubscriberOptions,
  type Subscription,
} from "./createSubscriber.ts";
export {
  createVerifierClient,
  type VerifierClient,
  type VerifierClientOptions,
} from "./createVerifierClient.ts";
export { type Deposited, type DepositParams, depositToL2 } from "./depositToL2.ts";
export {
  BadNonceError,
  BadSignatureError,
  ClaimRevertedError,
  ForcedRevertedError,
  NotClaimableError,
  OptioError,
  OptioRpcError,
  OptioTransportError,
  RetryLaterError,
  VerifierRefusedError,
} from "./errors.ts";
export { createHttpTransport, type RpcTransport } from "./rpcTransport.ts";
export {
  type ForcedTransaction,
  type SendForcedParams,
  sendForcedTransaction,
} from "./sendForcedTransaction.ts";
