import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { findSpecDir, readSpecCommands, specFolders, specValue } from "../../vm/conformance.ts";
import type { FlatModule } from "../../vm/FlatModule.ts";
import { FLAT_CONTROL_NAMES, Op } from "../../vm/flatOps.ts";
import { Interpreter, type Value } from "../../vm/Interpreter.ts";
import { loadModule } from "../../vm/loadModule.ts";
import { OPCODE_NAMES, PROFILE_OPCODES } from "../../vm/opcodes.ts";
import { randomArgs, randomProgram, rng } from "../../vm/testing/randomProgram.ts";
import { buildModule, i32, i64 } from "../../vm/testing/wasmBuilder.ts";
import { InvalidProofError, ProofFault } from "./InvalidProofError.ts";
import type { StepVector } from "./stepProof.ts";
import { type StepCall, stepVectorHex, stepVectors } from "./stepVectors.ts";
import { verifyStep } from "./verifyStep.ts";

/**
 * verifyStep (the reference one-step verifier) against the interpreter: on every
 * step of generated programs and of the in-profile spec modules, the verifier,
 * given only the hash before and the proof, must return the interpreter's hash
 * after. Mutated proofs must be rejected or give another hash, never the honest one.
 * Sizes: OPTIO_PROOF_PROGRAMS generated programs (default 400), at most
 * OPTIO_PROOF_SPEC_STEPS steps per spec invocation (default 3,000).
 */

const PROGRAMS = Number(process.env.OPTIO_PROOF_PROGRAMS ?? 400);
const SPEC_STEPS = Number(process.env.OPTIO_PROOF_SPEC_STEPS ?? 3_000);
const MIN_STEPS = Number(process.env.OPTIO_PROOF_MIN_STEPS ?? 100_000);
const SEED = 0x05e9_0000;
const AMPLE = 50_000_000;
/** Vectors kept per flat op for the mutation tests. */
const KEEP_PER_OP = 4;

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

/** The flat ops of the profile: control lowered away, `select t` as `select`; host calls have no proof yet. */
const PROFILE_FLAT_OPS: number[] = [
  Op.UNREACHABLE,
  Op.ENTER,
  Op.BR_UNLESS,
  Op.BR,
  Op.BR_IF,
  Op.BR_TABLE,
  Op.RETURN,
  Op.CALL,
  Op.CALL_INDIRECT,
  ...[...PROFILE_OPCODES].filter((op) => op >= 0x1a && op !== 0x1c),
];

const opName = (op: number) =>
  op === -1 ? "(stopped)" : (FLAT_CONTROL_NAMES.get(op) ?? OPCODE_NAMES.get(op) ?? `0x${op.toString(16)}`);

class Checker {
  steps = 0;
  perOp = new Map<number, number>();
  /** Largest proof per op, in bytes (what the Solidity prover's calldata must hold). */
  maxBytes = new Map<number, number>();
  outOfGas = 0;
  traps = new Map<string, number>();
  kept = new Map<number, StepVector[]>();

  check(v: StepVector, where: () => string): void {
    const got = verifyStep(v.before, v.proof);
    if (hex(got) !== hex(v.after)) expect.fail(`${where()}: ${opName(v.op)}: verifyStep gives another hash`);
    this.steps++;
    if (v.outOfGas) this.outOfGas++;
    else {
      this.perOp.set(v.op, (this.perOp.get(v.op) ?? 0) + 1);
      this.maxBytes.set(v.op, Math.max(this.maxBytes.get(v.op) ?? 0, v.proof.length));
    }
    const kept = this.kept.get(v.op) ?? [];
    if (kept.length < KEEP_PER_OP && (v.outOfGas || kept.length < KEEP_PER_OP - 1)) kept.push(v);
    this.kept.set(v.op, kept);
  }

  run(interp: Interpreter, call: StepCall, maxSteps: number | undefined, where: string): void {
    let n = 0;
    for (const v of stepVectors(interp, call, { maxSteps, unprovable: "skip" })) {
      this.check(v, () => `${where} step ${n}`);
      n++;
    }
    const s = interp.status;
    if (s.kind === "trapped") this.traps.set(s.trap, (this.traps.get(s.trap) ?? 0) + 1);
  }
}

const checker = new Checker();

function runProgram(seed: number): void {
  const prog = randomProgram(seed);
  const flat = loadModule(prog.bytes);
  const inst = Interpreter.instantiate(flat);
  if (!inst.ok) return;
  const interp = inst.instance;
  const r = rng(seed ^ 0x51ed);
  for (const [e, fn] of prog.exports.entries()) {
    for (const args of randomArgs(seed + 31 * e, fn.params, 2)) {
      const where = `program seed ${seed} ${fn.name}(${args.join(", ")})`;
      // Measure the gas on a snapshot, then step at ample gas and at a limit that runs out mid-way.
      const snap = interp.snapshot();
      const full = interp.invoke(fn.name, args, AMPLE);
      interp.restore(snap);
      checker.run(interp, { name: fn.name, args, gas: AMPLE }, undefined, where);
      const used = AMPLE - full.gasLeft;
      if (used > 1) {
        interp.restore(snap);
        checker.run(
          interp,
          { name: fn.name, args, gas: Math.floor(r() * used) },
          undefined,
          `${where} short`,
        );
      }
    }
  }
}

function runSpec(dir: string): number {
  let invocations = 0;
  for (const file of specFolders(dir)) {
    let cur: { interp: Interpreter; flat: FlatModule } | undefined;
    for (const cmd of readSpecCommands(dir, file)) {
      if (cmd.type === "module") {
        cur = undefined;
        try {
          const m = loadModule(new Uint8Array(readFileSync(`${dir}/${file}/${cmd.filename}`)), {
            stubOutOfProfile: true,
          });
          if (m.imports.length > 0) continue; // imports of other spec modules: host calls, not provable yet
          const r = Interpreter.instantiate(m);
          if (r.ok) cur = { interp: r.instance, flat: m };
        } catch {
          // refused by the loader: the conformance runner's business
        }
        continue;
      }
      const act = cmd.action;
      if (cur === undefined || act === undefined || act.type !== "invoke" || act.module !== undefined)
        continue;
      const e = cur.flat.exports.get(act.field);
      if (e === undefined || e.kind !== "func" || cur.flat.stubs[e.index] !== undefined) continue;
      if ((act.args ?? []).some((v) => v.type !== "i32" && v.type !== "i64")) continue;
      const args: Value[] = (act.args ?? []).map(specValue);
      checker.run(cur.interp, { name: act.field, args, gas: AMPLE }, SPEC_STEPS, `${file} ${act.field}`);
      invocations++;
    }
  }
  return invocations;
}

const SPEC = findSpecDir();

describe("verifyStep against the interpreter", () => {
  it.skipIf(SPEC === undefined)("test_verifyStep_specModules_everyStepMatches", { timeout: 600_000 }, () => {
    const invocations = runSpec(SPEC as string);
    console.log(`verifyStep: ${invocations} spec invocations, ${checker.steps} steps so far`);
    expect(invocations).toBeGreaterThan(1_000);
  });

  it("test_verifyStep_randomPrograms_everyStepMatches", { timeout: 600_000 }, () => {
    for (let p = 0; p < PROGRAMS; p++) runProgram((SEED + p) >>> 0);
    const rows = [...PROFILE_FLAT_OPS, -1]
      .map(
        (op) =>
          `${opName(op).padEnd(20)} ${String(checker.perOp.get(op) ?? 0).padStart(8)}` +
          ` ${String(checker.maxBytes.get(op) ?? 0).padStart(7)} bytes max`,
      )
      .join("\n");
    console.log(
      `verifyStep coverage (flat op -> steps checked):\n${rows}\n${"out of gas".padEnd(20)} ${String(checker.outOfGas).padStart(8)}\n` +
        `total ${checker.steps} steps; traps ${JSON.stringify(Object.fromEntries(checker.traps))}`,
    );
    // The total counts the spec modules' steps; without the spec suite (skipped, as conformance
    // is) the generated programs alone are checked, every step, but fall short of the total.
    if (SPEC !== undefined) expect(checker.steps).toBeGreaterThanOrEqual(MIN_STEPS);
    expect(checker.outOfGas).toBeGreaterThan(0);
    const missing = PROFILE_FLAT_OPS.filter((op) => (checker.perOp.get(op) ?? 0) === 0).map(opName);
    expect(missing).toEqual([]);
    for (const t of [
      "unreachable",
      "integer divide by zero",
      "integer overflow",
      "out of bounds memory access",
      "undefined element",
      "uninitialized element",
      "indirect call type mismatch",
    ]) {
      expect(checker.traps.get(t) ?? 0, t).toBeGreaterThan(0);
    }
  });

  it("test_verifyStep_mutatedProofs_neverGiveTheHonestHash", () => {
    const vectors = [...checker.kept.values()].flat();
    expect(vectors.length).toBeGreaterThan(100);
    const r = rng(0x3a7e);
    let rejected = 0;
    let otherHash = 0;
    const attempt = (v: StepVector, proof: Uint8Array, what: string) => {
      let got: Uint8Array;
      try {
        got = verifyStep(v.before, proof);
      } catch (e) {
        if (!(e instanceof InvalidProofError)) throw new Error(`${what}: ${String(e)}`);
        rejected++;
        return;
      }
      if (hex(got) === hex(v.after)) expect.fail(`${what} (${opName(v.op)}): the honest after-hash`);
      otherHash++;
    };
    for (const v of vectors) {
      const p = v.proof;
      for (let k = 0; k < 12; k++) {
        const m = p.slice();
        const at = Math.floor(r() * p.length);
        m[at] ^= 1 << Math.floor(r() * 8);
        attempt(v, m, `bit flip at byte ${at}`);
      }
      attempt(v, p.slice(0, p.length - 1), "truncated");
      attempt(v, Uint8Array.of(...p, 0), "a trailing byte");
      if (p.length > 352 + 64) {
        // A wrong sibling or witness word: one aligned word past the header replaced by another.
        const m = p.slice();
        const words = Math.floor((p.length - 352) / 32);
        const at = 352 + 32 * Math.floor(r() * words);
        const from = 352 + 32 * Math.floor(r() * words);
        m.set(from === at ? new Uint8Array(32).fill(7) : p.slice(from, from + 32), at);
        if (hex(m) !== hex(p)) attempt(v, m, `word at ${at} replaced`);
      }
      // The honest proof against another machine hash.
      const other = v.before.slice();
      other[31] ^= 1;
      expect(() => verifyStep(other, p)).toThrow(InvalidProofError);
    }
    console.log(
      `mutations: ${rejected} rejected, ${otherHash} gave another hash, over ${vectors.length} vectors`,
    );
    expect(rejected).toBeGreaterThan(vectors.length);
  });
});

describe("verifyStep edge cases", () => {
  const flat = loadModule(
    buildModule({
      types: [{ params: [i32], results: [i32] }],
      funcs: [{ type: 0, body: [0x20, 0x00, 0x41, 0x01, 0x6a], export: "inc" }],
    }),
  );

  it("test_verifyStep_stoppedMachine_stepsToItself", () => {
    const r = Interpreter.instantiate(flat);
    if (!r.ok) throw new Error("instantiation");
    const vs = [...stepVectors(r.instance, { name: "inc", args: [41], gas: 1_000 })];
    const last = vs[vs.length - 1];
    expect(last.op).toBe(-1);
    expect(last.proof.length).toBe(352);
    expect(hex(verifyStep(last.before, last.proof))).toBe(hex(last.before));
    expect(r.instance.result()).toMatchObject({ ok: true, values: [42] });
    for (const v of vs) expect(hex(verifyStep(v.before, v.proof))).toBe(hex(v.after));
    expect(stepVectorHex(vs[0]).proof.startsWith("0x")).toBe(true);
  });

  it("test_verifyStep_outOfGasAtTheFirstLeader_keepsGas", () => {
    const r = Interpreter.instantiate(flat);
    if (!r.ok) throw new Error("instantiation");
    const [v] = stepVectors(r.instance, { name: "inc", args: [1], gas: 1 }, { maxSteps: 1 });
    expect(v.outOfGas).toBe(true);
    expect(v.proof.length).toBe(352 + 32 + 22 * 32);
    expect(hex(verifyStep(v.before, v.proof))).toBe(hex(v.after));
    expect(r.instance.gasLeft).toBe(1);
  });

  it("test_verifyStep_callDepthAndValueStackLimits_trapProvably", () => {
    // "deep" recurses with no locals until MAX_CALL_DEPTH; "wide" has 1,000 locals and runs out of MAX_VALUE_STACK.
    const limits = loadModule(
      buildModule({
        types: [{ params: [], results: [] }],
        funcs: [
          { type: 0, body: [0x10, 0x00], export: "deep" },
          { type: 0, locals: new Array(1_000).fill(i64), body: [0x10, 0x01], export: "wide" },
        ],
      }),
    );
    for (const name of ["deep", "wide"]) {
      const r = Interpreter.instantiate(limits);
      if (!r.ok) throw new Error("instantiation");
      let steps = 0;
      for (const v of stepVectors(r.instance, { name, args: [], gas: AMPLE })) {
        expect(hex(verifyStep(v.before, v.proof)), `${name} step ${steps}`).toBe(hex(v.after));
        steps++;
      }
      expect(r.instance.status).toEqual({ kind: "trapped", trap: "call stack exhausted" });
      expect(steps).toBeGreaterThan(60);
    }
  });

  it("test_verifyStep_shortProof_isTruncatedError", () => {
    expect(() => verifyStep(new Uint8Array(32), new Uint8Array(100))).toThrow(
      expect.objectContaining({ reason: ProofFault.TRUNCATED }),
    );
  });
});
