/**
 * Engine-shaped test programs for the host interface: a module that imports
 * every `optio.*` function (function indices below) and exports
 * `main: () -> i32` with the given body, one page of memory (or `pages`).
 */
import { buildModule, type FuncSpec, i32, i64 } from "./wasmBuilder.ts";

/** Function index of each host import, for `call` (0x10) in a body. */
export const H = {
  input_size: 0,
  input_read: 1,
  state_read: 2,
  state_write: 3,
  ecrecover: 4,
  keccak: 5,
  context: 6,
  revert: 7,
} as const;

/** Index of the first function after the imports (main). */
export const MAIN = 8;

export interface HostProgramOptions {
  pages?: number;
  maxPages?: number;
  /** Extra locals of main. */
  locals?: number[];
  /** Extra functions after main (indices MAIN + 1, ...); their `type` indexes the table below. */
  extra?: FuncSpec[];
  datas?: { offset: number; bytes: number[] }[];
  globals?: { type: number; mutable: boolean; init: number[] }[];
}

/** Types: 0 ()->i32, 1 (i32,i32)->(), 2 (i32)->(), 3 (i32)->i32, 4 (i32,i32,i32)->(), 5 (i32)->i64, 6 ()->(). */
export function hostProgram(body: number[], o: HostProgramOptions = {}): Uint8Array {
  return buildModule({
    types: [
      { params: [], results: [i32] },
      { params: [i32, i32], results: [] },
      { params: [i32], results: [] },
      { params: [i32], results: [i32] },
      { params: [i32, i32, i32], results: [] },
      { params: [i32], results: [i64] },
      { params: [], results: [] },
    ],
    imports: [
      { module: "optio", name: "input_size", type: 0 },
      { module: "optio", name: "input_read", type: 1 },
      { module: "optio", name: "state_read", type: 2 },
      { module: "optio", name: "state_write", type: 2 },
      { module: "optio", name: "ecrecover", type: 3 },
      { module: "optio", name: "keccak", type: 4 },
      { module: "optio", name: "context", type: 5 },
      { module: "optio", name: "revert", type: 2 },
    ],
    memory: { min: o.pages ?? 1, ...(o.maxPages === undefined ? {} : { max: o.maxPages }) },
    globals: o.globals,
    datas: o.datas,
    funcs: [{ type: 0, locals: o.locals, body, export: "main" }, ...(o.extra ?? [])],
  });
}
