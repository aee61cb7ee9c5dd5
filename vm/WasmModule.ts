/**
 * A decoded WebAssembly module restricted to the machine profile: the shape
 * `decodeModule` returns and `validateModule` and `lowerModule` read.
 */

/** i32 (0x7F) and i64 (0x7E): the only value types of the profile. */
export type ValType = 0x7f | 0x7e;
export const I32: ValType = 0x7f;
export const I64: ValType = 0x7e;

export function valTypeName(t: number): string {
  return t === I32 ? "i32" : t === I64 ? "i64" : `0x${t.toString(16)}`;
}

export interface FuncType {
  readonly params: readonly ValType[];
  readonly results: readonly ValType[];
  /** The type's bytes in hex: equal signatures have equal `sig` (call_indirect compares these). */
  readonly sig: string;
  /** Only when decoded with `stubOutOfProfile`: why this type is outside the profile (params/results then empty). */
  readonly outOfProfile?: string;
}

/** Where a stubbed function first left the profile (decodeModule's `stubOutOfProfile` only). */
export interface OutOfProfileUse {
  readonly feature: string;
  readonly offset: number;
}

/** One decoded instruction of a function body. */
export interface Instr {
  /** Opcode; prefixed opcodes would be 0xFC00 | sub, but none is in the profile. */
  readonly op: number;
  /** Byte offset of the opcode in the module binary (for error messages). */
  readonly offset: number;
  /**
   * First immediate: block type (-64 empty, -1 i32, -2 i64, >= 0 type index), label,
   * function/type/local/global index, i32 constant, low half of an i64 constant,
   * memarg offset (as uint32).
   */
  readonly a: number;
  /** Second immediate: table index of call_indirect, high half of an i64 constant, memarg alignment exponent. */
  readonly b: number;
  /** br_table: the labels, default last. */
  readonly labels?: readonly number[];
}

/** A constant expression (global initialisers, segment offsets). */
export interface ConstExpr {
  readonly op: 0x41 | 0x42 | 0x23;
  /** The constant (i32 or i64 as bigint) or, for global.get, the global index. */
  readonly value: bigint;
  readonly offset: number;
}

export interface FuncImport {
  readonly module: string;
  readonly name: string;
  readonly typeIndex: number;
  /** Byte offset of the import entry (for error messages). */
  readonly offset: number;
}

export interface Limits {
  readonly min: number;
  readonly max: number | undefined;
  /** Byte offset of the limits (for error messages). */
  readonly offset: number;
}

export interface Global {
  readonly type: ValType;
  readonly mutable: boolean;
  readonly init: ConstExpr;
  /** Only when decoded with `stubOutOfProfile`: the global's real type is outside the profile. */
  readonly outOfProfile?: string;
}

export interface Export {
  readonly name: string;
  readonly kind: "func" | "table" | "memory" | "global";
  readonly index: number;
  /** Byte offset of the export entry (for error messages). */
  readonly offset: number;
}

export interface ElemSegment {
  readonly offsetExpr: ConstExpr;
  readonly funcs: readonly number[];
  readonly offset: number;
}

export interface DataSegment {
  readonly offsetExpr: ConstExpr;
  readonly bytes: Uint8Array;
  readonly offset: number;
}

export interface FuncBody {
  /** Declared locals beyond the parameters, expanded. */
  readonly locals: readonly ValType[];
  readonly code: readonly Instr[];
  /** Byte offset of the body (its size field) in the binary. */
  readonly offset: number;
  /** Only when decoded with `stubOutOfProfile`: the body left the profile here and is a stub (no code). */
  readonly outOfProfile?: OutOfProfileUse;
}

export interface WasmModule {
  readonly types: readonly FuncType[];
  readonly imports: readonly FuncImport[];
  /** Type index of each defined (non-imported) function. */
  readonly funcs: readonly number[];
  readonly table: Limits | undefined;
  readonly memory: Limits | undefined;
  readonly globals: readonly Global[];
  readonly exports: readonly Export[];
  readonly start: number | undefined;
  /** Byte offset of the start section's function index. */
  readonly startOffset: number;
  readonly elems: readonly ElemSegment[];
  readonly datas: readonly DataSegment[];
  readonly dataCount: number | undefined;
  readonly bodies: readonly FuncBody[];
}

/** Section id -> position in the order the binary format requires (custom sections, id 0, may go anywhere). */
export const SECTION_RANK: Record<number, number> = {
  1: 1,
  2: 2,
  3: 3,
  4: 4,
  5: 5,
  6: 6,
  7: 7,
  8: 8,
  9: 9,
  12: 10,
  10: 11,
  11: 12,
};
