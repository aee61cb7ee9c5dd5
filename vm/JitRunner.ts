import { type DecodeOptions, decodeModule } from "./decode.ts";
import { LinkError } from "./errors.ts";
import type { FlatModule } from "./FlatModule.ts";
import type { HostContext, HostFunction, Value } from "./Interpreter.ts";
import { lowerModule } from "./lower.ts";
import { METER_EXPORTS, METER_TRAP, meterModule } from "./meterModule.ts";
import type { Trap } from "./Trap.ts";
import { validateModule } from "./validate.ts";
import { type WasmExportValue, type WasmInstance, webAssembly } from "./webAssemblyApi.ts";

export type JitResult =
  | { readonly ok: true; readonly values: Value[]; readonly gasLeft: number }
  | { readonly ok: false; readonly trap: Trap; readonly gasLeft: number };

export type JitInstantiateResult =
  | { readonly ok: true; readonly instance: JitRunner }
  | { readonly ok: false; readonly trap: Trap };

interface MutableGlobal<T> {
  value: T;
}

/** A host function's refusal, thrown through V8 and turned back into a trap. */
class HostTrapError extends Error {
  readonly trap: Trap;
  readonly code: number;
  constructor(trap: Trap, code: number) {
    super(trap);
    this.trap = trap;
    this.code = code;
  }
}

const EMPTY_MEMORY = new Uint8Array(0);

/** The initial memory a reused instance goes back to (see `saveInitialState`; the globals are saved inside it). */
interface InitialState {
  readonly memory: Uint8Array;
  /** Views of `memory` to copy back per dirty bit k (chunks k, k + 64, ..., each plus 7 bytes): made once, not per reset. */
  readonly chunks: { readonly at: number; readonly bytes: Uint8Array }[][];
}

/**
 * The fast runner: the module, accepted by the same loader as the interpreter,
 * metered by meterModule and run by V8's JIT. Results, traps and gas left agree
 * with the interpreter's (vm/JitRunner.test.ts checks it on spec modules).
 */
export class JitRunner {
  readonly flat: FlatModule;
  private instance!: WasmInstance;
  private gas!: MutableGlobal<bigint>;
  private trapFlag!: MutableGlobal<number>;
  private depth!: MutableGlobal<number>;
  private used!: MutableGlobal<number>;
  private lastIndirect!: MutableGlobal<number>;
  private dirty!: MutableGlobal<bigint>;
  private dirtyShift = 10;
  /**
   * Dirty bits host functions set, kept here as two 32-bit halves and merged with the
   * global's at reset: reading and writing the i64 global costs a BigInt each way, twice
   * per host write, and only the reset reads the mask.
   */
  private hostDirtyLo = 0;
  private hostDirtyHi = 0;
  private memoryObject: { readonly buffer: ArrayBuffer } | undefined;
  private memoryBuffer: ArrayBuffer | undefined;
  private memoryBytes = EMPTY_MEMORY;
  private revertCodeValue = 0;
  private initial: InitialState | undefined;
  /** meterModule's functions that save and restore the module's mutable globals. */
  private saveGlobals!: () => void;
  private restoreGlobals!: () => void;
  /** meterModule's gas charge: (cost as u32) -> 1 charged, 0 too little gas left. */
  private useGasFn!: (cost: number) => number;
  /** Handed to host functions: V8's memory and the gas global. */
  readonly hostContext: HostContext;

  private constructor(
    flat: FlatModule,
    private readonly compiled: object,
    private readonly v8Imports: Record<string, Record<string, WasmExportValue>>,
  ) {
    this.flat = flat;
    const self = this;
    this.hostContext = {
      get memory() {
        return self.memory;
      },
      get gasLeft() {
        return Number(self.gas.value);
      },
      useGas(gas: number): boolean {
        // Costs that fit a u32 are charged by the module's own function (no BigInt either way).
        if (gas >= 0 && gas <= 0xffffffff) return self.useGasFn(gas) === 1;
        const left = self.gas.value;
        const cost = BigInt(gas);
        if (left < cost) return false;
        self.gas.value = left - cost;
        return true;
      },
      wrote(from: number, length: number): void {
        // Mark the chunks a host function wrote, as the metered stores mark theirs.
        if (length <= 0) return;
        const shift = self.dirtyShift;
        for (let c = from >>> shift; c <= (from + length - 1) >>> shift; c++) {
          const k = c & 63;
          if (k < 32) self.hostDirtyLo |= 1 << k;
          else self.hostDirtyHi |= 1 << (k - 32);
        }
      },
    };
  }

  private attach(instance: WasmInstance): void {
    this.instance = instance;
    const g = <T>(key: string) => instance.exports[key] as unknown as MutableGlobal<T>;
    this.gas = g(METER_EXPORTS.gas);
    this.trapFlag = g(METER_EXPORTS.trap);
    this.depth = g(METER_EXPORTS.depth);
    this.used = g(METER_EXPORTS.used);
    this.lastIndirect = g(METER_EXPORTS.lastIndirect);
    this.dirty = g(METER_EXPORTS.dirty);
    this.dirtyShift = g<number>(METER_EXPORTS.dirtyShift).value;
    this.memoryObject = instance.exports[METER_EXPORTS.memory] as { buffer: ArrayBuffer } | undefined;
    this.memoryBuffer = undefined;
    this.memoryBytes = EMPTY_MEMORY;
    this.saveGlobals = instance.exports[METER_EXPORTS.saveGlobals] as () => void;
    this.restoreGlobals = instance.exports[METER_EXPORTS.restoreGlobals] as () => void;
    this.useGasFn = instance.exports[METER_EXPORTS.useGas] as (cost: number) => number;
  }

  /**
   * Replace the instance by a new one of the same compiled module (its start
   * function reruns): a fresh instance's state, at the cost of an instantiation.
   */
  reinstantiate(): void {
    this.attach(new webAssembly.Instance(this.compiled, this.v8Imports));
  }

  /** The instance's linear memory as bytes (a new view after a memory.grow); empty without a memory. */
  get memory(): Uint8Array {
    // A memory.grow detaches the old buffer (its views read length 0): only then is the
    // buffer looked up again (the getter crosses into V8 and costs as much as a host call's work).
    if (this.memoryBytes.length !== 0) return this.memoryBytes;
    const m = this.memoryObject;
    if (m === undefined) return EMPTY_MEMORY;
    const b = m.buffer;
    if (b !== this.memoryBuffer) {
      this.memoryBuffer = b;
      this.memoryBytes = new Uint8Array(b);
    }
    return this.memoryBytes;
  }

  /** The code the engine passed to optio.revert, when the last call trapped "revert" (else 0). */
  get revertCode(): number {
    return this.revertCodeValue;
  }

  /**
   * Remember the instance's current memory and mutable globals as its initial
   * state, for `resetToInitialState` (a transaction runner calls this once,
   * right after instantiation, so each transaction starts from a fresh instance's state).
   */
  saveInitialState(): void {
    const memory = this.memory.slice();
    const chunk = 2 ** this.dirtyShift;
    const chunks: { at: number; bytes: Uint8Array }[][] = [];
    for (let k = 0; k < 64; k++) {
      chunks.push([]);
      for (let at = k * chunk; at < memory.length; at += 64 * chunk)
        chunks[k].push({ at, bytes: memory.subarray(at, Math.min(memory.length, at + chunk + 7)) });
    }
    this.initial = { memory, chunks };
    this.saveGlobals();
    this.dirty.value = 0n;
    this.hostDirtyLo = 0;
    this.hostDirtyHi = 0;
  }

  /**
   * Put the instance back in the state `saveInitialState` saved: the memory
   * chunks written since (the dirty mask the metered stores and host writes
   * keep) and the mutable globals are copied back; a memory that grew cannot
   * shrink (a WebAssembly.Memory only grows), so then the instance is
   * replaced (`reinstantiate`) and the saved state copied in.
   */
  resetToInitialState(): void {
    const init = this.initial;
    if (init === undefined) throw new LinkError("resetToInitialState: saveInitialState was never called");
    if (this.memory.length !== init.memory.length) {
      // A fresh instance is in the initial state; its shadow globals are not yet.
      this.reinstantiate();
      this.memory.set(init.memory);
      this.saveGlobals();
    } else {
      this.restoreDirtyChunks(init.chunks);
      this.restoreGlobals();
    }
    this.dirty.value = 0n;
    this.hostDirtyLo = 0;
    this.hostDirtyHi = 0;
  }

  /** Copy back every chunk whose bit is set (bit k: chunks k, k + 64, ...), plus 7 bytes past each for straddling stores. */
  private restoreDirtyChunks(chunks: InitialState["chunks"]): void {
    const mask = this.dirty.value;
    const lo = Number(mask & 0xffffffffn) | this.hostDirtyLo;
    const hi = Number((mask >> 32n) & 0xffffffffn) | this.hostDirtyHi;
    if (lo === 0 && hi === 0) return;
    const mem = this.memory;
    for (let k = 0; k < 64; k++) {
      if (((k < 32 ? lo >>> k : hi >>> (k - 32)) & 1) === 0) continue;
      const views = chunks[k];
      for (let i = 0; i < views.length; i++) mem.set(views[i].bytes, views[i].at);
    }
  }

  /** Load (decode, validate, lower: throws a VmError if refused), meter, compile and instantiate. */
  static instantiate(
    bytes: Uint8Array,
    imports: Readonly<Record<string, HostFunction>> = {},
    options: DecodeOptions = {},
  ): JitInstantiateResult {
    const module = decodeModule(bytes, options);
    const flat = lowerModule(validateModule(module));
    const metered = meterModule(bytes, module, flat);
    const v8Imports: Record<string, Record<string, WasmExportValue>> = {};
    const compiled = new webAssembly.Module(metered);
    const runner = new JitRunner(flat, compiled, v8Imports);
    const ctx = runner.hostContext;
    for (const imp of module.imports) {
      const host = imports[`${imp.module}.${imp.name}`];
      if (host === undefined) throw new LinkError(`missing import ${imp.module}.${imp.name}`);
      v8Imports[imp.module] ??= {};
      v8Imports[imp.module][imp.name] = hostTrampoline(host, ctx, module.types[imp.typeIndex].params.length);
    }
    try {
      runner.attach(new webAssembly.Instance(compiled, v8Imports));
      return { ok: true, instance: runner };
    } catch (e) {
      const trap = jitTrap(e);
      if (trap === undefined) throw e;
      return { ok: false, trap };
    }
  }

  /** Call an exported function with `gasLimit` gas. */
  invoke(name: string, args: readonly Value[], gasLimit = Number.MAX_SAFE_INTEGER): JitResult {
    const e = this.flat.exports.get(name);
    if (e === undefined || e.kind !== "func") throw new LinkError(`no exported function "${name}"`);
    const type = this.flat.funcTypes[e.index];
    if (args.length !== type.params.length) {
      throw new LinkError(`${name}: expected ${type.params.length} arguments, got ${args.length}`);
    }
    this.gas.value = BigInt(gasLimit);
    this.trapFlag.value = METER_TRAP.NONE;
    this.depth.value = 0;
    this.used.value = 0;
    this.revertCodeValue = 0;
    const fn = this.instance.exports[name] as (...a: Value[]) => unknown;
    try {
      const r = fn(
        ...args.map((x, i) => (type.params[i] === 0x7e ? BigInt.asIntN(64, BigInt(x)) : Number(x) | 0)),
      );
      const values =
        type.results.length === 0 ? [] : type.results.length === 1 ? [r as Value] : (r as Value[]);
      return { ok: true, values, gasLeft: Number(this.gas.value) };
    } catch (err) {
      // The unwound frames' dirty bits are lost: the next reset copies the whole memory.
      this.dirty.value = -1n;
      const flag = this.trapFlag.value;
      let trap: Trap | undefined;
      if (flag === METER_TRAP.OUT_OF_GAS) trap = "out of gas";
      else if (flag === METER_TRAP.STACK_EXHAUSTED) trap = "call stack exhausted";
      else trap = jitTrap(err, this);
      if (trap === undefined) throw err;
      if (err instanceof HostTrapError) this.revertCodeValue = err.code;
      return { ok: false, trap, gasLeft: Number(this.gas.value) };
    }
  }

  /** The value of exported global `name`. */
  global(name: string): Value {
    return (this.instance.exports[name] as unknown as MutableGlobal<Value>).value;
  }

  /** V8 says "null function or function signature mismatch" for both: look at the slot. */
  indirectTrap(): Trap {
    const table = this.instance.exports[METER_EXPORTS.table] as unknown as { get(i: number): unknown };
    return table.get(this.lastIndirect.value >>> 0) === null
      ? "uninitialized element"
      : "indirect call type mismatch";
  }
}

/** A host function's results as V8 takes them back, or its trap thrown. */
function hostResult(r: Value[] | { readonly trap: Trap; readonly code?: number }): unknown {
  if (!Array.isArray(r)) throw new HostTrapError(r.trap, r.trap === "revert" ? (r.code ?? 0) >>> 0 : 0);
  return r.length === 0 ? undefined : r.length === 1 ? r[0] : r;
}

/**
 * The function V8 calls for a host import. Host calls are the engine's hottest
 * path (tens per transaction), so the common arities get a fixed-parameter
 * wrapper that reuses one arguments array (a host function must not keep it
 * past the call, and host functions never re-enter the instance) instead of
 * a rest array per call.
 */
function hostTrampoline(host: HostFunction, ctx: HostContext, arity: number): (...a: Value[]) => unknown {
  const args: Value[] = new Array<Value>(arity).fill(0);
  switch (arity) {
    case 0:
      return () => hostResult(host(args, ctx));
    case 1:
      return (a: Value) => {
        args[0] = a;
        return hostResult(host(args, ctx));
      };
    case 2:
      return (a: Value, b: Value) => {
        args[0] = a;
        args[1] = b;
        return hostResult(host(args, ctx));
      };
    case 3:
      return (a: Value, b: Value, c: Value) => {
        args[0] = a;
        args[1] = b;
        args[2] = c;
        return hostResult(host(args, ctx));
      };
    default:
      return (...a: Value[]) => hostResult(host(a, ctx));
  }
}

/** The machine trap a V8 error stands for, or undefined if it is not a trap. */
function jitTrap(e: unknown, runner?: JitRunner): Trap | undefined {
  if (e instanceof HostTrapError) return e.trap;
  // V8's own stack guard: the machine's limits should be reached first (see docs/machine.md).
  if (e instanceof RangeError && /call stack/i.test(e.message)) return "call stack exhausted";
  if (!(e instanceof webAssembly.RuntimeError)) return undefined;
  const msg = e.message;
  if (msg === "unreachable") return "unreachable";
  if (/divide by zero|remainder by zero/.test(msg)) return "integer divide by zero";
  if (/unrepresentable|integer overflow/.test(msg)) return "integer overflow";
  if (/memory access out of bounds|data segment/.test(msg)) return "out of bounds memory access";
  if (/table index is out of bounds/.test(msg)) return "undefined element";
  if (/element segment|table .*out of bounds/.test(msg)) return "out of bounds table access";
  if (/null function|signature mismatch/.test(msg))
    return runner?.indirectTrap() ?? "indirect call type mismatch";
  return undefined;
}
