// verifier/: the verifier (docs/verifier.md). Today its dispute half: the move as a pure function of the game
// on L1 and our history, the game's state machine, and the ChallengeManager calls that carry moves out.

export { startInspectionServer } from "./api/startInspectionServer.ts";
export {
  createWithdrawalViews,
  type Refused as VerifierRefused,
  type VerifierNonce,
  type VerifierRefusal,
  type VerifierWithdrawalProof,
  type VerifierWithdrawalStage,
  type VerifierWithdrawalView,
  type WithdrawalViews as VerifierWithdrawalViews,
} from "./api/withdrawalViews.ts";
export { chooseMove, type Move, MoveReason } from "./dispute/chooseMove.ts";
// The service half: following L1, replay, verdicts, games (docs/verifier.md).
export { GameAgent, type GameEntry, type VerifierMode } from "./dispute/GameAgent.ts";
export {
  type ChallengeOnChain,
  ChallengeStatus,
  clocks,
  type GameView,
  gameViewOf,
  type History,
  Level,
  type Role,
  type Segment,
  type StepRoots,
} from "./dispute/game.ts";
export {
  GAME_PHASES,
  type GameEvent,
  type GamePhase,
  type GameRecord,
  GameStateError,
  gameFromJson,
  gameToJson,
  type MoveCallKind,
  newGame,
  nextPhases,
  type PostedSegment,
  postedMismatch,
  postedSegment,
  TERMINAL_PHASES,
  transition,
} from "./dispute/gameState.ts";
export { type MoveCall, moveCall, openingArg, segmentArg, transactionProofArg } from "./dispute/moveCall.ts";
// Fault injection (devnets and tests): a dishonest party played by the verifier's machinery.
export { FAULT_SETTINGS, FaultInjector, type FaultPlan, type FaultSetting } from "./fault/FaultInjector.ts";
export { GAME_QUEUE, type GameJob } from "./jobs/queues.ts";
export {
  agreedTip,
  decideProposal,
  type ProposalDecision,
  type ProposalTip,
  ProposalWait,
} from "./propose/decideProposal.ts";
export { InactivityProposer, type InactivityProposerOptions } from "./propose/InactivityProposer.ts";
export {
  type AssertionRecord,
  type BatchRecord,
  type ChallengeEvent,
  type ChallengeRecord,
  type DelayedRecord,
  type Finding,
  FindingCode,
  type ReplayRecord,
  type Verdict,
} from "./records.ts";
export { checkAssertion } from "./replay/checkAssertion.ts";
export { placedTransactions } from "./replay/placedTransactions.ts";
export { Replayer } from "./replay/Replayer.ts";
export { VERIFIER_SETTINGS } from "./settings.ts";
export { type RunningVerifier, redisOptions, startVerifier, type VerifierConfig } from "./startVerifier.ts";
export { Verifier, type VerifierOptions } from "./Verifier.ts";
export type { VerifierDeployment } from "./VerifierDeployment.ts";
export { VerifierMetrics } from "./VerifierMetrics.ts";
export { VerifierStore } from "./VerifierStore.ts";
export { FOLLOWED_ABI, L1Follower } from "./watch/L1Follower.ts";
