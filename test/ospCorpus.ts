/**
 * Step vectors for the one-step prover's tests and benchmark: every step of
 * in-profile spec-test invocations, of the builder programs of
 * vm/testing/stepPrograms.ts, of generated random programs and of programs that
 * call every host function, each as (machine hash before, proof, machine hash
 * after) from the TypeScript generator (prover/proof/stepProof.ts), with what the
 * step executed so that tests can count coverage per instruction.
 */
import { readFileSync } from "node:fs";
import { type StepVector, stepProof, UnprovableStepError } from "../prover/proof/stepProof.ts";
import { findSpecDir, readSpecCommands, specFolders, specValue } from "../vm/conformance.ts";
import {
  codeRoot,
  FLAT_CONTROL_NAMES,
  type FlatModule,
  HOST_FUNCTIONS,
  type HostFunction,
  Interpreter,
  loadModule,
  type Value,
} from "../vm/index.ts";
import { OPCODE_NAMES } from "../vm/opcodes.ts";
import { randomArgs, randomProgram } from "../vm/testing/randomProgram.ts";
import { stepProgramBytes, stepProgramCalls, stepProgramImports } from "../vm/testing/stepPrograms.ts";

/** One step to check on L1. */
export interface OspVector extends StepVector {
  /** The code root of the module (the StepContext the dispute pins). */
  readonly codeRoot: Uint8Array;
  /** What the step executed (see stepLabel). */
  readonly label: string;
}

/** Host ids (docs/machine.md, "Host calls") by name, as call_host's `b` carries them. */
export const HOST_NAMES = HOST_FUNCTIONS;

/** The name of flat opcode `op`. */
export function opName(op: number): string {
  return FLAT_CONTROL_NAMES.get(op) ?? OPCODE_NAMES.get(op) ?? `0x${op.toString(16)}`;
}

/**
 * What a step executed, read from its proof: an instruction name, `call_host:NAME`,
 * `call_indirect:host:NAME` (a host function reached through the table), `stopped` or `out of gas`.
 */
export function stepLabel(v: Pick<StepVector, "op" | "proof" | "outOfGas">): string {
  if (v.op < 0) return "stopped";
  if (v.outOfGas) return "out of gas";
  // call_host's b (the host id) is the last byte of b in the instruction word at proof offset 352.
  if (v.op === 0x12) return `call_host:${HOST_NAMES[v.proof[352 + 12]] ?? v.proof[352 + 12]}`;
  // call_indirect's table leaf follows S(1) (40 bytes) after the instruction (1,088): entry pc 0xffffffff is a host.
  const leaf = 1088 + 40;
  if (
    v.op === 0x11 &&
    v.proof.length >= leaf + 32 &&
    v.proof.subarray(leaf + 9, leaf + 13).every((b) => b === 0xff)
  )
    return `call_indirect:host:${HOST_NAMES[v.proof[leaf + 13]] ?? v.proof[leaf + 13]}`;
  return opName(v.op);
}

/**
 * Steps `it` from its current state (a call already started) and yields each step's vector, up to
 * `maxSteps` steps, then one step of the stopped machine (which proves to itself). Stops early at a
 * step the generator cannot prove (a call into a conformance stub or a non-`optio` host function).
 */
export function* provedRun(it: Interpreter, maxSteps: number): Generator<OspVector> {
  const root = codeRoot(it.module);
  for (let i = 0; i <= maxSteps; i++) {
    let v: StepVector;
    try {
      v = stepProof(it);
    } catch (e) {
      if (e instanceof UnprovableStepError) return;
      throw e;
    }
    yield { ...v, codeRoot: root, label: stepLabel(v) };
    if (v.op < 0) return;
  }
}

function instance(flat: FlatModule, imports: Record<string, HostFunction> = {}): Interpreter | undefined {
  const r = Interpreter.instantiate(flat, imports);
  return r.ok ? r.instance : undefined;
}

/** Gas for one invocation: enough for every spec and builder call. */
const GAS = 50_000_000;

/**
 * One invocation at full gas, and (every `lowGasEvery`-th one) again with half the gas it used,
 * so that runs stop out of gas inside blocks.
 */
function* invocation(
  it: Interpreter,
  name: string,
  args: Value[],
  maxSteps: number,
  lowGas: boolean,
): Generator<OspVector> {
  const snap = it.snapshot();
  it.start(name, args, GAS);
  yield* provedRun(it, maxSteps);
  if (!lowGas) return;
  const used = GAS - it.gasLeft;
  it.restore(snap);
  it.start(name, args, Math.floor(used / 2));
  yield* provedRun(it, maxSteps);
}

/** Spec folders whose modules are (at least partly) in profile. */
export const SPEC_FILES = [
  "i32",
  "i64",
  "int_exprs",
  "int_literals",
  "fac",
  "forward",
  "labels",
  "load",
  "store",
  "address",
  "memory",
  "memory_size",
  "memory_grow",
  "memory_redundancy",
  "memory_trap",
  "nop",
  "stack",
  "switch",
  "call",
  "call_indirect",
  "br",
  "br_if",
  "br_table",
  "block",
  "loop",
  "if",
  "return",
  "select",
  "local_get",
  "local_set",
  "local_tee",
  "global",
  "traps",
  "left-to-right",
  "unreachable",
  "unwind",
  "func",
  "endianness",
];

/** Every in-profile invocation of the spec tests (`../shared/wasm-spec`), stepped with proofs. */
export function* specVectors(maxStepsPerCall: number): Generator<OspVector> {
  const dir = findSpecDir();
  if (dir === undefined) return;
  const present = specFolders(dir);
  let n = 0;
  for (const file of SPEC_FILES.filter((f) => present.includes(f))) {
    let current: { it: Interpreter; flat: FlatModule } | undefined;
    for (const cmd of readSpecCommands(dir, file)) {
      if (cmd.type === "module") {
        current = undefined;
        try {
          const flat = loadModule(new Uint8Array(readFileSync(`${dir}/${file}/${cmd.filename}`)), {
            stubOutOfProfile: true,
          });
          if (flat.imports.length > 0) continue;
          const it = instance(flat);
          if (it !== undefined) current = { it, flat };
        } catch {
          // not loadable: the conformance runner's business
        }
        continue;
      }
      const act = cmd.action;
      if (current === undefined || act === undefined || act.type !== "invoke" || act.module !== undefined)
        continue;
      if (!["assert_return", "assert_trap", "action", "assert_exhaustion"].includes(cmd.type)) continue;
      const e = current.flat.exports.get(act.field);
      if (e === undefined || e.kind !== "func" || current.flat.stubs[e.index] !== undefined) continue;
      if ((act.args ?? []).some((v) => v.type !== "i32" && v.type !== "i64")) continue;
      yield* invocation(
        current.it,
        act.field,
        (act.args ?? []).map(specValue),
        maxStepsPerCall,
        n++ % 5 === 0,
      );
    }
  }
}

/** The builder programs of vm/testing/stepPrograms.ts (their `env.triple` host call is not an optio one). */
export function* stepProgramVectors(maxStepsPerCall: number): Generator<OspVector> {
  const flat = loadModule(stepProgramBytes);
  const it = instance(flat, stepProgramImports);
  if (it === undefined) throw new Error("stepPrograms: instantiation trapped");
  let n = 0;
  for (const [name, args] of stepProgramCalls)
    yield* invocation(it, name, args, maxStepsPerCall, n++ % 2 === 0);
}

/** Generated random programs (vm/testing/randomProgram.ts), `count` of them from `seed`. */
export function* randomProgramVectors(
  seed: number,
  count: number,
  maxStepsPerCall: number,
): Generator<OspVector> {
  for (let k = 0; k < count; k++) {
    const p = randomProgram(seed + k);
    let flat: FlatModule;
    try {
      flat = loadModule(p.bytes);
    } catch {
      continue;
    }
    const it = instance(flat);
    if (it === undefined) continue;
    for (const [j, e] of p.exports.entries()) {
      for (const args of randomArgs(seed + k + j, e.params, 2)) {
        yield* invocation(it, e.name, args, maxStepsPerCall, (k + j) % 3 === 0);
      }
    }
  }
}
