import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findSpecDir, readSpecCommands, specFolders, specValue } from "./conformance.ts";
import { OutOfProfileError } from "./errors.ts";
import { Interpreter, type Value } from "./Interpreter.ts";
import { JitRunner } from "./JitRunner.ts";
import { loadModule } from "./loadModule.ts";
import { MAX_CALL_DEPTH, MAX_VALUE_STACK } from "./params.ts";
import { buildModule, i32, i32c, i64 } from "./testing/wasmBuilder.ts";

const dir = findSpecDir();

/** What both runners must agree on (the interpreter's step count aside). */
function outcome(r: { ok: boolean; gasLeft: number; values?: Value[]; trap?: string }) {
  return r.ok
    ? { ok: true, values: r.values, gasLeft: r.gasLeft }
    : { ok: false, trap: r.trap, gasLeft: r.gasLeft };
}

function pair(bytes: Uint8Array) {
  const i = Interpreter.instantiate(loadModule(bytes));
  const j = JitRunner.instantiate(bytes);
  if (!i.ok || !j.ok) throw new Error("instantiation trapped");
  return { interp: i.instance, jit: j.instance };
}

describe("JitRunner", () => {
  it.skipIf(dir === undefined)("test_jit_matchesInterpreterGasOnSpecModules_succeeds", () => {
    let compared = 0;
    let outOfGas = 0;
    for (const name of specFolders(dir!)) {
      let current: ReturnType<typeof pair> | undefined;
      for (const cmd of readSpecCommands(dir!, name)) {
        if (cmd.type === "module") {
          const bytes = readFileSync(join(dir!, name, cmd.filename!));
          try {
            loadModule(bytes);
            current = pair(bytes);
          } catch (e) {
            if (!(e instanceof OutOfProfileError)) throw e;
            current = undefined; // only modules the loader accepts are metered
          }
          continue;
        }
        const action = cmd.action;
        if (current === undefined || action === undefined || action.type !== "invoke" || action.module)
          continue;
        if ((action.args ?? []).some((a) => a.type !== "i32" && a.type !== "i64")) continue;
        const args = (action.args ?? []).map(specValue);
        const full = current.interp.invoke(action.field, args);
        expect(
          outcome(current.jit.invoke(action.field, args)),
          `${name}:${cmd.line} ${action.field}(${args})`,
        ).toEqual(outcome(full));
        const usedGas = Number.MAX_SAFE_INTEGER - full.gasLeft;
        // Run out of gas everywhere along the way: both runners in lockstep, so their state stays equal.
        const limits = [usedGas, usedGas - 1, Math.floor(usedGas / 2), Math.floor(usedGas / 3), 7, 0];
        for (const limit of limits) {
          if (limit < 0) continue;
          const a = current.interp.invoke(action.field, args, limit);
          const b = current.jit.invoke(action.field, args, limit);
          expect(outcome(b), `${name}:${cmd.line} ${action.field}(${args}) gas ${limit}`).toEqual(outcome(a));
          compared++;
          if (!a.ok && a.trap === "out of gas") outOfGas++;
        }
      }
    }
    expect(compared).toBeGreaterThan(5_000);
    expect(outOfGas).toBeGreaterThan(1_000);
  });

  it("test_jit_callDepthAndStackLimitsMatch_succeeds", () => {
    // rec(n, pad...): recursion with a chosen frame size: depth n + 1.
    const bytes = buildModule({
      types: [{ params: [i32], results: [i32] }],
      funcs: [
        {
          type: 0,
          locals: [i64, i64, i64],
          body: [
            0x20,
            0,
            0x45,
            0x04,
            i32,
            ...i32c(0),
            0x05,
            0x20,
            0,
            ...i32c(1),
            0x6b,
            0x10,
            0,
            ...i32c(1),
            0x6a,
            0x0b,
          ],
          export: "depth",
        },
        {
          type: 0,
          locals: Array(60).fill(i64),
          body: [
            0x20,
            0,
            0x45,
            0x04,
            i32,
            ...i32c(0),
            0x05,
            0x20,
            0,
            ...i32c(1),
            0x6b,
            0x10,
            1,
            ...i32c(1),
            0x6a,
            0x0b,
          ],
          export: "wide",
        },
      ],
    });
    const { interp, jit } = pair(bytes);
    const flat = loadModule(bytes);
    const wideEntry = flat.funcEntry[1];
    const wideFrame = flat.a[wideEntry] + flat.b[wideEntry] + flat.c[wideEntry];
    for (const n of [MAX_CALL_DEPTH - 1, MAX_CALL_DEPTH, 5000]) {
      const a = interp.invoke("depth", [n]);
      expect(outcome(jit.invoke("depth", [n]))).toEqual(outcome(a));
    }
    expect(interp.invoke("depth", [MAX_CALL_DEPTH])).toMatchObject({ trap: "call stack exhausted" });
    // "wide" frames reserve 1 + 60 + 2 values: the value stack runs out before the call depth.
    expect(wideFrame).toBe(63);
    const frames = Math.floor(MAX_VALUE_STACK / wideFrame);
    for (const n of [frames - 2, frames - 1, frames, frames + 1]) {
      const a = interp.invoke("wide", [n]);
      expect(outcome(jit.invoke("wide", [n])), `wide(${n})`).toEqual(outcome(a));
    }
    expect(interp.invoke("wide", [frames])).toMatchObject({ trap: "call stack exhausted" });
    expect(interp.invoke("wide", [frames - 1])).toMatchObject({ ok: true });
  });

  it("test_jit_indirectCallTraps_succeeds", () => {
    const bytes = buildModule({
      types: [
        { params: [], results: [i32] },
        { params: [i32], results: [i32] },
      ],
      table: { min: 3 },
      funcs: [
        { type: 0, body: i32c(42) },
        { type: 1, body: [0x20, 0, 0x11, 0, 0], export: "ci" },
        // many(n): n sequential indirect calls (the frame counters must come back down after each).
        {
          type: 1,
          body: [
            0x03,
            0x40,
            ...i32c(0),
            0x11,
            0,
            0,
            0x1a,
            0x20,
            0,
            ...i32c(1),
            0x6b,
            0x22,
            0,
            0x0d,
            0,
            0x0b,
            0x20,
            0,
          ],
          export: "many",
        },
      ],
      elems: [{ offset: 0, funcs: [0, 1] }],
    });
    const { interp, jit } = pair(bytes);
    for (const i of [0, 1, 2, 3, -1]) {
      expect(outcome(jit.invoke("ci", [i])), `ci(${i})`).toEqual(outcome(interp.invoke("ci", [i])));
    }
    expect(jit.invoke("ci", [1])).toMatchObject({ trap: "indirect call type mismatch" });
    expect(jit.invoke("ci", [2])).toMatchObject({ trap: "uninitialized element" });
    const n = 2 * MAX_CALL_DEPTH;
    expect(interp.invoke("many", [n])).toMatchObject({ ok: true });
    expect(outcome(jit.invoke("many", [n]))).toEqual(outcome(interp.invoke("many", [n])));
  });

  it("test_jit_memoryCappedAtMachineLimit_succeeds", () => {
    const bytes = buildModule({
      types: [{ params: [i32], results: [i32] }],
      memory: { min: 1 },
      funcs: [{ type: 0, body: [0x20, 0, 0x40, 0], export: "grow" }],
    });
    const { interp, jit } = pair(bytes);
    for (const n of [300, 255, 1])
      expect(outcome(jit.invoke("grow", [n]))).toEqual(outcome(interp.invoke("grow", [n])));
    expect(jit.invoke("grow", [0])).toMatchObject({ values: [256] });
  });
});
