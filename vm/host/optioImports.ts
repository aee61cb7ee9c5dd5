import { keccak256 } from "../../protocol/index.ts";
import type { HostContext, HostFunction, HostTrap, Value } from "../Interpreter.ts";
import {
  GAS_ECRECOVER,
  GAS_INPUT_READ,
  GAS_KECCAK,
  GAS_KECCAK_WORD,
  GAS_STATE_READ,
  GAS_STATE_WRITE,
  MAX_KECCAK_BYTES,
} from "../params.ts";
import { LITTLE_ENDIAN, WordView } from "../state/words.ts";
import { type BatchContext, contextField } from "./BatchContext.ts";
import { ecrecover } from "./ecrecover.ts";

/** The state a transaction reads and writes through the host: 32-byte keys and values, ZERO = absent. */
export interface HostState {
  /** The value of `key` as the transaction sees it now (ZERO if absent); the caller must not keep it past the call. */
  read(key: Uint8Array): Uint8Array;
  /**
   * Optional, the same as `read` with the key read in place at `bytes[at..at+32)` (the machine's
   * memory): the host then copies no key for a read. The caller must not keep `bytes` past the call.
   */
  readAt?(bytes: Uint8Array, at: number): Uint8Array;
  /**
   * Optional, the same as `readAt` with the value written straight to `bytes[at+32..at+64)`
   * (all 32 bytes; zeros if absent): no array is returned or copied in between.
   */
  readInto?(bytes: Uint8Array, at: number): void;
  /** Set `key` to `value` (ZERO deletes); both are the host's own copies. */
  write(key: Uint8Array, value: Uint8Array): void;
  /**
   * Optional, the same as `write` with the key at `bytes[at..at+32)` and the value at
   * `bytes[at+32..at+64)` (the machine's memory): the state copies what it keeps, as it
   * likes (e.g. from a ByteArena), instead of the host slicing two new arrays per write.
   */
  writeAt?(bytes: Uint8Array, at: number): void;
}

/** What the `optio.*` functions of one transaction see. */
export interface HostTransaction {
  readonly input: Uint8Array;
  readonly context: BatchContext;
  readonly state: HostState;
  /**
   * Optional: a signer recovered ahead of execution (a sequencer's recovery workers). When the
   * 128 bytes `optio.ecrecover` is called on equal `input`, the call answers `signer` (the
   * 32-byte word, or undefined where the precompile returns nothing) at the same gas and with
   * the same memory effect as recovering it; any other input is recovered as usual.
   */
  readonly recovered?: RecoveredSigner;
}

/** A signer recovery done ahead: the ecrecover input (128 bytes) and its answer. */
export interface RecoveredSigner {
  readonly input: Uint8Array;
  readonly signer: Uint8Array | undefined;
}

function equalAt(mem: Uint8Array, at: number, b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if (mem[at + i] !== b[i]) return false;
  return true;
}

/** The import module the engine imports host functions from. */
export const HOST_MODULE = "optio";

const HOST_TRAP: HostTrap = Object.freeze({ trap: "host trap" });
const OUT_OF_GAS: HostTrap = Object.freeze({ trap: "out of gas" });
// Results shared by every call (the runners only read them): no array per call.
const NONE: Value[] = Object.freeze([]) as unknown as Value[];
const ZERO_RESULT: Value[] = Object.freeze([0]) as unknown as Value[];
const ONE_RESULT: Value[] = Object.freeze([1]) as unknown as Value[];

/**
 * A refused call's trap: out of gas if gas left does not cover `cost` (that is checked first),
 * else the bad argument's host trap. The happy path checks the arguments, then charges with
 * one `useGas` (false when gas left is less, nothing charged): the same outcomes in the
 * same order as checking the cost first, with one gas access instead of two.
 */
function refused(ctx: HostContext, cost: number): HostTrap {
  return ctx.gasLeft >= cost ? HOST_TRAP : OUT_OF_GAS;
}

/** `len` bytes at `ptr` (u32) fit in `mem`, and `ptr` is a multiple of `align`. */
function fits(mem: Uint8Array, ptr: number, len: number, align: number): boolean {
  return ptr % align === 0 && ptr + len <= mem.length;
}

/** keccak inputs up to this many bytes are remembered (the engine's tree keys hash 33, its EIP-712 domain 128). */
const MEMO_MAX_BYTES = 128;
/** Entries kept before the memo starts over (the table's arenas take about 170 bytes per entry). */
const MEMO_ENTRIES = 1 << 16;
/** Open-addressing index slots (twice the entries, a power of two). */
const MEMO_SLOTS = MEMO_ENTRIES * 2;

/**
 * keccak of short inputs, remembered: an engine derives the same tree keys
 * (keccak(0x03 || logical key)) in transaction after transaction, and a
 * lookup costs a fraction of a hash. Pure, so answers are the same either way.
 * Inputs and digests live in two arenas under an open-addressing index
 * (no object or Map entry per input); whole inputs are compared, so a hash
 * collision costs a probe, never a wrong answer. Inputs at 4-byte aligned
 * addresses (the engine's) are hashed, compared and answered a word at a
 * time through an Int32Array of the memory; others a byte at a time.
 */
class KeccakMemo {
  /** Slot -> entry + 1 (0 empty). */
  private readonly index = new Int32Array(MEMO_SLOTS);
  private readonly inputWords = new Int32Array((MEMO_ENTRIES * MEMO_MAX_BYTES) >> 2);
  private readonly inputs = new Uint8Array(this.inputWords.buffer);
  private readonly lengths = new Uint8Array(MEMO_ENTRIES);
  private readonly digestWords = new Int32Array(MEMO_ENTRIES * 8);
  private readonly digests = new Uint8Array(this.digestWords.buffer);
  private count = 0;
  /** Words of the memory last seen: made again only when the memory changes. */
  private readonly memWords = new WordView();

  /** keccak of `mem[src..src+len)` written at `dst` (`dst` a multiple of 32, as the host checks). */
  hashInto(mem: Uint8Array, src: number, len: number, dst: number): void {
    if (len > MEMO_MAX_BYTES) {
      mem.set(keccak256(mem.subarray(src, src + len)), dst);
      return;
    }
    const words = LITTLE_ENDIAN && (src & 3) === 0 && (dst & 31) === 0 ? this.memWords.of(mem) : undefined;
    // FNV-1a over 4-byte little-endian words, then the tail bytes (both paths hash alike).
    let h = 0x811c9dc5 ^ len;
    const end = src + len;
    const whole = len >>> 2;
    let i = src;
    if (words !== undefined) {
      const w0 = src >>> 2;
      for (let w = 0; w < whole; w++) h = Math.imul(h ^ words[w0 + w], 0x01000193);
      i = src + (whole << 2);
    } else {
      for (; i + 4 <= end; i += 4)
        h = Math.imul(h ^ (mem[i] | (mem[i + 1] << 8) | (mem[i + 2] << 16) | (mem[i + 3] << 24)), 0x01000193);
    }
    for (; i < end; i++) h = Math.imul(h ^ mem[i], 0x01000193);
    h ^= h >>> 16;
    const index = this.index;
    let slot = h & (MEMO_SLOTS - 1);
    for (let e = index[slot]; e !== 0; slot = (slot + 1) & (MEMO_SLOTS - 1), e = index[slot]) {
      const n = e - 1;
      if (this.lengths[n] !== len || !this.sameInput(n, mem, words, src, len)) continue;
      const d = n * 8;
      if (words !== undefined) {
        const digestWords = this.digestWords;
        const o = dst >>> 2;
        for (let k = 0; k < 8; k++) words[o + k] = digestWords[d + k];
      } else {
        const digests = this.digests;
        for (let k = 0; k < 32; k++) mem[dst + k] = digests[(d << 2) + k];
      }
      return;
    }
    const digest = keccak256(mem.subarray(src, src + len));
    if (this.count === MEMO_ENTRIES) {
      // Full: start over (the engine's working set comes back within a few transactions).
      index.fill(0);
      this.count = 0;
      slot = h & (MEMO_SLOTS - 1);
    }
    const n = this.count++;
    this.inputs.set(mem.subarray(src, src + len), n * MEMO_MAX_BYTES);
    this.lengths[n] = len;
    this.digests.set(digest, n * 32);
    index[slot] = n + 1;
    mem.set(digest, dst);
  }

  /** Entry `n`'s input is `mem[src..src+len)` (its length already checked); `words` is the memory's words if `src` is aligned. */
  private sameInput(
    n: number,
    mem: Uint8Array,
    words: Int32Array | undefined,
    src: number,
    len: number,
  ): boolean {
    const base = n * MEMO_MAX_BYTES;
    let j = 0;
    if (words !== undefined) {
      const inputWords = this.inputWords;
      const b = base >>> 2;
      const w0 = src >>> 2;
      const whole = len >>> 2;
      for (let w = 0; w < whole; w++) if (inputWords[b + w] !== words[w0 + w]) return false;
      j = whole << 2;
    }
    const inputs = this.inputs;
    for (; j < len; j++) if (inputs[base + j] !== mem[src + j]) return false;
    return true;
  }
}

/**
 * The machine's host interface (docs/machine.md, "Host interface"), one
 * implementation for both runners, in the order a one-step proof checks: the
 * function's own cost against gas left (too little is "out of gas", gas
 * unchanged), then its arguments (a bad one traps "host trap", gas unchanged,
 * nothing written), then the cost is charged and it acts. `current()`
 * gives the transaction in progress; with none, every call traps "host trap"
 * (a start function cannot reach the host).
 */
export function optioImports(current: () => HostTransaction | undefined): Record<string, HostFunction> {
  const tx = current;
  const memo = new KeccakMemo();
  return {
    [`${HOST_MODULE}.input_size`]: () => {
      const t = tx();
      return t === undefined ? HOST_TRAP : [t.input.length];
    },
    [`${HOST_MODULE}.input_read`]: (args, ctx) => {
      const t = tx();
      const dst = (args[0] as number) >>> 0;
      const offset = (args[1] as number) >>> 0;
      const mem = ctx.memory;
      if (t === undefined || !fits(mem, dst, 32, 32)) return refused(ctx, GAS_INPUT_READ);
      if (!ctx.useGas(GAS_INPUT_READ)) return OUT_OF_GAS;
      const input = t.input;
      if (offset + 32 <= input.length) {
        for (let i = 0; i < 32; i++) mem[dst + i] = input[offset + i];
      } else {
        for (let i = 0; i < 32; i++) {
          const at = offset + i;
          mem[dst + i] = at < input.length ? input[at] : 0;
        }
      }
      ctx.wrote(dst, 32);
      return NONE;
    },
    [`${HOST_MODULE}.state_read`]: (args, ctx) => {
      const t = tx();
      const ptr = (args[0] as number) >>> 0;
      const mem = ctx.memory;
      if (t === undefined || !fits(mem, ptr, 64, 64)) return refused(ctx, GAS_STATE_READ);
      if (!ctx.useGas(GAS_STATE_READ)) return OUT_OF_GAS;
      const s = t.state;
      if (s.readInto !== undefined) s.readInto(mem, ptr);
      else mem.set(s.readAt === undefined ? s.read(mem.slice(ptr, ptr + 32)) : s.readAt(mem, ptr), ptr + 32);
      ctx.wrote(ptr + 32, 32);
      return NONE;
    },
    [`${HOST_MODULE}.state_write`]: (args, ctx) => {
      const t = tx();
      const ptr = (args[0] as number) >>> 0;
      const mem = ctx.memory;
      if (t === undefined || !fits(mem, ptr, 64, 64)) return refused(ctx, GAS_STATE_WRITE);
      if (!ctx.useGas(GAS_STATE_WRITE)) return OUT_OF_GAS;
      const s = t.state;
      if (s.writeAt !== undefined) s.writeAt(mem, ptr);
      else s.write(mem.slice(ptr, ptr + 32), mem.slice(ptr + 32, ptr + 64));
      return NONE;
    },
    [`${HOST_MODULE}.ecrecover`]: (args, ctx) => {
      const t = tx();
      const ptr = (args[0] as number) >>> 0;
      const mem = ctx.memory;
      if (t === undefined || !fits(mem, ptr, 128, 128)) return refused(ctx, GAS_ECRECOVER);
      if (!ctx.useGas(GAS_ECRECOVER)) return OUT_OF_GAS;
      const pre = t.recovered;
      const signer =
        pre !== undefined && pre.input.length === 128 && equalAt(mem, ptr, pre.input)
          ? pre.signer
          : ecrecover(mem.subarray(ptr, ptr + 128));
      if (signer === undefined) return ZERO_RESULT;
      mem.set(signer, ptr);
      ctx.wrote(ptr, 32);
      return ONE_RESULT;
    },
    [`${HOST_MODULE}.keccak`]: (args, ctx) => {
      const t = tx();
      const src = (args[0] as number) >>> 0;
      const len = (args[1] as number) >>> 0;
      const dst = (args[2] as number) >>> 0;
      const cost = GAS_KECCAK + GAS_KECCAK_WORD * Math.ceil(len / 32);
      const mem = ctx.memory;
      if (t === undefined || len > MAX_KECCAK_BYTES || !fits(mem, src, len, 1) || !fits(mem, dst, 32, 32))
        return refused(ctx, cost);
      if (!ctx.useGas(cost)) return OUT_OF_GAS;
      memo.hashInto(mem, src, len, dst);
      ctx.wrote(dst, 32);
      return NONE;
    },
    [`${HOST_MODULE}.context`]: (args) => {
      const t = tx();
      if (t === undefined) return HOST_TRAP;
      const x = contextField(t.context, args[0] as number);
      return x === undefined ? HOST_TRAP : [BigInt.asIntN(64, x)];
    },
    [`${HOST_MODULE}.revert`]: (args) => {
      if (tx() === undefined) return HOST_TRAP;
      return { trap: "revert", code: (args[0] as number) >>> 0 };
    },
  };
}
