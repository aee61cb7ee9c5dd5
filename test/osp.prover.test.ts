/**
 * prover/ (the dispute-facing API) against L1: for host-calling transactions, the machine hashes
 * of every step, and proofs of chosen steps (first, host calls, last, past the end) that the
 * deployed one-step prover turns from hash i into hash i + 1.
 */
import { network } from "hardhat";
import { bytesToHex, type Hex } from "viem";
import { describe, expect, test } from "vitest";
import { type Leaf, referenceHash, referenceProof } from "../protocol/smt/reference.ts";
import { deployOneStepProver, StepIndexError, StepProver } from "../prover/index.ts";
import { loadModule } from "../vm/index.ts";
import { ProvableTransaction } from "../vm/ProvableTransaction.ts";
import { ProvableState } from "../vm/state/ProvableState.ts";
import { hostScenarios, PRE_KEYS, PRE_VALUES } from "../vm/testing/hostScenarios.ts";
import { signedEcrecoverInput } from "./ospHostPrograms.ts";

interface Entry {
  read: {
    proveOneStep(args: readonly [{ codeRoot: Hex }, Hex, Hex]): Promise<Hex>;
  };
}

const { viem } = await network.create();
const osp = await deployOneStepProver(viem);
const entry = (await viem.getContractAt("OneStepProver", osp.entry)) as unknown as Entry;
const hex = (b: Uint8Array): Hex => bytesToHex(b);
const PRE: Leaf[] = PRE_KEYS.map((key, i) => ({ key, value: PRE_VALUES[i] }));
const request = (input: Uint8Array) => ({
  input,
  batchContext: { timestamp: 1_764_000_000n, l2Block: 7n, origin: 0n },
  state: ProvableState.fromSource({ root: referenceHash(PRE), prove: (k) => referenceProof(PRE, k) }),
});

describe("prover/StepProver", () => {
  test("proofs of chosen steps take L1 from hash i to hash i + 1, for every host scenario", async () => {
    const scenarios = hostScenarios(await signedEcrecoverInput());
    let proven = 0;
    for (const s of scenarios) {
      const prover = StepProver.forTransaction(s.bytes, request(s.input));
      const hashes = prover.machineHashes();
      const n = hashes.length - 1;
      expect(n, s.name).toBeGreaterThan(0);
      // The first hash is the transaction's initial machine hash, the one the interpreter starts from.
      const tx = ProvableTransaction.start(loadModule(s.bytes), request(s.input));
      expect(hex(hashes[0])).toBe(hex(tx.interpreter.hash()));
      const steps = new Set([0, 1, Math.floor(n / 3), Math.floor(n / 2), n - 1, n, n + 5]);
      for (const i of steps) {
        const p = prover.proveStep(i);
        expect(hex(p.before), `${s.name} step ${i}`).toBe(hex(hashes[Math.min(i, n)]));
        expect(hex(p.after), `${s.name} step ${i}`).toBe(hex(hashes[Math.min(i + 1, n)]));
        const got = await entry.read.proveOneStep([
          { codeRoot: hex(p.codeRoot) },
          hex(p.before),
          hex(p.proof),
        ]);
        expect(got, `${s.name} step ${i}`).toBe(hex(p.after));
        proven++;
      }
    }
    expect(proven).toBeGreaterThan(5 * scenarios.length);
  });

  test("a step index that is not a whole number >= 0 is refused with StepIndexError", () => {
    const s = hostScenarios(new Uint8Array(128))[0];
    const prover = StepProver.forTransaction(s.bytes, request(s.input));
    for (const bad of [-1, 1.5, Number.NaN]) expect(() => prover.proveStep(bad)).toThrow(StepIndexError);
  });

  test("the transaction's state proofs come from its own fork: the request's state is unchanged", () => {
    const all = hostScenarios(new Uint8Array(128));
    const s = all.find((x) => x.name === "manyWrites") ?? all[0];
    const req = request(s.input);
    const root = hex(req.state.root);
    const prover = StepProver.forTransaction(s.bytes, req);
    const n = prover.machineHashes().length - 1;
    prover.proveStep(n - 1);
    expect(hex(req.state.root)).toBe(root);
  });
});
