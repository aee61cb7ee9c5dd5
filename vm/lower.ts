import { LimitError } from "./errors.ts";
import type { FlatModule } from "./FlatModule.ts";
import { gasCost, Op } from "./flatOps.ts";
import { MAX_CODE_LENGTH, MAX_MEMORY_PAGES, MAX_TABLE_SIZE, MAX_VALUE_STACK } from "./params.ts";
import { hostId } from "./proof/hostIds.ts";
import type { ValidatedModule } from "./validate.ts";
import type { ConstExpr, FuncType } from "./WasmModule.ts";

/**
 * Lower a validated module to one flat instruction list. Structured control
 * becomes jumps that carry their stack adjustment (BR: target, values kept,
 * values dropped), dead code after an unconditional branch is left out, each
 * function starts with ENTER, and gas is attached to the first instruction of
 * every basic block as the sum of the block's instruction costs.
 */
export function lowerModule(v: ValidatedModule): FlatModule {
  const m = v.module;
  const e = new Emitter();
  const nImports = m.imports.length;
  const funcCount = v.funcTypes.length;
  const funcEntry = new Int32Array(funcCount).fill(-1);
  const stubs = [...m.imports.map(() => undefined), ...v.stubs];

  // Entry pcs first, so that calls can name them: lower bodies in order and patch calls afterwards.
  const callSites: number[] = [];
  for (const [i, body] of m.bodies.entries()) {
    const f = nImports + i;
    funcEntry[f] = e.length;
    const stub = v.stubs[i];
    e.current = -1;
    if (stub !== undefined) {
      e.emit(Op.STUB, f, 0, 0);
      continue;
    }
    lowerBody(e, v, v.funcTypes[f], body.locals.length, body.code, v.heights[i], callSites);
    if (e.length > MAX_CODE_LENGTH)
      throw new LimitError("flat code length", MAX_CODE_LENGTH, e.length, body.offset);
  }
  for (const pc of callSites) {
    const f = e.a[pc];
    if (f < nImports) {
      e.ops[pc] = Op.CALL_HOST;
      e.b[pc] = hostId(m.imports[f].module, m.imports[f].name); // the code root commits to which host function
    } else {
      e.a[pc] = funcEntry[f];
      e.b[pc] = f;
    }
  }

  // memory.grow carries the memory's maximum (capped) in `a`: a one-step proof learns it from the code root.
  const memoryMax = m.memory === undefined ? 0 : Math.min(m.memory.max ?? MAX_MEMORY_PAGES, MAX_MEMORY_PAGES);
  for (let pc = 0; pc < e.length; pc++) if (e.ops[pc] === 0x40) e.a[pc] = memoryMax;

  const n = e.length;
  const gas = computeGas(e, n, funcEntry, nImports);
  const funcSigId = new Int32Array(funcCount);
  const typeIndexOf = [...m.imports.map((x) => x.typeIndex), ...m.funcs];
  for (let f = 0; f < funcCount; f++) funcSigId[f] = v.typeIds[typeIndexOf[f]];

  const globalInit = new Int32Array(2 * m.globals.length);
  const globalTypes = new Uint8Array(m.globals.length);
  const evalConst = (x: ConstExpr): bigint =>
    x.op === 0x23 ? globalValue(globalInit, Number(x.value)) : BigInt.asIntN(64, x.value);
  for (const [i, g] of m.globals.entries()) {
    const value = evalConst(g.init);
    globalInit[2 * i] = Number(BigInt.asIntN(32, value));
    globalInit[2 * i + 1] = g.type === 0x7f ? 0 : Number(BigInt.asIntN(32, value >> 32n));
    globalTypes[i] = g.type;
  }
  const u32 = (x: ConstExpr) => Number(BigInt.asUintN(32, evalConst(x)));

  return {
    ops: e.ops.slice(0, n),
    a: e.a.slice(0, n),
    b: e.b.slice(0, n),
    c: e.c.slice(0, n),
    gas,
    src: e.src.slice(0, n),
    funcEntry,
    funcSigId,
    funcTypes: v.funcTypes,
    imports: m.imports,
    stubs,
    globalInit,
    globalTypes,
    memory:
      m.memory === undefined
        ? undefined
        : {
            min: m.memory.min,
            max: Math.min(m.memory.max ?? MAX_MEMORY_PAGES, MAX_MEMORY_PAGES),
            declaredMax: m.memory.max ?? 65_536,
          },
    table:
      m.table === undefined
        ? undefined
        : { min: m.table.min, max: Math.min(m.table.max ?? MAX_TABLE_SIZE, MAX_TABLE_SIZE) },
    elems: m.elems.map((s) => ({ offset: u32(s.offsetExpr), funcs: s.funcs })),
    datas: m.datas.map((s) => ({ offset: u32(s.offsetExpr), bytes: s.bytes })),
    exports: new Map(m.exports.map((x) => [x.name, { kind: x.kind, index: x.index }])),
    start: m.start,
  };
}

/**
 * Gas per instruction: each basic block's total on its leader. Leaders: function
 * entries, branch targets, the instruction after a branch, return, unreachable or
 * a br_table's entry list. br_table entries are not leaders and cost nothing
 * (GAS_BR_TABLE covers them); return costs nothing (GAS_CALL covers it). These
 * two rules keep every charge point at a place in the WebAssembly code where the
 * JIT runner can charge the same amount (meter.ts).
 */
function computeGas(e: Emitter, n: number, funcEntry: Int32Array, nImports: number): Int32Array {
  const gas = new Int32Array(n);
  const leader = new Uint8Array(n + 1);
  const entry = new Uint8Array(n);
  for (let f = nImports; f < funcEntry.length; f++) leader[funcEntry[f]] = 1;
  for (let pc = 0; pc < n; pc++) {
    const op = e.ops[pc];
    if (op === Op.BR_TABLE) {
      const last = pc + 1 + e.a[pc];
      for (let k = pc + 1; k <= last; k++) {
        entry[k] = 1;
        if (e.ops[k] === Op.BR) leader[e.a[k]] = 1;
      }
      leader[last + 1] = 1;
      pc = last;
    } else if (op === Op.BR || op === Op.BR_IF || op === Op.BR_UNLESS) {
      leader[e.a[pc]] = 1;
      leader[pc + 1] = 1;
    } else if (op === Op.RETURN || op === Op.UNREACHABLE || op === Op.STUB) {
      leader[pc + 1] = 1;
    }
  }
  let start = 0;
  for (let pc = 0; pc < n; pc++) {
    if (leader[pc]) start = pc;
    if (!entry[pc]) gas[start] += gasCost(e.ops[pc], e.b[pc]);
  }
  return gas;
}

function globalValue(init: Int32Array, i: number): bigint {
  return (BigInt(init[2 * i + 1]) << 32n) | BigInt(init[2 * i] >>> 0);
}

/** Growable parallel arrays of flat instructions. */
class Emitter {
  ops = new Uint8Array(1024);
  a = new Int32Array(1024);
  b = new Int32Array(1024);
  c = new Int32Array(1024);
  src = new Int32Array(1024);
  length = 0;
  /** Index of the WebAssembly instruction being lowered (-1: none, the prologue). */
  current = -1;

  emit(op: number, a: number, b: number, c: number): number {
    if (this.length === this.ops.length) this.grow();
    const pc = this.length++;
    this.ops[pc] = op;
    this.a[pc] = a;
    this.b[pc] = b;
    this.c[pc] = c;
    this.src[pc] = this.current;
    return pc;
  }

  private grow(): void {
    const size = this.ops.length * 2;
    const ops = new Uint8Array(size);
    ops.set(this.ops);
    this.ops = ops;
    for (const k of ["a", "b", "c", "src"] as const) {
      const next = new Int32Array(size);
      next.set(this[k]);
      this[k] = next;
    }
  }
}

interface Frame {
  /** 0x02 block, 0x03 loop, 0x04 if, 0x05 else, 0x10 the function body. */
  op: number;
  /** Operand height below the block's parameters. */
  height: number;
  params: number;
  results: number;
  /** Loop: pc of its first instruction (the branch target). */
  loopPc: number;
  /** Forward branches to the end, patched when the end is reached. */
  patches: number[];
  /** if: the BR_UNLESS to patch with the else (or end) pc; -1 once patched. */
  unlessPc: number;
  /** The block began in dead code: nothing in it is emitted. */
  dead: boolean;
}

function lowerBody(
  e: Emitter,
  v: ValidatedModule,
  t: FuncType,
  declaredLocals: number,
  code: readonly { op: number; a: number; b: number; labels?: readonly number[] }[],
  heights: Int32Array,
  callSites: number[],
): void {
  const m = v.module;
  // ENTER's operand bound is the largest height of live code, known once the body is lowered.
  let maxHeight = t.results.length;
  const enterPc = e.emit(Op.ENTER, t.params.length, declaredLocals, 0);

  const frames: Frame[] = [
    {
      op: 0x10,
      height: 0,
      params: 0,
      results: t.results.length,
      loopPc: 0,
      patches: [],
      unlessPc: -1,
      dead: false,
    },
  ];
  let live = true;
  const arity = (bt: number): [number, number] => {
    if (bt === -64) return [0, 0];
    if (bt < 0) return [0, 1];
    const ft = m.types[bt];
    return [ft.params.length, ft.results.length];
  };
  /** Emit the jump for a branch to label `depth` from operand height `h` (as BR or RETURN). */
  const branch = (op: number, depth: number, h: number) => {
    const f = frames[frames.length - 1 - depth];
    if (f.op === 0x10) {
      if (op === Op.BR_IF) {
        // A conditional return: br_if over an unconditional RETURN would need two steps; keep one.
        const pc = e.emit(Op.BR_IF, 0, f.results, h - f.results);
        f.patches.push(pc);
      } else {
        e.emit(Op.RETURN, f.results, 0, 0);
      }
      return;
    }
    const keep = f.op === 0x03 ? f.params : f.results;
    const pc = e.emit(op, f.op === 0x03 ? f.loopPc : 0, keep, h - f.height - keep);
    if (f.op !== 0x03) f.patches.push(pc);
  };

  for (let i = 0; i < code.length; i++) {
    const ins = code[i];
    const op = ins.op;
    const top = frames[frames.length - 1];
    e.current = i;
    if (live && heights[i] > maxHeight) maxHeight = heights[i];
    switch (op) {
      case 0x02:
      case 0x03:
      case 0x04: {
        const [params, results] = arity(ins.a);
        if (!live) {
          frames.push({ op, height: 0, params, results, loopPc: 0, patches: [], unlessPc: -1, dead: true });
          break;
        }
        const h = heights[i] - (op === 0x04 ? 1 : 0) - params;
        const unlessPc = op === 0x04 ? e.emit(Op.BR_UNLESS, 0, 0, 0) : -1;
        frames.push({ op, height: h, params, results, loopPc: e.length, patches: [], unlessPc, dead: false });
        break;
      }
      case 0x05:
        if (!top.dead) {
          if (live) top.patches.push(e.emit(Op.BR, 0, top.results, 0));
          e.a[top.unlessPc] = e.length;
          top.unlessPc = -1;
          live = true;
        }
        top.op = 0x05;
        break;
      case 0x0b: {
        frames.pop();
        if (top.op === 0x10) {
          if (live) e.emit(Op.RETURN, top.results, 0, 0);
          // Conditional returns (br_if to the function label) jump to one shared RETURN.
          if (top.patches.length > 0) {
            const ret = e.emit(Op.RETURN, top.results, 0, 0);
            for (const pc of top.patches) e.a[pc] = ret;
          }
          break;
        }
        if (top.dead) break;
        if (top.unlessPc >= 0) {
          e.a[top.unlessPc] = e.length;
          live = true;
        }
        for (const pc of top.patches) e.a[pc] = e.length;
        if (top.patches.length > 0) live = true;
        break;
      }
      default: {
        if (!live) break;
        const h = heights[i];
        switch (op) {
          case 0x00:
            e.emit(Op.UNREACHABLE, 0, 0, 0);
            live = false;
            break;
          case 0x01:
            break;
          case 0x0c:
            branch(Op.BR, ins.a, h);
            live = false;
            break;
          case 0x0d:
            branch(Op.BR_IF, ins.a, h - 1);
            break;
          case 0x0e: {
            const labels = ins.labels!;
            e.emit(Op.BR_TABLE, labels.length - 1, 0, 0);
            for (const l of labels) branch(Op.BR, l, h - 1);
            live = false;
            break;
          }
          case 0x0f:
            e.emit(Op.RETURN, t.results.length, 0, 0);
            live = false;
            break;
          case 0x10:
            callSites.push(e.emit(Op.CALL, ins.a, 0, 0));
            break;
          case 0x11:
            e.emit(Op.CALL_INDIRECT, v.typeIds[ins.a], 0, 0);
            break;
          case 0x1c:
            e.emit(0x1b, 0, 0, 0); // select t behaves as select
            break;
          default:
            // Data and numeric instructions keep their opcode; a, b carry the immediate.
            e.emit(op, ins.a, ins.b, 0);
        }
      }
    }
  }
  const locals = t.params.length + declaredLocals;
  if (locals + maxHeight > MAX_VALUE_STACK) {
    throw new LimitError("values of one frame", MAX_VALUE_STACK, locals + maxHeight, 0);
  }
  e.c[enterPc] = maxHeight;
}
