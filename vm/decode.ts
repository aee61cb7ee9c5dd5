import { ByteReader } from "./ByteReader.ts";
import { InvalidModuleError, LimitError, OutOfProfileError } from "./errors.ts";
import { OPCODE_NAMES, PREFIX_FAMILIES, PROFILE_OPCODES } from "./opcodes.ts";
import { MAX_FUNCTIONS, MAX_GLOBALS, MAX_LOCALS, MAX_TYPE_ARITY } from "./params.ts";
import type {
  ConstExpr,
  DataSegment,
  ElemSegment,
  Export,
  FuncBody,
  FuncImport,
  FuncType,
  Global,
  Instr,
  Limits,
  ValType,
  WasmModule,
} from "./WasmModule.ts";
import { I32, SECTION_RANK } from "./WasmModule.ts";

/**
 * Decode a WebAssembly binary into a `WasmModule`, rejecting anything outside
 * the machine profile as soon as it is met (OutOfProfileError names it and its
 * offset). Structure only: types and indices are checked by validateModule.
 */
export function decodeModule(bytes: Uint8Array, options: DecodeOptions = {}): WasmModule {
  // Decoding is synchronous, so a module-level flag is safe and spares threading it through every helper.
  stubbing = options.stubOutOfProfile === true;
  try {
    return decode(bytes);
  } finally {
    stubbing = false;
  }
}

export interface DecodeOptions {
  /**
   * Conformance testing only: instead of rejecting the module, keep functions,
   * types and globals that use out-of-profile features as stubs marked
   * `outOfProfile` (a stub traps with "out of profile" if called), so the
   * integer parts of mixed spec modules can run. The machine never loads a
   * module this way.
   */
  stubOutOfProfile?: boolean;
}

let stubbing = false;

function decode(bytes: Uint8Array): WasmModule {
  const r = new ByteReader(bytes);
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    r.fail("magic header not detected: expected 00 61 73 6d", 0);
  }
  if (bytes.length < 8 || bytes[4] !== 1 || bytes[5] !== 0 || bytes[6] !== 0 || bytes[7] !== 0) {
    r.fail("unknown binary version: expected 01 00 00 00", 4);
  }
  r.pos = 8;

  const m = {
    types: [] as FuncType[],
    imports: [] as FuncImport[],
    funcs: [] as number[],
    table: undefined as Limits | undefined,
    memory: undefined as Limits | undefined,
    globals: [] as Global[],
    exports: [] as Export[],
    start: undefined as number | undefined,
    startOffset: 0,
    elems: [] as ElemSegment[],
    datas: [] as DataSegment[],
    dataCount: undefined as number | undefined,
    bodies: [] as FuncBody[],
  };
  let lastRank = 0;
  let sawCode = false;

  while (!r.atEnd()) {
    const sectionOffset = r.pos;
    const id = r.u8();
    const size = r.u32();
    if (size > r.end - r.pos) r.fail("section size mismatch: section extends past the end", sectionOffset);
    const s = new ByteReader(bytes, r.pos, r.pos + size);
    r.pos += size;
    if (id !== 0) {
      const rank = SECTION_RANK[id];
      if (rank === undefined) {
        if (id === 13) throw new OutOfProfileError("tag section (exception handling)", sectionOffset);
        s.fail(`malformed section id: expected 0..12, got ${id}`, sectionOffset);
      }
      if (rank <= lastRank)
        s.fail(`unexpected section ${id}: sections out of order or repeated`, sectionOffset);
      lastRank = rank;
    }
    switch (id) {
      case 0:
        s.name(); // custom section: name must be valid UTF-8, contents ignored
        s.pos = s.end;
        break;
      case 1:
        vec(s, () => m.types.push(funcType(s)));
        break;
      case 2:
        vec(s, () => m.imports.push(importEntry(s)));
        break;
      case 3:
        vec(s, () => m.funcs.push(s.u32()));
        break;
      case 4:
        vec(s, () => {
          const at = s.pos;
          const elemType = s.u8();
          if (elemType !== 0x70) {
            throw new OutOfProfileError(`table of ${refTypeName(elemType)} (only funcref)`, at);
          }
          if (m.table !== undefined) throw new OutOfProfileError("multiple tables", at);
          m.table = limits(s);
        });
        break;
      case 5:
        vec(s, () => {
          if (m.memory !== undefined) throw new OutOfProfileError("multiple memories", s.pos);
          const at = s.pos;
          m.memory = limits(s);
          if (m.memory.min > 65536 || (m.memory.max ?? 0) > 65536) {
            throw new InvalidModuleError("memory size must be at most 65536 pages (4GiB)", at);
          }
        });
        break;
      case 6:
        vec(s, () => {
          const type = stubbing ? stubbableValType(s) : valType(s);
          const mutAt = s.pos;
          const mut = s.u8();
          if (mut > 1) s.fail(`malformed mutability: expected 0 or 1, got ${mut}`, mutAt);
          if (typeof type === "string") {
            m.globals.push({ type: I32, mutable: mut === 1, init: skipConstExpr(s), outOfProfile: type });
          } else {
            m.globals.push({ type, mutable: mut === 1, init: constExpr(s) });
          }
          if (m.globals.length > MAX_GLOBALS) {
            throw new LimitError("globals", MAX_GLOBALS, m.globals.length, mutAt);
          }
        });
        break;
      case 7:
        vec(s, () => {
          const entryAt = s.pos;
          const name = s.name();
          const at = s.pos;
          const kind = s.u8();
          const index = s.u32();
          const k = EXPORT_KINDS[kind];
          if (k === undefined) {
            if (kind === 4) throw new OutOfProfileError("tag export (exception handling)", at);
            s.fail(`malformed export kind: expected 0..3, got ${kind}`, at);
          }
          m.exports.push({ name, kind: k, index, offset: entryAt });
        });
        break;
      case 8:
        m.startOffset = s.pos;
        m.start = s.u32();
        break;
      case 9:
        vec(s, () => m.elems.push(elemSegment(s)));
        break;
      case 12:
        m.dataCount = s.u32();
        break;
      case 10: {
        sawCode = true;
        const count = s.u32();
        if (count !== m.funcs.length) {
          s.fail(`function and code section have inconsistent lengths: ${m.funcs.length} vs ${count}`);
        }
        for (let i = 0; i < count; i++) m.bodies.push(funcBody(s));
        break;
      }
      case 11: {
        const at = s.pos;
        const count = s.u32();
        if (m.dataCount !== undefined && count !== m.dataCount) {
          s.fail(`data count and data section have inconsistent lengths: ${m.dataCount} vs ${count}`, at);
        }
        for (let i = 0; i < count; i++) m.datas.push(dataSegment(s));
        break;
      }
    }
    if (s.pos !== s.end) s.fail(`section size mismatch: ${s.end - s.pos} bytes left in section ${id}`);
  }
  if (!sawCode && m.funcs.length > 0) {
    r.fail(`function and code section have inconsistent lengths: ${m.funcs.length} vs 0`);
  }
  if (m.dataCount !== undefined && m.datas.length !== m.dataCount) {
    r.fail(`data count and data section have inconsistent lengths: ${m.dataCount} vs ${m.datas.length}`);
  }
  if (m.imports.length + m.funcs.length > MAX_FUNCTIONS) {
    throw new LimitError("functions", MAX_FUNCTIONS, m.imports.length + m.funcs.length, 8);
  }
  return m;
}

const EXPORT_KINDS: Record<number, Export["kind"]> = { 0: "func", 1: "table", 2: "memory", 3: "global" };

function vec(s: ByteReader, item: () => void): void {
  const n = s.u32();
  for (let i = 0; i < n; i++) item();
}

const VALTYPE_NAMES: Record<number, string> = {
  125: "f32",
  124: "f64",
  123: "v128",
  112: "funcref",
  111: "externref",
  105: "exnref",
  100: "(ref ...)",
  99: "(ref null ...)",
};

function refTypeName(b: number): string {
  return VALTYPE_NAMES[b] ?? `type 0x${b.toString(16)}`;
}

/** i32 or i64; any other value type is out of profile, an unknown byte is malformed. */
function valType(s: ByteReader): ValType {
  const at = s.pos;
  const b = s.u8();
  if (b === 0x7f || b === 0x7e) return b;
  const name = VALTYPE_NAMES[b];
  if (name !== undefined || (b >= 0x6a && b <= 0x74)) {
    throw new OutOfProfileError(`value type ${name ?? refTypeName(b)}`, at);
  }
  return s.fail(`malformed value type 0x${b.toString(16)}`, at);
}

function funcType(s: ByteReader): FuncType {
  const at = s.pos;
  const form = s.u8();
  if (form !== 0x60) {
    if (form === 0x4e || form === 0x50 || form === 0x4f || form === 0x5e || form === 0x5f) {
      throw new OutOfProfileError(`GC type definition 0x${form.toString(16)}`, at);
    }
    s.fail(`malformed type form: expected 0x60 (func), got 0x${form.toString(16)}`, at);
  }
  const reasons: string[] = [];
  const params = valTypes(s, reasons);
  const results = valTypes(s, reasons);
  const sig = Array.from(s.bytes.subarray(at, s.pos), (x) => x.toString(16).padStart(2, "0")).join("");
  if (reasons.length > 0) return { params: [], results: [], sig, outOfProfile: reasons[0] };
  if (params.length > MAX_TYPE_ARITY || results.length > MAX_TYPE_ARITY) {
    throw new LimitError("function type arity", MAX_TYPE_ARITY, Math.max(params.length, results.length), at);
  }
  return { params, results, sig };
}

function valTypes(s: ByteReader, reasons: string[]): ValType[] {
  const out: ValType[] = [];
  vec(s, () => {
    const t = stubbing ? stubbableValType(s) : valType(s);
    if (typeof t === "string") reasons.push(t);
    else out.push(t);
  });
  return out;
}

/** In stubbing mode: a one-byte out-of-profile value type comes back as its reason instead of throwing. */
function stubbableValType(s: ByteReader): ValType | string {
  const b = s.bytes[s.pos];
  if (b === 0x7d || b === 0x7c || b === 0x7b || b === 0x70 || b === 0x6f) {
    s.pos++;
    return `value type ${VALTYPE_NAMES[b]}`;
  }
  return valType(s);
}

function importEntry(s: ByteReader): FuncImport {
  const offset = s.pos;
  const module = s.name();
  const name = s.name();
  const at = s.pos;
  const kind = s.u8();
  if (kind === 0) return { module, name, typeIndex: s.u32(), offset };
  const what = ["", "table", "memory", "global", "tag"][kind];
  if (what === undefined) s.fail(`malformed import kind: expected 0..4, got ${kind}`, at);
  throw new OutOfProfileError(`import of a ${what} (${module}.${name}); only functions may be imported`, at);
}

function limits(s: ByteReader): Limits {
  const at = s.pos;
  const flags = s.u8();
  if (flags === 0x02 || flags === 0x03) throw new OutOfProfileError("shared memory (threads)", at);
  if (flags >= 0x04 && flags <= 0x07) throw new OutOfProfileError("64-bit index type (memory64/table64)", at);
  if (flags > 1) s.fail(`malformed limits flags: expected 0 or 1, got ${flags}`, at);
  const min = s.u32();
  const max = flags === 1 ? s.u32() : undefined;
  if (max !== undefined && min > max) {
    throw new InvalidModuleError(`size minimum must not be greater than maximum: ${min} > ${max}`, at);
  }
  return { min, max, offset: at };
}

/** Constant expressions of the profile: one i32.const, i64.const or global.get, then end. */
function constExpr(s: ByteReader): ConstExpr {
  const at = s.pos;
  const op = s.u8();
  let value: bigint;
  if (op === 0x41) value = BigInt(s.s32());
  else if (op === 0x42) value = s.s64();
  else if (op === 0x23) value = BigInt(s.u32());
  else if (op === 0x0b) throw new InvalidModuleError("type mismatch: empty constant expression", at);
  else {
    const name = OPCODE_NAMES.get(op);
    if (name === undefined) s.fail(`illegal opcode 0x${op.toString(16)} in constant expression`, at);
    if (!PROFILE_OPCODES.has(op)) throw new OutOfProfileError(name, at);
    throw new InvalidModuleError(`constant expression required: expected a constant, got ${name}`, at);
  }
  const endAt = s.pos;
  const end = s.u8();
  if (end !== 0x0b) {
    const name = OPCODE_NAMES.get(end);
    if (name !== undefined && !PROFILE_OPCODES.has(end)) throw new OutOfProfileError(name, endAt);
    throw new InvalidModuleError(
      `constant expression required: expected end after one constant, got ${name ?? `0x${end.toString(16)}`}`,
      endAt,
    );
  }
  return { op, value, offset: at };
}

/** Stubbing mode: step over the initialiser of an out-of-profile global (f32/f64/ref constants). */
function skipConstExpr(s: ByteReader): ConstExpr {
  const at = s.pos;
  const op = s.u8();
  if (op === 0x43) s.bytesOf(4);
  else if (op === 0x44) s.bytesOf(8);
  else if (op === 0x23 || op === 0xd2) s.u32();
  else if (op === 0xd0) s.u8();
  else throw new OutOfProfileError(`constant expression ${OPCODE_NAMES.get(op) ?? op}`, at);
  if (s.u8() !== 0x0b) throw new OutOfProfileError("extended constant expression", at);
  return { op: 0x41, value: 0n, offset: at };
}

function elemSegment(s: ByteReader): ElemSegment {
  const at = s.pos;
  const flags = s.u32();
  if (flags === 0 || flags === 2) {
    if (flags === 2) {
      const table = s.u32();
      if (table !== 0) throw new InvalidModuleError(`unknown table ${table}`, at);
    }
    const offsetExpr = constExpr(s);
    if (flags === 2) {
      const kindAt = s.pos;
      const kind = s.u8();
      if (kind !== 0) s.fail(`malformed element kind: expected 0x00 (funcref), got ${kind}`, kindAt);
    }
    const funcs: number[] = [];
    vec(s, () => funcs.push(s.u32()));
    return { offsetExpr, funcs, offset: at };
  }
  if (flags === 1 || flags === 3) throw new OutOfProfileError("passive or declarative element segment", at);
  if (flags <= 7) throw new OutOfProfileError("element segment of expressions (reference types)", at);
  return s.fail(`malformed element segment flags: expected 0..7, got ${flags}`, at);
}

function dataSegment(s: ByteReader): DataSegment {
  const at = s.pos;
  const flags = s.u32();
  if (flags === 1) throw new OutOfProfileError("passive data segment (bulk memory)", at);
  if (flags === 2) {
    const mem = s.u32();
    if (mem !== 0) throw new InvalidModuleError(`unknown memory ${mem}`, at);
  } else if (flags !== 0) {
    s.fail(`malformed data segment flags: expected 0..2, got ${flags}`, at);
  }
  const offsetExpr = constExpr(s);
  const bytes = s.bytesOf(s.u32());
  return { offsetExpr, bytes, offset: at };
}

function funcBody(s: ByteReader): FuncBody {
  const offset = s.pos;
  const size = s.u32();
  if (size > s.end - s.pos) s.fail("function body extends past the code section", offset);
  const b = new ByteReader(s.bytes, s.pos, s.pos + size);
  s.pos += size;
  try {
    return decodeBody(b, offset);
  } catch (e) {
    if (!stubbing || !(e instanceof OutOfProfileError)) throw e;
    return {
      locals: [],
      code: [],
      offset,
      outOfProfile: { feature: e.feature, offset: e.details.offset as number },
    };
  }
}

function decodeBody(b: ByteReader, offset: number): FuncBody {
  const locals: ValType[] = [];
  let total = 0;
  const groups = b.u32();
  for (let i = 0; i < groups; i++) {
    const at = b.pos;
    const n = b.u32();
    total += n;
    if (total > 0xffffffff) b.fail("too many locals", at);
    const t = valType(b);
    if (total > MAX_LOCALS) throw new LimitError("locals of one function", MAX_LOCALS, total, at);
    for (let j = 0; j < n; j++) locals.push(t);
  }
  return { locals, code: instructions(b), offset };
}

/** Decode a function body up to its final `end`, which must be its last byte. */
function instructions(b: ByteReader): Instr[] {
  const code: Instr[] = [];
  let depth = 0;
  for (;;) {
    if (b.atEnd()) b.fail("unexpected end of function body: END opcode expected");
    const offset = b.pos;
    const op = b.u8();
    if (!PROFILE_OPCODES.has(op)) {
      if (op === 0xfc) {
        const sub = b.u32();
        const name = OPCODE_NAMES.get(0xfc00 | sub);
        if (name === undefined || sub > 0xff) b.fail(`illegal opcode 0xfc ${sub}`, offset);
        throw new OutOfProfileError(name, offset);
      }
      const name = OPCODE_NAMES.get(op) ?? PREFIX_FAMILIES.get(op);
      if (name === undefined) b.fail(`illegal opcode 0x${op.toString(16)}`, offset);
      throw new OutOfProfileError(name, offset);
    }
    let a = 0;
    let c = 0;
    let labels: number[] | undefined;
    switch (op) {
      case 0x02:
      case 0x03:
      case 0x04: {
        depth++;
        const at = b.pos;
        const first = b.bytes[at];
        if (first === 0x40) {
          b.pos++;
          a = -64;
        } else if (first === 0x7f || first === 0x7e) {
          b.pos++;
          a = first === 0x7f ? -1 : -2;
        } else if (first !== undefined && first >= 0x40 && first < 0x80) {
          valType(b); // a one-byte negative s33 names a value type: out of profile or malformed
        } else {
          a = b.s33();
          if (a < 0) b.fail(`malformed block type ${a}`, at);
        }
        break;
      }
      case 0x0b:
        if (depth === 0) {
          code.push({ op, offset, a: 0, b: 0 });
          if (!b.atEnd()) b.fail("section size mismatch: bytes after the function's final end");
          return code;
        }
        depth--;
        break;
      case 0x0c:
      case 0x0d:
      case 0x10:
      case 0x20:
      case 0x21:
      case 0x22:
      case 0x23:
      case 0x24:
        a = b.u32();
        break;
      case 0x0e: {
        labels = [];
        const n = b.u32();
        for (let i = 0; i < n; i++) labels.push(b.u32());
        labels.push(b.u32());
        break;
      }
      case 0x11:
        a = b.u32();
        c = b.u32();
        break;
      case 0x1c: {
        const at = b.pos;
        const n = b.u32();
        if (n !== 1)
          throw new InvalidModuleError(`invalid result arity: select t expects 1 type, got ${n}`, at);
        a = valType(b);
        break;
      }
      case 0x3f:
      case 0x40: {
        const at = b.pos;
        const mem = b.u32();
        if (mem !== 0) throw new InvalidModuleError(`unknown memory ${mem}`, at);
        break;
      }
      case 0x41:
        a = b.s32();
        break;
      case 0x42: {
        const v = b.s64();
        a = Number(BigInt.asIntN(32, v));
        c = Number(BigInt.asIntN(32, v >> 32n));
        break;
      }
      default:
        if (op >= 0x28 && op <= 0x3e) {
          const at = b.pos;
          c = b.u32();
          if (c >= 64) {
            // Bit 6 of the alignment field announces a memory index (multi-memory).
            const mem = b.u32();
            if (mem !== 0) throw new OutOfProfileError("memory index immediate (multiple memories)", at);
            c -= 64;
          }
          a = b.u32() | 0;
        }
    }
    code.push(labels === undefined ? { op, offset, a, b: c } : { op, offset, a, b: c, labels });
  }
}
