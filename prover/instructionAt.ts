import { FLAT_CONTROL_NAMES, type FlatModule, OPCODE_NAMES, Op, ProvableTransaction } from "../vm/index.ts";
import type { DisputeHistory } from "./DisputeHistory.ts";

/**
 * The name of the machine's instruction at `pc`, as the machine names it: a WebAssembly opcode ("i64.add"), a
 * flat control op, or "call_host <fn>" for a host call (the import's function name, e.g. "call_host keccak").
 */
export function instructionName(module: FlatModule, pc: number): string {
  const op = module.ops[pc];
  if (op === Op.CALL_HOST) return `call_host ${module.imports[module.a[pc]]?.name ?? "?"}`;
  return FLAT_CONTROL_NAMES.get(op) ?? OPCODE_NAMES.get(op) ?? `op 0x${op.toString(16)}`;
}

/**
 * The instruction transaction `p` of `history`'s range executes at step `s` (from machine hash s to s + 1): the
 * machine run unhashed to s, then its next instruction named. A machine stopped before s executes nothing
 * there: "stopped (<status>)". Costs a run of s steps at interpreter speed (no hashing).
 */
export function instructionAt(history: DisputeHistory, p: number, s: number): string {
  const it = ProvableTransaction.start(history.engine, history.request(p)).interpreter;
  it.runUntil(s);
  if (it.status.kind !== "running") return `stopped (${it.status.kind})`;
  return instructionName(it.module, it.programCounter);
}
