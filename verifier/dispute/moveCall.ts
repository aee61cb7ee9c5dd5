import { bytesToHex, type Hex } from "viem";
import type { BatchHeader, MachineOpening } from "../../protocol/index.ts";
import type { TransactionProof } from "../../prover/index.ts";
import type { Move } from "./chooseMove.ts";
import type { Segment, StepRoots } from "./game.ts";

/** A ChallengeManager call as viem takes it (function name and ABI-shaped arguments). */
export interface MoveCall {
  readonly functionName: "bisect" | "bisectToEnd" | "switchToStep" | "proveStep" | "timeout" | "dismiss";
  readonly args: readonly unknown[];
}

const hex = (b: Uint8Array): Hex => bytesToHex(b);

export const segmentArg = (s: Segment) => ({ lo: BigInt(s.lo), hi: BigInt(s.hi), values: s.values.map(hex) });

export const openingArg = (m: MachineOpening) => ({
  statusWord: hex(m.statusWord),
  valueStackHash: hex(m.valueStackHash),
  frameStackHash: hex(m.frameStackHash),
  globalsRoot: hex(m.globalsRoot),
  memoryRoot: hex(m.memoryRoot),
  codeRoot: hex(m.codeRoot),
  tableRoot: hex(m.tableRoot),
  stateRoot: hex(m.stateRoot),
  inputHash: hex(m.inputHash),
  batchContext: hex(m.batchContext),
  gasWord: hex(m.gasWord),
});

const headerArg = (h: BatchHeader) => ({
  txRoot: hex(h.txRoot),
  seqCount: BigInt(h.seqCount),
  delayedBefore: BigInt(h.delayedBefore),
  delayedAfter: BigInt(h.delayedAfter),
  txsBefore: BigInt(h.txsBefore),
  timestamp: BigInt(h.timestamp),
});

export const transactionProofArg = (p: TransactionProof) => ({
  batchNumber: BigInt(p.batchNumber),
  batch: headerArg(p.batch),
  transaction: hex(p.transaction),
  siblings: p.siblings.map(hex),
  queuedAt: BigInt(p.queuedAt),
});

const rootsArg = (r: StepRoots) => ({
  rootBefore: hex(r.rootBefore),
  defenderRoot: hex(r.defenderRoot),
  challengerRoot: hex(r.challengerRoot),
});

/**
 * The contract call that makes `move` in challenge `id` whose last segment is `prev` (the opponent's, which a
 * move repeats in calldata: the contract keeps only its hash), or undefined for a move that is not a call
 * (wait, over, stuck). The move submitter sends exactly this.
 */
export function moveCall(id: bigint, prev: Segment, move: Move): MoveCall | undefined {
  const seg = segmentArg(prev);
  switch (move.kind) {
    case "bisect":
      return { functionName: "bisect", args: [id, seg, BigInt(move.k), move.values.map(hex)] };
    case "bisectToEnd":
      return {
        functionName: "bisectToEnd",
        args: [id, seg, BigInt(move.k), move.values.map(hex), openingArg(move.end), rootsArg(move.roots)],
      };
    case "switchToStep":
      return {
        functionName: "switchToStep",
        args: [
          id,
          seg,
          BigInt(move.k),
          transactionProofArg(move.proof),
          openingArg(move.end),
          move.values.map(hex),
        ],
      };
    case "proveStep":
      return { functionName: "proveStep", args: [id, seg, BigInt(move.k), hex(move.proof)] };
    case "timeout":
      return { functionName: "timeout", args: [id] };
    case "dismiss":
      return { functionName: "dismiss", args: [id] };
    default:
      return undefined;
  }
}
