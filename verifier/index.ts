// verifier/: the verifier (docs/verifier.md). Today its dispute half: the move as a pure function of the game
// on L1 and our history, the game's state machine, and the ChallengeManager calls that carry moves out.
export { chooseMove, type Move, MoveReason } from "./dispute/chooseMove.ts";
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
