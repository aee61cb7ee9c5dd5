import { describe, expect, it } from "vitest";
import { Interpreter, type RunResult, type Value } from "./Interpreter.ts";
import { type JitResult, JitRunner } from "./JitRunner.ts";
import { loadModule } from "./loadModule.ts";
import { randomArgs, randomProgram, rng } from "./testing/randomProgram.ts";

/**
 * Differential tests: random valid in-profile programs (vm/testing/randomProgram.ts)
 * run on the interpreter and the metered JIT runner must agree on results or traps,
 * gas left, memory and globals, at ample gas and at limits that run out mid-way.
 * A subset is also stepped one instruction at a time against `invoke`.
 */

/** First seed; program p uses seed SEED + p. */
const SEED = 0x0971_0000;
const PROGRAMS = 10_000;
/** Set to a seed to run (and step) just that program: what a failure message says to do. */
const ONLY = process.env.OPTIO_DIFF_ONLY;
/** Every STEP_EVERY-th program is also stepped one instruction at a time (200 programs). */
const STEP_EVERY = 50;
const AMPLE = 50_000_000;

function outcome(r: RunResult | JitResult) {
  return r.ok
    ? { ok: true, values: r.values, gasLeft: r.gasLeft }
    : { ok: false, trap: r.trap, gasLeft: r.gasLeft };
}

function jitMemory(jit: JitRunner): Uint8Array {
  const exports = (jit as unknown as { instance: { exports: Record<string, { buffer: ArrayBuffer }> } })
    .instance.exports;
  return new Uint8Array(exports.mem.buffer);
}

function stepped(it: Interpreter, name: string, args: Value[], gas: number): RunResult {
  it.start(name, args, gas);
  while (it.step().kind === "running") {}
  return it.result();
}

interface Stats {
  runs: number;
  stepped: number;
  ampleRuns: number;
  ampleOk: number;
  gasUsed: number;
  traps: Map<string, number>;
}

/**
 * Generate program `seed`, check it loads, and run each export with a few argument sets at
 * ample gas and at limits that run out mid-way on both runners (and, if `step`, stepped).
 */
function runProgram(seed: number, step: boolean, s: Stats): void {
  const where = `seed ${seed} (reproduce: OPTIO_DIFF_ONLY=${seed} npx vitest run vm/differential)`;
  const prog = randomProgram(seed);
  let flat: ReturnType<typeof loadModule>;
  try {
    flat = loadModule(prog.bytes);
  } catch (e) {
    throw new Error(`${where}: generated module refused: ${(e as Error).message}`);
  }
  const i0 = Interpreter.instantiate(flat);
  const j0 = JitRunner.instantiate(prog.bytes);
  const s0 = step ? Interpreter.instantiate(flat) : undefined;
  if (!i0.ok || !j0.ok || (s0 !== undefined && !s0.ok)) throw new Error(`${where}: instantiation trapped`);
  const interp = i0.instance;
  const jit = j0.instance;
  const slow = s0?.ok ? s0.instance : undefined;
  const r = rng(seed ^ 0x9e3779b9);

  const check = (name: string, args: Value[], gas: number): RunResult => {
    const what = `${where}: ${name}(${args.join(", ")}) gas ${gas}`;
    const a = interp.invoke(name, args, gas);
    const b = jit.invoke(name, args, gas);
    expect(outcome(b), what).toEqual(outcome(a));
    // Buffer.equals: vitest's deep equality is slow on 64 KiB pages.
    if (!Buffer.from(jitMemory(jit)).equals(Buffer.from(interp.memory)))
      expect.fail(`${what}: memory differs`);
    for (let g = 0; g < prog.globals; g++) {
      expect(jit.global(`g${g}`), `${what}: global ${g}`).toEqual(interp.global(g));
    }
    if (slow !== undefined) {
      expect(stepped(slow, name, args, gas), `${what}: stepped`).toEqual(a);
      if (!Buffer.from(slow.memory).equals(Buffer.from(interp.memory)))
        expect.fail(`${what}: stepped memory differs`);
      expect(
        Buffer.from(slow.globals.buffer).equals(Buffer.from(interp.globals.buffer)),
        `${what}: stepped globals`,
      ).toBe(true);
      s.stepped++;
    }
    s.runs++;
    if (!a.ok) s.traps.set(a.trap, (s.traps.get(a.trap) ?? 0) + 1);
    return a;
  };

  for (const [e, fn] of prog.exports.entries()) {
    for (const args of randomArgs(seed + 7919 * e, fn.params, 2)) {
      const full = check(fn.name, args, AMPLE);
      const used = AMPLE - full.gasLeft;
      s.ampleRuns++;
      s.gasUsed += used;
      if (full.ok) s.ampleOk++;
      // Both runners stay in lockstep (same state) through the runs that run out of gas.
      for (const limit of [used - 1, Math.floor(used / 2), Math.floor(r() * used)]) {
        if (limit >= 0) check(fn.name, args, limit);
      }
    }
  }
}

const newStats = (): Stats => ({
  runs: 0,
  stepped: 0,
  ampleRuns: 0,
  ampleOk: 0,
  gasUsed: 0,
  traps: new Map(),
});

describe("differential: interpreter vs JIT runner", () => {
  it("test_randomProgram_sameSeed_sameModule", () => {
    expect(randomProgram(SEED + 3).bytes).toEqual(randomProgram(SEED + 3).bytes);
    expect(randomProgram(SEED + 3).bytes).not.toEqual(randomProgram(SEED + 4).bytes);
  });

  it.runIf(ONLY !== undefined)("test_differential_oneSeed_agree", () => {
    runProgram(Number(ONLY), true, newStats());
  });

  it("test_differential_randomPrograms_agree", { timeout: 600_000 }, () => {
    const s = newStats();
    let programs = 0;
    for (let p = 0; p < PROGRAMS; p++) {
      runProgram((SEED + p) >>> 0, p % STEP_EVERY === 0, s);
      programs++;
    }
    console.log(
      `differential: ${programs} programs, ${s.runs} runs (${s.stepped} stepped), ` +
        `${s.ampleOk}/${s.ampleRuns} ample runs returned, mean gas ${Math.round(s.gasUsed / s.ampleRuns)}, ` +
        `traps ${JSON.stringify(Object.fromEntries(s.traps))}`,
    );
    expect(programs).toBeGreaterThanOrEqual(10_000);
    expect(s.stepped).toBeGreaterThan(0);
    // The generator must actually reach the traps it aims at.
    for (const t of [
      "out of gas",
      "integer divide by zero",
      "integer overflow",
      "out of bounds memory access",
      "undefined element",
      "uninitialized element",
      "indirect call type mismatch",
      "unreachable",
    ]) {
      expect(s.traps.get(t) ?? 0, t).toBeGreaterThan(0);
    }
  });
});
