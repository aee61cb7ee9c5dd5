import { TransactionInputError } from "./errors.ts";
import { type BatchContext, checkBatchContext } from "./host/BatchContext.ts";
import { MAX_INPUT_BYTES, TX_GAS_LIMIT } from "./params.ts";
import type { StateWrite } from "./state/StateOverlay.ts";
import type { Trap } from "./Trap.ts";

/** How a transaction ended (docs/machine.md, "Transactions"). */
export type TransactionOutcome = "executed" | "reverted";

/** One transaction to run: its input bytes, the batch context, and (per runner) its state. */
export interface TransactionRequest {
  /** The transaction bytes (at most MAX_INPUT_BYTES). */
  readonly input: Uint8Array;
  readonly batchContext: BatchContext;
  /** Gas for the whole call of `main` (default TX_GAS_LIMIT). */
  readonly gasLimit?: number;
}

export interface TransactionResult {
  /** executed: `main` returned (its writes stand); reverted: it trapped, ran out of gas or called revert (no write stands). */
  readonly outcome: TransactionOutcome;
  /** executed: `main`'s i32 result as u32 (0 success, else the engine's rejection code); reverted by revert(): its code; else 0. */
  readonly code: number;
  /** reverted: why ("revert", "out of gas", or another trap). */
  readonly trap?: Trap;
  readonly gasUsed: number;
  readonly gasLeft: number;
  /** The state writes that stand, in the order keys were first written, last value each (empty when reverted). */
  readonly writes: StateWrite[];
}

/** The gas limit of a request, checked with its input and batch context (bad input throws TransactionInputError). */
export function checkedGasLimit(req: TransactionRequest): number {
  if (!(req.input instanceof Uint8Array)) throw new TransactionInputError("input: expected a Uint8Array");
  if (req.input.length > MAX_INPUT_BYTES) {
    throw new TransactionInputError(
      `input: expected at most ${MAX_INPUT_BYTES} bytes (MAX_INPUT_BYTES), got ${req.input.length}`,
    );
  }
  checkBatchContext(req.batchContext);
  const gas = req.gasLimit ?? TX_GAS_LIMIT;
  if (!Number.isSafeInteger(gas) || gas < 0) {
    throw new TransactionInputError(`gasLimit: expected a whole number >= 0, got ${gas}`);
  }
  return gas;
}

/** The result of a run of `main` as the transaction's outcome. */
export function transactionResult(
  run: {
    readonly ok: boolean;
    readonly values?: readonly unknown[];
    readonly trap?: Trap;
    readonly gasLeft: number;
  },
  revertCode: number,
  gasLimit: number,
  writes: StateWrite[],
): TransactionResult {
  const gasUsed = gasLimit - run.gasLeft;
  if (run.ok) {
    const code = (Number(run.values![0]) | 0) >>> 0;
    return { outcome: "executed", code, gasUsed, gasLeft: run.gasLeft, writes };
  }
  const trap = run.trap!;
  const code = trap === "revert" ? revertCode : 0;
  return { outcome: "reverted", code, trap, gasUsed, gasLeft: run.gasLeft, writes: [] };
}
