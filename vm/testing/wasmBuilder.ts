import { s32, s64, u32 } from "../leb128.ts";

export { s32, s64, u32 };

/**
 * A small WebAssembly binary writer for tests: modules are written as data
 * (types, functions with raw body bytes, exports, ...) and encoded here, so a
 * test can build exactly the bytes it wants to feed the loader, including
 * out-of-profile or invalid ones.
 */

export const i32 = 0x7f;
export const i64 = 0x7e;
export const f32 = 0x7d;

export interface FuncSpec {
  type: number;
  locals?: number[];
  /** Body bytes, without the final `end` (added). */
  body: number[];
  export?: string;
}

export interface ModuleSpec {
  types: { params: number[]; results: number[] }[];
  imports?: { module: string; name: string; type: number }[];
  funcs: FuncSpec[];
  table?: { min: number; max?: number };
  memory?: { min: number; max?: number };
  globals?: { type: number; mutable: boolean; init: number[] }[];
  elems?: { offset: number; funcs: number[] }[];
  datas?: { offset: number; bytes: number[] }[];
  start?: number;
}

/** i32.const n */
export function i32c(n: number): number[] {
  return [0x41, ...s32(n)];
}

/** i64.const n */
export function i64c(n: bigint): number[] {
  return [0x42, ...s64(n)];
}

/** A name: its UTF-8 length, then its bytes. */
export function str(s: string): number[] {
  const b = [...new TextEncoder().encode(s)];
  return [...u32(b.length), ...b];
}

/** A section of `items` (left out when there are none). */
export function section(id: number, items: number[][]): number[] {
  if (items.length === 0) return [];
  const body = [...u32(items.length), ...items.flat()];
  return [id, ...u32(body.length), ...body];
}

function limits(l: { min: number; max?: number }): number[] {
  return l.max === undefined ? [0, ...u32(l.min)] : [1, ...u32(l.min), ...u32(l.max)];
}

export function buildModule(spec: ModuleSpec): Uint8Array {
  const imports = spec.imports ?? [];
  const exports: number[][] = [];
  spec.funcs.forEach((f, i) => {
    if (f.export !== undefined) exports.push([...str(f.export), 0, ...u32(imports.length + i)]);
  });
  const bytes = [
    0x00,
    0x61,
    0x73,
    0x6d,
    1,
    0,
    0,
    0,
    ...section(
      1,
      spec.types.map((t) => [
        0x60,
        ...u32(t.params.length),
        ...t.params,
        ...u32(t.results.length),
        ...t.results,
      ]),
    ),
    ...section(
      2,
      imports.map((x) => [...str(x.module), ...str(x.name), 0, ...u32(x.type)]),
    ),
    ...section(
      3,
      spec.funcs.map((f) => u32(f.type)),
    ),
    ...section(4, spec.table ? [[0x70, ...limits(spec.table)]] : []),
    ...section(5, spec.memory ? [limits(spec.memory)] : []),
    ...section(
      6,
      (spec.globals ?? []).map((g) => [g.type, g.mutable ? 1 : 0, ...g.init, 0x0b]),
    ),
    ...section(7, exports),
    ...(spec.start === undefined ? [] : [8, ...u32(u32(spec.start).length), ...u32(spec.start)]),
    ...section(
      9,
      (spec.elems ?? []).map((e) => [
        0,
        ...i32c(e.offset),
        0x0b,
        ...u32(e.funcs.length),
        ...e.funcs.flatMap(u32),
      ]),
    ),
    ...section(
      10,
      spec.funcs.map((f) => {
        const locals = (f.locals ?? []).map((t) => [1, t]);
        const body = [...u32(locals.length), ...locals.flat(), ...f.body, 0x0b];
        return [...u32(body.length), ...body];
      }),
    ),
    ...section(
      11,
      (spec.datas ?? []).map((d) => [0, ...i32c(d.offset), 0x0b, ...u32(d.bytes.length), ...d.bytes]),
    ),
  ];
  return new Uint8Array(bytes);
}
