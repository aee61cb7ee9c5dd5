// vm/: the provable WebAssembly machine (docs/machine.md).
export { type DecodeOptions, decodeModule } from "./decode.ts";
export { encodeInstruction, INSTRUCTION_BYTES } from "./encodeInstruction.ts";
export {
  InvalidModuleError,
  LimitError,
  LinkError,
  MalformedModuleError,
  OutOfProfileError,
  VmError,
} from "./errors.ts";
export type { FlatModule } from "./FlatModule.ts";
export { FLAT_CONTROL_NAMES, gasCost, Op } from "./flatOps.ts";
export {
  type HostFunction,
  type InstantiateResult,
  Interpreter,
  type RunResult,
  type Value,
} from "./Interpreter.ts";
export { type JitInstantiateResult, type JitResult, JitRunner } from "./JitRunner.ts";
export { loadModule } from "./loadModule.ts";
export { lowerModule } from "./lower.ts";
export { METER_EXPORTS, METER_TRAP, meterModule } from "./meterModule.ts";
export * as params from "./params.ts";
export { TRAPS, type Trap } from "./Trap.ts";
export { type ValidatedModule, validateModule } from "./validate.ts";
export type { FuncType, ValType, WasmModule } from "./WasmModule.ts";
