import { type DecodeOptions, decodeModule } from "./decode.ts";
import { LinkError } from "./errors.ts";
import type { FlatModule } from "./FlatModule.ts";
import type { HostFunction, Value } from "./Interpreter.ts";
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
class HostTrap extends Error {
  readonly trap: Trap;
  constructor(trap: Trap) {
    super(trap);
    this.trap = trap;
  }
}

/**
 * The fast runner: the module, accepted by the same loader as the interpreter,
 * metered by meterModule and run by V8's JIT. Results, traps and gas left agree
 * with the interpreter's (vm/JitRunner.test.ts checks it on spec modules).
 */
export class JitRunner {
  readonly flat: FlatModule;
  private readonly instance: WasmInstance;
  private readonly gas: MutableGlobal<bigint>;
  private readonly trapFlag: MutableGlobal<number>;
  private readonly depth: MutableGlobal<number>;
  private readonly used: MutableGlobal<number>;
  private readonly lastIndirect: MutableGlobal<number>;

  private constructor(flat: FlatModule, instance: WasmInstance) {
    this.flat = flat;
    this.instance = instance;
    const g = <T>(key: string) => instance.exports[key] as unknown as MutableGlobal<T>;
    this.gas = g(METER_EXPORTS.gas);
    this.trapFlag = g(METER_EXPORTS.trap);
    this.depth = g(METER_EXPORTS.depth);
    this.used = g(METER_EXPORTS.used);
    this.lastIndirect = g(METER_EXPORTS.lastIndirect);
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
    for (const imp of module.imports) {
      const host = imports[`${imp.module}.${imp.name}`];
      if (host === undefined) throw new LinkError(`missing import ${imp.module}.${imp.name}`);
      v8Imports[imp.module] ??= {};
      v8Imports[imp.module][imp.name] = (...args: Value[]) => {
        const r = host(args);
        if (!Array.isArray(r)) throw new HostTrap(r.trap);
        return r.length === 0 ? undefined : r.length === 1 ? r[0] : r;
      };
    }
    try {
      const instance = new webAssembly.Instance(new webAssembly.Module(metered), v8Imports);
      return { ok: true, instance: new JitRunner(flat, instance) };
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
    const fn = this.instance.exports[name] as (...a: Value[]) => unknown;
    try {
      const r = fn(
        ...args.map((x, i) => (type.params[i] === 0x7e ? BigInt.asIntN(64, BigInt(x)) : Number(x) | 0)),
      );
      const values =
        type.results.length === 0 ? [] : type.results.length === 1 ? [r as Value] : (r as Value[]);
      return { ok: true, values, gasLeft: Number(this.gas.value) };
    } catch (err) {
      const flag = this.trapFlag.value;
      let trap: Trap | undefined;
      if (flag === METER_TRAP.OUT_OF_GAS) trap = "out of gas";
      else if (flag === METER_TRAP.STACK_EXHAUSTED) trap = "call stack exhausted";
      else trap = jitTrap(err, this);
      if (trap === undefined) throw err;
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

/** The machine trap a V8 error stands for, or undefined if it is not a trap. */
function jitTrap(e: unknown, runner?: JitRunner): Trap | undefined {
  if (e instanceof HostTrap) return e.trap;
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
