import { ByteReader } from "./ByteReader.ts";
import { VmError } from "./errors.ts";
import type { FlatModule } from "./FlatModule.ts";
import { s32, s64, u32 } from "./leb128.ts";
import { MAX_CALL_DEPTH, MAX_MEMORY_PAGES, MAX_VALUE_STACK } from "./params.ts";
import { SECTION_RANK, type WasmModule } from "./WasmModule.ts";

/** Names under which a metered module exports its machine globals (and table). */
export const METER_EXPORTS = {
  /** i64, mutable: gas left. */
  gas: "__optio_gas",
  /** i32, mutable: why the last trap happened if the meter raised it (METER_TRAP), else 0. */
  trap: "__optio_trap",
  /** i32, mutable: active frames. */
  depth: "__optio_depth",
  /** i32, mutable: value-stack reservation of active frames. */
  used: "__optio_used",
  /** i32, mutable: the table index of the last call_indirect (to tell a null slot from a signature mismatch). */
  lastIndirect: "__optio_last_indirect",
  /** The funcref table, if the module has one. */
  table: "__optio_table",
  /**
   * i64, mutable: bit k set when a store wrote memory chunk c with c mod 64 = k (chunks of
   * 2^dirtyShift bytes, see meterModule): what a reused instance must copy back. Complete
   * only after a call that returned (a trap loses the bits of the frames it unwound).
   */
  dirty: "__optio_dirty",
  /** i32, immutable: log2 of the chunk size the dirty mask counts in. */
  dirtyShift: "__optio_dirty_shift",
  /** The linear memory, if the module has one: host functions read and write it. */
  memory: "__optio_memory",
  /** () -> (): copy the module's own mutable (integer) globals into shadow globals. */
  saveGlobals: "__optio_save_globals",
  /** () -> (): copy them back: one call puts every global back, where setting each from JS crosses into V8 per global. */
  restoreGlobals: "__optio_restore_globals",
  /**
   * (cost: i32 as u32) -> i32: charge a host function's cost, 1 if gas left (signed) is at least
   * `cost` (then deducted), else 0 and nothing charged. The same as reading and writing the gas
   * global from JS, without a BigInt each way on every host call.
   */
  useGas: "__optio_use_gas",
} as const;

/** Values of the trap global. */
export const METER_TRAP = { NONE: 0, OUT_OF_GAS: 1, STACK_EXHAUSTED: 2 } as const;

/**
 * Rewrite a module that loadModule accepted so that V8 runs it with the
 * machine's gas, call-depth and value-stack rules, stopping where the
 * interpreter stops with the same gas left:
 *
 * - before the WebAssembly instruction that starts each flat basic block
 *   (FlatModule.src), charge the block's gas from a global; if it does not
 *   cover the block, set the trap global and trap, leaving gas unchanged;
 * - on function entry, count the frame (trap past MAX_CALL_DEPTH), charge the
 *   entry block, then reserve the frame's values (trap past MAX_VALUE_STACK),
 *   in the interpreter's order (CALL's check, ENTER's charge, ENTER's check);
 *   after each call, restore both counters from locals;
 * - cap the memory maximum at MAX_MEMORY_PAGES;
 * - after each store, set the bit of the chunk it wrote in a dirty mask, so
 *   that a transaction runner reusing one instance copies back only the
 *   chunks a transaction wrote (chunks are 1/64 of the initial memory, at
 *   least 1 KiB; a store that straddles into the next chunk is covered by
 *   restoring 7 bytes past each dirty chunk). The bits gather in a local of
 *   the function (a register, where a global would cost a load and a store
 *   per store) and are or-ed into the exported global wherever the function
 *   returns; a trap loses them, so after one the runner copies everything.
 *   Not part of the machine: it changes no result and no gas.
 *
 * Two unmetered functions save and restore the module's mutable globals (for
 * the same reuse). New types, functions, globals and locals are appended, so
 * no existing index moves. A module
 * loaded with `stubOutOfProfile` (conformance testing only) keeps its stubbed
 * functions as they are, unmetered: the interpreter traps "out of profile" on
 * them, and tests skip whatever reaches them.
 */
export function meterModule(bytes: Uint8Array, module: WasmModule, flat: FlatModule): Uint8Array {
  for (const e of module.exports) {
    if (e.name.startsWith("__optio_")) throw new VmError(`meterModule: export name "${e.name}" is reserved`);
  }
  const nImports = module.imports.length;
  const nGlobals = module.globals.length;
  const G_GAS = nGlobals;
  const G_TRAP = nGlobals + 1;
  const G_DEPTH = nGlobals + 2;
  const G_USED = nGlobals + 3;
  const G_LAST = nGlobals + 4;
  const G_DIRTY = nGlobals + 5;
  const G_SHIFT = nGlobals + 6;
  const initialBytes = (module.memory?.min ?? 0) * 65_536;
  const dirtyShift = Math.max(10, Math.ceil(Math.log2(Math.max(1, initialBytes / 64))));

  // Charges per function: wasm instruction index -> gas (the entry block under key -1).
  const charges: Map<number, number>[] = module.bodies.map(() => new Map());
  let f = nImports;
  const nFuncs = flat.funcEntry.length;
  for (let pc = 0; pc < flat.ops.length; pc++) {
    while (f + 1 < nFuncs && flat.funcEntry[f + 1] === pc) f++;
    if (flat.gas[pc] !== 0) charges[f - nImports].set(flat.src[pc], flat.gas[pc]);
  }

  const trapWith = (code: number) => [0x04, 0x40, ...i32Const(code), 0x24, ...u32(G_TRAP), 0x00, 0x0b];
  const charge = (cost: number) => [
    0x23,
    ...u32(G_GAS),
    0x42,
    ...s64(BigInt(cost)),
    0x54, // i64.lt_u
    ...trapWith(METER_TRAP.OUT_OF_GAS),
    0x23,
    ...u32(G_GAS),
    0x42,
    ...s64(BigInt(cost)),
    0x7d, // i64.sub
    0x24,
    ...u32(G_GAS),
  ];

  const bodies = module.bodies.map((body, i) => {
    const fi = nImports + i;
    if (flat.stubs[fi] !== undefined)
      return [...bytes.subarray(body.offset, body.offset + bodySize(bytes, body.offset))];
    const type = flat.funcTypes[fi];
    const entry = flat.funcEntry[fi];
    const frame = flat.a[entry] + flat.b[entry] + flat.c[entry];
    const localDepth = type.params.length + body.locals.length;
    const localUsed = localDepth + 1;
    const localTmp = localDepth + 2;
    const localAddr = localDepth + 3;
    const localVal32 = localDepth + 4;
    const localVal64 = localDepth + 5;
    const localMask = localDepth + 6;
    const hasStore = body.code.some((x) => x.op >= 0x36 && x.op <= 0x3e);
    // dirty |= mask, where the function returns (only functions that store have bits).
    const flush = hasStore
      ? [0x23, ...u32(G_DIRTY), 0x20, ...u32(localMask), 0x84, 0x24, ...u32(G_DIRTY)]
      : [];
    const out: number[] = [];
    // Locals: the original groups plus five i32 and one i64.
    const r = new ByteReader(bytes, body.offset);
    r.u32(); // body size
    const groups = r.u32();
    const groupBytes = bytes.subarray(r.pos, body.code[0].offset);
    out.push(...u32(groups + 2), ...groupBytes, 5, 0x7f, 2, 0x7e);
    // Prologue: CALL's depth check, ENTER's block charge, ENTER's reservation check.
    out.push(0x23, ...u32(G_DEPTH), ...i32Const(1), 0x6a, 0x22, ...u32(localDepth), 0x24, ...u32(G_DEPTH));
    out.push(
      0x20,
      ...u32(localDepth),
      ...i32Const(MAX_CALL_DEPTH),
      0x4b,
      ...trapWith(METER_TRAP.STACK_EXHAUSTED),
    );
    const entryCost = charges[i].get(-1);
    if (entryCost !== undefined) out.push(...charge(entryCost));
    out.push(0x23, ...u32(G_USED), ...i32Const(frame), 0x6a, 0x22, ...u32(localUsed), 0x24, ...u32(G_USED));
    out.push(
      0x20,
      ...u32(localUsed),
      ...i32Const(MAX_VALUE_STACK),
      0x4b,
      ...trapWith(METER_TRAP.STACK_EXHAUSTED),
    );

    const code = body.code;
    const bodyEnd = body.offset + bodySize(bytes, body.offset);
    /** Open blocks: a branch to label `nesting` leaves the function. */
    let nesting = 0;
    for (let j = 0; j < code.length; j++) {
      const cost = charges[i].get(j);
      if (cost !== undefined) out.push(...charge(cost));
      const op = code[j].op;
      if (op === 0x11) {
        out.push(
          0x21,
          ...u32(localTmp),
          0x20,
          ...u32(localTmp),
          0x24,
          ...u32(G_LAST),
          0x20,
          ...u32(localTmp),
        );
      }
      const end = j + 1 < code.length ? code[j + 1].offset : bodyEnd;
      if (hasStore) {
        const leaves =
          op === 0x0f ||
          (op === 0x0b && nesting === 0) ||
          ((op === 0x0c || op === 0x0d) && code[j].a === nesting) ||
          (op === 0x0e && code[j].labels!.includes(nesting));
        if (leaves) out.push(...flush);
      }
      if (op === 0x02 || op === 0x03 || op === 0x04) nesting++;
      else if (op === 0x0b) nesting--;
      const isStore = op >= 0x36 && op <= 0x3e;
      if (isStore) {
        // Keep the address: stash the value, tee the address, put the value back.
        const val = op === 0x37 || op >= 0x3c ? localVal64 : localVal32;
        out.push(0x21, ...u32(val), 0x22, ...u32(localAddr), 0x20, ...u32(val));
      }
      for (let k = code[j].offset; k < end; k++) out.push(bytes[k]);
      if (isStore) {
        // mask |= 1 << ((address + offset) >> shift) (i64.shl takes the count mod 64).
        out.push(0x20, ...u32(localMask), 0x42, 1, 0x20, ...u32(localAddr));
        if (code[j].a !== 0) out.push(...i32Const(code[j].a | 0), 0x6a);
        out.push(...i32Const(dirtyShift), 0x76, 0xad, 0x86, 0x84, 0x21, ...u32(localMask));
      }
      if (op === 0x10 || op === 0x11) {
        out.push(
          0x20,
          ...u32(localDepth),
          0x24,
          ...u32(G_DEPTH),
          0x20,
          ...u32(localUsed),
          0x24,
          ...u32(G_USED),
        );
      }
    }
    return [...u32(out.length), ...out];
  });

  const sections = readSections(bytes);
  const out: number[] = [...bytes.subarray(0, 8)];
  const newGlobals = [
    [0x7e, 1, 0x42, ...s64(BigInt(Number.MAX_SAFE_INTEGER)), 0x0b], // gas: the start function runs unmetered
    [0x7f, 1, ...i32Const(0), 0x0b],
    [0x7f, 1, ...i32Const(0), 0x0b],
    [0x7f, 1, ...i32Const(0), 0x0b],
    [0x7f, 1, ...i32Const(-1), 0x0b],
    [0x7e, 1, 0x42, 0, 0x0b],
    [0x7f, 0, ...i32Const(dirtyShift), 0x0b],
  ];
  // Shadow globals and the two functions that copy the module's mutable integer globals to and from them.
  const saved = module.globals.flatMap((g, i) =>
    g.mutable && g.outOfProfile === undefined && (g.type === 0x7f || g.type === 0x7e) ? [i] : [],
  );
  const shadowBase = nGlobals + newGlobals.length;
  const shadowGlobals = saved.map((i) => {
    const t = module.globals[i].type;
    return t === 0x7e ? [0x7e, 1, 0x42, 0, 0x0b] : [0x7f, 1, ...i32Const(0), 0x0b];
  });
  const copyBody = (from: (k: number) => number, to: (k: number) => number) => {
    const code = saved.flatMap((_, k) => [0x23, ...u32(from(k)), 0x24, ...u32(to(k))]);
    return [...u32(code.length + 2), 0, ...code, 0x0b];
  };
  const saveBody = copyBody(
    (k) => saved[k],
    (k) => shadowBase + k,
  );
  const restoreBody = copyBody(
    (k) => shadowBase + k,
    (k) => saved[k],
  );
  const voidType = module.types.length;
  const F_SAVE = nImports + module.funcs.length;
  const newExports = [
    [...name(METER_EXPORTS.gas), 3, ...u32(G_GAS)],
    [...name(METER_EXPORTS.trap), 3, ...u32(G_TRAP)],
    [...name(METER_EXPORTS.depth), 3, ...u32(G_DEPTH)],
    [...name(METER_EXPORTS.used), 3, ...u32(G_USED)],
    [...name(METER_EXPORTS.lastIndirect), 3, ...u32(G_LAST)],
    [...name(METER_EXPORTS.dirty), 3, ...u32(G_DIRTY)],
    [...name(METER_EXPORTS.dirtyShift), 3, ...u32(G_SHIFT)],
    ...(module.table !== undefined ? [[...name(METER_EXPORTS.table), 1, 0]] : []),
    ...(module.memory !== undefined ? [[...name(METER_EXPORTS.memory), 2, 0]] : []),
    [...name(METER_EXPORTS.saveGlobals), 0, ...u32(F_SAVE)],
    [...name(METER_EXPORTS.restoreGlobals), 0, ...u32(F_SAVE + 1)],
    [...name(METER_EXPORTS.useGas), 0, ...u32(F_SAVE + 2)],
  ];
  // if gas < u64(cost) then 0 else (gas -= u64(cost); 1)
  const useGasCode = [
    ...[0x23, ...u32(G_GAS), 0x20, 0, 0xad, 0x53], // global.get gas; local.get 0; i64.extend_i32_u; i64.lt_s
    ...[0x04, 0x7f, 0x41, 0, 0x05], // if (result i32) i32.const 0 else
    ...[0x23, ...u32(G_GAS), 0x20, 0, 0xad, 0x7d, 0x24, ...u32(G_GAS), 0x41, 1, 0x0b], // gas -= cost; i32.const 1 end
    0x0b,
  ];
  const useGasBody = [...u32(useGasCode.length + 1), 0, ...useGasCode];
  /** Items appended to each vector section (types, functions, globals, exports, code). */
  const appended: Record<number, number[][]> = {
    1: [
      [0x60, 0, 0],
      [0x60, 1, 0x7f, 1, 0x7f],
    ],
    3: [u32(voidType), u32(voidType), u32(voidType + 1)],
    6: [...newGlobals, ...shadowGlobals],
    7: newExports,
    10: [...bodies, saveBody, restoreBody, useGasBody],
  };
  const emit = (id: number, payload: number[]) => out.push(id, ...u32(payload.length), ...payload);
  const vector = (items: readonly (readonly number[])[]) => [...u32(items.length), ...items.flat()];
  const written = new Set<number>();
  // A module without one of those sections gets one, inserted where the section order wants it.
  const ensureBefore = (rank: number) => {
    for (const id of [1, 3, 6, 7, 10]) {
      if (written.has(id) || rank <= SECTION_RANK[id]) continue;
      emit(id, vector(appended[id]));
      written.add(id);
    }
  };
  for (const s of sections) {
    if (s.id !== 0) ensureBefore(SECTION_RANK[s.id]);
    const payload = bytes.subarray(s.start, s.end);
    switch (s.id) {
      case 5: {
        const mem = module.memory!;
        const max = Math.min(mem.max ?? MAX_MEMORY_PAGES, MAX_MEMORY_PAGES);
        emit(5, [1, 1, ...u32(mem.min), ...u32(max)]);
        break;
      }
      case 1:
      case 3:
      case 6:
      case 7: {
        const r = new ByteReader(payload);
        const count = r.u32();
        emit(s.id, [
          ...u32(count + appended[s.id].length),
          ...payload.subarray(r.pos),
          ...appended[s.id].flat(),
        ]);
        written.add(s.id);
        break;
      }
      case 10:
        emit(10, vector(appended[10]));
        written.add(10);
        break;
      default:
        out.push(s.id, ...u32(payload.length), ...payload);
    }
  }
  ensureBefore(Number.POSITIVE_INFINITY);
  return new Uint8Array(out);
}

interface Section {
  id: number;
  start: number;
  end: number;
}

function readSections(bytes: Uint8Array): Section[] {
  const r = new ByteReader(bytes, 8);
  const out: Section[] = [];
  while (!r.atEnd()) {
    const id = r.u8();
    const size = r.u32();
    out.push({ id, start: r.pos, end: r.pos + size });
    r.pos += size;
  }
  return out;
}

function bodySize(bytes: Uint8Array, offset: number): number {
  const r = new ByteReader(bytes, offset);
  const size = r.u32();
  return r.pos - offset + size;
}

function name(s: string): number[] {
  const b = [...new TextEncoder().encode(s)];
  return [...u32(b.length), ...b];
}

function i32Const(n: number): number[] {
  return [0x41, ...s32(n)];
}
