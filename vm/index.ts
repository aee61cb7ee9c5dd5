// vm/: the provable WebAssembly machine (docs/machine.md).
export { type DecodeOptions, decodeModule } from "./decode.ts";
export { encodeInstruction, INSTRUCTION_BYTES } from "./encodeInstruction.ts";
export {
  InvalidModuleError,
  LimitError,
  LinkError,
  MalformedModuleError,
  OutOfProfileError,
  TransactionInputError,
  VmError,
} from "./errors.ts";
export type { FlatModule } from "./FlatModule.ts";
export { FLAT_CONTROL_NAMES, gasCost, Op } from "./flatOps.ts";
export {
  type BatchContext,
  ContextField,
  checkBatchContext,
  contextField,
  encodeBatchContext,
} from "./host/BatchContext.ts";
export { ecrecover } from "./host/ecrecover.ts";
export { inputHash } from "./host/inputHash.ts";
export {
  HOST_MODULE,
  type HostState,
  type HostTransaction,
  optioImports,
  type RecoveredSigner,
} from "./host/optioImports.ts";
export {
  type HostContext,
  type HostFunction,
  type HostTrap,
  type InstantiateResult,
  Interpreter,
  type MachineSnapshot,
  type MachineStatus,
  type RunResult,
  type Value,
} from "./Interpreter.ts";
export { type InitialMachineParts, initialMachineHash, initialMachineParts } from "./initialMachineParts.ts";
export { type JitInstantiateResult, type JitResult, JitRunner } from "./JitRunner.ts";
export { loadModule } from "./loadModule.ts";
export { lowerModule } from "./lower.ts";
export {
  CODE_TREE_DEPTH,
  codeRoot,
  frameWord,
  GLOBALS_TREE_DEPTH,
  type GlobalStateInputs,
  HashChain,
  hashGlobalState,
  MEMORY_TREE_DEPTH,
  MerkleTree,
  merkleRoot,
  Status,
  TABLE_TREE_DEPTH,
  tableRoot,
  valueWord,
  zeroHashes,
} from "./machineHash.ts";
export { METER_EXPORTS, METER_TRAP, meterModule } from "./meterModule.ts";
export { OPCODE_NAMES } from "./opcodes.ts";
export {
  ProvableTransaction,
  type ProvableTransactionRequest,
  type ProvableTransactionSnapshot,
} from "./ProvableTransaction.ts";
export * as params from "./params.ts";
export { HOST_FUNCTIONS, HOST_PARAMS, hostId, NOT_A_HOST } from "./proof/hostIds.ts";
export type { MachineView } from "./proof/MachineView.ts";
export { KeyMap } from "./state/KeyMap.ts";
export { ProvableState, type StateProofSource, StateSourceError } from "./state/ProvableState.ts";
export {
  EMPTY_STATE,
  keyString,
  StateOverlay,
  type StateReader,
  type StateWrite,
} from "./state/StateOverlay.ts";
export type { TransactionOutcome, TransactionRequest, TransactionResult } from "./Transaction.ts";
export { ENGINE_ENTRY, type FastTransactionRequest, TransactionRunner } from "./TransactionRunner.ts";
export { TRAPS, type Trap } from "./Trap.ts";
export { type ValidatedModule, validateModule } from "./validate.ts";
export type { FuncType, ValType, WasmModule } from "./WasmModule.ts";
