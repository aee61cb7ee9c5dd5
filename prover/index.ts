// prover/: the dispute-facing API of the machine: machine hashes per step and one-step proofs for L1.
export {
  type ContractDeployer,
  deployOneStepProver,
  type OneStepProverDeployment,
} from "./deployOneStepProver.ts";
export { StepIndexError } from "./errors.ts";
export { type StepProof, StepProver, type StepSource } from "./StepProver.ts";
