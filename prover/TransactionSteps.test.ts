// TransactionSteps against the plain definition (StepProver: hash after every step) on the host scenarios:
// the same hash at every position in any order, the stopped hash repeated up to maxSteps, proofs that the
// TypeScript verifier accepts from each position's hash to the next, and the end opening.
import { describe, expect, it } from "vitest";
import { machineHashOf, rootAfterTransaction } from "../protocol/index.ts";
import { type Leaf, referenceHash, referenceProof } from "../protocol/smt/reference.ts";
import { loadModule, ProvableState, ProvableTransaction } from "../vm/index.ts";
import { TX_GAS_LIMIT } from "../vm/params.ts";
import { hostScenarios, PRE_KEYS, PRE_VALUES } from "../vm/testing/hostScenarios.ts";
import { rng } from "../vm/testing/randomProgram.ts";
import { PositionError } from "./errors.ts";
import { verifyStep } from "./proof/verifyStep.ts";
import { StepProver } from "./StepProver.ts";
import { TransactionSteps } from "./TransactionSteps.ts";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const pre: Leaf[] = PRE_KEYS.map((key, i) => ({ key, value: PRE_VALUES[i] }));
const request = (input: Uint8Array) => ({
  input,
  batchContext: { timestamp: 1_700_000_000n, l2Block: 7n, origin: 0n },
  state: ProvableState.fromSource({ root: referenceHash(pre), prove: (k) => referenceProof(pre, k) }),
  gasLimit: TX_GAS_LIMIT,
});
const scenarios = hostScenarios(new Uint8Array(128)).filter((s) =>
  ["readWrite", "manyWrites", "revert", "trapAfterWrite"].includes(s.name),
);

describe("TransactionSteps", () => {
  for (const s of scenarios)
    it(`test_hashAt_${s.name}_equalsHashingEveryStep_anyOrder`, () => {
      const flat = loadModule(s.bytes);
      const all = StepProver.forTransaction(flat, request(s.input)).machineHashes(10_000);
      const stop = all.length - 1;
      const maxSteps = stop + 50;
      const steps = TransactionSteps.start(flat, request(s.input), {
        maxSteps,
        maxSnapshots: 4,
        trackedGap: 8,
      });
      const r = rng(stop);
      const positions = Array.from({ length: 60 }, () => Math.floor(r() * (maxSteps + 1)));
      for (const p of positions)
        expect(hex(steps.hashAt(p)), `position ${p}`).toBe(hex(all[Math.min(p, stop)]));
      expect(steps.steps).toBe(stop);
      expect(steps.hashesAt([maxSteps, 0, stop]).map(hex)).toEqual([all[stop], all[0], all[stop]].map(hex));
      // Far fewer steps than re-running from 0 for each position; restarts came from snapshots.
      expect(steps.stats.stepsRun).toBeLessThan(positions.reduce((a, p) => a + Math.min(p, stop), 0));
      expect(steps.stats.restores).toBeGreaterThan(0);

      const end = steps.end();
      expect(hex(machineHashOf(end))).toBe(hex(all[stop]));
      const tx = ProvableTransaction.start(flat, request(s.input));
      tx.run();
      expect(hex(steps.rootAfter())).toBe(hex(tx.postRoot));
      expect(hex(rootAfterTransaction(steps.preRoot, end) as Uint8Array)).toBe(hex(tx.postRoot));
    });

  it("test_hashAt_nearPositions_trackedOrRebuilt_sameHashes", () => {
    const s = scenarios[1];
    const flat = loadModule(s.bytes);
    const all = StepProver.forTransaction(flat, request(s.input)).machineHashes(10_000);
    const stop = all.length - 1;
    const positions = [3, 4, 5, 9, 17, 40, 41, stop - 1, stop, stop + 3];
    for (const trackedGap of [0, 1, 16, 100_000]) {
      const steps = TransactionSteps.start(flat, request(s.input), { maxSteps: stop + 10, trackedGap });
      expect(steps.hashesAt(positions).map(hex), `trackedGap ${trackedGap}`).toEqual(
        positions.map((p) => hex(all[Math.min(p, stop)])),
      );
      // One forward pass either way: no restarts, each step run once.
      expect(steps.stats.restores).toBe(0);
      expect(steps.stats.stepsRun).toBe(stop);
      // After a proof (hasher current at s + 1), the next position is reached tracked too.
      const p = steps.proveStep(20);
      expect(hex(p.after)).toBe(hex(all[21]));
      expect(hex(steps.hashAt(23))).toBe(hex(all[23]));
    }
  });

  it("test_proveStep_everyStepAndPastTheStop_verifiesFromHashToNext", () => {
    const s = scenarios[0];
    const flat = loadModule(s.bytes);
    const steps = TransactionSteps.start(flat, request(s.input), { maxSteps: 400 });
    const stop = steps.steps;
    for (const i of [...Array.from({ length: stop + 2 }, (_, i) => stop + 1 - i), 399]) {
      const p = steps.proveStep(i);
      expect(hex(p.before)).toBe(hex(steps.hashAt(i)));
      expect(hex(p.after)).toBe(hex(steps.hashAt(i + 1)));
      expect(hex(verifyStep(p.before, p.proof))).toBe(hex(p.after));
    }
  });

  it("test_positions_outsideRange_throwPositionError", () => {
    const s = scenarios[0];
    const steps = TransactionSteps.start(loadModule(s.bytes), request(s.input), { maxSteps: 100 });
    for (const bad of [-1, 101, 1.5, Number.NaN]) expect(() => steps.hashAt(bad)).toThrow(PositionError);
    expect(() => steps.proveStep(100)).toThrow(PositionError);
    // Bad requests changed nothing.
    expect(hex(steps.hashAt(3))).toBe(
      hex(StepProver.forTransaction(loadModule(s.bytes), request(s.input)).machineHashes(3)[3]),
    );
  });
});
