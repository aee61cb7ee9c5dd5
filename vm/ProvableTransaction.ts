import { encodeProof, rootAfterWrite } from "../protocol/index.ts";
import { LinkError } from "./errors.ts";
import type { FlatModule } from "./FlatModule.ts";
import { encodeBatchContext } from "./host/BatchContext.ts";
import { inputHash } from "./host/inputHash.ts";
import { type HostTransaction, optioImports } from "./host/optioImports.ts";
import { Interpreter, type MachineSnapshot, type MachineStatus } from "./Interpreter.ts";
import { type ProvableState, StateSourceError } from "./state/ProvableState.ts";
import { keyString, type StateWrite } from "./state/StateOverlay.ts";
import {
  checkedGasLimit,
  type TransactionRequest,
  type TransactionResult,
  transactionResult,
} from "./Transaction.ts";
import { ENGINE_ENTRY } from "./TransactionRunner.ts";

/** Where a provable transaction stands (`ProvableTransaction.snapshot`); opaque. */
export interface ProvableTransactionSnapshot {
  readonly machine: MachineSnapshot;
  readonly state: ProvableState;
  readonly written: ReadonlyMap<string, StateWrite>;
}

/** A provable request: the state is the pre-transaction state, with proofs (it is forked, not changed). */
export interface ProvableTransactionRequest extends TransactionRequest {
  readonly state: ProvableState;
}

/**
 * The provable path: one transaction on the interpreter, stepped or run,
 * with every host call one step that updates the global state (the state root
 * after each state_write comes from the state tree's own `rootAfterWrite` on the
 * proof at the current root, as L1 computes it). A fresh interpreter instance
 * per transaction: its machine hash before the first step is the
 * transaction's initial machine hash. `state` is the transaction's own fork:
 * before a state_read or state_write step, `state.prove(key)` is the proof that
 * step needs. `snapshot()` / `restore()` take and put back the machine and
 * the state together (an interpreter snapshot alone would leave `state` at a
 * later root).
 */
export class ProvableTransaction {
  readonly interpreter: Interpreter;
  readonly preRoot: Uint8Array;
  readonly gasLimit: number;
  private current: ProvableState;
  private written = new Map<string, StateWrite>();

  private constructor(flat: FlatModule, req: ProvableTransactionRequest, gasLimit: number) {
    this.gasLimit = gasLimit;
    this.current = req.state.fork();
    this.preRoot = this.current.root.slice();
    let it: Interpreter | undefined;
    const tx: HostTransaction = {
      input: req.input,
      context: req.batchContext,
      state: {
        read: (key) => this.current.get(key),
        write: (key, value) => {
          const state = this.current;
          const after = rootAfterWrite(state.root, key, value, encodeProof(state.prove(key)));
          if (!equal(state.write(key, value), after)) {
            throw new StateSourceError("the partial state tree and rootAfterWrite disagree (a bug)");
          }
          const k = keyString(key);
          const w = this.written.get(k);
          this.written.set(k, w === undefined ? [key, value] : [w[0], value]);
          it!.setGlobalState({ stateRoot: after.slice() });
        },
      },
    };
    let started = false;
    const r = Interpreter.instantiate(
      flat,
      optioImports(() => (started ? tx : undefined)),
    );
    if (!r.ok) throw new LinkError(`the engine's instantiation trapped: ${r.trap}`);
    it = r.instance;
    started = true;
    it.setGlobalState({
      stateRoot: this.preRoot,
      inputHash: inputHash(req.input),
      batchContext: encodeBatchContext(req.batchContext),
    });
    it.start(ENGINE_ENTRY, [], gasLimit);
    this.interpreter = it;
  }

  /** The transaction's state: the pre-state plus its writes so far (its root is the machine's `stateRoot`). */
  get state(): ProvableState {
    return this.current;
  }

  /** A copy of where the transaction stands: the machine, the state and the writes so far. */
  snapshot(): ProvableTransactionSnapshot {
    return {
      machine: this.interpreter.snapshot(),
      state: this.current.fork(),
      written: new Map(this.written),
    };
  }

  /** Go back to a `snapshot()` of this transaction (the snapshot stays usable). */
  restore(s: ProvableTransactionSnapshot): void {
    this.interpreter.restore(s.machine);
    this.current = s.state.fork();
    this.written = new Map(s.written);
  }

  /** Set up the transaction, stopped before its first step. Bad input throws TransactionInputError. */
  static start(flat: FlatModule, req: ProvableTransactionRequest): ProvableTransaction {
    return new ProvableTransaction(flat, req, checkedGasLimit(req));
  }

  /** One machine step. */
  step(): MachineStatus {
    return this.interpreter.step();
  }

  /** Run to the end (as the fast path would) and return the outcome. */
  run(): TransactionResult {
    this.interpreter.runToEnd();
    return this.result();
  }

  /** The outcome, once the machine is not running. */
  result(): TransactionResult {
    const run = this.interpreter.result();
    return transactionResult(
      run,
      this.interpreter.revertCode,
      this.gasLimit,
      run.ok ? [...this.written.values()] : [],
    );
  }

  /** The state root after the transaction (once it is not running): its writes' root if executed, else the pre root. */
  get postRoot(): Uint8Array {
    return this.interpreter.result().ok ? this.current.root : this.preRoot;
  }
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
