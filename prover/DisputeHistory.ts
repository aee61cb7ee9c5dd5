import type { MachineOpening } from "../protocol/index.ts";
import type { FlatModule, ProvableState, ProvableTransactionRequest } from "../vm/index.ts";
import type { BatchRoots } from "./batchRoots.ts";
import { PositionError } from "./errors.ts";
import { TransactionSteps, type TransactionStepsOptions } from "./TransactionSteps.ts";
import {
  type PlacedTransaction,
  placedBatchContext,
  type TransactionProof,
  transactionProof,
} from "./transactionProof.ts";

export interface DisputeHistoryOptions extends TransactionStepsOptions {
  /** Gas per transaction (the deployment's txGasLimit; default vm's TX_GAS_LIMIT). */
  readonly gasLimit?: number;
  /** Transactions whose step histories are kept at once (a game disputes one; default 2). */
  readonly keepTransactions?: number;
}

/**
 * Our values at every position of a dispute over an assertion's range (docs/verifier.md, "History"): the
 * transaction level from the replay's per-transaction roots (batchRoots), the step level of any transaction
 * from a TransactionSteps on the state before it, started on first use and cached. This is what
 * verifier/dispute/chooseMove reads (its History interface).
 */
export class DisputeHistory {
  private readonly steps = new Map<number, TransactionSteps>();
  private readonly keep: number;

  constructor(
    readonly engine: FlatModule,
    private readonly replay: BatchRoots,
    private readonly txs: readonly PlacedTransaction[],
    private readonly options: DisputeHistoryOptions = {},
  ) {
    if (replay.roots.length !== txs.length + 1)
      throw new RangeError(
        `expected ${txs.length + 1} roots for ${txs.length} transactions, got ${replay.roots.length}`,
      );
    this.keep = Math.max(1, options.keepTransactions ?? 2);
  }

  /** Transactions in the range. */
  get count(): number {
    return this.txs.length;
  }

  /** The state root after p transactions of the range. */
  root(p: number): Uint8Array {
    const r = this.replay.roots[p];
    if (r === undefined) throw new PositionError("a transaction position", p, this.txs.length);
    return r;
  }

  /** Transaction p's step history (started on first use). */
  transaction(p: number): TransactionSteps {
    let s = this.steps.get(p);
    if (s !== undefined) return s;
    s = TransactionSteps.start(this.engine, this.request(p), this.options);
    if (this.steps.size >= this.keep) this.steps.delete(this.steps.keys().next().value as number);
    this.steps.set(p, s);
    return s;
  }

  /** The state before transaction p of the range (p = count: after the range); a fork of it can be written. */
  stateBefore(p: number): ProvableState {
    return this.replay.stateBefore(p);
  }

  /** Transaction p as L1 placed it. */
  placed(p: number): PlacedTransaction {
    const tx = this.txs[p];
    if (tx === undefined) throw new PositionError("a transaction index", p, this.txs.length - 1);
    return tx;
  }

  /** What runs transaction p provably: its input and batch context on a fork of the state before it. */
  request(p: number): ProvableTransactionRequest {
    const tx = this.placed(p);
    return {
      input: tx.bytes,
      batchContext: placedBatchContext(tx),
      state: this.replay.stateBefore(p),
      gasLimit: this.options.gasLimit,
    };
  }

  machine(p: number, s: number): Uint8Array {
    return this.transaction(p).hashAt(s);
  }

  end(p: number): MachineOpening {
    return this.transaction(p).end();
  }

  stepProof(p: number, s: number): Uint8Array {
    return this.transaction(p).proveStep(s).proof;
  }

  transactionProof(p: number): TransactionProof {
    return transactionProof(this.placed(p));
  }
}
