/**
 * Builder-made programs that exercise every kind of state change (calls,
 * memory stores of every width, globals, br_table, call_indirect, a host
 * call, traps), for the stepping and state-hash tests and the step benchmark.
 */
import type { HostFunction, Value } from "../Interpreter.ts";
import { buildModule, i32, i64, i64c } from "./wasmBuilder.ts";

const K = i64c(BigInt.asIntN(64, 0x9e3779b97f4a7c15n));

/**
 * Functions: fib(n), mem(n) (loop of stores and loads, returns an i64), disp(x) (br_table and
 * call_indirect), host(x), div(a, b), bad(x) (unreachable), multi(x) (value-carrying branches).
 */
export const stepProgramBytes = buildModule({
  types: [
    { params: [i32], results: [i32] },
    { params: [i32], results: [i64] },
    { params: [i32, i32], results: [i32] },
    { params: [i32], results: [i32, i64] },
    { params: [], results: [i32, i32] },
  ],
  imports: [{ module: "env", name: "triple", type: 0 }],
  memory: { min: 1, max: 4 },
  table: { min: 2 },
  elems: [{ offset: 0, funcs: [1] }],
  datas: [{ offset: 100, bytes: [1, 2, 3, 4, 5, 6, 7, 8, 9] }],
  globals: [{ type: i32, mutable: true, init: [0x41, 0] }],
  funcs: [
    {
      // 1: fib
      type: 0,
      body: [
        ...[0x20, 0, 0x41, 2, 0x48, 0x04, 0x7f, 0x20, 0, 0x05],
        ...[0x20, 0, 0x41, 1, 0x6b, 0x10, 1, 0x20, 0, 0x41, 2, 0x6b, 0x10, 1, 0x6a, 0x0b],
      ],
      export: "fib",
    },
    {
      // 2: mem(n): i64 stores/loads, store8/16, globals, a memory.grow on the first iteration
      type: 1,
      locals: [i32, i64],
      body: [
        ...[0x41, 1, 0x40, 0, 0x1a], // memory.grow 1; drop
        0x02,
        0x40,
        0x03,
        0x40,
        ...[0x20, 1, 0x20, 0, 0x4f, 0x0d, 1],
        ...[0x20, 1, 0x41, 3, 0x74, 0x20, 1, 0xad, ...K, 0x7e, 0x37, 3, 0],
        ...[0x20, 1, 0x20, 1, 0x3a, 0, 0x80, 0x20],
        ...[0x20, 1, 0x41, 1, 0x74, 0x20, 1, 0x41, 0x7f, 0x6c, 0x3b, 1, 0x80, 0x40],
        ...[0x20, 1, 0x20, 1, 0xad, 0x3e, 2, 0x80, 0x80, 0x05], // i64.store32 at 81920 + i (second page)
        ...[0x20, 2, 0x20, 1, 0x41, 3, 0x74, 0x29, 3, 0, 0x7c],
        ...[0x20, 1, 0x30, 0, 0x80, 0x20, 0x85, 0x21, 2],
        ...[0x23, 0, 0x41, 1, 0x6a, 0x24, 0],
        ...[0x20, 1, 0x41, 1, 0x6a, 0x21, 1, 0x0c, 0],
        0x0b,
        0x0b,
        ...[0x20, 2],
      ],
      export: "mem",
    },
    {
      // 3: disp(x): 0 -> 10, 1 -> 20, else call_indirect table[x - 2](x)
      type: 0,
      body: [
        ...[0x02, 0x40, 0x02, 0x40, 0x02, 0x40, 0x20, 0, 0x0e, 2, 0, 1, 2, 0x0b],
        ...[0x41, 10, 0x0f, 0x0b, 0x41, 20, 0x0f, 0x0b],
        ...[0x20, 0, 0x20, 0, 0x41, 2, 0x6b, 0x11, 0, 0],
      ],
      export: "disp",
    },
    {
      // 4: host(x) = triple(x) + 1
      type: 0,
      body: [0x20, 0, 0x10, 0, 0x41, 1, 0x6a],
      export: "host",
    },
    {
      // 5: div(a, b) = a / b (signed)
      type: 2,
      body: [0x20, 0, 0x20, 1, 0x6d],
      export: "div",
    },
    {
      // 6: bad(x): unreachable
      type: 0,
      body: [0x00],
      export: "bad",
    },
    {
      // 7: multi(x) = (x ? 5 : 7, x): a br_if that carries a value past two, a return that moves two values
      type: 3,
      body: [
        ...[0x41, 0xe3, 0x00, 0x02, 0x7f, 0x41, 7, 0x20, 0, 0x41, 5, 0x20, 0, 0x0d, 0, 0x1a, 0x1a, 0x0b],
        ...[0x20, 0, 0xad, 0x0f],
      ],
      export: "multi",
    },
    {
      // 8: pair(x) = x ? 2 + 3 : 1 + 2: a br_if that carries two values past one
      type: 0,
      body: [0x02, 0x04, 0x41, 1, 0x41, 2, 0x41, 3, 0x20, 0, 0x0d, 0, 0x1a, 0x0b, 0x6a],
      export: "pair",
    },
  ],
});

export const stepProgramImports: Record<string, HostFunction> = {
  "env.triple": (args) => [Math.imul(Number(args[0]), 3)],
};

/** Calls that cover halting and each trap. */
export const stepProgramCalls: [string, Value[]][] = [
  ["fib", [10]],
  ["mem", [40]],
  ["disp", [0]],
  ["disp", [1]],
  ["disp", [2]],
  ["disp", [9]],
  ["disp", [3]],
  ["disp", [4]],
  ["host", [7]],
  ["div", [7, 2]],
  ["div", [7, 0]],
  ["div", [-2147483648, -1]],
  ["bad", [1]],
  ["multi", [0]],
  ["multi", [3]],
  ["pair", [0]],
  ["pair", [1]],
  ["mem", [60]],
];
