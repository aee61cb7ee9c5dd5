/**
 * The machine's interpreter over flat code (lower.ts). Written for speed, so
 * it is one large file on purpose: the step loop is a single function with a
 * switch, machine registers live in locals, the value stack is an Int32Array
 * and the loop allocates nothing (BigInt appears only in i64 division).
 *
 * Value stack: every value takes two int32 slots (low half, high half), so an
 * i64 needs no BigInt and all values have one size. An i32 uses the low slot;
 * its high slot is left as it was and must be ignored. Measured against one
 * BigInt64Array slot per value (bench/vm.ts): an i64-add stack loop
 * runs about 8x faster on halves (~250 M/s vs ~31 M/s), and whole workloads
 * keep i64 code within 1.5x of i32 code (50-60 M steps/s).
 *
 * Call frames: an Int32Array of (return pc, caller frame base, reservation)
 * triples. A frame's locals sit at the bottom of its stack segment (parameters
 * first), so `local.get k` reads slot fp + k. Machine registers stay in locals
 * of `run` and are written back when it stops; `run(maxSteps)` can pause and
 * resume: `step()` runs it for exactly one instruction.
 *
 * Canonical values: every instruction that produces an i32 writes its high
 * half as 0, so each slot holds a well-defined 64-bit word (an i32
 * zero-extended) and the state hash (machineHash.ts) needs no types.
 */

import { LinkError } from "./errors.ts";
import type { FlatModule } from "./FlatModule.ts";
import { Op } from "./flatOps.ts";
import { type GlobalStateInputs, MachineHasher, Status } from "./machineHash.ts";
import { MAX_CALL_DEPTH, MAX_VALUE_STACK } from "./params.ts";
import type { MachineView } from "./proof/MachineView.ts";
import { TRAPS, type Trap, TrapCode } from "./Trap.ts";
import { I64, type ValType } from "./WasmModule.ts";

/** A WebAssembly value at the API boundary, as V8's JS API gives it: i32 a signed number, i64 a signed bigint. */
export type Value = number | bigint;

/**
 * What a host function may touch of the instance calling it. Both runners
 * provide it (vm/JitRunner.ts over V8's memory and gas global), so one host
 * implementation serves both.
 */
export interface HostContext {
  /** The instance's linear memory (empty without one); valid until the next memory.grow. */
  readonly memory: Uint8Array;
  /** Gas left, after the charge of the block the call sits in. */
  readonly gasLeft: number;
  /** Charge `gas` on top of GAS_HOST_CALL; false (and nothing charged) when gas left is less. */
  useGas(gas: number): boolean;
  /** The host function wrote memory bytes `from … from+length-1` (the interpreter rehashes their leaves). */
  wrote(from: number, length: number): void;
}

/**
 * A host function's refusal: a trap. `code` goes with the trap "revert" (the
 * engine's reason, kept in the status word); "out of gas" must leave gas unchanged.
 */
export interface HostTrap {
  readonly trap: Trap;
  readonly code?: number;
}

/** A host (imported) function: gets its arguments and its caller's context, returns its results or a trap. */
export type HostFunction = (args: Value[], ctx: HostContext) => Value[] | HostTrap;

export type RunResult =
  | { readonly ok: true; readonly values: Value[]; readonly gasLeft: number; readonly steps: number }
  | { readonly ok: false; readonly trap: Trap; readonly gasLeft: number; readonly steps: number };

export type InstantiateResult =
  | { readonly ok: true; readonly instance: Interpreter }
  | { readonly ok: false; readonly trap: Trap };

/** Where a machine stands between steps. Out of gas is the trap "out of gas", told apart because it leaves gas unchanged. */
export type MachineStatus =
  | { readonly kind: "running" }
  | { readonly kind: "halted"; readonly values: Value[] }
  | { readonly kind: "trapped"; readonly trap: Trap }
  | { readonly kind: "outOfGas" };

/** The whole machine state, copied (snapshot/restore); opaque to callers. */
export interface MachineSnapshot {
  readonly regs: Float64Array;
  readonly stack: Int32Array;
  readonly frames: Int32Array;
  readonly globals: Int32Array;
  readonly memory: Uint8Array;
  readonly resultTypes: readonly ValType[];
  readonly globalState: GlobalStateInputs;
}

const STATUS_RUNNING: MachineStatus = Object.freeze({ kind: "running" });
const STATUS_OUT_OF_GAS: MachineStatus = Object.freeze({ kind: "outOfGas" });
/** Bytes written by the stores 0x36..0x3e. */
const STORE_WIDTH = [4, 8, 0, 0, 1, 2, 1, 2, 4];

const PAGE = 65_536;
/** Status: still running (a step limit paused it). */
const RUNNING = -1;
/** Status: the outermost frame returned. */
const DONE = -2;

export class Interpreter {
  readonly module: FlatModule;
  private readonly hosts: readonly HostFunction[];
  /** Linear memory; replaced (not resized) on memory.grow. */
  memory: Uint8Array;
  private view: DataView;
  readonly globals: Int32Array;
  readonly table: Int32Array;
  private readonly stack = new Int32Array(2 * MAX_VALUE_STACK);
  /** Per active call: return pc, caller frame base, value-stack reservation before the call. */
  private readonly frames = new Int32Array(3 * MAX_CALL_DEPTH);
  /** Registers, in slot units (two per value) for sp and fp. */
  private pc = 0;
  private sp = 0;
  private fp = 0;
  private depth = 0;
  /** Values reserved by active frames (see MAX_VALUE_STACK). */
  private used = 0;
  private gas = 0;
  private steps = 0;
  /** RUNNING, DONE or a trap code: where the current call stands (DONE before any call). */
  private statusCode = DONE;
  /** Result types of the call in progress. */
  private resultTypes: readonly ValType[] = [];
  /** Created by the first hash(); tracks what steps change from then on. */
  private hasher: MachineHasher | undefined;
  private globalState: GlobalStateInputs = {
    stateRoot: new Uint8Array(32),
    inputHash: new Uint8Array(32),
    batchContext: new Uint8Array(32),
  };
  private globalStateVersion = 0;
  /**
   * Set when a memory.grow failed only because of the machine's page limit (the module's own
   * maximum would have allowed it): where the machine deliberately differs from WebAssembly.
   */
  growRefusedByMachineLimit = false;
  /** The code of the last trap "revert" (0 otherwise): hashed in the status word. */
  private revertCodeValue = 0;
  /** Handed to host functions: memory, gas, and where they wrote. */
  private readonly hostContext: HostContext;

  private constructor(module: FlatModule, hosts: readonly HostFunction[]) {
    this.module = module;
    this.hosts = hosts;
    this.memory = new Uint8Array((module.memory?.min ?? 0) * PAGE);
    this.view = new DataView(this.memory.buffer);
    this.globals = module.globalInit.slice();
    this.table = new Int32Array(module.table?.min ?? 0).fill(-1);
    const self = this;
    this.hostContext = {
      get memory() {
        return self.memory;
      },
      get gasLeft() {
        return self.gas;
      },
      useGas(gas: number): boolean {
        if (self.gas < gas) return false;
        self.gas -= gas;
        return true;
      },
      wrote(from: number, length: number): void {
        if (length > 0) self.hasher?.memory.touch(from >>> 5, (from + length - 1) >>> 5);
      },
    };
  }

  /**
   * Create an instance: resolve imports (functions only, by "module.name"),
   * apply element and data segments, run the start function with `startGas`.
   */
  static instantiate(
    module: FlatModule,
    imports: Readonly<Record<string, HostFunction>> = {},
    startGas = Number.MAX_SAFE_INTEGER,
  ): InstantiateResult {
    const hosts = module.imports.map((imp) => {
      const fn = imports[`${imp.module}.${imp.name}`];
      if (fn === undefined) throw new LinkError(`missing import ${imp.module}.${imp.name}`);
      return fn;
    });
    const it = new Interpreter(module, hosts);
    for (const seg of module.elems) {
      if (seg.offset + seg.funcs.length > it.table.length)
        return { ok: false, trap: "out of bounds table access" };
      it.table.set(seg.funcs, seg.offset);
    }
    for (const seg of module.datas) {
      if (seg.offset + seg.bytes.length > it.memory.length)
        return { ok: false, trap: "out of bounds memory access" };
      it.memory.set(seg.bytes, seg.offset);
    }
    if (module.start !== undefined) {
      const r = it.call(module.start, [], startGas);
      if (!r.ok) return { ok: false, trap: r.trap };
    }
    return { ok: true, instance: it };
  }

  /** Call an exported function. */
  invoke(name: string, args: readonly Value[], gasLimit = Number.MAX_SAFE_INTEGER): RunResult {
    const e = this.module.exports.get(name);
    if (e === undefined || e.kind !== "func") throw new LinkError(`no exported function "${name}"`);
    return this.call(e.index, args, gasLimit);
  }

  /** Call function `f` (function index space) with `args` and `gasLimit` gas. */
  call(f: number, args: readonly Value[], gasLimit: number): RunResult {
    const m = this.module;
    const type = m.funcTypes[f];
    if (m.stubs[f] !== undefined) return { ok: false, trap: "out of profile", gasLeft: gasLimit, steps: 0 };
    if (args.length !== type.params.length) {
      throw new LinkError(`function ${f}: expected ${type.params.length} arguments, got ${args.length}`);
    }
    if (f < m.imports.length) {
      this.gas = gasLimit;
      const r = this.hosts[f]([...args], this.hostContext);
      return Array.isArray(r)
        ? { ok: true, values: r, gasLeft: this.gas, steps: 1 }
        : { ok: false, trap: r.trap, gasLeft: this.gas, steps: 1 };
    }
    this.startCall(f, args, gasLimit);
    this.statusCode = this.run(Number.POSITIVE_INFINITY);
    this.hasher?.invalidate();
    return this.result();
  }

  /** Set up a call of exported function `name` without running it: then `step()` it. */
  start(name: string, args: readonly Value[], gasLimit = Number.MAX_SAFE_INTEGER): void {
    const e = this.module.exports.get(name);
    if (e === undefined || e.kind !== "func") throw new LinkError(`no exported function "${name}"`);
    this.startCall(e.index, args, gasLimit);
  }

  /** Set up a call of defined function `f` (function index space) without running it. */
  startCall(f: number, args: readonly Value[], gasLimit: number): void {
    const m = this.module;
    const type = m.funcTypes[f];
    if (f < m.imports.length || m.stubs[f] !== undefined) {
      throw new LinkError(`function ${f} is a host function or a stub: it cannot be stepped`);
    }
    if (args.length !== type.params.length) {
      throw new LinkError(`function ${f}: expected ${type.params.length} arguments, got ${args.length}`);
    }
    this.sp = 0;
    for (const [i, x] of args.entries()) this.pushValue(x, type.params[i]);
    this.fp = 0;
    this.frames[0] = -1;
    this.frames[1] = 0;
    this.frames[2] = 0;
    this.depth = 1;
    this.used = 0;
    this.pc = m.funcEntry[f];
    this.gas = gasLimit;
    this.steps = 0;
    this.growRefusedByMachineLimit = false;
    this.revertCodeValue = 0;
    this.statusCode = RUNNING;
    this.resultTypes = type.results;
    const h = this.hasher;
    if (h !== undefined) {
      h.values.touch(0);
      h.frames.touch(0);
    }
  }

  /** The outcome of the call in progress, as `call` reports it (only once it is not running). */
  result(): RunResult {
    const status = this.statusCode;
    if (status === RUNNING) throw new Error("the machine is still running");
    if (status !== DONE) return { ok: false, trap: TRAPS[status], gasLeft: this.gas, steps: this.steps };
    const values: Value[] = [];
    for (const [i, t] of this.resultTypes.entries()) values.push(this.valueAt(2 * i, t));
    return { ok: true, values, gasLeft: this.gas, steps: this.steps };
  }

  /** Where the machine stands. */
  get status(): MachineStatus {
    const s = this.statusCode;
    if (s === RUNNING) return STATUS_RUNNING;
    if (s === TrapCode.OUT_OF_GAS) return STATUS_OUT_OF_GAS;
    if (s !== DONE) return { kind: "trapped", trap: TRAPS[s] };
    const values: Value[] = [];
    for (const [i, t] of this.resultTypes.entries()) values.push(this.valueAt(2 * i, t));
    return { kind: "halted", values };
  }

  /** Gas left in the call in progress (or the last one). */
  get gasLeft(): number {
    return this.gas;
  }

  /** Instructions executed by the call in progress (or the last one). */
  get stepCount(): number {
    return this.steps;
  }

  /** The code the engine passed to optio.revert, when the status is the trap "revert" (else 0). */
  get revertCode(): number {
    return this.revertCodeValue;
  }

  /**
   * Read-only view of the registers, arrays and hasher for the one-step proof generator
   * (prover/proof/stepProof.ts). Hashes first, so the hasher's links and levels are current.
   */
  proofView(): MachineView {
    this.hash();
    return {
      pc: this.pc,
      sp: this.sp >> 1,
      fp: this.fp >> 1,
      used: this.used,
      depth: this.depth,
      gas: this.gas,
      stack: this.stack,
      frames: this.frames,
      globals: this.globals,
      memory: this.memory,
      table: this.table,
      globalState: this.globalState,
      hasher: this.hasher as MachineHasher,
    };
  }

  /** Program counter (the next instruction to run). */
  get programCounter(): number {
    return this.pc;
  }

  /** Value `i` of the value stack (0 = bottom) as its 64-bit word, unsigned (an i32 is zero-extended). */
  stackWord(i: number): bigint {
    return (BigInt(this.stack[2 * i + 1] >>> 0) << 32n) | BigInt(this.stack[2 * i] >>> 0);
  }

  /** Values on the value stack. */
  get stackDepth(): number {
    return this.sp / 2;
  }

  /**
   * Execute exactly one flat instruction (or stop at its block's gas charge: out of gas)
   * and return the status. Does nothing once the machine is not running.
   */
  step(): MachineStatus {
    if (this.statusCode !== RUNNING) return this.status;
    const h = this.hasher;
    if (h === undefined) {
      this.statusCode = this.run(this.steps + 1);
      return this.statusCode === RUNNING ? STATUS_RUNNING : this.status;
    }
    const m = this.module;
    const pc = this.pc;
    const op = m.ops[pc];
    const spBefore = this.sp >> 1;
    const fpBefore = this.fp >> 1;
    const depthBefore = this.depth;
    let ea = -1;
    let width = 0;
    if (op >= 0x36 && op <= 0x3e) {
      ea = (this.stack[this.sp - 4] >>> 0) + (m.a[pc] >>> 0);
      width = STORE_WIDTH[op - 0x36];
    }
    const code = this.run(this.steps + 1);
    this.statusCode = code;
    if (code !== RUNNING && code !== DONE) return this.status;
    // What the instruction may have written, for the incremental hash.
    const spAfter = this.sp >> 1;
    let written = Math.min(spBefore, spAfter) - 1;
    switch (op) {
      case Op.ENTER:
        written = spBefore;
        break;
      case 0x21: // local.set
      case 0x22: // local.tee
        written = fpBefore + m.a[pc];
        break;
      case Op.RETURN:
        written = spAfter - m.a[pc];
        break;
      case Op.BR:
      case Op.BR_IF:
        written = spAfter - m.b[pc];
        break;
      case Op.CALL_HOST:
        written = spAfter - m.funcTypes[m.a[pc]].results.length;
        break;
      case Op.CALL_INDIRECT:
        if (this.pc === pc + 1) written = 0; // a host function through the table
        h.frames.touch(depthBefore);
        break;
      case Op.CALL:
        h.frames.touch(depthBefore);
        break;
      case 0x24: // global.set
        h.touchGlobal(m.a[pc]);
        break;
    }
    h.values.touch(written);
    if (width !== 0) h.memory.touch(ea >>> 5, (ea + width - 1) >>> 5);
    return code === RUNNING ? STATUS_RUNNING : this.status;
  }

  /**
   * Run the call in progress unhashed until `stepCount` reaches `steps` or it stops, at the speed of
   * runToEnd: for a dispute that needs the machine hash only at some steps (the next hash() rebuilds
   * the trees once instead of tracking every step).
   */
  runUntil(steps: number): MachineStatus {
    if (this.statusCode === RUNNING && this.steps < steps) {
      this.statusCode = this.run(steps);
      this.hasher?.invalidate();
    }
    return this.status;
  }

  /** Run the call in progress until it halts or traps (as `call` would have). */
  runToEnd(): RunResult {
    if (this.statusCode === RUNNING) {
      this.statusCode = this.run(Number.POSITIVE_INFINITY);
      this.hasher?.invalidate();
    }
    return this.result();
  }

  /** Set the global-state inputs (32 bytes each) that the state hash commits to. */
  setGlobalState(inputs: Partial<GlobalStateInputs>): void {
    for (const [k, v] of Object.entries(inputs)) {
      if (v.length !== 32) throw new Error(`${k}: expected 32 bytes, got ${v.length}`);
    }
    this.globalState = { ...this.globalState, ...inputs };
    this.globalStateVersion++;
  }

  /** A copy of the whole machine state. */
  snapshot(): MachineSnapshot {
    return {
      regs: Float64Array.of(
        this.pc,
        this.sp,
        this.fp,
        this.depth,
        this.used,
        this.gas,
        this.steps,
        this.statusCode,
        this.growRefusedByMachineLimit ? 1 : 0,
        this.revertCodeValue,
      ),
      stack: this.stack.slice(0, this.sp),
      frames: this.frames.slice(0, 3 * this.depth),
      globals: this.globals.slice(),
      memory: this.memory.slice(),
      resultTypes: this.resultTypes,
      globalState: { ...this.globalState },
    };
  }

  /** Put the machine back in a state `snapshot()` took (of this instance); the snapshot stays usable. */
  restore(snap: MachineSnapshot): void {
    const r = snap.regs;
    [this.pc, this.sp, this.fp, this.depth, this.used, this.gas, this.steps, this.statusCode] = r;
    this.growRefusedByMachineLimit = r[8] === 1;
    this.revertCodeValue = r[9] ?? 0;
    this.stack.set(snap.stack);
    this.frames.set(snap.frames);
    this.globals.set(snap.globals);
    this.memory = snap.memory.slice();
    this.view = new DataView(this.memory.buffer);
    this.resultTypes = snap.resultTypes;
    this.globalState = { ...snap.globalState };
    this.globalStateVersion++;
    this.hasher?.invalidate();
  }

  /**
   * The machine-state hash (docs/machine.md, "Machine state hash"), 32 bytes. The first call
   * builds the trees; from then on steps record what they change. Writes to `memory` or
   * `globals` from outside the interpreter are not tracked: `restore(snapshot())` after them.
   */
  hash(): Uint8Array {
    let h = this.hasher;
    if (h === undefined) {
      h = new MachineHasher(this.module, this.table, this.globals.length / 2);
      this.hasher = h;
    }
    const s = this.statusCode;
    const status =
      s === RUNNING
        ? Status.RUNNING
        : s === DONE
          ? Status.HALTED
          : s === TrapCode.OUT_OF_GAS
            ? Status.OUT_OF_GAS
            : Status.TRAPPED;
    return h.hash(
      {
        status,
        trap: status === Status.TRAPPED || status === Status.OUT_OF_GAS ? s : 0,
        pc: this.pc,
        sp: this.sp >> 1,
        fp: this.fp >> 1,
        used: this.used,
        depth: this.depth,
        gas: this.gas,
        stack: this.stack,
        frames: this.frames,
        globals: this.globals,
        memory: this.memory,
        tableSize: this.table.length,
        revertCode: this.revertCodeValue,
      },
      this.globalState,
      this.globalStateVersion,
    );
  }

  /**
   * The preimage of `hash()` now: 0x10 || status word || value-stack hash || frame-stack hash ||
   * globals root || memory root || code root || table root || global-state hash (257 bytes, a copy).
   */
  hashPreimage(): Uint8Array {
    this.hash();
    return this.hasher!.lastPreimage();
  }

  /** Read global `i` as a Value. */
  global(i: number): Value {
    return this.valueFrom(this.globals, 2 * i, this.module.globalTypes[i] as ValType);
  }

  private pushValue(x: Value, t: ValType): void {
    const s = this.stack;
    if (t === I64) {
      const v = BigInt.asIntN(64, BigInt(x));
      s[this.sp] = Number(BigInt.asIntN(32, v));
      s[this.sp + 1] = Number(BigInt.asIntN(32, v >> 32n));
    } else {
      s[this.sp] = Number(x) | 0;
      s[this.sp + 1] = 0;
    }
    this.sp += 2;
  }

  private valueAt(slot: number, t: ValType): Value {
    return this.valueFrom(this.stack, slot, t);
  }

  private valueFrom(s: Int32Array, slot: number, t: ValType): Value {
    if (t === I64) return (BigInt(s[slot + 1]) << 32n) | BigInt(s[slot] >>> 0);
    return s[slot];
  }

  /** Grow memory by `delta` pages; the old size in pages, or -1 (the memory stays as it is). */
  private grow(delta: number): number {
    const old = this.memory.length / PAGE;
    const limits = this.module.memory;
    if (limits === undefined || delta > limits.max - old) {
      if (limits !== undefined && delta <= limits.declaredMax - old) this.growRefusedByMachineLimit = true;
      return -1;
    }
    if (delta > 0) {
      const next = new Uint8Array((old + delta) * PAGE);
      next.set(this.memory);
      this.memory = next;
      this.view = new DataView(next.buffer);
    }
    return old;
  }

  /** Host call with the arguments on top of the stack; returns a trap code or -1. */
  private callHost(index: number): number {
    const m = this.module;
    const type = m.funcTypes[index];
    const n = type.params.length;
    const base = this.sp - 2 * n;
    const args: Value[] = [];
    for (let i = 0; i < n; i++) args.push(this.valueAt(base + 2 * i, type.params[i]));
    const r = this.hosts[index](args, this.hostContext);
    if (!Array.isArray(r)) {
      if (r.trap === "revert") this.revertCodeValue = (r.code ?? 0) >>> 0;
      return TRAPS.indexOf(r.trap);
    }
    this.sp = base;
    for (const [i, t] of type.results.entries()) this.pushValue(r[i], t);
    return -1;
  }

  /**
   * Run until the outermost frame returns, a trap, or `maxSteps` steps. Returns
   * DONE, RUNNING (paused by the step limit) or a trap code. The hot loop.
   */
  private run(maxSteps: number): number {
    const m = this.module;
    const ops = m.ops;
    const A = m.a;
    const B = m.b;
    const C = m.c;
    const G = m.gas;
    const s = this.stack;
    const frames = this.frames;
    const globals = this.globals;
    let mem = this.memory;
    let view = this.view;
    let memSize = mem.length;
    let pc = this.pc;
    let t = this.sp;
    let fp = this.fp;
    let depth = this.depth;
    let used = this.used;
    let gas = this.gas;
    let steps = this.steps;
    const stepLimit = maxSteps;
    let status = RUNNING;

    loop: for (;;) {
      if (steps >= stepLimit) break;
      const g = G[pc];
      if (g !== 0) {
        if (gas < g) {
          status = TrapCode.OUT_OF_GAS;
          break;
        }
        gas -= g;
      }
      steps++;
      switch (ops[pc]) {
        // ------------------------------------------------ control
        case Op.UNREACHABLE:
          status = TrapCode.UNREACHABLE;
          break loop;
        case Op.ENTER: {
          const locals = B[pc];
          used += A[pc] + locals + C[pc];
          if (used > MAX_VALUE_STACK) {
            status = TrapCode.STACK_EXHAUSTED;
            break loop;
          }
          fp = t - 2 * A[pc];
          s.fill(0, t, t + 2 * locals);
          t += 2 * locals;
          pc++;
          break;
        }
        case Op.BR_UNLESS:
          t -= 2;
          pc = s[t] === 0 ? A[pc] : pc + 1;
          break;
        case Op.BR_IF: {
          t -= 2;
          if (s[t] === 0) {
            pc++;
            break;
          }
          const drop = C[pc];
          if (drop !== 0) {
            const from = t - 2 * B[pc];
            s.copyWithin(from - 2 * drop, from, t);
            t -= 2 * drop;
          }
          pc = A[pc];
          break;
        }
        case Op.BR: {
          const drop = C[pc];
          if (drop !== 0) {
            const from = t - 2 * B[pc];
            s.copyWithin(from - 2 * drop, from, t);
            t -= 2 * drop;
          }
          pc = A[pc];
          break;
        }
        case Op.BR_TABLE: {
          t -= 2;
          const i = s[t] >>> 0;
          const n = A[pc];
          pc += 1 + Math.min(i, n);
          break;
        }
        case Op.RETURN: {
          const n = 2 * A[pc];
          if (n !== 0 && fp !== t - n) s.copyWithin(fp, t - n, t);
          t = fp + n;
          depth--;
          pc = frames[3 * depth];
          fp = frames[3 * depth + 1];
          used = frames[3 * depth + 2];
          if (pc < 0) {
            status = DONE;
            break loop;
          }
          break;
        }
        case Op.CALL:
          if (depth >= MAX_CALL_DEPTH) {
            status = TrapCode.STACK_EXHAUSTED;
            break loop;
          }
          frames[3 * depth] = pc + 1;
          frames[3 * depth + 1] = fp;
          frames[3 * depth + 2] = used;
          depth++;
          pc = A[pc];
          break;
        case Op.CALL_INDIRECT: {
          t -= 2;
          const i = s[t] >>> 0;
          const table = this.table;
          if (i >= table.length) {
            status = TrapCode.UNDEFINED_ELEMENT;
            break loop;
          }
          const f = table[i];
          if (f < 0) {
            status = TrapCode.UNINITIALIZED_ELEMENT;
            break loop;
          }
          if (m.funcSigId[f] !== A[pc]) {
            status = TrapCode.SIGNATURE_MISMATCH;
            break loop;
          }
          if (m.stubs[f] !== undefined) {
            status = TrapCode.OUT_OF_PROFILE;
            break loop;
          }
          if (f < m.imports.length) {
            this.sp = t;
            this.gas = gas;
            const r = this.callHost(f);
            gas = this.gas;
            if (r >= 0) {
              // Out of gas in a host call executes nothing: like a block's, it is not a step.
              if (r === TrapCode.OUT_OF_GAS) steps--;
              status = r;
              break loop;
            }
            t = this.sp;
            pc++;
            break;
          }
          if (depth >= MAX_CALL_DEPTH) {
            status = TrapCode.STACK_EXHAUSTED;
            break loop;
          }
          frames[3 * depth] = pc + 1;
          frames[3 * depth + 1] = fp;
          frames[3 * depth + 2] = used;
          depth++;
          pc = m.funcEntry[f];
          break;
        }
        case Op.CALL_HOST: {
          this.sp = t;
          this.gas = gas;
          const r = this.callHost(A[pc]);
          gas = this.gas;
          if (r >= 0) {
            // Out of gas in a host call executes nothing: like a block's, it is not a step.
            if (r === TrapCode.OUT_OF_GAS) steps--;
            status = r;
            break loop;
          }
          t = this.sp;
          pc++;
          break;
        }
        case Op.STUB:
          status = TrapCode.OUT_OF_PROFILE;
          break loop;

        // ------------------------------------------------ parametric and variables
        case 0x1a: // drop
          t -= 2;
          pc++;
          break;
        case 0x1b: // select
          t -= 4;
          if (s[t + 2] === 0) {
            s[t - 2] = s[t];
            s[t - 1] = s[t + 1];
          }
          pc++;
          break;
        case 0x20: {
          // local.get
          const l = fp + 2 * A[pc];
          s[t] = s[l];
          s[t + 1] = s[l + 1];
          t += 2;
          pc++;
          break;
        }
        case 0x21: {
          // local.set
          const l = fp + 2 * A[pc];
          t -= 2;
          s[l] = s[t];
          s[l + 1] = s[t + 1];
          pc++;
          break;
        }
        case 0x22: {
          // local.tee
          const l = fp + 2 * A[pc];
          s[l] = s[t - 2];
          s[l + 1] = s[t - 1];
          pc++;
          break;
        }
        case 0x23: {
          // global.get
          const gi = 2 * A[pc];
          s[t] = globals[gi];
          s[t + 1] = globals[gi + 1];
          t += 2;
          pc++;
          break;
        }
        case 0x24: {
          // global.set
          const gi = 2 * A[pc];
          t -= 2;
          globals[gi] = s[t];
          globals[gi + 1] = s[t + 1];
          pc++;
          break;
        }

        // ------------------------------------------------ memory
        case 0x28: {
          // i32.load
          const ea = (s[t - 2] >>> 0) + (A[pc] >>> 0);
          if (ea + 4 > memSize) {
            status = TrapCode.OUT_OF_BOUNDS;
            break loop;
          }
          s[t - 2] = view.getInt32(ea, true);
          s[t - 1] = 0;
          pc++;
          break;
        }
        case 0x29: {
          // i64.load
          const ea = (s[t - 2] >>> 0) + (A[pc] >>> 0);
          if (ea + 8 > memSize) {
            status = TrapCode.OUT_OF_BOUNDS;
            break loop;
          }
          s[t - 2] = view.getInt32(ea, true);
          s[t - 1] = view.getInt32(ea + 4, true);
          pc++;
          break;
        }
        case 0x2c: // i32.load8_s
        case 0x2d: // i32.load8_u
        case 0x30: // i64.load8_s
        case 0x31: {
          // i64.load8_u
          const ea = (s[t - 2] >>> 0) + (A[pc] >>> 0);
          if (ea + 1 > memSize) {
            status = TrapCode.OUT_OF_BOUNDS;
            break loop;
          }
          const op = ops[pc];
          const x = op === 0x2c || op === 0x30 ? (mem[ea] << 24) >> 24 : mem[ea];
          s[t - 2] = x;
          s[t - 1] = op >= 0x30 ? x >> 31 : 0;
          pc++;
          break;
        }
        case 0x2e: // i32.load16_s
        case 0x2f: // i32.load16_u
        case 0x32: // i64.load16_s
        case 0x33: {
          // i64.load16_u
          const ea = (s[t - 2] >>> 0) + (A[pc] >>> 0);
          if (ea + 2 > memSize) {
            status = TrapCode.OUT_OF_BOUNDS;
            break loop;
          }
          const op = ops[pc];
          const x = op === 0x2e || op === 0x32 ? view.getInt16(ea, true) : view.getUint16(ea, true);
          s[t - 2] = x;
          s[t - 1] = op >= 0x32 ? x >> 31 : 0;
          pc++;
          break;
        }
        case 0x34: // i64.load32_s
        case 0x35: {
          // i64.load32_u
          const ea = (s[t - 2] >>> 0) + (A[pc] >>> 0);
          if (ea + 4 > memSize) {
            status = TrapCode.OUT_OF_BOUNDS;
            break loop;
          }
          const x = view.getInt32(ea, true);
          s[t - 2] = x;
          s[t - 1] = ops[pc] === 0x34 ? x >> 31 : 0;
          pc++;
          break;
        }
        case 0x36: // i32.store
        case 0x3e: {
          // i64.store32
          const ea = (s[t - 4] >>> 0) + (A[pc] >>> 0);
          if (ea + 4 > memSize) {
            status = TrapCode.OUT_OF_BOUNDS;
            break loop;
          }
          view.setInt32(ea, s[t - 2], true);
          t -= 4;
          pc++;
          break;
        }
        case 0x37: {
          // i64.store
          const ea = (s[t - 4] >>> 0) + (A[pc] >>> 0);
          if (ea + 8 > memSize) {
            status = TrapCode.OUT_OF_BOUNDS;
            break loop;
          }
          view.setInt32(ea, s[t - 2], true);
          view.setInt32(ea + 4, s[t - 1], true);
          t -= 4;
          pc++;
          break;
        }
        case 0x3a: // i32.store8
        case 0x3c: {
          // i64.store8
          const ea = (s[t - 4] >>> 0) + (A[pc] >>> 0);
          if (ea + 1 > memSize) {
            status = TrapCode.OUT_OF_BOUNDS;
            break loop;
          }
          mem[ea] = s[t - 2];
          t -= 4;
          pc++;
          break;
        }
        case 0x3b: // i32.store16
        case 0x3d: {
          // i64.store16
          const ea = (s[t - 4] >>> 0) + (A[pc] >>> 0);
          if (ea + 2 > memSize) {
            status = TrapCode.OUT_OF_BOUNDS;
            break loop;
          }
          view.setInt16(ea, s[t - 2], true);
          t -= 4;
          pc++;
          break;
        }
        case 0x3f: // memory.size
          s[t] = memSize / PAGE;
          s[t + 1] = 0;
          t += 2;
          pc++;
          break;
        case 0x40: {
          // memory.grow
          s[t - 2] = this.grow(s[t - 2] >>> 0);
          s[t - 1] = 0;
          mem = this.memory;
          view = this.view;
          memSize = mem.length;
          pc++;
          break;
        }

        // ------------------------------------------------ constants
        case 0x41:
          s[t] = A[pc];
          s[t + 1] = 0;
          t += 2;
          pc++;
          break;
        case 0x42:
          s[t] = A[pc];
          s[t + 1] = B[pc];
          t += 2;
          pc++;
          break;

        // ------------------------------------------------ i32 comparisons
        case 0x45:
          s[t - 2] = s[t - 2] === 0 ? 1 : 0;
          s[t - 1] = 0;
          pc++;
          break;
        case 0x46:
          t -= 2;
          s[t - 2] = s[t - 2] === s[t] ? 1 : 0;
          s[t - 1] = 0;
          pc++;
          break;
        case 0x47:
          t -= 2;
          s[t - 2] = s[t - 2] !== s[t] ? 1 : 0;
          s[t - 1] = 0;
          pc++;
          break;
        case 0x48:
          t -= 2;
          s[t - 2] = s[t - 2] < s[t] ? 1 : 0;
          s[t - 1] = 0;
          pc++;
          break;
        case 0x49:
          t -= 2;
          s[t - 2] = s[t - 2] >>> 0 < s[t] >>> 0 ? 1 : 0;
          s[t - 1] = 0;
          pc++;
          break;
        case 0x4a:
          t -= 2;
          s[t - 2] = s[t - 2] > s[t] ? 1 : 0;
          s[t - 1] = 0;
          pc++;
          break;
        case 0x4b:
          t -= 2;
          s[t - 2] = s[t - 2] >>> 0 > s[t] >>> 0 ? 1 : 0;
          s[t - 1] = 0;
          pc++;
          break;
        case 0x4c:
          t -= 2;
          s[t - 2] = s[t - 2] <= s[t] ? 1 : 0;
          s[t - 1] = 0;
          pc++;
          break;
        case 0x4d:
          t -= 2;
          s[t - 2] = s[t - 2] >>> 0 <= s[t] >>> 0 ? 1 : 0;
          s[t - 1] = 0;
          pc++;
          break;
        case 0x4e:
          t -= 2;
          s[t - 2] = s[t - 2] >= s[t] ? 1 : 0;
          s[t - 1] = 0;
          pc++;
          break;
        case 0x4f:
          t -= 2;
          s[t - 2] = s[t - 2] >>> 0 >= s[t] >>> 0 ? 1 : 0;
          s[t - 1] = 0;
          pc++;
          break;

        // ------------------------------------------------ i64 comparisons
        case 0x50:
          s[t - 2] = s[t - 2] === 0 && s[t - 1] === 0 ? 1 : 0;
          s[t - 1] = 0;
          pc++;
          break;
        case 0x51:
          t -= 2;
          s[t - 2] = s[t - 2] === s[t] && s[t - 1] === s[t + 1] ? 1 : 0;
          s[t - 1] = 0;
          pc++;
          break;
        case 0x52:
          t -= 2;
          s[t - 2] = s[t - 2] !== s[t] || s[t - 1] !== s[t + 1] ? 1 : 0;
          s[t - 1] = 0;
          pc++;
          break;
        case 0x53: // lt_s
        case 0x54: // lt_u
        case 0x55: // gt_s
        case 0x56: // gt_u
        case 0x57: // le_s
        case 0x58: // le_u
        case 0x59: // ge_s
        case 0x5a: {
          // ge_u
          t -= 2;
          const op = ops[pc];
          const signed = (op & 1) === 1;
          const xh = s[t - 1];
          const yh = s[t + 1];
          // -1, 0, 1 as x <, =, > y: high halves compare signed or unsigned, low halves always unsigned.
          let cmp: number;
          if (xh !== yh) cmp = (signed ? xh < yh : xh >>> 0 < yh >>> 0) ? -1 : 1;
          else {
            const xl = s[t - 2] >>> 0;
            const yl = s[t] >>> 0;
            cmp = xl < yl ? -1 : xl > yl ? 1 : 0;
          }
          s[t - 2] =
            op <= 0x54 ? +(cmp < 0) : op <= 0x56 ? +(cmp > 0) : op <= 0x58 ? +(cmp <= 0) : +(cmp >= 0);
          s[t - 1] = 0;
          pc++;
          break;
        }

        // ------------------------------------------------ i32 arithmetic
        case 0x67:
          s[t - 2] = Math.clz32(s[t - 2]);
          s[t - 1] = 0;
          pc++;
          break;
        case 0x68:
          s[t - 2] = ctz32(s[t - 2]);
          s[t - 1] = 0;
          pc++;
          break;
        case 0x69:
          s[t - 2] = popcnt32(s[t - 2]);
          s[t - 1] = 0;
          pc++;
          break;
        case 0x6a:
          t -= 2;
          s[t - 2] = s[t - 2] + s[t];
          s[t - 1] = 0;
          pc++;
          break;
        case 0x6b:
          t -= 2;
          s[t - 2] = s[t - 2] - s[t];
          s[t - 1] = 0;
          pc++;
          break;
        case 0x6c:
          t -= 2;
          s[t - 2] = Math.imul(s[t - 2], s[t]);
          s[t - 1] = 0;
          pc++;
          break;
        case 0x6d: {
          // div_s
          t -= 2;
          const x = s[t - 2];
          const y = s[t];
          if (y === 0) {
            status = TrapCode.DIVIDE_BY_ZERO;
            break loop;
          }
          if (x === -2147483648 && y === -1) {
            status = TrapCode.INTEGER_OVERFLOW;
            break loop;
          }
          s[t - 2] = x / y;
          s[t - 1] = 0;
          pc++;
          break;
        }
        case 0x6e: {
          // div_u
          t -= 2;
          const y = s[t] >>> 0;
          if (y === 0) {
            status = TrapCode.DIVIDE_BY_ZERO;
            break loop;
          }
          s[t - 2] = (s[t - 2] >>> 0) / y;
          s[t - 1] = 0;
          pc++;
          break;
        }
        case 0x6f: {
          // rem_s (INT_MIN % -1 is 0, no trap)
          t -= 2;
          const y = s[t];
          if (y === 0) {
            status = TrapCode.DIVIDE_BY_ZERO;
            break loop;
          }
          s[t - 2] = s[t - 2] % y;
          s[t - 1] = 0;
          pc++;
          break;
        }
        case 0x70: {
          // rem_u
          t -= 2;
          const y = s[t] >>> 0;
          if (y === 0) {
            status = TrapCode.DIVIDE_BY_ZERO;
            break loop;
          }
          s[t - 2] = (s[t - 2] >>> 0) % y;
          s[t - 1] = 0;
          pc++;
          break;
        }
        case 0x71:
          t -= 2;
          s[t - 2] &= s[t];
          s[t - 1] = 0;
          pc++;
          break;
        case 0x72:
          t -= 2;
          s[t - 2] |= s[t];
          s[t - 1] = 0;
          pc++;
          break;
        case 0x73:
          t -= 2;
          s[t - 2] ^= s[t];
          s[t - 1] = 0;
          pc++;
          break;
        case 0x74:
          t -= 2;
          s[t - 2] <<= s[t];
          s[t - 1] = 0;
          pc++;
          break;
        case 0x75:
          t -= 2;
          s[t - 2] >>= s[t];
          s[t - 1] = 0;
          pc++;
          break;
        case 0x76:
          t -= 2;
          s[t - 2] >>>= s[t];
          s[t - 1] = 0;
          pc++;
          break;
        case 0x77: {
          t -= 2;
          const x = s[t - 2];
          const k = s[t] & 31;
          s[t - 2] = (x << k) | (x >>> (32 - k));
          s[t - 1] = 0;
          pc++;
          break;
        }
        case 0x78: {
          t -= 2;
          const x = s[t - 2];
          const k = s[t] & 31;
          s[t - 2] = (x >>> k) | (x << (32 - k));
          s[t - 1] = 0;
          pc++;
          break;
        }

        // ------------------------------------------------ i64 arithmetic
        case 0x79: {
          const h = s[t - 1];
          s[t - 2] = h !== 0 ? Math.clz32(h) : 32 + Math.clz32(s[t - 2]);
          s[t - 1] = 0;
          pc++;
          break;
        }
        case 0x7a: {
          const l = s[t - 2];
          s[t - 2] = l !== 0 ? ctz32(l) : 32 + ctz32(s[t - 1]);
          s[t - 1] = 0;
          pc++;
          break;
        }
        case 0x7b:
          s[t - 2] = popcnt32(s[t - 2]) + popcnt32(s[t - 1]);
          s[t - 1] = 0;
          pc++;
          break;
        case 0x7c: {
          // add: carry out of the unsigned low halves
          t -= 2;
          const xl = s[t - 2] >>> 0;
          const sum = xl + (s[t] >>> 0);
          s[t - 2] = sum;
          s[t - 1] = s[t - 1] + s[t + 1] + (sum > 0xffffffff ? 1 : 0);
          pc++;
          break;
        }
        case 0x7d: {
          // sub: borrow when the unsigned low half of x is smaller
          t -= 2;
          const xl = s[t - 2] >>> 0;
          const yl = s[t] >>> 0;
          s[t - 2] = xl - yl;
          s[t - 1] = s[t - 1] - s[t + 1] - (xl < yl ? 1 : 0);
          pc++;
          break;
        }
        case 0x7e: {
          // mul: low 64 bits from 16-bit partial products (exact in doubles)
          t -= 2;
          const xl = s[t - 2];
          const yl = s[t];
          const a0 = xl & 0xffff;
          const a1 = xl >>> 16;
          const b0 = yl & 0xffff;
          const b1 = yl >>> 16;
          const p00 = a0 * b0;
          const p01 = a0 * b1;
          const p10 = a1 * b0;
          const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
          const carry = a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16);
          s[t - 2] = ((mid & 0xffff) << 16) | (p00 & 0xffff);
          s[t - 1] = (carry + Math.imul(xl, s[t + 1]) + Math.imul(s[t - 1], yl)) | 0;
          pc++;
          break;
        }
        case 0x7f: // div_s
        case 0x80: // div_u
        case 0x81: // rem_s
        case 0x82: {
          // rem_u: rare enough in the engine for BigInt; a double fast path was not worth its edge cases
          t -= 2;
          const yl = s[t];
          const yh = s[t + 1];
          if (yl === 0 && yh === 0) {
            status = TrapCode.DIVIDE_BY_ZERO;
            break loop;
          }
          const op = ops[pc];
          const xl = s[t - 2];
          const xh = s[t - 1];
          let r: bigint;
          if (op === 0x7f || op === 0x81) {
            if (op === 0x7f && xh === -2147483648 && xl === 0 && yh === -1 && yl === -1) {
              status = TrapCode.INTEGER_OVERFLOW;
              break loop;
            }
            const x = (BigInt(xh) << 32n) | BigInt(xl >>> 0);
            const y = (BigInt(yh) << 32n) | BigInt(yl >>> 0);
            r = op === 0x7f ? x / y : x % y;
          } else {
            const x = (BigInt(xh >>> 0) << 32n) | BigInt(xl >>> 0);
            const y = (BigInt(yh >>> 0) << 32n) | BigInt(yl >>> 0);
            r = op === 0x80 ? x / y : x % y;
          }
          s[t - 2] = Number(BigInt.asIntN(32, r));
          s[t - 1] = Number(BigInt.asIntN(32, r >> 32n));
          pc++;
          break;
        }
        case 0x83:
          t -= 2;
          s[t - 2] &= s[t];
          s[t - 1] &= s[t + 1];
          pc++;
          break;
        case 0x84:
          t -= 2;
          s[t - 2] |= s[t];
          s[t - 1] |= s[t + 1];
          pc++;
          break;
        case 0x85:
          t -= 2;
          s[t - 2] ^= s[t];
          s[t - 1] ^= s[t + 1];
          pc++;
          break;
        case 0x86: {
          // shl
          t -= 2;
          const k = s[t] & 63;
          const l = s[t - 2];
          if (k >= 32) {
            s[t - 1] = l << (k - 32);
            s[t - 2] = 0;
          } else if (k !== 0) {
            s[t - 1] = (s[t - 1] << k) | (l >>> (32 - k));
            s[t - 2] = l << k;
          }
          pc++;
          break;
        }
        case 0x87: {
          // shr_s
          t -= 2;
          const k = s[t] & 63;
          const h = s[t - 1];
          if (k >= 32) {
            s[t - 2] = h >> (k - 32);
            s[t - 1] = h >> 31;
          } else if (k !== 0) {
            s[t - 2] = (s[t - 2] >>> k) | (h << (32 - k));
            s[t - 1] = h >> k;
          }
          pc++;
          break;
        }
        case 0x88: {
          // shr_u
          t -= 2;
          const k = s[t] & 63;
          const h = s[t - 1];
          if (k >= 32) {
            s[t - 2] = h >>> (k - 32);
            s[t - 1] = 0;
          } else if (k !== 0) {
            s[t - 2] = (s[t - 2] >>> k) | (h << (32 - k));
            s[t - 1] = h >>> k;
          }
          pc++;
          break;
        }
        case 0x89: // rotl
        case 0x8a: {
          // rotr: rotr by k is rotl by 64 - k
          t -= 2;
          let k = s[t] & 63;
          if (ops[pc] === 0x8a) k = (64 - k) & 63;
          let l = s[t - 2];
          let h = s[t - 1];
          if (k >= 32) {
            const x = l;
            l = h;
            h = x;
            k -= 32;
          }
          if (k !== 0) {
            const nh = (h << k) | (l >>> (32 - k));
            l = (l << k) | (h >>> (32 - k));
            h = nh;
          }
          s[t - 2] = l;
          s[t - 1] = h;
          pc++;
          break;
        }

        // ------------------------------------------------ conversions and sign extension
        case 0xa7: // i32.wrap_i64: the low half already is the result
          s[t - 1] = 0;
          pc++;
          break;
        case 0xac: // i64.extend_i32_s
          s[t - 1] = s[t - 2] >> 31;
          pc++;
          break;
        case 0xad: // i64.extend_i32_u
          s[t - 1] = 0;
          pc++;
          break;
        case 0xc0: // i32.extend8_s
          s[t - 2] = (s[t - 2] << 24) >> 24;
          s[t - 1] = 0;
          pc++;
          break;
        case 0xc1: // i32.extend16_s
          s[t - 2] = (s[t - 2] << 16) >> 16;
          s[t - 1] = 0;
          pc++;
          break;
        case 0xc2: {
          // i64.extend8_s
          const x = (s[t - 2] << 24) >> 24;
          s[t - 2] = x;
          s[t - 1] = x >> 31;
          pc++;
          break;
        }
        case 0xc3: {
          // i64.extend16_s
          const x = (s[t - 2] << 16) >> 16;
          s[t - 2] = x;
          s[t - 1] = x >> 31;
          pc++;
          break;
        }
        case 0xc4: // i64.extend32_s
          s[t - 1] = s[t - 2] >> 31;
          pc++;
          break;
        default:
          throw new Error(`internal: flat opcode 0x${ops[pc].toString(16)} at pc ${pc} has no handler`);
      }
    }
    this.pc = pc;
    this.sp = t;
    this.fp = fp;
    this.depth = depth;
    this.used = used;
    this.gas = gas;
    this.steps = steps;
    return status;
  }
}

function ctz32(x: number): number {
  return x === 0 ? 32 : 31 - Math.clz32(x & -x);
}

function popcnt32(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}
