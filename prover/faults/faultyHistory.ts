import { type MachineOpening, machineHashOf } from "../../protocol/index.ts";
import { keccak256 } from "../../protocol/keccak.ts";
import type { DisputeHistory } from "../DisputeHistory.ts";
import type { TransactionProof } from "../transactionProof.ts";

/** A history's values at every position (verifier/dispute's History; DisputeHistory is the true one). */
export interface HistoryValues {
  readonly count: number;
  root(p: number): Uint8Array;
  machine(p: number, s: number): Uint8Array;
  end(p: number): MachineOpening;
  stepProof(p: number, s: number): Uint8Array;
  transactionProof(p: number): TransactionProof;
}

const word = (text: string) => keccak256(new TextEncoder().encode(text));

/**
 * A dishonest party's history (docs/verifier.md, "Fault injection"): the true values up to transaction `tx`, whose
 * machine departs after step `step` (capped at its stop: its hash at step + 1 is the first wrong one); its own
 * values after that, named by `salt`, ending in `finalRoot` (for a proposer, a state that proves its outbox slot,
 * as createAssertion requires). Its step proofs are the true ones: at the step where it departs, none of them
 * proves its value, so L1 refuses it there.
 */
export function faultyHistory(
  honest: DisputeHistory,
  site: { readonly tx: number; readonly step: number },
  finalRoot: Uint8Array,
  salt: string,
): HistoryValues {
  const n = honest.count;
  const { tx } = site;
  const root = (p: number) => (p <= tx ? honest.root(p) : p === n ? finalRoot : word(`${salt} root ${p}`));
  const end = (p: number) => (p < tx ? honest.end(p) : { ...honest.end(p), stateRoot: root(p + 1) });
  return {
    count: n,
    root,
    machine: (p, s) => {
      if (p < tx) return honest.machine(p, s);
      const steps = honest.transaction(p).steps;
      if (p === tx && s <= Math.min(site.step, steps - 1)) return honest.machine(p, s);
      if (s >= steps) return machineHashOf(end(p));
      return word(`${salt} step ${p} ${s}`);
    },
    end,
    stepProof: (p, s) => honest.stepProof(p, s),
    transactionProof: (p) => honest.transactionProof(p),
  };
}
