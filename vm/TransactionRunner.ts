import { LinkError } from "./errors.ts";
import type { BatchContext } from "./host/BatchContext.ts";
import { type HostTransaction, optioImports, type RecoveredSigner } from "./host/optioImports.ts";
import { JitRunner } from "./JitRunner.ts";
import type { StateReader, StateWrite } from "./state/StateOverlay.ts";
import { WriteBuffer } from "./state/WriteBuffer.ts";
import {
  checkedGasLimit,
  type TransactionRequest,
  type TransactionResult,
  transactionResult,
} from "./Transaction.ts";
import { I32 } from "./WasmModule.ts";

/** A fast-path request: the state is read at the pre-transaction state (e.g. a batch's StateOverlay). */
export interface FastTransactionRequest extends TransactionRequest {
  readonly state: StateReader;
  /** The transaction's signer recovered ahead (e.g. in a worker thread); see HostTransaction.recovered. */
  readonly recovered?: RecoveredSigner;
}

/** The name of the engine's entry point, `main: () -> i32`. */
export const ENGINE_ENTRY = "main";

/** The host's view of the transaction in progress: reads go through its own writes, then the pre-state. */
class FastTransaction implements HostTransaction {
  input: Uint8Array = new Uint8Array(0);
  context: BatchContext = { timestamp: 0n, l2Block: 0n, origin: 0n };
  base: StateReader = { get: () => new Uint8Array(32) };
  recovered: RecoveredSigner | undefined = undefined;
  /** This transaction's writes (looked up in place, no string per key), in first-write order. */
  readonly written = new WriteBuffer();
  readonly state = {
    read: (key: Uint8Array): Uint8Array => this.written.getAt(key, 0) ?? this.base.get(key),
    // The base is read with a copy of the key (a StateReader may keep it); the writes are looked up in place.
    readAt: (bytes: Uint8Array, at: number): Uint8Array =>
      this.written.getAt(bytes, at) ?? this.base.get(bytes.slice(at, at + 32)),
    write: (key: Uint8Array, value: Uint8Array): void => this.written.write(key, value),
    // The key and value are copied from the machine's memory into shared blocks, not an ArrayBuffer each.
    writeAt: (bytes: Uint8Array, at: number): void => this.written.writeAt(bytes, at),
  };
}

/**
 * The fast path (sequencer, verifier replay): the engine compiled once,
 * metered, in V8; each transaction runs `main` on one reused instance whose
 * memory and mutable globals are copied back to the state instantiation left
 * (a memory that grew forces a new instance), so starting a transaction costs
 * a memory copy, not a compile. Writes are buffered per transaction and
 * returned when it executed; the caller applies them to its batch overlay.
 */
export class TransactionRunner {
  private readonly tx = new FastTransaction();
  private active = false;
  private dirty = false;

  private constructor(readonly jit: JitRunner) {}

  /** Load (decode, validate, lower, meter, compile) and instantiate the engine; throws VmError or LinkError if refused. */
  static load(bytes: Uint8Array): TransactionRunner {
    let runner: TransactionRunner | undefined;
    const r = JitRunner.instantiate(
      bytes,
      optioImports(() => (runner?.active ? runner.tx : undefined)),
    );
    if (!r.ok) throw new LinkError(`the engine's instantiation trapped: ${r.trap}`);
    const e = r.instance.flat.exports.get(ENGINE_ENTRY);
    const type = e?.kind === "func" ? r.instance.flat.funcTypes[e.index] : undefined;
    if (
      type === undefined ||
      type.params.length !== 0 ||
      type.results.length !== 1 ||
      type.results[0] !== I32
    ) {
      throw new LinkError(`the engine must export ${ENGINE_ENTRY}: () -> i32`);
    }
    r.instance.saveInitialState();
    runner = new TransactionRunner(r.instance);
    return runner;
  }

  /** Run one transaction from the engine's initial state. Bad input throws TransactionInputError. */
  runTransaction(req: FastTransactionRequest): TransactionResult {
    const gasLimit = checkedGasLimit(req);
    if (this.dirty) this.jit.resetToInitialState();
    const tx = this.tx;
    tx.input = req.input;
    tx.context = req.batchContext;
    tx.base = req.state;
    tx.recovered = req.recovered;
    tx.written.clear();
    this.active = true;
    this.dirty = true;
    let run: ReturnType<JitRunner["invoke"]>;
    try {
      run = this.jit.invoke(ENGINE_ENTRY, [], gasLimit);
    } finally {
      this.active = false;
    }
    const writes: StateWrite[] = run.ok ? tx.written.take() : [];
    tx.written.clear();
    return transactionResult(run, this.jit.revertCode, gasLimit, writes);
  }
}
