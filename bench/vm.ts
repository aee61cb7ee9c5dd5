/**
 * `npm run bench -- vm`: the machine's runners on small integer workloads.
 *
 * vm.interp.steps.NAME: interpreted steps per second (plain, no hashing).
 * vm.jit.overhead.NAME: time under the metered JIT runner / time in plain V8
 *   on the same module (the target is <= 1.5 on compute-heavy code).
 * vm.interp.hashed.NAME: steps per second stepping one instruction at a time
 *   with the machine hash after every step (what a dispute needs), beside
 *   plain stepping.
 * vm.stack.i64: the measurement behind the interpreter's value-stack layout
 *   (i64 as two int32 halves against one BigInt64Array slot).
 * vm.jit.overhead: the same ratio on vm/testing/fixedPoint.wasm, an
 *   AssemblyScript Black-Scholes loop in 1e8 fixed point (the figure).
 * vm.tx.start: empty transactions started and finished per second on the fast
 *   path (TransactionRunner: one instance reused, written memory chunks copied
 *   back), against a fresh WebAssembly.Instance per transaction; `.engine` is
 *   engine/engine.wasm on an empty input (it rejects it at once).
 * vm.host.ecrecover: the host's ecrecover (L1 precompile rules) per second on
 *   its backend (libsecp256k1 where the native addon loads), against the
 *   @noble/curves reference in the same run.
 * Each figure is the median of 3 runs (5 for the ratios).
 */
import { readFileSync } from "node:fs";
import { ECRECOVER_BACKEND, ecrecover, ecrecoverReference } from "../vm/host/ecrecover.ts";
import { Interpreter, type Value } from "../vm/Interpreter.ts";
import { JitRunner } from "../vm/JitRunner.ts";
import { loadModule } from "../vm/loadModule.ts";
import { TransactionRunner } from "../vm/TransactionRunner.ts";
import { hostProgram } from "../vm/testing/hostProgram.ts";
import { stepProgramBytes, stepProgramImports } from "../vm/testing/stepPrograms.ts";
import { buildModule, i32, i32c, i64, i64c } from "../vm/testing/wasmBuilder.ts";
import { webAssembly } from "../vm/webAssemblyApi.ts";
import { emit, median, round } from "./report.ts";

const bytes = buildModule({
  types: [
    { params: [i32], results: [i32] },
    { params: [i32], results: [i64] },
  ],
  memory: { min: 1 },
  funcs: [
    // sum32(n): s = 0; do { s += n * 3 ^ s; } while (--n)
    {
      type: 0,
      locals: [i32],
      export: "sum32",
      body: [
        0x03,
        0x40,
        0x20,
        1,
        0x20,
        0,
        ...i32c(3),
        0x6c,
        0x20,
        1,
        0x73,
        0x6a,
        0x21,
        1,
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
        1,
      ],
    },
    // mix64(n): x = 1; do { x = x * 6364136223846793005 + n; x ^= x >> 29 } while (--n)
    {
      type: 1,
      locals: [i64],
      export: "mix64",
      body: [
        ...i64c(1n),
        0x21,
        1,
        0x03,
        0x40,
        0x20,
        1,
        ...i64c(6364136223846793005n),
        0x7e,
        0x20,
        0,
        0xad,
        0x7c,
        0x22,
        1,
        0x20,
        1,
        ...i64c(29n),
        0x88,
        0x85,
        0x21,
        1,
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
        1,
      ],
    },
    // mem(n): do { m[n & 1023 << 2] = m[(n - 1) & 1023 << 2] + n } while (--n)
    {
      type: 0,
      export: "mem",
      body: [
        0x03,
        0x40,
        0x20,
        0,
        ...i32c(1023),
        0x71,
        ...i32c(2),
        0x74,
        0x20,
        0,
        ...i32c(1),
        0x6b,
        ...i32c(1023),
        0x71,
        ...i32c(2),
        0x74,
        0x28,
        2,
        0,
        0x20,
        0,
        0x6a,
        0x36,
        2,
        0,
        0x20,
        0,
        ...i32c(1),
        0x6b,
        0x22,
        0,
        0x0d,
        0,
        0x0b,
        ...i32c(4),
        0x28,
        2,
        0,
      ],
    },
    // fib(n): n < 2 ? n : fib(n - 1) + fib(n - 2)
    {
      type: 0,
      export: "fib",
      body: [
        0x20,
        0,
        ...i32c(2),
        0x48,
        0x04,
        i32,
        0x20,
        0,
        0x05,
        0x20,
        0,
        ...i32c(1),
        0x6b,
        0x10,
        3,
        0x20,
        0,
        ...i32c(2),
        0x6b,
        0x10,
        3,
        0x6a,
        0x0b,
      ],
    },
  ],
});

const flat = loadModule(bytes);
const v8Module = new webAssembly.Module(bytes);
/** Fresh instances, so that the memory workload starts from the same state on both runners. */
function fresh(): { it: Interpreter } {
  const r = Interpreter.instantiate(flat);
  if (!r.ok) throw new Error(r.trap);
  return { it: r.instance };
}

interface Timing {
  stepsPerSecond: number;
  overhead: number;
}

function measure(name: string, arg: number): Timing {
  const warm = fresh().it;
  warm.invoke(name, [Math.min(arg, 1000)]);
  const it = fresh().it;
  const t0 = performance.now();
  const x = it.invoke(name, [arg]);
  const t1 = performance.now();
  (new webAssembly.Instance(v8Module).exports[name] as (...a: Value[]) => Value)(arg); // warm up the JIT
  const f = new webAssembly.Instance(v8Module).exports[name] as (...a: Value[]) => Value;
  const t2 = performance.now();
  const y = f(arg);
  const t3 = performance.now();
  const metered = () => {
    const r = JitRunner.instantiate(bytes);
    if (!r.ok) throw new Error(r.trap);
    return r.instance;
  };
  metered().invoke(name, [arg]); // warm up
  const jit = metered();
  const t4 = performance.now();
  const z = jit.invoke(name, [arg]);
  const t5 = performance.now();
  if (!x.ok || x.values[0] !== y) throw new Error(`${name}: interpreter ${JSON.stringify(x)} vs V8 ${y}`);
  if (!z.ok || z.values[0] !== y || z.gasLeft !== x.gasLeft)
    throw new Error(`${name}: metered JIT ${JSON.stringify(z)}`);
  return { stepsPerSecond: x.steps / ((t1 - t0) / 1000), overhead: (t5 - t4) / (t3 - t2) };
}

// The layout decision: a stack of int32 halves vs a BigInt64Array, on i64 add + compare + i32 add.
function halves(n: number): number {
  const s = new Int32Array(64);
  let t = 4;
  for (let i = 0; i < n; i++) {
    s[t] = i;
    s[t + 1] = 0;
    t += 2;
    t -= 2;
    const xl = s[t - 2] >>> 0;
    const sum = xl + (s[t] >>> 0);
    s[t - 2] = sum;
    s[t - 1] = s[t - 1] + s[t + 1] + (sum > 0xffffffff ? 1 : 0);
    s[t - 4] = s[t - 4] + 1;
  }
  return s[2];
}

function bigints(n: number): bigint {
  const s = new BigInt64Array(32);
  let t = 2;
  for (let i = 0; i < n; i++) {
    s[t] = BigInt(i);
    t += 1;
    t -= 1;
    s[t - 1] = BigInt.asIntN(64, s[t - 1] + s[t]);
    s[t - 2] = s[t - 2] + 1n;
  }
  return s[1];
}

function rate(f: (n: number) => unknown): number {
  f(10_000);
  const t0 = performance.now();
  f(5_000_000);
  return 5_000_000 / ((performance.now() - t0) / 1000);
}

const stepFlat = loadModule(stepProgramBytes);

/** Steps per second of step(), with or without hash() after each, for about `ms` milliseconds. */
function stepRate(name: string, args: number[], hash: boolean, ms = 700): number {
  const r = Interpreter.instantiate(stepFlat, stepProgramImports);
  if (!r.ok) throw new Error(r.trap);
  const it = r.instance;
  let steps = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    it.start(name, args);
    if (hash) it.hash();
    while (it.step().kind === "running") if (hash) it.hash();
    steps += it.stepCount;
  }
  return steps / ((performance.now() - t0) / 1000);
}

/** vm.jit.overhead: metered JIT time / plain V8 time on the AssemblyScript fixed-point program, interleaved. */
function fixedPointOverhead(n: number): { ratio: number; plainMs: number } {
  const bytes = new Uint8Array(readFileSync(new URL("../vm/testing/fixedPoint.wasm", import.meta.url)));
  const plain = new webAssembly.Instance(new webAssembly.Module(bytes)).exports.prices as (
    n: number,
  ) => bigint;
  const r = JitRunner.instantiate(bytes);
  if (!r.ok) throw new Error(r.trap);
  const jit = r.instance;
  plain(n >> 3);
  jit.invoke("prices", [n >> 3]);
  const ratios: number[] = [];
  const plainMs: number[] = [];
  // CPU time, not wall time: the ratio then holds on a machine other jobs load.
  const cpuMs = () => process.cpuUsage().user / 1000;
  for (let k = 0; k < 5; k++) {
    const t0 = cpuMs();
    const x = plain(n);
    const t1 = cpuMs();
    const y = jit.invoke("prices", [n]);
    const t2 = cpuMs();
    if (!y.ok || y.values[0] !== x)
      throw new Error(`fixedPoint: metered JIT ${JSON.stringify(y)} vs V8 ${x}`);
    ratios.push((t2 - t1) / (t1 - t0));
    plainMs.push(t1 - t0);
  }
  return { ratio: median(ratios), plainMs: median(plainMs) };
}

/** Transactions per second on one TransactionRunner, reusing the instance or instantiating afresh each time. */
function txRate(bytes: Uint8Array, fresh: boolean, ms = 600): number {
  const runner = TransactionRunner.load(bytes);
  const req = {
    input: new Uint8Array(0),
    batchContext: { timestamp: 1n, l2Block: 1n, origin: 0n },
    state: { get: () => new Uint8Array(32) },
  };
  for (let i = 0; i < 200; i++) runner.runTransaction(req);
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    for (let i = 0; i < 100; i++) {
      if (fresh) runner.jit.reinstantiate();
      runner.runTransaction(req);
    }
    n += 100;
  }
  return n / ((performance.now() - t0) / 1000);
}

/** Recoveries per second of a fixed valid precompile input (the known-answer vector of vm/host/ecrecover.test.ts). */
function recoverRate(f: (input: Uint8Array) => Uint8Array | undefined, ms: number): number {
  const input = Uint8Array.from(
    Buffer.from(
      "456e9aea5e197a1f1af7a3e85a3212fa4049a3ba34c2289b4c860fc0b0c64ef3000000000000000000000000000000000000000000000000000000000000001c" +
        "9242685bf161793cc25603c231bc2f568eb630ea16aa137d2664ac80388256084f8ae3bd7535248d0bd448298cc2e2071e56992d0774dc340c368ae950852ada",
      "hex",
    ),
  );
  if (f(input) === undefined) throw new Error("ecrecover: the benchmark vector did not recover");
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    for (let i = 0; i < 10; i++) f(input);
    n += 10;
  }
  return n / ((performance.now() - t0) / 1000);
}

export async function main(): Promise<void> {
  emit({
    name: "vm.host.ecrecover",
    value: Math.round(median([0, 1, 2].map(() => recoverRate(ecrecover, 300)))),
    unit: `recoveries/s (${ECRECOVER_BACKEND})`,
    baseline: "@noble/curves",
    baselineValue: Math.round(median([0, 1, 2].map(() => recoverRate(ecrecoverReference, 300)))),
  });
  for (const [name, bytes] of [
    ["vm.tx.start", hostProgram(i32c(0))],
    ["vm.tx.start.engine", new Uint8Array(readFileSync(new URL("../engine/engine.wasm", import.meta.url)))],
  ] as const) {
    const reused = median([0, 1, 2].map(() => txRate(bytes, false)));
    const fresh = median([0, 1, 2].map(() => txRate(bytes, true, 300)));
    emit({
      name,
      value: Math.round(reused),
      unit: "empty transactions/s (fast path)",
      baseline: "a fresh WebAssembly.Instance per transaction",
      baselineValue: Math.round(fresh),
    });
  }
  const fp = fixedPointOverhead(100_000);
  emit({
    name: "vm.jit.overhead",
    value: round(fp.ratio, 2),
    unit: "x (metered JIT time / plain V8 time, AssemblyScript fixed-point Black-Scholes)",
    plainMs: round(fp.plainMs, 1),
  });
  for (const [name, args] of [
    ["fib", [15]],
    ["mem", [300]],
  ] as const) {
    const plain = median([0, 1, 2].map(() => stepRate(name, [...args], false)));
    const hashed = median([0, 1, 2].map(() => stepRate(name, [...args], true)));
    emit({
      name: `vm.interp.hashed.${name}`,
      value: Math.round(hashed),
      unit: "steps/s with the machine hash after every step",
      baseline: "step() without hashing",
      baselineValue: Math.round(plain),
    });
  }
  for (const [name, arg] of [
    ["sum32", 3_000_000],
    ["mix64", 1_000_000],
    ["mem", 1_000_000],
    ["fib", 27],
  ] as const) {
    const runs = [0, 1, 2].map(() => measure(name, arg));
    emit({
      name: `vm.interp.steps.${name}`,
      value: Math.round(median(runs.map((r) => r.stepsPerSecond))),
      unit: "steps/s",
    });
    emit({
      name: `vm.jit.overhead.${name}`,
      value: round(median(runs.map((r) => r.overhead)), 2),
      unit: "x (metered JIT time / plain V8 time)",
    });
  }
  const halvesRate = median([0, 1, 2].map(() => rate(halves)));
  const bigintRate = median([0, 1, 2].map(() => rate(bigints)));
  emit({
    name: "vm.stack.i64",
    value: Math.round(halvesRate),
    unit: "i64-add stack steps/s, int32 halves",
    baseline: "BigInt64Array slots",
    baselineValue: Math.round(bigintRate),
  });
}
