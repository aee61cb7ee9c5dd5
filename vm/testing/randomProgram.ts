import { s32, s64, u32 } from "../leb128.ts";
import { section, str } from "./wasmBuilder.ts";

/**
 * A seeded generator of random, valid, in-profile WebAssembly modules for the
 * differential tests (vm/differential.test.ts). Programs are built by typed
 * construction: every expression is generated for the value type its context
 * needs, every statement leaves the stack as it found it, and branch targets
 * are picked from the labels in scope with their types, so every module
 * validates. Programs terminate: loops count down a dedicated local, calls
 * (direct and indirect) pass a depth argument that strictly decreases, and no
 * call is made inside a loop.
 *
 * Every function's first parameter is an i32 depth; a call is made only when
 * depth > 0 and passes (depth - 1) & 3, so calls nest at most four deep.
 * Covered: i32/i64 constants (edge values), every integer unary/binary/compare
 * operator (div/rem included, and the overflowing div_s), wrap/extend and sign
 * extension, locals (set/tee), mutable globals, loads and stores of every width
 * at addresses and offsets sometimes out of bounds, memory.size/grow (past the
 * maximum too), block/loop/if (one result or a multi-value type index),
 * br/br_if/br_table/return, select (typed and untyped), unreachable, calls and
 * bounded recursion, call_indirect with wrong signatures, empty slots and
 * out-of-range indices, and data and element segments.
 *
 * Each module exports its memory as "mem", its globals as "g0", "g1", ...
 * and a few functions as "f0", "f1", ...
 */

const I32 = 0x7f;
const I64 = 0x7e;
type T = typeof I32 | typeof I64;

export interface RandomProgram {
  bytes: Uint8Array;
  /** Exported functions with their parameter types. */
  exports: { name: string; params: T[] }[];
  globals: number;
}

/** mulberry32: small, fast, seeded. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const I32_EDGES = [0, 1, -1, 2, 7, 31, 32, 33, 63, 64, 0x7fffffff, -0x80000000, 65535, 65536, 65528, 131072];
const I64_EDGES = [
  0n,
  1n,
  -1n,
  2n,
  63n,
  64n,
  65n,
  0x7fffffffffffffffn,
  -0x8000000000000000n,
  0xffffffffn,
  65536n,
];

interface Label {
  /** Types a branch to this label carries. */
  types: T[];
  /** A loop's label: branching to it re-runs the loop (the counter decrements first, so that is fine). */
  loop: boolean;
}

interface FuncSig {
  params: T[];
  result: T;
}

// Loads and stores: [opcode, natural alignment log2, type].
const LOADS: [number, number, T][] = [
  [0x28, 2, I32],
  [0x29, 3, I64],
  [0x2c, 0, I32],
  [0x2d, 0, I32],
  [0x2e, 1, I32],
  [0x2f, 1, I32],
  [0x30, 0, I64],
  [0x31, 0, I64],
  [0x32, 1, I64],
  [0x33, 1, I64],
  [0x34, 2, I64],
  [0x35, 2, I64],
];
const STORES: [number, number, T][] = [
  [0x36, 2, I32],
  [0x37, 3, I64],
  [0x3a, 0, I32],
  [0x3b, 1, I32],
  [0x3c, 0, I64],
  [0x3d, 1, I64],
  [0x3e, 2, I64],
];

class Gen {
  private readonly r: () => number;
  /** Function types, also used as multi-value block types. */
  readonly types: { params: T[]; results: T[] }[] = [];
  readonly sigs: FuncSig[] = [];
  readonly globals: { type: T; init: bigint }[] = [];
  tableSize = 0;
  // Per function being generated.
  private locals: T[] = [];
  private counters: number[] = [];
  private labels: Label[] = [];
  private loopDepth = 0;
  private callSites = 0;

  constructor(seed: number) {
    this.r = rng(seed);
  }

  int(n: number): number {
    return Math.floor(this.r() * n);
  }
  chance(p: number): boolean {
    return this.r() < p;
  }
  pick<X>(xs: readonly X[]): X {
    return xs[this.int(xs.length)];
  }
  type(): T {
    return this.chance(0.5) ? I32 : I64;
  }

  i32Value(): number {
    if (this.chance(0.5)) return this.pick(I32_EDGES);
    return this.chance(0.5) ? this.int(256) - 128 : this.int(0x100000000) | 0;
  }
  i64Value(): bigint {
    if (this.chance(0.5)) return this.pick(I64_EDGES);
    if (this.chance(0.5)) return BigInt(this.int(256) - 128);
    return BigInt.asIntN(64, (BigInt(this.int(0x100000000)) << 32n) | BigInt(this.int(0x100000000)));
  }
  konst(t: T): number[] {
    return t === I32 ? [0x41, ...s32(this.i32Value())] : [0x42, ...s64(this.i64Value())];
  }

  /** A signature: first param is the i32 depth. */
  sig(): FuncSig {
    const params: T[] = [I32];
    const n = this.int(3);
    for (let i = 0; i < n; i++) params.push(this.type());
    return { params, result: this.type() };
  }
  typeIndex(s: FuncSig): number {
    return this.typeOf(s.params, [s.result]);
  }
  /** Index of the function type params -> results (added if new). */
  typeOf(params: T[], results: T[]): number {
    const same = (a: T[], b: T[]) => a.length === b.length && a.every((x, k) => x === b[k]);
    const i = this.types.findIndex((t) => same(t.params, params) && same(t.results, results));
    if (i >= 0) return i;
    this.types.push({ params, results });
    return this.types.length - 1;
  }

  /** Index of a new local of type t. */
  newLocal(t: T): number {
    this.locals.push(t);
    return this.locals.length - 1;
  }
  /** An ordinary (non-counter) local of type t, if any. */
  localOf(t: T): number | undefined {
    const c: number[] = [];
    this.locals.forEach((lt, i) => {
      if (lt === t && !this.counters.includes(i)) c.push(i);
    });
    return c.length === 0 ? undefined : this.pick(c);
  }
  globalOf(t: T): number | undefined {
    const c: number[] = [];
    this.globals.forEach((g, i) => {
      if (g.type === t) c.push(i);
    });
    return c.length === 0 ? undefined : this.pick(c);
  }
  /** Relative depth of a random label whose branch types are `types`, if any. */
  labelFor(types: T[]): number | undefined {
    const c: number[] = [];
    this.labels.forEach((l, i) => {
      if (l.types.length === types.length && l.types.every((t, k) => t === types[k]))
        c.push(this.labels.length - 1 - i);
    });
    return c.length === 0 ? undefined : this.pick(c);
  }

  /** An i32 address expression: usually near the memory's edges or small. */
  address(fuel: number): number[] {
    const k = this.int(16);
    if (k < 4 || k >= 12) return [0x41, ...s32(this.int(128))];
    if (k >= 10) return [...this.leaf(I32), 0x41, ...s32(0x3ff), 0x71];
    if (k < 6) return [0x41, ...s32(65536 - this.int(12))];
    if (k < 7) return [0x41, ...s32(131072 - this.int(12))];
    if (k < 8) return [0x41, ...s32(this.i32Value())];
    // a computed address, masked to stay mostly in range
    return [...this.expr(I32, fuel - 1), 0x41, ...s32(this.chance(0.7) ? 0xff : 0x1ffff), 0x71];
  }
  memarg(align: number): number[] {
    const offset = this.chance(0.92)
      ? this.int(16)
      : this.pick([65535, 65536, 65530, 0x7fffffff, this.int(70000)]);
    return [...u32(this.int(align + 1)), ...u32(offset)];
  }

  /** The next-depth argument: (depth - 1) & 3 (only used when depth > 0). */
  private depthArg(): number[] {
    return [0x20, 0, 0x41, 1, 0x6b, 0x41, 3, 0x71];
  }

  /** Code that pushes one value of type t. */
  expr(t: T, fuel: number): number[] {
    if (fuel <= 0 || this.chance(0.15)) return this.leaf(t);
    const k = this.int(100);
    const f = fuel - 1;
    if (k < 2) {
      // the one signed division that overflows (rem_s of it is 0)
      return t === I32
        ? [0x41, ...s32(-0x80000000), 0x41, 0x7f, this.pick([0x6d, 0x6f])]
        : [0x42, ...s64(-0x8000000000000000n), 0x42, 0x7f, this.pick([0x7f, 0x81])];
    }
    if (k < 22) {
      // binary operator
      const ops32 = [
        0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f, 0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78,
      ];
      const ops64 = [
        0x7c, 0x7d, 0x7e, 0x7f, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a,
      ];
      return [...this.expr(t, f), ...this.expr(t, f), this.pick(t === I32 ? ops32 : ops64)];
    }
    if (k < 30) {
      // unary, conversions, sign extension
      if (t === I32) {
        const c = this.int(4);
        if (c === 0) return [...this.expr(I64, f), 0xa7]; // i32.wrap_i64
        if (c === 1) {
          const u = this.type();
          return [...this.expr(u, f), u === I32 ? 0x45 : 0x50]; // eqz
        }
        return [...this.expr(I32, f), this.pick([0x67, 0x68, 0x69, 0xc0, 0xc1])];
      }
      if (this.chance(0.3)) return [...this.expr(I32, f), this.pick([0xac, 0xad])]; // i64.extend_i32_s/u
      return [...this.expr(I64, f), this.pick([0x79, 0x7a, 0x7b, 0xc2, 0xc3, 0xc4])];
    }
    if (k < 36 && t === I32) {
      // comparison
      const u = this.type();
      const op = u === I32 ? 0x46 + this.int(10) : 0x51 + this.int(10);
      return [...this.expr(u, f), ...this.expr(u, f), op];
    }
    if (k < 46) {
      const cands = LOADS.filter((l) => l[2] === t);
      const [op, align] = this.pick(cands);
      return [...this.address(f), op, ...this.memarg(align)];
    }
    if (k < 50 && t === I32) {
      if (this.chance(0.5)) return [0x3f, 0];
      const delta = this.chance(0.8) ? [0x41, this.int(3)] : [...this.expr(I32, f)];
      return [...delta, 0x40, 0];
    }
    if (k < 55) {
      const cond = this.expr(I32, f);
      const sel = this.chance(0.5) ? [0x1b] : [0x1c, 1, t];
      return [...this.expr(t, f), ...this.expr(t, f), ...cond, ...sel];
    }
    if (k < 59) {
      const l = this.localOf(t);
      if (l !== undefined) return [...this.expr(t, f), 0x22, ...u32(l)];
    }
    if (k < 65) {
      // block (result t)
      this.labels.push({ types: [t], loop: false });
      const body = [...this.stmts(f, 2), ...this.expr(t, f)];
      this.labels.pop();
      return [0x02, t, ...body, 0x0b];
    }
    if (k < 68) {
      // multi-value block: (type [p] -> [t, t]) consuming a p, then t.op folds the two results
      const p = this.type();
      const arg = this.expr(p, f);
      const tmp = this.newLocal(p);
      this.labels.push({ types: [t, t], loop: false });
      const body = [0x21, ...u32(tmp), ...this.stmts(f, 2), ...this.expr(t, f), ...this.expr(t, f)];
      this.labels.pop();
      const fold = t === I32 ? this.pick([0x6a, 0x6b, 0x71, 0x73]) : this.pick([0x7c, 0x7d, 0x83, 0x85]);
      return [...arg, 0x02, ...s32(this.typeOf([p], [t, t])), ...body, 0x0b, fold];
    }
    if (k < 71) {
      const cond = this.expr(I32, f);
      this.labels.push({ types: [t], loop: false });
      const a = [...this.stmts(f, 2), ...this.expr(t, f)];
      const b = [...this.stmts(f, 2), ...this.expr(t, f)];
      this.labels.pop();
      return [...cond, 0x04, t, ...a, 0x05, ...b, 0x0b];
    }
    if (k < 79 && this.loopDepth === 0 && this.callSites < 3) return this.call(t, f);
    if (k < 83) {
      // br_if carrying a value of type t: the value stays if the branch is not taken
      const d = this.labelFor([t]);
      if (d !== undefined) return [...this.expr(t, f), ...this.expr(I32, f), 0x0d, ...u32(d)];
    }
    if (k < 85) {
      // stack-polymorphic: unreachable, br, br_table, return
      const c = this.int(4);
      if (c === 0) return [0x00];
      const lt: T[] = this.chance(0.5) ? [] : [this.type()];
      const d = this.labelFor(lt);
      if (d !== undefined) {
        const val = lt.length === 0 ? [] : this.expr(lt[0], f);
        if (c === 1) return [...val, 0x0c, ...u32(d)];
        if (c === 2) {
          const n = this.int(4);
          const targets: number[] = [];
          for (let i = 0; i < n + 1; i++) targets.push(this.labelFor(lt) ?? d);
          const sel = this.chance(0.7) ? [0x41, ...s32(this.int(n + 3) - 1)] : this.expr(I32, f);
          return [...val, ...sel, 0x0e, ...u32(n), ...targets.flatMap(u32)];
        }
      }
      const ret = this.labels[0].types[0];
      return [...this.expr(ret, f), 0x0f];
    }
    return this.leaf(t);
  }

  /** A guarded direct or indirect call returning t (or some other type, converted). */
  private call(t: T, fuel: number): number[] {
    this.callSites++;
    // The call sits inside `if (result t)`: a label for branches out of the arguments.
    this.labels.push({ types: [t], loop: false });
    let body: number[];
    let result: T;
    if (this.tableSize > 0 && this.chance(0.4)) {
      // call_indirect: a random signature (possibly not the entry's) and index (possibly out of range)
      const s = this.chance(0.6) ? this.pick(this.sigs) : this.sig();
      const ti = this.typeIndex(s);
      const idx = this.chance(0.85) ? [0x41, ...s32(this.int(this.tableSize + 2))] : this.expr(I32, fuel);
      body = [
        ...this.depthArg(),
        ...s.params.slice(1).flatMap((p) => this.expr(p, fuel)),
        ...idx,
        0x11,
        ...u32(ti),
        0,
      ];
      result = s.result;
    } else {
      const fi = this.int(this.sigs.length);
      const s = this.sigs[fi];
      body = [...this.depthArg(), ...s.params.slice(1).flatMap((p) => this.expr(p, fuel)), 0x10, ...u32(fi)];
      result = s.result;
    }
    this.labels.pop();
    if (result !== t) body.push(t === I32 ? 0xa7 : 0xac);
    // if (depth > 0) call else fallback
    return [0x20, 0, 0x41, 0, 0x4a, 0x04, t, ...body, 0x05, ...this.leaf(t), 0x0b];
  }

  leaf(t: T): number[] {
    const k = this.int(10);
    if (k < 4) {
      const l = this.localOf(t);
      if (l !== undefined) return [0x20, ...u32(l)];
    }
    if (k < 6) {
      const g = this.globalOf(t);
      if (g !== undefined) return [0x23, ...u32(g)];
    }
    return this.konst(t);
  }

  /** Up to `max` statements (net stack effect zero). */
  stmts(fuel: number, max: number): number[] {
    const n = this.int(max + 1);
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push(...this.stmt(fuel));
    return out;
  }

  stmt(fuel: number): number[] {
    const f = fuel - 1;
    const k = this.int(100);
    if (k < 20) {
      const t = this.type();
      const [op, align] = this.pick(STORES.filter((s) => s[2] === t));
      return [...this.address(f), ...this.expr(t, f), op, ...this.memarg(align)];
    }
    if (k < 35) {
      const t = this.type();
      const l = this.localOf(t);
      if (l !== undefined) return [...this.expr(t, f), 0x21, ...u32(l)];
    }
    if (k < 47) {
      const t = this.type();
      const g = this.globalOf(t);
      if (g !== undefined) return [...this.expr(t, f), 0x24, ...u32(g)];
    }
    if (k < 55) return [...this.expr(this.type(), f), 0x1a];
    if (fuel <= 0) return [];
    if (k < 67 && this.loopDepth < 2) {
      // block { loop { if counter == 0 break; counter--; body; continue } }
      const c = this.newLocal(I32);
      this.counters.push(c);
      this.loopDepth++;
      this.labels.push({ types: [], loop: false });
      this.labels.push({ types: [], loop: true });
      const body = this.stmts(f, 3);
      this.labels.pop();
      this.labels.pop();
      this.loopDepth--;
      this.counters.pop();
      const count = this.chance(0.9) ? this.int(7) : this.int(16);
      return [
        ...[0x41, ...s32(count), 0x21, ...u32(c)],
        ...[0x02, 0x40, 0x03, 0x40],
        ...[0x20, ...u32(c), 0x45, 0x0d, 1],
        ...[0x20, ...u32(c), 0x41, 1, 0x6b, 0x21, ...u32(c)],
        ...body,
        ...[0x0c, 0, 0x0b, 0x0b],
      ];
    }
    if (k < 74) {
      this.labels.push({ types: [], loop: false });
      const body = this.stmts(f, 3);
      this.labels.pop();
      return [0x02, 0x40, ...body, 0x0b];
    }
    if (k < 82) {
      const cond = this.expr(I32, f);
      this.labels.push({ types: [], loop: false });
      const a = this.stmts(f, 3);
      const b = this.chance(0.5) ? [0x05, ...this.stmts(f, 2)] : [];
      this.labels.pop();
      return [...cond, 0x04, 0x40, ...a, ...b, 0x0b];
    }
    if (k < 90) {
      const d = this.labelFor([]);
      if (d !== undefined) return [...this.expr(I32, f), 0x0d, ...u32(d)];
    }
    if (k < 93) {
      const d = this.labelFor([]);
      if (d !== undefined) {
        const n = 1 + this.int(3);
        const targets: number[] = [];
        for (let i = 0; i <= n; i++) targets.push(this.labelFor([]) ?? d);
        return [...this.expr(I32, f), 0x0e, ...u32(n), ...targets.flatMap(u32)];
      }
    }
    if (k < 95) return [0x01];
    return [];
  }

  func(sig: FuncSig, fuel: number): { locals: T[]; body: number[] } {
    this.locals = [...sig.params];
    const extra = this.int(4);
    for (let i = 0; i < extra; i++) this.locals.push(this.type());
    this.counters = [0]; // the depth parameter is never written
    this.labels = [{ types: [sig.result], loop: false }];
    this.loopDepth = 0;
    this.callSites = 0;
    const body = [...this.stmts(fuel, 4), ...this.expr(sig.result, fuel)];
    return { locals: this.locals.slice(sig.params.length), body };
  }
}

/** Generate program `seed`: a small valid in-profile module. */
export function randomProgram(seed: number): RandomProgram {
  const g = new Gen(seed);
  const nFuncs = 1 + g.int(4);
  for (let i = 0; i < nFuncs; i++) g.sigs.push(g.sig());
  const nGlobals = g.int(4);
  for (let i = 0; i < nGlobals; i++) {
    const type = g.type();
    g.globals.push({ type, init: type === I32 ? BigInt(g.i32Value()) : g.i64Value() });
  }
  g.tableSize = g.chance(0.7) ? 1 + g.int(nFuncs + 1) : 0;
  const elems: number[] = [];
  for (let i = 0; i < g.tableSize; i++) elems.push(g.int(nFuncs));
  const elemCount = g.tableSize === 0 ? 0 : g.int(g.tableSize + 1); // the rest stay uninitialized
  for (const s of g.sigs) g.typeIndex(s);
  const fuel = 2 + g.int(4);
  const funcs = g.sigs.map((s) => g.func(s, fuel));
  const memMax = 1 + g.int(3);
  const nExports = Math.min(nFuncs, 1 + g.int(3));
  const exports = g.sigs.slice(0, nExports).map((s, i) => ({ name: `f${i}`, params: s.params }));

  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0],
    ...section(
      1,
      g.types.map((t) => [
        0x60,
        ...u32(t.params.length),
        ...t.params,
        ...u32(t.results.length),
        ...t.results,
      ]),
    ),
    ...section(
      3,
      g.sigs.map((s) => u32(g.typeIndex(s))),
    ),
    ...section(4, g.tableSize === 0 ? [] : [[0x70, 0, ...u32(g.tableSize)]]),
    ...section(5, [[1, 1, ...u32(memMax)]]),
    ...section(
      6,
      g.globals.map((x) => [
        x.type,
        1,
        ...(x.type === I32 ? [0x41, ...s32(Number(x.init))] : [0x42, ...s64(x.init)]),
        0x0b,
      ]),
    ),
    ...section(7, [
      ...exports.map((e, i) => [...str(e.name), 0, ...u32(i)]),
      [...str("mem"), 2, 0],
      ...g.globals.map((_, i) => [...str(`g${i}`), 3, ...u32(i)]),
    ]),
    ...section(
      9,
      elemCount === 0
        ? []
        : [[0, 0x41, 0, 0x0b, ...u32(elemCount), ...elems.slice(0, elemCount).flatMap(u32)]],
    ),
    ...section(
      10,
      funcs.map((f) => {
        const locals = f.locals.flatMap((t) => [1, t]);
        const body = [...u32(f.locals.length), ...locals, ...f.body, 0x0b];
        return [...u32(body.length), ...body];
      }),
    ),
    ...section(11, g.chance(0.5) ? [[0, 0x41, ...s32(g.int(64)), 0x0b, 4, 1, 2, 3, 4]] : []),
  ];
  return { bytes: new Uint8Array(bytes), exports, globals: nGlobals };
}

/** A few argument sets for a function with these parameter types (depth first). */
export function randomArgs(seed: number, params: T[], sets: number): (number | bigint)[][] {
  const g = new Gen(seed ^ 0x5bd1e995);
  const out: (number | bigint)[][] = [];
  for (let s = 0; s < sets; s++) {
    out.push(params.map((p, i) => (i === 0 ? g.int(6) : p === I32 ? g.i32Value() : g.i64Value())));
  }
  return out;
}
