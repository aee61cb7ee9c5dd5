import { InvalidModuleError, LimitError, OutOfProfileError } from "./errors.ts";
import { OPCODE_NAMES } from "./opcodes.ts";
import { MAX_MEMORY_PAGES, MAX_TABLE_SIZE } from "./params.ts";
import type { ConstExpr, FuncBody, FuncType, OutOfProfileUse, ValType, WasmModule } from "./WasmModule.ts";
import { I32, I64, valTypeName } from "./WasmModule.ts";

/** What validation learns and lowering needs. */
export interface ValidatedModule {
  readonly module: WasmModule;
  /** The type of every function, imports first (the function index space). */
  readonly funcTypes: readonly FuncType[];
  /** Per type index: the index of the first type with the same signature (call_indirect compares these). */
  readonly typeIds: readonly number[];
  /** Per defined function, per instruction: operand-stack height before it, or -1 in unreachable code. */
  readonly heights: readonly Int32Array[];
  /** Per defined function: set when the function is an out-of-profile stub (stubbing decode only). */
  readonly stubs: readonly (OutOfProfileUse | undefined)[];
}

/**
 * Validate a decoded module: module-level index and type rules, then every
 * function body with the spec's operand/control stack algorithm (WebAssembly
 * core spec, appendix "Validation Algorithm"). Throws InvalidModuleError,
 * LimitError or OutOfProfileError.
 */
export function validateModule(module: WasmModule): ValidatedModule {
  const m = module;
  const type = (index: number, at: number): FuncType => {
    const t = m.types[index];
    if (t === undefined)
      throw new InvalidModuleError(`unknown type ${index}: module has ${m.types.length}`, at);
    return t;
  };
  const funcTypes: FuncType[] = [];
  for (const imp of m.imports) funcTypes.push(type(imp.typeIndex, imp.offset));
  for (const [i, t] of m.funcs.entries()) funcTypes.push(type(t, m.bodies[i]?.offset ?? 0));
  const firstBySig = new Map<string, number>();
  const typeIds = m.types.map((t, i) => {
    const first = firstBySig.get(t.sig);
    if (first !== undefined) return first;
    firstBySig.set(t.sig, i);
    return i;
  });

  if (m.memory !== undefined && m.memory.min > MAX_MEMORY_PAGES) {
    throw new LimitError("initial memory pages", MAX_MEMORY_PAGES, m.memory.min, m.memory.offset);
  }
  if (m.table !== undefined && m.table.min > MAX_TABLE_SIZE) {
    throw new LimitError("initial table size", MAX_TABLE_SIZE, m.table.min, m.table.offset);
  }

  for (const [i, g] of m.globals.entries()) {
    checkConst(m, g.init, g.type, i);
  }
  const names = new Set<string>();
  for (const e of m.exports) {
    if (names.has(e.name)) throw new InvalidModuleError(`duplicate export name "${e.name}"`, e.offset);
    names.add(e.name);
    const count =
      e.kind === "func"
        ? funcTypes.length
        : e.kind === "global"
          ? m.globals.length
          : e.kind === "memory"
            ? Number(m.memory !== undefined)
            : Number(m.table !== undefined);
    if (e.index >= count)
      throw new InvalidModuleError(`unknown ${e.kind} ${e.index} in export "${e.name}"`, e.offset);
  }
  if (m.start !== undefined) {
    const t = funcTypes[m.start];
    if (t === undefined)
      throw new InvalidModuleError(`unknown function ${m.start} as start function`, m.startOffset);
    if (t.params.length !== 0 || t.results.length !== 0) {
      throw new InvalidModuleError(
        "start function: expected type [] -> [], got parameters or results",
        m.startOffset,
      );
    }
  }
  for (const seg of m.elems) {
    if (m.table === undefined) throw new InvalidModuleError("unknown table 0 in element segment", seg.offset);
    checkConst(m, seg.offsetExpr, I32, m.globals.length);
    for (const f of seg.funcs) {
      if (f >= funcTypes.length)
        throw new InvalidModuleError(`unknown function ${f} in element segment`, seg.offset);
    }
  }
  for (const seg of m.datas) {
    if (m.memory === undefined) throw new InvalidModuleError("unknown memory 0 in data segment", seg.offset);
    checkConst(m, seg.offsetExpr, I32, m.globals.length);
  }

  const heights: Int32Array[] = [];
  const stubs: (OutOfProfileUse | undefined)[] = [];
  for (const [i, body] of m.bodies.entries()) {
    const t = funcTypes[m.imports.length + i];
    if (body.outOfProfile !== undefined || t.outOfProfile !== undefined) {
      stubs.push(body.outOfProfile ?? { feature: t.outOfProfile ?? "", offset: body.offset });
      heights.push(new Int32Array(0));
      continue;
    }
    try {
      heights.push(validateBody(m, funcTypes, t, body));
      stubs.push(undefined);
    } catch (e) {
      // Only a stubbing decode yields out-of-profile types or globals for a body to meet.
      if (!(e instanceof OutOfProfileError)) throw e;
      stubs.push({ feature: e.feature, offset: e.details.offset as number });
      heights.push(new Int32Array(0));
    }
  }
  return { module, funcTypes, typeIds, heights, stubs };
}

/** A constant expression of type `want`; global.get may read an earlier immutable global. */
function checkConst(m: WasmModule, e: ConstExpr, want: ValType, globalsBefore: number): void {
  let got: ValType;
  if (e.op === 0x41) got = I32;
  else if (e.op === 0x42) got = I64;
  else {
    const index = Number(e.value);
    const g = m.globals[index];
    if (g === undefined || index >= globalsBefore) {
      throw new InvalidModuleError(`unknown global ${index} in constant expression`, e.offset);
    }
    if (g.mutable)
      throw new InvalidModuleError(`constant expression required: global ${index} is mutable`, e.offset);
    if (g.outOfProfile !== undefined) throw new OutOfProfileError(g.outOfProfile, e.offset);
    got = g.type;
  }
  if (got !== want) {
    throw new InvalidModuleError(
      `type mismatch: expected ${valTypeName(want)}, found ${valTypeName(got)} in constant expression`,
      e.offset,
    );
  }
}

/** An operand of unknown type, in unreachable code. */
const ANY = 0;
type Operand = ValType | typeof ANY;

interface Ctrl {
  op: number;
  params: readonly ValType[];
  results: readonly ValType[];
  height: number;
  unreachable: boolean;
}

const NONE: readonly ValType[] = [];
const ONE_I32: readonly ValType[] = [I32];
const ONE_I64: readonly ValType[] = [I64];

/** [params, results, natural alignment exponent] of loads and stores. */
const MEMORY_OPS: Record<number, [readonly ValType[], readonly ValType[], number]> = {
  40: [[I32], [I32], 2],
  41: [[I32], [I64], 3],
  44: [[I32], [I32], 0],
  45: [[I32], [I32], 0],
  46: [[I32], [I32], 1],
  47: [[I32], [I32], 1],
  48: [[I32], [I64], 0],
  49: [[I32], [I64], 0],
  50: [[I32], [I64], 1],
  51: [[I32], [I64], 1],
  52: [[I32], [I64], 2],
  53: [[I32], [I64], 2],
  54: [[I32, I32], [], 2],
  55: [[I32, I64], [], 3],
  58: [[I32, I32], [], 0],
  59: [[I32, I32], [], 1],
  60: [[I32, I64], [], 0],
  61: [[I32, I64], [], 1],
  62: [[I32, I64], [], 2],
};

/** [params, results] of the numeric instructions. */
const NUMERIC_OPS = new Map<number, [readonly ValType[], readonly ValType[]]>();
function numeric(first: number, last: number, params: readonly ValType[], results: readonly ValType[]): void {
  for (let op = first; op <= last; op++) NUMERIC_OPS.set(op, [params, results]);
}
numeric(0x45, 0x45, [I32], [I32]);
numeric(0x46, 0x4f, [I32, I32], [I32]);
numeric(0x50, 0x50, [I64], [I32]);
numeric(0x51, 0x5a, [I64, I64], [I32]);
numeric(0x67, 0x69, [I32], [I32]);
numeric(0x6a, 0x78, [I32, I32], [I32]);
numeric(0x79, 0x7b, [I64], [I64]);
numeric(0x7c, 0x8a, [I64, I64], [I64]);
numeric(0xa7, 0xa7, [I64], [I32]);
numeric(0xac, 0xad, [I32], [I64]);
numeric(0xc0, 0xc1, [I32], [I32]);
numeric(0xc2, 0xc4, [I64], [I64]);

function validateBody(
  m: WasmModule,
  funcTypes: readonly FuncType[],
  t: FuncType,
  body: FuncBody,
): Int32Array {
  const locals: readonly ValType[] = [...t.params, ...body.locals];
  const code = body.code;
  const heights = new Int32Array(code.length);
  const vals: Operand[] = [];
  const ctrls: Ctrl[] = [];
  let at = body.offset;

  const fail = (reason: string): never => {
    throw new InvalidModuleError(reason, at);
  };
  const name = (op: number) => OPCODE_NAMES.get(op) ?? `0x${op.toString(16)}`;
  const typeName = (x: Operand) => (x === ANY ? "any" : valTypeName(x));
  const push = (x: Operand) => {
    vals.push(x);
  };
  const pushAll = (xs: readonly Operand[]) => {
    for (const x of xs) vals.push(x);
  };
  const pop = (op: number): Operand => {
    const top = ctrls[ctrls.length - 1];
    if (vals.length === top.height) {
      if (top.unreachable) return ANY;
      return fail(`type mismatch: ${name(op)} expected an operand, found an empty stack`);
    }
    return vals.pop()!;
  };
  const popExpect = (op: number, want: ValType): Operand => {
    const got = pop(op);
    if (got !== want && got !== ANY) {
      fail(`type mismatch: ${name(op)} expected ${valTypeName(want)}, found ${typeName(got)}`);
    }
    return got === ANY ? want : got;
  };
  const popAll = (op: number, want: readonly ValType[]): Operand[] => {
    const out: Operand[] = new Array(want.length);
    for (let i = want.length - 1; i >= 0; i--) out[i] = popExpect(op, want[i]);
    return out;
  };
  const pushCtrl = (op: number, params: readonly ValType[], results: readonly ValType[]) => {
    ctrls.push({ op, params, results, height: vals.length, unreachable: false });
    pushAll(params);
  };
  const popCtrl = (op: number): Ctrl => {
    const frame = ctrls[ctrls.length - 1];
    popAll(op, frame.results);
    if (vals.length !== frame.height) {
      fail(
        `type mismatch: ${name(op)} expected ${frame.results.length} value(s) at the end of the block, ` +
          `found ${vals.length - frame.height + frame.results.length}`,
      );
    }
    ctrls.pop();
    return frame;
  };
  const labelTypes = (frame: Ctrl) => (frame.op === 0x03 ? frame.params : frame.results);
  const label = (depth: number): Ctrl => {
    if (depth >= ctrls.length) fail(`unknown label ${depth}: expected at most ${ctrls.length - 1}`);
    return ctrls[ctrls.length - 1 - depth];
  };
  const setUnreachable = () => {
    const top = ctrls[ctrls.length - 1];
    vals.length = top.height;
    top.unreachable = true;
  };
  const blockType = (a: number): FuncType => {
    if (a === -64) return { params: NONE, results: NONE, sig: "" };
    if (a === -1) return { params: NONE, results: ONE_I32, sig: "" };
    if (a === -2) return { params: NONE, results: ONE_I64, sig: "" };
    const bt = m.types[a];
    if (bt === undefined) fail(`unknown type ${a} as block type`);
    if (bt.outOfProfile !== undefined) throw new OutOfProfileError(bt.outOfProfile, at);
    return bt;
  };
  const memory = () => {
    if (m.memory === undefined) fail("unknown memory 0");
  };

  pushCtrl(0x10, NONE, t.results);
  vals.length = 0;
  for (let i = 0; i < code.length; i++) {
    const ins = code[i];
    const op = ins.op;
    at = ins.offset;
    heights[i] = ctrls[ctrls.length - 1].unreachable ? -1 : vals.length;
    const sig = NUMERIC_OPS.get(op);
    if (sig !== undefined) {
      popAll(op, sig[0]);
      pushAll(sig[1]);
      continue;
    }
    const mem = MEMORY_OPS[op];
    if (mem !== undefined) {
      memory();
      if (ins.b > mem[2]) {
        fail(`alignment must not be larger than natural: expected at most 2^${mem[2]}, found 2^${ins.b}`);
      }
      popAll(op, mem[0]);
      pushAll(mem[1]);
      continue;
    }
    switch (op) {
      case 0x00:
        setUnreachable();
        break;
      case 0x01:
        break;
      case 0x02:
      case 0x03:
      case 0x04: {
        const bt = blockType(ins.a);
        if (op === 0x04) popExpect(op, I32);
        popAll(op, bt.params);
        pushCtrl(op, bt.params, bt.results);
        break;
      }
      case 0x05: {
        const frame = popCtrl(op);
        if (frame.op !== 0x04)
          fail(`else without if: expected the end of an if block, found ${name(frame.op)}`);
        pushCtrl(0x05, frame.params, frame.results);
        break;
      }
      case 0x0b: {
        const frame = popCtrl(op);
        if (frame.op === 0x04 && !sameTypes(frame.params, frame.results)) {
          fail("type mismatch: if without else must leave its parameters unchanged");
        }
        pushAll(frame.results);
        break;
      }
      case 0x0c:
        popAll(op, labelTypes(label(ins.a)));
        setUnreachable();
        break;
      case 0x0d: {
        popExpect(op, I32);
        const types = labelTypes(label(ins.a));
        pushAll(popAll(op, types));
        break;
      }
      case 0x0e: {
        popExpect(op, I32);
        const labels = ins.labels!;
        const defaultTypes = labelTypes(label(labels[labels.length - 1]));
        for (let j = 0; j < labels.length - 1; j++) {
          const types = labelTypes(label(labels[j]));
          if (types.length !== defaultTypes.length) {
            fail(
              `type mismatch: br_table label ${labels[j]} expects ${types.length} value(s), ` +
                `the default label ${defaultTypes.length}`,
            );
          }
          pushAll(popAll(op, types));
        }
        popAll(op, defaultTypes);
        setUnreachable();
        break;
      }
      case 0x0f:
        popAll(op, t.results);
        setUnreachable();
        break;
      case 0x10: {
        const ft = funcTypes[ins.a];
        if (ft === undefined) fail(`unknown function ${ins.a}: module has ${funcTypes.length}`);
        if (ft.outOfProfile !== undefined) throw new OutOfProfileError(ft.outOfProfile, at);
        popAll(op, ft.params);
        pushAll(ft.results);
        break;
      }
      case 0x11: {
        if (m.table === undefined || ins.b !== 0) fail(`unknown table ${ins.b}`);
        const ft = m.types[ins.a];
        if (ft === undefined) fail(`unknown type ${ins.a}: module has ${m.types.length}`);
        if (ft.outOfProfile !== undefined) throw new OutOfProfileError(ft.outOfProfile, at);
        popExpect(op, I32);
        popAll(op, ft.params);
        pushAll(ft.results);
        break;
      }
      case 0x1a:
        pop(op);
        break;
      case 0x1b: {
        popExpect(op, I32);
        const x = pop(op);
        const y = pop(op);
        if (x !== y && x !== ANY && y !== ANY) {
          fail(
            `type mismatch: select expected two operands of one type, found ${typeName(y)} and ${typeName(x)}`,
          );
        }
        push(x === ANY ? y : x);
        break;
      }
      case 0x1c: {
        const want = ins.a as ValType;
        popExpect(op, I32);
        popExpect(op, want);
        popExpect(op, want);
        push(want);
        break;
      }
      case 0x20:
      case 0x21:
      case 0x22: {
        const lt = locals[ins.a];
        if (lt === undefined) fail(`unknown local ${ins.a}: function has ${locals.length}`);
        if (op === 0x20) push(lt);
        else {
          popExpect(op, lt);
          if (op === 0x22) push(lt);
        }
        break;
      }
      case 0x23:
      case 0x24: {
        const g = m.globals[ins.a];
        if (g === undefined) fail(`unknown global ${ins.a}: module has ${m.globals.length}`);
        if (g.outOfProfile !== undefined) throw new OutOfProfileError(g.outOfProfile, at);
        if (op === 0x23) push(g.type);
        else {
          if (!g.mutable) fail(`global is immutable: global.set of global ${ins.a}`);
          popExpect(op, g.type);
        }
        break;
      }
      case 0x3f:
        memory();
        push(I32);
        break;
      case 0x40:
        memory();
        popExpect(op, I32);
        push(I32);
        break;
      case 0x41:
        push(I32);
        break;
      case 0x42:
        push(I64);
        break;
      default:
        fail(`internal: no validation rule for ${name(op)}`);
    }
  }
  if (ctrls.length !== 0) fail("unexpected end of function body: unclosed blocks");
  return heights;
}

function sameTypes(a: readonly ValType[], b: readonly ValType[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
