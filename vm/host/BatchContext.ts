import { TransactionInputError } from "../errors.ts";

/**
 * The batch context a transaction runs in (docs/machine.md, "Host interface"):
 * what `optio.context(field)` returns, and the global-state word the machine
 * hash commits to.
 */
export interface BatchContext {
  /** L1 timestamp the batch is bound to, in seconds (u64). */
  readonly timestamp: bigint;
  /** L2 block number (u64). */
  readonly l2Block: bigint;
  /** 0: posted by the sequencer; 1: a delayed-inbox message, authenticated by L1 (u64). */
  readonly origin: bigint;
}

/** Field numbers of `optio.context(field)`. */
export const ContextField = { TIMESTAMP: 0, L2_BLOCK: 1, ORIGIN: 2 } as const;

const U64_MAX = (1n << 64n) - 1n;

/** The value of context field `field` (u64), or undefined for an unknown field. */
export function contextField(ctx: BatchContext, field: number): bigint | undefined {
  switch (field) {
    case ContextField.TIMESTAMP:
      return ctx.timestamp;
    case ContextField.L2_BLOCK:
      return ctx.l2Block;
    case ContextField.ORIGIN:
      return ctx.origin;
    default:
      return undefined;
  }
}

function checkU64(what: string, x: unknown): void {
  if (typeof x !== "bigint" || x < 0n || x > U64_MAX) {
    throw new TransactionInputError(`batch context ${what}: expected a u64 bigint, got ${String(x)}`);
  }
}

/** Throws TransactionInputError unless every field is a u64 bigint. */
export function checkBatchContext(ctx: BatchContext): void {
  checkU64("timestamp", ctx.timestamp);
  checkU64("l2Block", ctx.l2Block);
  checkU64("origin", ctx.origin);
}

/** The global-state word: timestamp (u64) || L2 block (u64) || origin (u64) || 8 zero bytes, big-endian. */
export function encodeBatchContext(ctx: BatchContext): Uint8Array {
  checkBatchContext(ctx);
  const out = new Uint8Array(32);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, ctx.timestamp);
  view.setBigUint64(8, ctx.l2Block);
  view.setBigUint64(16, ctx.origin);
  return out;
}
