// deploy/: deploys and wires the rollup's L1 contracts and records where they are (docs/deploy.md).
export {
  clientsFor,
  DEFAULT_ENGINE_PATH,
  type DeployClients,
  type DeployEndpoint,
  type DeployRollupOptions,
  deployRollup,
  resolveParams,
} from "./deployRollup.ts";
export {
  ArtifactMissingError,
  DeployError,
  DeployTransactionError,
  InsufficientFundsError,
  InvalidDeployArgumentError,
  NoChainError,
  WiringMismatchError,
} from "./errors.ts";
export { HARDHAT_TEST_KEYS, isHardhatTestKey } from "./hardhatAccounts.ts";
export { type Artifact, type ContractName, loadArtifact } from "./loadArtifact.ts";
export { mintTestCollateral } from "./mintTestCollateral.ts";
export {
  DEPLOYMENT_FORMAT,
  type DeployedContract,
  deploymentFromJson,
  deploymentToJson,
  type EngineRecord,
  type RollupDeployment,
  readDeployment,
  writeDeployment,
} from "./RollupDeployment.ts";
export { type ReadClient, verifyDeployment } from "./verifyDeployment.ts";
