// The challenge manager with the real one-step prover and a real transaction (test/rollup/realDispute.ts): the
// initial machine hash L1 computes must be the interpreter's, and a dishonest proposer whose trace departs from
// the real one loses to the honest challenger's one-step proof, wherever the traces part.
import { expect, test } from "vitest";
import { createChain, hex } from "./fixture.ts";
import { playDispute } from "./game.ts";
import { setupRealDispute } from "./realDispute.ts";

const chain = await createChain();

test("challenge_realProverAndTransaction_honestChallengerWins", async () => {
  // Diverging in the middle, and at a host call (a state write: the prover's costliest kind of step).
  for (const pick of [
    (steps: number) => Math.floor(steps / 2),
    // call_host (0x12) with host id 3 (state_write), read from the instruction word in the proof (offset 352 + 12).
    (_: number, vectors: { op: number; proof: Uint8Array }[]) =>
      vectors.findLastIndex((v) => v.op === 0x12 && v.proof[364] === 3),
  ]) {
    const d = await setupRealDispute(chain, { divergeStep: pick });
    expect(pick(d.steps, d.vectors)).toBeGreaterThan(0);
    const { r } = d.setup;
    expect(d.steps).toBeGreaterThan(10);
    expect(hex(d.postRoot)).not.toBe(hex(d.preRoot));
    expect(await r.cm.read.initialMachineHash([hex(d.preRoot), hex(d.inputHash), hex(d.batchContext)])).toBe(
      hex(d.m0),
    );
    const { id, moves } = await playDispute(d.setup, d.params);
    expect((await r.cm.read.getChallenge([id])).status).toBe(3);
    expect((await r.rollup.read.getAssertion([d.setup.assertion])).status).toBe(3);
    expect(moves.map((m) => m.kind)).toContain("proveStep");
  }
});
