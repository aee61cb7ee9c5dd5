/**
 * The machine-state hash (docs/machine.md, "Machine state hash"): the Merkle
 * trees and hash chains it is made of, kept up to date incrementally so that
 * hashing after every step costs a few keccaks per step. `Interpreter.hash()`
 * drives this; the byte layouts below are the ones the document fixes.
 */

import { Domain, hashTaggedInto, hashWordsInto, keccak256 } from "../protocol/index.ts";
import { encodeInstruction, INSTRUCTION_BYTES } from "./encodeInstruction.ts";
import type { FlatModule } from "./FlatModule.ts";
import { MAX_CALL_DEPTH, MAX_VALUE_STACK } from "./params.ts";
import { hostId } from "./proof/hostIds.ts";
import { TrapCode } from "./Trap.ts";

/** Leaves of 32 bytes over MAX_MEMORY_PAGES pages of 64 KiB: 2^19 leaves. */
export const MEMORY_TREE_DEPTH = 19;
/** MAX_CODE_LENGTH = 2^22 instructions, one 32-byte leaf each. */
export const CODE_TREE_DEPTH = 22;
/** MAX_GLOBALS = 2^16 globals, one leaf each. */
export const GLOBALS_TREE_DEPTH = 16;
/** MAX_TABLE_SIZE = 2^16 entries, one leaf each. */
export const TABLE_TREE_DEPTH = 16;

const WORD = 32;
const zeroCache = new Map<number, Uint8Array[]>();

/** Zero hashes of a tree: Z[0] = 32 zero bytes, Z[k + 1] = keccak(tag || Z[k] || Z[k]). */
export function zeroHashes(tag: number, depth: number): Uint8Array[] {
  let z = zeroCache.get(tag);
  if (z === undefined) {
    z = [new Uint8Array(WORD)];
    zeroCache.set(tag, z);
  }
  while (z.length <= depth) {
    const out = new Uint8Array(WORD);
    hashTaggedInto(tag, z[z.length - 1], z[z.length - 1], out, 0);
    z.push(out);
  }
  return z;
}

function isWord(buf: Uint8Array, at: number, w: Uint8Array): boolean {
  for (let i = 0; i < WORD; i++) if (buf[at + i] !== w[i]) return false;
  return true;
}

/**
 * A binary Merkle tree of fixed depth over `n` 32-byte leaves held in a caller's
 * buffer (leaf i = bytes 32i..32i+32); leaves past n are zero words, so every
 * node above only empty leaves is a zero hash and costs nothing. Keeps every
 * level, so rewriting a leaf costs `depth` hashes.
 */
export class MerkleTree {
  private readonly zero: Uint8Array[];
  /** levels[k], k = 1..depth: ceil(n / 2^k) nodes of 32 bytes. */
  private levels: Uint8Array[] = [];
  private n = 0;
  private built = false;
  private dirty: number[] = [];

  constructor(
    readonly tag: number,
    readonly depth: number,
  ) {
    this.zero = zeroHashes(tag, depth);
  }

  /** Forget every node: the next root() rebuilds from the leaves. */
  invalidate(): void {
    this.built = false;
    this.dirty.length = 0;
  }

  /** Leaves from..to (inclusive) were written. */
  touch(from: number, to: number): void {
    if (!this.built) return;
    for (let i = from; i <= to; i++) this.dirty.push(i);
  }

  /** The root over `leaves` (n = leaves.length / 32, which may only grow while built). */
  root(leaves: Uint8Array): Uint8Array {
    const n = leaves.length / WORD;
    if (!this.built || n < this.n) this.build(leaves, n);
    else {
      if (n > this.n) this.extend(n);
      if (this.dirty.length > 0) this.update(leaves);
    }
    return this.depth === 0 ? leaves.subarray(0, WORD) : this.levels[this.depth].subarray(0, WORD);
  }

  /**
   * Siblings of leaf i, leaf level first, for a one-step proof (read-only). Valid right after
   * `root(leaves)` with the same `leaves`, before any further write.
   */
  proof(i: number, leaves: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (let k = 0; k < this.depth; k++) {
      const level = k === 0 ? leaves : this.levels[k];
      const j = Math.floor(i / 2 ** k) ^ 1;
      out.push(
        (j + 1) * WORD <= level.length ? level.slice(j * WORD, j * WORD + WORD) : this.zero[k].slice(),
      );
    }
    return out;
  }

  private count(k: number, n = this.n): number {
    return Math.ceil(n / 2 ** k);
  }

  private build(leaves: Uint8Array, n: number): void {
    const z = this.zero;
    this.n = n;
    this.levels = [leaves];
    let below = leaves;
    let belowCount = n;
    for (let k = 1; k <= this.depth; k++) {
      const count = Math.max(1, this.count(k));
      const level = new Uint8Array(count * WORD);
      for (let j = 0; j < count; j++) {
        const l = 2 * j;
        const r = 2 * j + 1;
        const left = l < belowCount ? below.subarray(l * WORD, l * WORD + WORD) : z[k - 1];
        const right = r < belowCount ? below.subarray(r * WORD, r * WORD + WORD) : z[k - 1];
        if (isWord(left, 0, z[k - 1]) && isWord(right, 0, z[k - 1])) level.set(z[k], j * WORD);
        else hashTaggedInto(this.tag, left, right, level, j * WORD);
      }
      this.levels.push(level);
      below = level;
      belowCount = count;
    }
    this.built = true;
    this.dirty.length = 0;
  }

  /** More leaves (all zero): new nodes are zero hashes; the path of the first new leaf is recomputed. */
  private extend(n: number): void {
    const old = this.n;
    for (let k = 1; k <= this.depth; k++) {
      const count = Math.max(1, this.count(k, n));
      const prev = this.levels[k];
      if (prev.length >= count * WORD) continue;
      const level = new Uint8Array(count * WORD);
      level.set(prev);
      for (let j = prev.length / WORD; j < count; j++) level.set(this.zero[k], j * WORD);
      this.levels[k] = level;
    }
    this.n = n;
    this.dirty.push(old);
  }

  // Rehashes the paths above the dirty leaves, level by level so that shared
  // ancestors are hashed once. Sorted once: halving keeps the order. Allocates nothing.
  private update(leaves: Uint8Array): void {
    this.levels[0] = leaves;
    const z = this.zero;
    const tag = this.tag;
    const idx = this.dirty;
    if (idx.length > 1) idx.sort((x, y) => x - y);
    let n = idx.length;
    let belowCount = this.n;
    for (let k = 1; k <= this.depth; k++) {
      const below = this.levels[k - 1];
      const level = this.levels[k];
      const zero = z[k - 1];
      let w = 0;
      let last = -1;
      for (let q = 0; q < n; q++) {
        const j = idx[q] >> 1;
        if (j === last) continue;
        last = j;
        idx[w++] = j;
        const l = 2 * j;
        if (l + 1 < belowCount) hashWordsInto(tag, below, l * WORD, below, l * WORD + WORD, level, j * WORD);
        else if (l < belowCount) hashWordsInto(tag, below, l * WORD, zero, 0, level, j * WORD);
        else hashWordsInto(tag, zero, 0, zero, 0, level, j * WORD);
      }
      n = w;
      belowCount = (belowCount + 1) >> 1;
    }
    idx.length = 0;
  }
}

/** Root of a fixed-depth tree over `n` leaves in `leaves`, computed once (no levels kept). */
export function merkleRoot(tag: number, depth: number, leaves: Uint8Array): Uint8Array {
  const t = new MerkleTree(tag, depth);
  return t.root(leaves).slice();
}

const codeRoots = new WeakMap<FlatModule, Uint8Array>();

/** Code root: the Merkle root of the encoded flat instructions (leaf pc = encodeInstruction(pc)). */
export function codeRoot(code: FlatModule): Uint8Array {
  let r = codeRoots.get(code);
  if (r === undefined) {
    const n = code.ops.length;
    const leaves = new Uint8Array(n * INSTRUCTION_BYTES);
    for (let pc = 0; pc < n; pc++) encodeInstruction(code, pc, leaves.subarray(pc * WORD, pc * WORD + WORD));
    r = merkleRoot(Domain.CODE_NODE, CODE_TREE_DEPTH, leaves);
    codeRoots.set(code, r);
  }
  return r;
}

/**
 * The table's leaves: slot i is byte 0 = 1 (present), 1..4 function index,
 * 5..8 its signature id, 9..12 its entry pc (0xffffffff for an imported
 * function), 13 an import's host id (proof/hostIds.ts), big-endian; an empty
 * slot is the zero word.
 */
export function tableLeaves(code: FlatModule, table: Int32Array): Uint8Array {
  const leaves = new Uint8Array(table.length * WORD);
  const view = new DataView(leaves.buffer);
  for (let i = 0; i < table.length; i++) {
    const f = table[i];
    if (f < 0) continue;
    view.setUint8(i * WORD, 1);
    view.setUint32(i * WORD + 1, f);
    view.setInt32(i * WORD + 5, code.funcSigId[f]);
    view.setInt32(i * WORD + 9, code.funcEntry[f]);
    // An import's slot names its host function (docs/machine.md, "Host calls").
    if (f < code.imports.length)
      view.setUint8(i * WORD + 13, hostId(code.imports[f].module, code.imports[f].name));
  }
  return leaves;
}

/** The table root: the Merkle root of tableLeaves. */
export function tableRoot(code: FlatModule, table: Int32Array): Uint8Array {
  const leaves = tableLeaves(code, table);
  return merkleRoot(Domain.TABLE_NODE, TABLE_TREE_DEPTH, leaves);
}

/**
 * A stack hashed as a chain: H_0 = zero word, H_{i+1} = keccak(tag || H_i || word_i).
 * Keeps every prefix hash, so a push costs one hash and a pop none; `valid` is how
 * many items are known unchanged since their prefix hash was computed.
 */
export class HashChain {
  private readonly prefix: Uint8Array;
  private valid = 0;
  private readonly word = new Uint8Array(WORD);

  constructor(
    private readonly tag: number,
    capacity: number,
  ) {
    this.prefix = new Uint8Array(WORD * (capacity + 1));
  }

  /** Items from index i up may have changed. */
  touch(i: number): void {
    if (i < this.valid) this.valid = Math.max(i, 0);
  }

  /** The link H_i (read-only, for one-step proofs): valid for i up to n right after `root(n, ...)`. */
  link(i: number): Uint8Array {
    if (i > this.valid) throw new Error(`internal: chain link ${i} is not hashed yet (${this.valid} are)`);
    return this.prefix.slice(i * WORD, i * WORD + WORD);
  }

  /** The hash of items 0..n-1; `fill(i, word)` writes item i's 32-byte word. */
  root(n: number, fill: (i: number, word: Uint8Array) => void): Uint8Array {
    if (this.valid > n) this.valid = n;
    const p = this.prefix;
    const w = this.word;
    for (let i = this.valid; i < n; i++) {
      fill(i, w);
      hashWordsInto(this.tag, p, i * WORD, w, 0, p, (i + 1) * WORD);
    }
    this.valid = n;
    return p.subarray(n * WORD, n * WORD + WORD);
  }
}

/** Value word: 24 zero bytes, then the 64-bit slot big-endian (an i32 is zero-extended). */
export function valueWord(stack: Int32Array, i: number, w: Uint8Array): void {
  const hi = stack[2 * i + 1];
  const lo = stack[2 * i];
  w[24] = hi >>> 24;
  w[25] = hi >>> 16;
  w[26] = hi >>> 8;
  w[27] = hi;
  w[28] = lo >>> 24;
  w[29] = lo >>> 16;
  w[30] = lo >>> 8;
  w[31] = lo;
}

/**
 * Frame word: 20 zero bytes, then return pc (0xffffffff for the outermost frame), caller fp (in values),
 * reserved values before the call; u32 big-endian.
 */
export function frameWord(frames: Int32Array, i: number, w: Uint8Array): void {
  for (let k = 0; k < 3; k++) {
    const x = k === 1 ? frames[3 * i + 1] >> 1 : frames[3 * i + k];
    const at = 20 + 4 * k;
    w[at] = x >>> 24;
    w[at + 1] = x >>> 16;
    w[at + 2] = x >>> 8;
    w[at + 3] = x;
  }
}

/** Machine status as hashed: byte 0 of the status word. */
export const Status = { RUNNING: 0, HALTED: 1, TRAPPED: 2, OUT_OF_GAS: 3 } as const;

/** The registers and parts the interpreter hands over to be hashed. */
export interface MachineParts {
  status: number;
  trap: number;
  pc: number;
  /** Values on the stack (not int32 slots). */
  sp: number;
  fp: number;
  used: number;
  depth: number;
  gas: number;
  stack: Int32Array;
  frames: Int32Array;
  globals: Int32Array;
  memory: Uint8Array;
  tableSize: number;
  /** The engine's code when the trap is "revert" (status word bytes 2–5), else 0. */
  revertCode: number;
}

/** The global-state inputs (32 bytes each) the machine holds for the host interface. */
export interface GlobalStateInputs {
  stateRoot: Uint8Array;
  inputHash: Uint8Array;
  batchContext: Uint8Array;
}

/**
 * keccak(0x17 || stateRoot || inputHash || batchContext || gasWord): the global
 * state hash, the last part of the machine hash (gasWord = gas left as u64 in the last 8 bytes).
 */
export function hashGlobalState(inputs: GlobalStateInputs, gasLeft: number): Uint8Array {
  const p = new Uint8Array(1 + 4 * WORD);
  p[0] = Domain.GLOBAL_STATE;
  p.set(inputs.stateRoot, 1);
  p.set(inputs.inputHash, 1 + WORD);
  p.set(inputs.batchContext, 1 + 2 * WORD);
  new DataView(p.buffer).setBigUint64(1 + 4 * WORD - 8, BigInt(gasLeft));
  return keccak256(p);
}

/** Incremental hasher of one interpreter's state. */
export class MachineHasher {
  readonly values = new HashChain(Domain.VALUE_STACK, MAX_VALUE_STACK);
  readonly frames = new HashChain(Domain.FRAME_STACK, MAX_CALL_DEPTH);
  readonly memory = new MerkleTree(Domain.MEMORY_NODE, MEMORY_TREE_DEPTH);
  readonly globals = new MerkleTree(Domain.GLOBALS_NODE, GLOBALS_TREE_DEPTH);
  private readonly globalLeaves: Uint8Array;
  private readonly code: Uint8Array;
  private readonly table: Uint8Array;
  private readonly pre = new Uint8Array(1 + 8 * WORD);
  private readonly preView = new DataView(this.pre.buffer);
  private readonly gsPre = new Uint8Array(1 + 4 * WORD);
  private readonly gsView = new DataView(this.gsPre.buffer);
  private gsGas = -1;
  private gsHash: Uint8Array = new Uint8Array(WORD);
  private gsVersion = -1;

  constructor(module: FlatModule, table: Int32Array, globalCount: number) {
    this.code = codeRoot(module);
    this.table = tableRoot(module, table);
    this.globalLeaves = new Uint8Array(globalCount * WORD);
    this.pre[0] = Domain.MACHINE_STATE;
    this.gsPre[0] = Domain.GLOBAL_STATE;
  }

  /** Everything may have changed (a fast run, a restore). */
  invalidate(): void {
    this.values.touch(0);
    this.frames.touch(0);
    this.memory.invalidate();
    this.invalidateGlobals();
    this.gsVersion = -1;
  }

  /** keccak(0x17 || stateRoot || inputHash || batchContext || gas word), cached while nothing changed. */
  globalStateHash(inputs: GlobalStateInputs, version: number, gas: number): Uint8Array {
    if (gas !== this.gsGas || version !== this.gsVersion) {
      const p = this.gsPre;
      p.set(inputs.stateRoot, 1);
      p.set(inputs.inputHash, 1 + WORD);
      p.set(inputs.batchContext, 1 + 2 * WORD);
      // Gas left is below 2^53: its high word fits a u32 exactly.
      this.gsView.setUint32(1 + 4 * WORD - 8, Math.floor(gas / 2 ** 32));
      this.gsView.setUint32(1 + 4 * WORD - 4, gas >>> 0);
      this.gsHash = keccak256(p);
      this.gsGas = gas;
      this.gsVersion = version;
    }
    return this.gsHash;
  }

  /** The 257-byte preimage of the last hash() (read-only copy, for one-step proofs): tag, status word, 8 parts. */
  lastPreimage(): Uint8Array {
    return this.pre.slice();
  }

  hash(m: MachineParts, inputs: GlobalStateInputs, version: number): Uint8Array {
    const p = this.pre;
    p.fill(0, 1);
    const v = this.preView;
    // status word
    p[1] = m.status;
    p[2] = m.trap;
    if (m.trap === TrapCode.REVERT) v.setUint32(3, m.revertCode);
    const live = m.status === Status.RUNNING || m.status === Status.HALTED;
    if (live) {
      v.setInt32(3, m.pc);
      v.setUint32(7, m.sp);
      v.setUint32(11, m.fp);
      v.setUint32(15, m.used);
      v.setUint32(19, m.depth);
      v.setUint32(23, m.memory.length / 65_536);
      v.setUint32(27, m.tableSize);
      const stack = m.stack;
      p.set(
        this.values.root(m.sp, (i, w) => valueWord(stack, i, w)),
        1 + WORD,
      );
      const frames = m.frames;
      p.set(
        this.frames.root(m.depth, (i, w) => frameWord(frames, i, w)),
        1 + 2 * WORD,
      );
      p.set(this.globals.root(this.globalLeavesOf(m.globals)), 1 + 3 * WORD);
      p.set(this.memory.root(m.memory), 1 + 4 * WORD);
      p.set(this.code, 1 + 5 * WORD);
      p.set(this.table, 1 + 6 * WORD);
    }
    p.set(this.globalStateHash(inputs, version, m.gas), 1 + 7 * WORD);
    return keccak256(p);
  }

  private dirtyGlobals: number[] = [];
  private globalsSynced = false;

  /** Global i was written. */
  touchGlobal(i: number): void {
    if (this.globalsSynced) {
      this.dirtyGlobals.push(i);
      this.globals.touch(i, i);
    }
  }

  invalidateGlobals(): void {
    this.globalsSynced = false;
    this.dirtyGlobals.length = 0;
  }

  private globalLeavesOf(globals: Int32Array): Uint8Array {
    const leaves = this.globalLeaves;
    if (!this.globalsSynced) {
      for (let i = 0; i < globals.length / 2; i++)
        valueWord(globals, i, leaves.subarray(i * WORD, i * WORD + WORD));
      this.globals.invalidate();
      this.globalsSynced = true;
    } else {
      for (const i of this.dirtyGlobals) valueWord(globals, i, leaves.subarray(i * WORD, i * WORD + WORD));
    }
    this.dirtyGlobals.length = 0;
    return leaves;
  }
}
