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
import { type BatchContext, contextField } from "./BatchContext.ts";
import { ecrecover } from "./ecrecover.ts";

/** The state a transaction reads and writes through the host: 32-byte keys and values, ZERO = absent. */
export interface HostState {
  /** The value of `key` as the transaction sees it now (ZERO if absent); the caller must not keep it past the call. */
  read(key: Uint8Array): Uint8Array;
  /** Set `key` to `value` (ZERO deletes); both are the host's own copies. */
  write(key: Uint8Array, value: Uint8Array): void;
}

/** What the `optio.*` functions of one transaction see. */
export interface HostTransaction {
  readonly input: Uint8Array;
  readonly context: BatchContext;
  readonly state: HostState;
}

/** The import module the engine imports host functions from. */
export const HOST_MODULE = "optio";

const HOST_TRAP: HostTrap = Object.freeze({ trap: "host trap" });
const OUT_OF_GAS: HostTrap = Object.freeze({ trap: "out of gas" });
const NONE: Value[] = [];

/** Gas left covers `cost` (checked before the arguments; charged only once they pass). */
function affords(ctx: HostContext, cost: number): boolean {
  return ctx.gasLeft >= cost;
}

/** `len` bytes at `ptr` (u32) fit in memory, and `ptr` is a multiple of `align`. */
function fits(ctx: HostContext, ptr: number, len: number, align: number): boolean {
  return ptr % align === 0 && ptr + len <= ctx.memory.length;
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
  return {
    [`${HOST_MODULE}.input_size`]: () => {
      const t = tx();
      return t === undefined ? HOST_TRAP : [t.input.length];
    },
    [`${HOST_MODULE}.input_read`]: (args, ctx) => {
      const t = tx();
      const dst = (args[0] as number) >>> 0;
      const offset = (args[1] as number) >>> 0;
      if (!affords(ctx, GAS_INPUT_READ)) return OUT_OF_GAS;
      if (t === undefined || !fits(ctx, dst, 32, 32)) return HOST_TRAP;
      ctx.useGas(GAS_INPUT_READ);
      const mem = ctx.memory;
      const input = t.input;
      for (let i = 0; i < 32; i++) {
        const at = offset + i;
        mem[dst + i] = at < input.length ? input[at] : 0;
      }
      ctx.wrote(dst, 32);
      return NONE;
    },
    [`${HOST_MODULE}.state_read`]: (args, ctx) => {
      const t = tx();
      const ptr = (args[0] as number) >>> 0;
      if (!affords(ctx, GAS_STATE_READ)) return OUT_OF_GAS;
      if (t === undefined || !fits(ctx, ptr, 64, 64)) return HOST_TRAP;
      ctx.useGas(GAS_STATE_READ);
      const mem = ctx.memory;
      mem.set(t.state.read(mem.slice(ptr, ptr + 32)), ptr + 32);
      ctx.wrote(ptr + 32, 32);
      return NONE;
    },
    [`${HOST_MODULE}.state_write`]: (args, ctx) => {
      const t = tx();
      const ptr = (args[0] as number) >>> 0;
      if (!affords(ctx, GAS_STATE_WRITE)) return OUT_OF_GAS;
      if (t === undefined || !fits(ctx, ptr, 64, 64)) return HOST_TRAP;
      ctx.useGas(GAS_STATE_WRITE);
      const mem = ctx.memory;
      t.state.write(mem.slice(ptr, ptr + 32), mem.slice(ptr + 32, ptr + 64));
      return NONE;
    },
    [`${HOST_MODULE}.ecrecover`]: (args, ctx) => {
      const t = tx();
      const ptr = (args[0] as number) >>> 0;
      if (!affords(ctx, GAS_ECRECOVER)) return OUT_OF_GAS;
      if (t === undefined || !fits(ctx, ptr, 128, 128)) return HOST_TRAP;
      ctx.useGas(GAS_ECRECOVER);
      const mem = ctx.memory;
      const signer = ecrecover(mem.subarray(ptr, ptr + 128));
      if (signer === undefined) return [0];
      mem.set(signer, ptr);
      ctx.wrote(ptr, 32);
      return [1];
    },
    [`${HOST_MODULE}.keccak`]: (args, ctx) => {
      const t = tx();
      const src = (args[0] as number) >>> 0;
      const len = (args[1] as number) >>> 0;
      const dst = (args[2] as number) >>> 0;
      const cost = GAS_KECCAK + GAS_KECCAK_WORD * Math.ceil(len / 32);
      if (!affords(ctx, cost)) return OUT_OF_GAS;
      if (t === undefined || len > MAX_KECCAK_BYTES || !fits(ctx, src, len, 1) || !fits(ctx, dst, 32, 32))
        return HOST_TRAP;
      ctx.useGas(cost);
      const mem = ctx.memory;
      mem.set(keccak256(mem.subarray(src, src + len)), dst);
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
