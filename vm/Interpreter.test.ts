import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Interpreter, type Value } from "./Interpreter.ts";
import { loadModule } from "./loadModule.ts";
import { GAS_BASE, GAS_ENTER, MAX_CALL_DEPTH } from "./params.ts";
import { buildModule, i32, i32c, i64, i64c, type ModuleSpec } from "./testing/wasmBuilder.ts";
import { webAssembly } from "./webAssemblyApi.ts";

function instantiate(spec: ModuleSpec, imports = {}): Interpreter {
  const r = Interpreter.instantiate(loadModule(buildModule(spec)), imports);
  if (!r.ok) throw new Error(`instantiation trapped: ${r.trap}`);
  return r.instance;
}

/** Both runners on the same bytes: the interpreter and V8. */
function both(spec: ModuleSpec) {
  const bytes = buildModule(spec);
  const r = Interpreter.instantiate(loadModule(bytes));
  if (!r.ok) throw new Error(r.trap);
  const v8 = new webAssembly.Instance(new webAssembly.Module(bytes)).exports;
  const run = (name: string, args: Value[]): string => {
    const x = r.instance.invoke(name, args);
    return x.ok ? x.values.join(",") : `trap:${x.trap}`;
  };
  const runV8 = (name: string, args: Value[]): string => {
    try {
      const y = (v8[name] as (...a: Value[]) => Value | undefined)(...args);
      return y === undefined ? "" : String(y);
    } catch (e) {
      return `trap:${(e as Error).message}`;
    }
  };
  return { run, runV8 };
}

const V8_TRAPS: Record<string, string> = {
  "divide by zero": "integer divide by zero",
  "remainder by zero": "integer divide by zero",
  "divide result unrepresentable": "integer overflow",
  "memory access out of bounds": "out of bounds memory access",
};
const normalize = (s: string) => (s.startsWith("trap:") ? `trap:${V8_TRAPS[s.slice(5)] ?? s.slice(5)}` : s);

const I32_BINARY = [...range(0x46, 0x4f), ...range(0x6a, 0x78)];
const I32_UNARY = [0x45, 0x67, 0x68, 0x69, 0xc0, 0xc1];
const I64_BINARY = [...range(0x51, 0x5a), ...range(0x7c, 0x8a)];
const I64_UNARY = [0x50, 0x79, 0x7a, 0x7b, 0xc2, 0xc3, 0xc4, 0xa7];
function range(a: number, b: number): number[] {
  return Array.from({ length: b - a + 1 }, (_, i) => a + i);
}
const resultOf = (op: number, operand: number) => ((op >= 0x45 && op <= 0x5a) || op === 0xa7 ? i32 : operand);

/** One exported function per opcode: "op<hex>" = local.get 0 [local.get 1] op. */
function numericModule(): ModuleSpec {
  const ops = [
    ...I32_BINARY.map((op) => [op, i32, 2] as const),
    ...I32_UNARY.map((op) => [op, i32, 1] as const),
    ...I64_BINARY.map((op) => [op, i64, 2] as const),
    ...I64_UNARY.map((op) => [op, i64, 1] as const),
    [0xac, i32, 1] as const,
    [0xad, i32, 1] as const,
  ];
  const types: ModuleSpec["types"] = [];
  const typeOf = (params: number[], results: number[]) => {
    const k = types.findIndex(
      (t) => t.params.join() === params.join() && t.results.join() === results.join(),
    );
    if (k >= 0) return k;
    types.push({ params, results });
    return types.length - 1;
  };
  const funcs = ops.map(([op, t, n]) => {
    const result = op === 0xac || op === 0xad ? i64 : resultOf(op, t);
    return {
      type: typeOf(n === 2 ? [t, t] : [t], [result]),
      body: n === 2 ? [0x20, 0, 0x20, 1, op] : [0x20, 0, op],
      export: `op${op.toString(16)}`,
    };
  });
  return { types, funcs };
}

const edgeI32 = fc.oneof(
  fc.constantFrom(0, 1, -1, 2, 31, 32, 33, 0x7fffffff, -0x80000000, 0xffff, 0x8000),
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
);
const edgeI64 = fc.oneof(
  fc.constantFrom(
    0n,
    1n,
    -1n,
    63n,
    64n,
    65n,
    2n ** 63n - 1n,
    -(2n ** 63n),
    0xffffffffn,
    2n ** 32n,
    -(2n ** 32n),
  ),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }).map(BigInt),
);

describe("Interpreter", () => {
  it("test_numeric_matchesV8_succeeds", () => {
    const { run, runV8 } = both(numericModule());
    for (const op of [...I32_BINARY, ...I64_BINARY, ...I32_UNARY, ...I64_UNARY, 0xac, 0xad]) {
      const name = `op${op.toString(16)}`;
      const isI64 = I64_BINARY.includes(op) || I64_UNARY.includes(op);
      const unary = !(I32_BINARY.includes(op) || I64_BINARY.includes(op));
      const arb: fc.Arbitrary<Value> = isI64 ? edgeI64 : edgeI32;
      fc.assert(
        fc.property(arb, arb, (x, y) => {
          const args = unary ? [x] : [x, y];
          expect(run(name, args), `${name}(${args})`).toBe(normalize(runV8(name, args)));
        }),
        { numRuns: 150 },
      );
    }
  });

  it("test_memory_loadsStoresMatchV8_succeeds", () => {
    // store<width>(addr, value) then load<width>(addr) for every width, near the end of memory too.
    const loads = [0x28, 0x29, 0x2c, 0x2d, 0x2e, 0x2f, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35];
    const stores = [0x36, 0x37, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e];
    const spec: ModuleSpec = {
      types: [
        { params: [i32, i64], results: [] },
        { params: [i32], results: [i64] },
        { params: [i32, i32], results: [] },
      ],
      memory: { min: 1, max: 2 },
      funcs: [
        ...stores.map((op) => ({
          type: op === 0x36 || op === 0x3a || op === 0x3b ? 2 : 0,
          body: [0x20, 0, 0x20, 1, op, 0, 1],
          export: `st${op.toString(16)}`,
        })),
        ...loads.map((op) => ({
          type: 1,
          body: [0x20, 0, op, 0, 3, ...(op === 0x28 || (op >= 0x2c && op <= 0x2f) ? [0xad] : [])],
          export: `ld${op.toString(16)}`,
        })),
      ],
    };
    const { run, runV8 } = both(spec);
    // Stores use offset 1 and loads offset 3: the last dozen addresses straddle the end of memory.
    const addr = fc.oneof(
      fc.integer({ min: 0, max: 65_540 }),
      fc.integer({ min: 65_520, max: 65_536 }),
      fc.constantFrom(-1, -4),
    );
    fc.assert(
      fc.property(fc.constantFrom(...stores), fc.constantFrom(...loads), addr, edgeI64, (st, ld, a, v) => {
        const narrow = st === 0x36 || st === 0x3a || st === 0x3b;
        const value = narrow ? Number(BigInt.asIntN(32, v)) : v;
        expect(run(`st${st.toString(16)}`, [a, value])).toBe(
          normalize(runV8(`st${st.toString(16)}`, [a, value])),
        );
        expect(run(`ld${ld.toString(16)}`, [a])).toBe(normalize(runV8(`ld${ld.toString(16)}`, [a])));
      }),
      { numRuns: 800 },
    );
  });

  it("test_traps_areTaggedResults_succeeds", () => {
    const it = instantiate({
      types: [
        { params: [], results: [] },
        { params: [i32], results: [i32] },
        { params: [], results: [i32] },
      ],
      table: { min: 3 },
      memory: { min: 1 },
      funcs: [
        { type: 0, body: [0x00], export: "unreachable" },
        { type: 1, body: [...i32c(1), 0x20, 0, 0x6d], export: "div" },
        { type: 1, body: [0x20, 0, 0x11, 2, 0], export: "callIndirect" },
        { type: 2, body: i32c(42) },
        { type: 0, body: [0x10, 4], export: "recurse" },
        { type: 2, body: [...i32c(65_533), 0x28, 2, 0], export: "oob" },
      ],
      elems: [{ offset: 0, funcs: [3, 0] }],
    });
    expect(it.invoke("unreachable", [])).toMatchObject({ ok: false, trap: "unreachable" });
    expect(it.invoke("div", [0])).toMatchObject({ ok: false, trap: "integer divide by zero" });
    expect(it.invoke("div", [1])).toMatchObject({ ok: true, values: [1] });
    expect(it.invoke("callIndirect", [0])).toMatchObject({ ok: true, values: [42] });
    expect(it.invoke("callIndirect", [1])).toMatchObject({ ok: false, trap: "indirect call type mismatch" });
    expect(it.invoke("callIndirect", [2])).toMatchObject({ ok: false, trap: "uninitialized element" });
    expect(it.invoke("callIndirect", [3])).toMatchObject({ ok: false, trap: "undefined element" });
    expect(it.invoke("recurse", [])).toMatchObject({ ok: false, trap: "call stack exhausted" });
    expect(it.invoke("oob", [])).toMatchObject({ ok: false, trap: "out of bounds memory access" });
    // The instance still works after traps.
    expect(it.invoke("div", [1])).toMatchObject({ ok: true, values: [1] });
  });

  it("test_callDepth_limitIsExact_succeeds", () => {
    // depth(n): n == 0 ? 0 : depth(n - 1) + 1 -- n + 1 frames.
    const it = instantiate({
      types: [{ params: [i32], results: [i32] }],
      funcs: [
        {
          type: 0,
          body: [
            0x20,
            0,
            0x45,
            0x04,
            i32,
            ...i32c(0),
            0x05,
            0x20,
            0,
            ...i32c(1),
            0x6b,
            0x10,
            0,
            ...i32c(1),
            0x6a,
            0x0b,
          ],
          export: "depth",
        },
      ],
    });
    expect(it.invoke("depth", [MAX_CALL_DEPTH - 1])).toMatchObject({
      ok: true,
      values: [MAX_CALL_DEPTH - 1],
    });
    expect(it.invoke("depth", [MAX_CALL_DEPTH])).toMatchObject({ ok: false, trap: "call stack exhausted" });
  });

  it("test_gas_chargedPerBlockAndOutOfGasKeepsGas_succeeds", () => {
    // One basic block: ENTER, i32.const, RETURN.
    const it = instantiate({
      types: [{ params: [], results: [i32] }],
      funcs: [{ type: 0, body: i32c(7), export: "f" }],
    });
    const cost = GAS_ENTER + GAS_BASE; // the RETURN is paid by the call
    expect(it.invoke("f", [], 100)).toEqual({ ok: true, values: [7], gasLeft: 100 - cost, steps: 3 });
    expect(it.invoke("f", [], cost)).toMatchObject({ ok: true, gasLeft: 0 });
    expect(it.invoke("f", [], cost - 1)).toEqual({
      ok: false,
      trap: "out of gas",
      gasLeft: cost - 1,
      steps: 0,
    });
  });

  it("test_gas_loopRunsOutMidway_succeeds", () => {
    // loop forever: the gas left at the trap is below one iteration's cost.
    const it = instantiate({
      types: [{ params: [], results: [] }],
      funcs: [{ type: 0, body: [0x03, 0x40, 0x0c, 0, 0x0b], export: "spin" }],
    });
    const r = it.invoke("spin", [], 1_000);
    expect(r).toMatchObject({ ok: false, trap: "out of gas" });
    expect(r.gasLeft).toBeLessThan(GAS_BASE + 1);
  });

  it("test_memoryGrow_respectsMaximum_succeeds", () => {
    const it = instantiate({
      types: [{ params: [i32], results: [i32] }],
      memory: { min: 1, max: 3 },
      funcs: [
        { type: 0, body: [0x20, 0, 0x40, 0], export: "grow" },
        { type: 0, body: [0x3f, 0], export: "size" },
      ],
    });
    expect(it.invoke("grow", [1])).toMatchObject({ values: [1] });
    expect(it.invoke("grow", [2])).toMatchObject({ values: [-1] });
    expect(it.invoke("grow", [1])).toMatchObject({ values: [2] });
    expect(it.invoke("size", [0])).toMatchObject({ values: [3] });
    expect(it.memory.length).toBe(3 * 65_536);
  });

  it("test_hostCall_passesArgumentsAndResults_succeeds", () => {
    const calls: Value[][] = [];
    const it = instantiate(
      {
        types: [{ params: [i32, i64], results: [i64] }],
        imports: [{ module: "optio", name: "mix", type: 0 }],
        funcs: [{ type: 0, body: [0x20, 0, 0x20, 1, 0x10, 0], export: "f" }],
      },
      {
        "optio.mix": (args: Value[]) => {
          calls.push(args);
          return args[0] === 0 ? { trap: "host trap" as const } : [BigInt(args[0]) + (args[1] as bigint)];
        },
      },
    );
    expect(it.invoke("f", [5, 2n ** 40n])).toMatchObject({ ok: true, values: [2n ** 40n + 5n] });
    expect(it.invoke("f", [0, 1n])).toMatchObject({ ok: false, trap: "host trap" });
    expect(calls).toEqual([
      [5, 2n ** 40n],
      [0, 1n],
    ]);
  });

  it("test_globalsAndMultiValue_succeeds", () => {
    const it = instantiate({
      types: [{ params: [], results: [i64, i32] }],
      globals: [
        { type: i64, mutable: true, init: i64c(-5n) },
        { type: i32, mutable: false, init: i32c(9) },
      ],
      funcs: [{ type: 0, body: [0x23, 0, ...i64c(1n), 0x7c, 0x24, 0, 0x23, 0, 0x23, 1], export: "f" }],
    });
    expect(it.invoke("f", [])).toMatchObject({ values: [-4n, 9] });
    expect(it.invoke("f", [])).toMatchObject({ values: [-3n, 9] });
    expect(it.global(0)).toBe(-3n);
  });
});
