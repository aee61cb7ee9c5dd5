// prover/: the dispute library (docs/verifier.md): one-step proofs and their TypeScript verifier (the twin of
// contracts/osp/), machine hashes at bisection points, per-transaction roots of a batch, level-switch data.
export { type BatchRoots, batchRoots, type ReplayTransaction } from "./batchRoots.ts";
export { DisputeHistory, type DisputeHistoryOptions } from "./DisputeHistory.ts";
export {
  type ContractDeployer,
  deployOneStepProver,
  type OneStepProverDeployment,
} from "./deployOneStepProver.ts";
export { MachineOpeningError, PositionError, StepIndexError } from "./errors.ts";
export { FAULT_KINDS, type FaultKind, type FaultSite, faultSite } from "./faults/faultSites.ts";
export { faultyHistory, type HistoryValues } from "./faults/faultyHistory.ts";
export { instructionAt, instructionName } from "./instructionAt.ts";
export { machineOpening } from "./machineOpening.ts";
export { InvalidProofError, ProofFault, type ProofFaultReason } from "./proof/InvalidProofError.ts";
export {
  type HostWitnesses,
  nextStepProof,
  type StepVector,
  stepProof,
  UnprovableStepError,
} from "./proof/stepProof.ts";
export {
  type StepCall,
  type StepVectorOptions,
  stepsToEnd,
  stepVectorHex,
  stepVectors,
} from "./proof/stepVectors.ts";
export { verifyStep } from "./proof/verifyStep.ts";
export { type StepProof, StepProver, type StepSource } from "./StepProver.ts";
export {
  TransactionSteps,
  type TransactionStepsOptions,
  type TransactionStepsStats,
} from "./TransactionSteps.ts";
export {
  type PlacedTransaction,
  placedBatchContext,
  type TransactionProof,
  transactionProof,
} from "./transactionProof.ts";
