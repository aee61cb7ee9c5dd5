import type { BatchContext, ProvableState, TransactionResult, TransactionRunner } from "../vm/index.ts";

/** One transaction to replay: its bytes and the batch context it runs with. */
export interface ReplayTransaction {
  readonly input: Uint8Array;
  readonly batchContext: BatchContext;
}

/** The per-transaction roots of a range of transactions, with the state before each (for the step level). */
export interface BatchRoots {
  /** roots[p]: the state root after p transactions of the range (roots[0]: the start state's root). */
  readonly roots: readonly Uint8Array[];
  readonly results: readonly TransactionResult[];
  /** The state before transaction p, or after the last one for p = the range's length (a fork: using it changes nothing here). */
  stateBefore(p: number): ProvableState;
}

/**
 * Replays `txs` from `start` on the fast path (the JIT runner) and returns the state root after every
 * transaction (docs/verifier.md, "Transaction-level values"): the transaction level of a dispute compares
 * these. `start` is the state before the first transaction as a partial tree grown from proofs (e.g. a
 * StateTree at the batch's start root, `ProvableState.fromStateTree`); each transaction's writes are
 * applied to it and the root read, so only the keys the range touches are ever loaded. `start` itself is
 * not changed (the replay runs on a fork).
 */
export function batchRoots(
  runner: TransactionRunner,
  start: ProvableState,
  txs: readonly ReplayTransaction[],
  gasLimit?: number,
): BatchRoots {
  let state = start.fork();
  const before: ProvableState[] = [];
  const roots: Uint8Array[] = [state.root.slice()];
  const results: TransactionResult[] = [];
  for (const tx of txs) {
    before.push(state);
    state = state.fork();
    const result = runner.runTransaction({ input: tx.input, batchContext: tx.batchContext, state, gasLimit });
    for (const [key, value] of result.writes) state.write(key, value);
    results.push(result);
    roots.push(state.root.slice());
  }
  before.push(state);
  return {
    roots,
    results,
    stateBefore: (p) => {
      const s = before[p];
      if (s === undefined) throw new RangeError(`transaction ${p} outside 0..${before.length - 1}`);
      return s.fork();
    },
  };
}
