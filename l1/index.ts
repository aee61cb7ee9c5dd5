// l1/: typed access to the rollup's L1 contracts and the transaction manager every service sends through
// (docs/l1.md).
export * from "./abi/index.ts";
export { classifyRpcError, type RpcErrorKind } from "./classifyRpcError.ts";
export { createL1Contracts, type L1Addresses, type L1Clients, type L1Contracts } from "./contracts.ts";
export { decodeRevert, L1_ERRORS_ABI, revertDataOf } from "./decodeRevert.ts";
export {
  checkDelayedChain,
  type DelayedChainHead,
  type DelayedMessage,
  oldestUnconsumedAge,
} from "./delayed/checkDelayedChain.ts";
export {
  DelayedChainError,
  type DelayedFollowerState,
  DelayedInboxFollower,
  type DelayedInboxFollowerOptions,
  type DelayedSink,
} from "./delayed/DelayedInboxFollower.ts";
export { type ForceInclusionPlan, planForceInclusion } from "./delayed/planForceInclusion.ts";
export { readWaitingMessages, type WaitingMessages } from "./delayed/readWaitingMessages.ts";
export {
  L1ConfigError,
  L1Error,
  L1RevertError,
  SignerLockedError,
  SignerLockLostError,
} from "./errors.ts";
export {
  bumpFees,
  checkFeeSchedule,
  DEFAULT_FEE_SCHEDULE,
  type FeeMarket,
  type FeeSchedule,
  type Fees,
  initialFees,
  isValidReplacement,
} from "./feeSchedule.ts";
export { IntentQueue, type IntentStatus, InvalidIntentError, intentQueueName } from "./IntentQueue.ts";
export {
  type Attempt,
  type Intent,
  type IntentJob,
  type IntentKind,
  type IntentProgress,
  type IntentResult,
  type IntentState,
  intentKey,
  NEW_PROGRESS,
} from "./intent.ts";
export { type L1Logger, silentLogger, stderrLogger } from "./logger.ts";
export {
  advanceCursor,
  type Checkpoint,
  CURSOR_CHECKPOINTS,
  type LogCursor,
  lastKeptCheckpoint,
  nextLogRange,
} from "./logRange.ts";
export { type IntentAction, type IntentObservation, nextIntentAction } from "./nextIntentAction.ts";
export { DEFAULT_TX_SENDER_CONFIG, type TxSenderConfig } from "./params.ts";
export {
  BatchMismatchError,
  BatchPoster,
  type BatchPosterOptions,
  type BatchPosterTick,
} from "./poster/BatchPoster.ts";
export type { BatchSource, PostedBatch, SealedBatch } from "./poster/BatchSource.ts";
export {
  type BatchPlan,
  type BatchPlanRefusal,
  calldataTransactions,
  type InboxState,
  type PlannedBatch,
  planBatches,
} from "./poster/planBatches.ts";
export {
  type AssertionDataArg,
  assertionIntent,
  type BatchHeaderArg,
} from "./proposer/assertionIntent.ts";
export {
  Proposer,
  type ProposerOptions,
  ReplayDisagreesError,
  type ReplaySource,
} from "./proposer/Proposer.ts";
export { AssertionStatus, nextAssertionEnd, type OwnAssertion } from "./proposer/planProposal.ts";
export { SignerLock } from "./signerLock.ts";
export { formatIntentStatus, statusCommand } from "./statusCommand.ts";
export { type AlreadyDone, TxSender, type TxSenderMetrics, type TxSenderOptions } from "./TxSender.ts";
export { type DecodedLog, LogWatcher, type WatchLogsOptions } from "./watchLogs.ts";
