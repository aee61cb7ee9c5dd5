/**
 * Interpreter throughput, in machine steps per second, on small integer
 * workloads, with V8's JIT (plain and metered) on the same module for scale; plus the measurement
 * behind the value-stack layout (i64 as two int32 halves vs one BigInt slot).
 * Run: node --import tsx vm/benchInterpreter.ts
 */
import { Interpreter, type Value } from "./Interpreter.ts";
import { JitRunner } from "./JitRunner.ts";
import { loadModule } from "./loadModule.ts";
import { buildModule, i32, i32c, i64, i64c } from "./testing/wasmBuilder.ts";
import { webAssembly } from "./webAssemblyApi.ts";

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

function bench(name: string, arg: number): void {
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
  const seconds = (t1 - t0) / 1000;
  console.log(
    `${name.padEnd(6)} ${(x.steps / 1e6).toFixed(1).padStart(6)} M steps in ${(seconds * 1000).toFixed(0).padStart(5)} ms: ` +
      `${(x.steps / seconds / 1e6).toFixed(1).padStart(5)} M steps/s; V8 JIT ${((t1 - t0) / (t3 - t2)).toFixed(0)}x faster, ` +
      `metered JIT ${((t1 - t0) / (t5 - t4)).toFixed(0)}x faster (metering costs ${((t5 - t4) / (t3 - t2)).toFixed(1)}x)`,
  );
}

console.log("interpreter (node", process.version, ")");
bench("sum32", 3_000_000);
bench("mix64", 1_000_000);
bench("mem", 1_000_000);
bench("fib", 27);

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
for (const [label, f] of [
  ["int32 halves", halves],
  ["BigInt64Array", bigints],
] as const) {
  f(10_000);
  const t0 = performance.now();
  f(5_000_000);
  console.log(
    `stack layout ${label.padEnd(13)}: ${(5 / ((performance.now() - t0) / 1000)).toFixed(1)} M i64-add steps/s`,
  );
}
