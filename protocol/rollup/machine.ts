import { Domain } from "../domain.ts";
import { keccak256 } from "../keccak.ts";
import { hashFields, uintWord } from "./tagged.ts";

/** Where a transaction came from: the `origin` field of the batch context. */
export const Origin = { SEQUENCER: 0, DELAYED: 1 } as const;

/** The parts of a machine hash (docs/machine.md, "Machine state hash"), with the global state's preimage. */
export interface MachineOpening {
  statusWord: Uint8Array;
  valueStackHash: Uint8Array;
  frameStackHash: Uint8Array;
  globalsRoot: Uint8Array;
  memoryRoot: Uint8Array;
  codeRoot: Uint8Array;
  tableRoot: Uint8Array;
  stateRoot: Uint8Array;
  inputHash: Uint8Array;
  batchContext: Uint8Array;
  gasWord: Uint8Array;
}

/** The engine's machine before a transaction's first step, minus the global state (fixed per engine build). */
export type InitialMachine = Pick<
  MachineOpening,
  "statusWord" | "valueStackHash" | "frameStackHash" | "globalsRoot" | "memoryRoot" | "codeRoot" | "tableRoot"
>;

/** The batch-context word: timestamp (u64) || L2 block number (u64) || origin (u64) || 8 zero bytes. */
export function batchContext(timestamp: number, blockNumber: number, origin: number): Uint8Array {
  const w = new Uint8Array(32);
  const view = new DataView(w.buffer);
  view.setBigUint64(0, BigInt(timestamp));
  view.setBigUint64(8, BigInt(blockNumber));
  view.setBigUint64(16, BigInt(origin));
  return w;
}

/** The gas word: 24 zero bytes || gas left (u64). */
export function gasWord(gas: number): Uint8Array {
  return uintWord(BigInt(gas));
}

/** keccak(0x17 || stateRoot || inputHash || batchContext || gasWord). */
export function globalStateHash(
  stateRoot: Uint8Array,
  inputHash: Uint8Array,
  context: Uint8Array,
  gas: Uint8Array,
): Uint8Array {
  return hashFields(Domain.GLOBAL_STATE, stateRoot, inputHash, context, gas);
}

/** keccak(0x10 || status word || six parts || global state hash): a machine hash from its parts. */
export function machineHashFromParts(parts: InitialMachine, globalState: Uint8Array): Uint8Array {
  const pre = new Uint8Array(1 + 8 * 32);
  pre[0] = Domain.MACHINE_STATE;
  const words = [
    parts.statusWord,
    parts.valueStackHash,
    parts.frameStackHash,
    parts.globalsRoot,
    parts.memoryRoot,
    parts.codeRoot,
    parts.tableRoot,
    globalState,
  ];
  for (const [i, w] of words.entries()) pre.set(w, 1 + 32 * i);
  return keccak256(pre);
}

/** The machine hash of an opening (its global state given by its preimage). */
export function machineHashOf(m: MachineOpening): Uint8Array {
  return machineHashFromParts(m, globalStateHash(m.stateRoot, m.inputHash, m.batchContext, m.gasWord));
}

/** A transaction's initial machine opening: the engine's fixed parts and its global state. */
export function initialMachineOpening(
  machine: InitialMachine,
  rootBefore: Uint8Array,
  inputHash: Uint8Array,
  context: Uint8Array,
  txGasLimit: number,
): MachineOpening {
  return {
    ...machine,
    stateRoot: rootBefore,
    inputHash,
    batchContext: context,
    gasWord: gasWord(txGasLimit),
  };
}

/**
 * The root after a transaction whose last machine is `end`: its state root if
 * it halted (status 1), else (trapped, out of gas, reverted) the root before.
 * A machine still running (status 0) never ends a transaction: `undefined`.
 */
export function rootAfterTransaction(rootBefore: Uint8Array, end: MachineOpening): Uint8Array | undefined {
  const status = end.statusWord[0];
  if (status === 0) return undefined;
  return status === 1 ? end.stateRoot : rootBefore;
}
