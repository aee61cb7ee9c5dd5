// Interpreter.runUntil: running unhashed to a step gives the machine (and hash) that stepping to it gives, stops
// where the call stops, and leaves no stale tree behind when the machine was hashed before.
import { describe, expect, it } from "vitest";
import { Interpreter } from "./Interpreter.ts";
import { loadModule } from "./loadModule.ts";
import { stepProgramBytes, stepProgramCalls, stepProgramImports } from "./testing/stepPrograms.ts";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const flat = loadModule(stepProgramBytes);
function instance(): Interpreter {
  const r = Interpreter.instantiate(flat, stepProgramImports);
  if (!r.ok) throw new Error(`instantiation trapped: ${r.trap}`);
  return r.instance;
}

describe("Interpreter.runUntil", () => {
  for (const [name, args] of stepProgramCalls)
    it(`test_runUntil_${name}(${args.join(",")})_sameMachineAsStepping`, () => {
      const stepped = instance();
      stepped.start(name, args, 1_000_000);
      const hashes = [stepped.hash().slice()];
      while (stepped.status.kind === "running") {
        stepped.step();
        hashes.push(stepped.hash().slice());
      }
      const stop = hashes.length - 1;
      const run = instance();
      run.start(name, args, 1_000_000);
      // Hashed at some steps, run unhashed between them (the hasher goes stale and must be rebuilt).
      for (const s of [1, 2, Math.floor(stop / 3), Math.floor(stop / 2), stop - 1, stop, stop + 5]) {
        if (s < 0 || s < run.stepCount) continue;
        const status = run.runUntil(s);
        expect(run.stepCount).toBe(Math.min(s, stop));
        expect(status.kind === "running").toBe(s < stop);
        expect(hex(run.hash()), `${name} step ${s}`).toBe(hex(hashes[Math.min(s, stop)]));
      }
      expect(run.result()).toEqual(stepped.result());
    });
});
