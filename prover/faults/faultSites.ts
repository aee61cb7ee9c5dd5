import { Origin } from "../../protocol/index.ts";
import { type FlatModule, hostId, Op, ProvableTransaction } from "../../vm/index.ts";
import type { DisputeHistory } from "../DisputeHistory.ts";
import { instructionName } from "../instructionAt.ts";

/**
 * The faults a dishonest party can inject (docs/verifier.md, "Fault injection"): where its history departs from
 * the true one. Each names the first step whose result it gets wrong; from there on its values are its own.
 */
export const FAULT_KINDS = [
  "wrong-root",
  "wrong-arithmetic",
  "wrong-memory-write",
  "wrong-slot-write",
  "skipped-deposit",
  "swapped-order",
  "wrong-gas",
  "wrong-host-result",
  "wrong-batch-context",
  "dishonest-challenger",
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Where a fault departs: transaction `tx` of the range, the step from machine hash `step` to `step + 1`. */
export interface FaultSite {
  readonly kind: FaultKind;
  readonly tx: number;
  readonly step: number;
  /** The instruction at that step (a host call is named by its function), for the logs and the report. */
  readonly instruction: string;
}

const ARITHMETIC = new Set([0x6a, 0x6b, 0x6c, 0x7c, 0x7d, 0x7e]); // i32/i64 add, sub, mul
const STORES = new Set([0x36, 0x37, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e]);
const HOST = {
  input_read: hostId("optio", "input_read"),
  state_write: hostId("optio", "state_write"),
  ecrecover: hostId("optio", "ecrecover"),
  keccak: hostId("optio", "keccak"),
  context: hostId("optio", "context"),
};

interface Step {
  readonly step: number;
  /** Where the instruction is (its name is looked up only for the step picked). */
  readonly pc: number;
  readonly op: number;
  /** The host function a CALL_HOST step calls. */
  readonly host?: number;
  /** The block gas this step charges (0: none). */
  readonly gas: number;
}

/** Which steps of a transaction a kind may depart at. */
const MATCH: Record<FaultKind, (s: Step) => boolean> = {
  "wrong-root": () => false, // the last step (see faultSite)
  "wrong-arithmetic": (s) => ARITHMETIC.has(s.op),
  "wrong-memory-write": (s) => STORES.has(s.op),
  "wrong-slot-write": (s) => s.host === HOST.state_write,
  "skipped-deposit": (s) => s.host === HOST.input_read,
  "swapped-order": (s) => s.host === HOST.input_read,
  "wrong-gas": (s) => s.gas > 0,
  "wrong-host-result": (s) => s.host === HOST.ecrecover || s.host === HOST.keccak,
  "wrong-batch-context": (s) => s.host === HOST.context,
  "dishonest-challenger": () => true,
};

/** Every step of transaction p with its instruction (the machine run unhashed, one step at a time). */
function stepsOf(history: DisputeHistory, p: number): { module: FlatModule; steps: Step[] } {
  const tx = ProvableTransaction.start(history.engine, history.request(p));
  const it = tx.interpreter;
  const m = it.module;
  const out: Step[] = [];
  while (it.status.kind === "running") {
    const pc = it.programCounter;
    const op = m.ops[pc];
    const host =
      op === Op.CALL_HOST
        ? hostId(m.imports[m.a[pc]]?.module ?? "", m.imports[m.a[pc]]?.name ?? "")
        : undefined;
    out.push({ step: it.stepCount, pc, op, host, gas: m.gas[pc] });
    it.runUntil(it.stepCount + 1);
  }
  return { module: m, steps: out };
}

/** The transactions of the range a kind may depart in. */
function candidateTxs(history: DisputeHistory, kind: FaultKind): number[] {
  const all = [...Array(history.count).keys()];
  if (kind === "skipped-deposit") return all.filter((p) => history.placed(p).origin === Origin.DELAYED);
  if (kind === "swapped-order")
    // Two neighbours the sequencer ordered: the liar runs the second first.
    return all.filter((p) => {
      if (p + 1 >= history.count) return false;
      const [a, b] = [history.placed(p), history.placed(p + 1)];
      return a.origin === Origin.SEQUENCER && b.origin === Origin.SEQUENCER;
    });
  if (kind === "wrong-root") return history.count > 0 ? [history.count - 1] : [];
  return all;
}

/**
 * Where a fault of `kind` departs in the range of `history`, chosen by `random` (a seeded generator, so a run
 * replays) among the transactions and steps the kind applies to; undefined if the range has none (a range
 * without a deposit cannot skip one). A wrong root departs at the last step of the last transaction.
 */
export function faultSite(
  history: DisputeHistory,
  kind: FaultKind,
  random: () => number,
): FaultSite | undefined {
  const txs = candidateTxs(history, kind);
  // Transactions in a random order; the first with a matching step is taken.
  for (let i = txs.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [txs[i], txs[j]] = [txs[j], txs[i]];
  }
  for (const tx of txs) {
    const { module, steps } = stepsOf(history, tx);
    const describe = (s: Step) => instructionName(module, s.pc);
    if (kind === "wrong-root") {
      const last = steps[steps.length - 1];
      return last === undefined ? undefined : { kind, tx, step: last.step, instruction: describe(last) };
    }
    const matching = steps.filter(MATCH[kind]);
    if (matching.length === 0) continue;
    // Deposits and swaps depart where the transaction reads its input: at its first input_read.
    const s =
      kind === "skipped-deposit" || kind === "swapped-order"
        ? matching[0]
        : matching[Math.floor(random() * matching.length)];
    return { kind, tx, step: s.step, instruction: describe(s) };
  }
  return undefined;
}
