/**
 * V8's `WebAssembly` object with the few types the machine uses. The repo's
 * TypeScript lib (ES2023 + node) does not declare `WebAssembly`, and adding the
 * DOM lib for it would leak browser globals everywhere, so we type our subset.
 */
export type WasmExportValue = ((...args: (number | bigint)[]) => unknown) | { value: unknown } | object;

export interface WasmInstance {
  readonly exports: Record<string, WasmExportValue>;
}

export interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports?: Record<string, Record<string, WasmExportValue>>) => WasmInstance;
  RuntimeError: new (message?: string) => Error;
  validate(bytes: Uint8Array): boolean;
}

export const webAssembly = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;
