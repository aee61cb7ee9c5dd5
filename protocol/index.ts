// protocol/: what every party must agree on, bit for bit.
export { Domain } from "./domain.ts";
export * as engine from "./engine/index.ts";
export {
  InvalidLengthError,
  MalformedProofError,
  OptioError,
  StorageError,
  UnknownRootError,
} from "./errors.ts";
export { hashTagged, hashTaggedInto, hashWordsInto, keccak256, keccak256Reference } from "./keccak.ts";
export { type AssertionData, assertionHash } from "./rollup/assertion.ts";
export {
  type BatchHeader,
  batchHash,
  batchRootFromProof,
  batchTransactionProof,
  batchTransactionRoot,
  batchTreeDepth,
  decodeBatch,
  encodeBatch,
  MAX_TRANSACTION_BYTES,
  transactionHash,
  verifyBatchTransaction,
} from "./rollup/batch.ts";
export {
  bisectionCommitment,
  bisectionMoves,
  bisectionValues,
  disputeMoves,
  partBoundaries,
  partCount,
  pickPart,
  stepClaimsHash,
} from "./rollup/bisection.ts";
export {
  delayedAccumulate,
  delayedAccumulator,
  depositMessage,
} from "./rollup/delayed.ts";
export { InvalidBisectionError, MalformedBatchError, MalformedMerkleProofError } from "./rollup/errors.ts";
export {
  batchContext,
  gasWord,
  globalStateHash,
  type InitialMachine,
  initialMachineOpening,
  type MachineOpening,
  machineHashFromParts,
  machineHashOf,
  Origin,
  rootAfterTransaction,
} from "./rollup/machine.ts";
export { merkleProof, merkleRoot, rootFromProof } from "./rollup/merkle.ts";
export {
  OUTBOX_ROOT_KEY,
  OUTBOX_ROOT_LOGICAL_KEY,
  OUTBOX_TREE_DEPTH,
  outboxProof,
  outboxRoot,
  type Withdrawal,
  withdrawalLeaf,
} from "./rollup/outbox.ts";
export { DEVNET_PARAMS, PUBLIC_PARAMS, type RollupParams } from "./rollup/params.ts";
export { bitAt, leafHash, nodeHash, stateKey, ZERO } from "./smt/hash.ts";
export {
  computeRoot,
  decodeProof,
  encodeProof,
  provenValue,
  rootAfterWrite,
  type StateProof,
  verifyRead,
} from "./smt/proof.ts";
export { type CommitResult, type PendingCommit, StateTree, type StateTreeOptions } from "./smt/StateTree.ts";
