// The same random sequences on the fast runner (metered JIT) and on the interpreter give the
// same outcomes, gas, writes and state roots. ENGINE_REPLAY_RUNS / ENGINE_REPLAY_TXS size it.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EngineHarness, type TxRun } from "./engineHarness.ts";
import { actionSequence, propertyExchange, runAction } from "./engineSequences.ts";

const RUNS = Number(process.env.ENGINE_REPLAY_RUNS ?? 3);
const TXS = Number(process.env.ENGINE_REPLAY_TXS ?? 300);

/** A harness that runs every transaction on both runners, checking they agree. */
class LockstepHarness extends EngineHarness {
  readonly twin = new EngineHarness("interpreter");
  steps: number[] = [];

  override run(input: Uint8Array, origin = 0n): TxRun {
    this.twin.context = this.context;
    for (const [k, v] of this.recovered) this.twin.recovered.set(k, v);
    const a = super.run(input, origin);
    const b = this.twin.run(input, origin);
    expect(b).toEqual(a);
    this.steps.push(this.twin.lastSteps);
    return a;
  }
}

describe("engine replay: fast runner vs interpreter", () => {
  it(`${RUNS} sequences of ${TXS} transactions give the same roots`, () => {
    fc.assert(
      fc.property(actionSequence(TXS), (actions) => {
        const h = new LockstepHarness();
        const { x, prices } = propertyExchange(h);
        for (let i = 0; i < actions.length; i++) {
          runAction(x, prices, actions[i]);
          if (i % 100 === 99) expect(h.twin.root()).toEqual(h.root());
        }
        expect(h.twin.root()).toEqual(h.root());
        expect(Math.max(...h.steps)).toBeGreaterThan(1000);
      }),
      { numRuns: RUNS },
    );
  });
});
