import type { FuncImport, FuncType, OutOfProfileUse } from "./WasmModule.ts";

/**
 * A module lowered for the interpreter: one flat instruction list for all its
 * functions (parallel arrays, instruction `pc` = index) plus what
 * instantiation needs, with every constant expression already evaluated.
 */
export interface FlatModule {
  /** Flat opcode per instruction (flatOps.ts). */
  readonly ops: Uint8Array;
  /** Immediates per instruction; meaning depends on the opcode. */
  readonly a: Int32Array;
  readonly b: Int32Array;
  readonly c: Int32Array;
  /** Gas charged when execution reaches this instruction: non-zero exactly at basic-block leaders. */
  readonly gas: Int32Array;
  /**
   * Per instruction: index (in its function's decoded body) of the WebAssembly
   * instruction it was lowered from; -1 for ENTER and STUB. The JIT runner's gas
   * metering uses it to put each block's charge at the same place.
   */
  readonly src: Int32Array;
  /** Per function index: pc of its ENTER (or STUB), -1 for an import. */
  readonly funcEntry: Int32Array;
  /** Per function index: signature id (equal signatures, equal ids). */
  readonly funcSigId: Int32Array;
  readonly funcTypes: readonly FuncType[];
  readonly imports: readonly FuncImport[];
  /** Per function index: set for an out-of-profile stub (stubbing decode only). */
  readonly stubs: readonly (OutOfProfileUse | undefined)[];
  /** Initial global values, two int32 halves each (low, high); i32 globals keep their high half 0. */
  readonly globalInit: Int32Array;
  readonly globalTypes: Uint8Array;
  /**
   * Initial and largest memory, in pages; undefined if the module has no memory. `max` is the
   * module's maximum capped at MAX_MEMORY_PAGES; `declaredMax` is the module's own (65536 if none).
   */
  readonly memory: { readonly min: number; readonly max: number; readonly declaredMax: number } | undefined;
  readonly table: { readonly min: number; readonly max: number } | undefined;
  readonly elems: readonly { readonly offset: number; readonly funcs: readonly number[] }[];
  readonly datas: readonly { readonly offset: number; readonly bytes: Uint8Array }[];
  readonly exports: ReadonlyMap<
    string,
    { readonly kind: "func" | "table" | "memory" | "global"; readonly index: number }
  >;
  readonly start: number | undefined;
}
