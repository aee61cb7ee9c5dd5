import { machineHashFromParts } from "../protocol/index.ts";
import { LinkError } from "./errors.ts";
import type { FlatModule } from "./FlatModule.ts";
import { optioImports } from "./host/optioImports.ts";
import { Interpreter } from "./Interpreter.ts";
import { loadModule } from "./loadModule.ts";
import { TX_GAS_LIMIT } from "./params.ts";
import { ENGINE_ENTRY } from "./TransactionRunner.ts";

/**
 * The parts of a transaction's initial machine hash that depend only on the
 * engine build (docs/machine.md, "Transactions"): the machine stopped before
 * the first step of `main` on a fresh instance. L1 stores them once per engine
 * and computes each transaction's initial machine hash as
 * keccak(0x10 || statusWord || valueStackHash || frameStackHash || globalsRoot
 * || memoryRoot || codeRoot || tableRoot || globalStateHash).
 */
export interface InitialMachineParts {
  readonly statusWord: Uint8Array;
  readonly valueStackHash: Uint8Array;
  readonly frameStackHash: Uint8Array;
  readonly globalsRoot: Uint8Array;
  readonly memoryRoot: Uint8Array;
  readonly codeRoot: Uint8Array;
  readonly tableRoot: Uint8Array;
}

/** The engine-fixed parts of every transaction's initial machine hash. Throws VmError / LinkError if the engine is refused. */
export function initialMachineParts(engine: Uint8Array | FlatModule): InitialMachineParts {
  const flat = engine instanceof Uint8Array ? loadModule(engine) : engine;
  const r = Interpreter.instantiate(
    flat,
    optioImports(() => undefined),
  );
  if (!r.ok) throw new LinkError(`the engine's instantiation trapped: ${r.trap}`);
  r.instance.start(ENGINE_ENTRY, [], TX_GAS_LIMIT);
  const pre = r.instance.hashPreimage();
  const part = (i: number) => pre.slice(1 + 32 * i, 33 + 32 * i);
  return {
    statusWord: part(0),
    valueStackHash: part(1),
    frameStackHash: part(2),
    globalsRoot: part(3),
    memoryRoot: part(4),
    codeRoot: part(5),
    tableRoot: part(6),
  };
}

/** keccak(0x10 || the seven parts || globalStateHash): a transaction's initial machine hash. */
export const initialMachineHash: (parts: InitialMachineParts, globalStateHash: Uint8Array) => Uint8Array =
  machineHashFromParts;
